import { markerOf } from './markers';
import { parseCall, pythonFloatStr, type PyValue } from './pythonLiteral';

/** Beyond this many cases the function shows at function level until collection lists them (bounded tree). */
export const MAX_CASES = 1000;

/**
 * The ids pytest gives the cases of stacked `@pytest.mark.parametrize` decorators, computed from their
 * literal arguments the way pytest 7 does (`IdMaker`). Undefined when any id cannot be known without
 * running Python (a name, a call, an `ids=` function), or when there are more than MAX_CASES: the test
 * then shows at function level until `pytest --collect-only` corrects it.
 */
export function parametrizeIds(markTexts: readonly string[]): string[] | undefined {
  return parametrizeCases(markTexts)?.map((c) => c.id);
}

/** A case of stacked parametrize decorators: its id, and the markers its `pytest.param(marks=…)` give it. */
interface ParametrizeCase {
  id: string;
  markers: string[];
}

/** The cases of stacked parametrize decorators (see parametrizeIds), each with its own marks. */
export function parametrizeCases(
  markTexts: readonly string[],
  aliases: readonly string[] = [],
): ParametrizeCase[] | undefined {
  let cases: ParametrizeCase[] | undefined;
  for (const text of markTexts) {
    const sets = markCases(text, aliases);
    if (!sets) return undefined;
    if ((cases?.length ?? 1) * sets.length > MAX_CASES) return undefined;
    cases =
      cases === undefined
        ? sets
        : cases.flatMap((c) =>
            sets.map((s) => ({ id: `${c.id}-${s.id}`, markers: [...c.markers, ...s.markers] })),
          );
  }
  return cases;
}

/** True for a decorator that parametrizes (`pytest.mark.parametrize(...)`, `mark.parametrize(...)`). */
export function isParametrize(decorator: string): boolean {
  return (
    /^(?:[\w.]*\.)?(?:mark\.)?parametrize\s*\(/.test(decorator) && /parametrize/.test(decorator.split('(')[0])
  );
}

interface ParamSet {
  values: PyValue[];
  id?: PyValue;
  marks?: PyValue;
}

function markCases(text: string, aliases: readonly string[]): ParametrizeCase[] | undefined {
  const call = parseCall(text);
  if (call.kind !== 'call') return undefined;
  const names = argnames(call.args[0] ?? call.kwargs.argnames);
  const values = call.args[1] ?? call.kwargs.argvalues;
  if (!names || !values || (values.kind !== 'list' && values.kind !== 'tuple')) return undefined;
  const idsArg = call.kwargs.ids;
  let ids: PyValue[] | undefined;
  if (idsArg && idsArg.kind !== 'none') {
    if (idsArg.kind !== 'list' && idsArg.kind !== 'tuple') return undefined;
    ids = idsArg.items;
  }
  let sets: ParamSet[] = [];
  for (const item of values.items) {
    if (item.kind === 'call' && /(^|\.)param$/.test(item.callee)) {
      if (item.args.length !== names.length) return undefined;
      sets.push({ values: item.args, id: item.kwargs.id, marks: item.kwargs.marks });
    } else if (names.length === 1) sets.push({ values: [item] });
    else if ((item.kind === 'tuple' || item.kind === 'list') && item.items.length === names.length)
      sets.push({ values: item.items });
    else return undefined;
  }
  // No values: pytest still makes one (skipped) case with NOTSET values.
  if (sets.length === 0) sets = [{ values: names.map(() => ({ kind: 'name', name: 'NOTSET' }) as PyValue) }];
  const resolved: string[] = [];
  for (let idx = 0; idx < sets.length; idx++) {
    const set = sets[idx];
    if (set.id && set.id.kind !== 'none') {
      if (set.id.kind !== 'str') return undefined;
      resolved.push(set.id.value);
      continue;
    }
    const given = ids?.[idx];
    if (given && given.kind !== 'none') {
      const id = idFromValue(given);
      if (id === undefined || id === null) return undefined;
      resolved.push(id);
      continue;
    }
    const parts: string[] = [];
    for (let k = 0; k < names.length; k++) {
      const v = set.values[k];
      if (v.kind === 'name' && v.name === 'NOTSET') {
        parts.push(`${names[k]}${idx}`);
        continue;
      }
      const id = idFromValue(v);
      if (id === undefined) return undefined;
      parts.push(id ?? `${names[k]}${idx}`);
    }
    resolved.push(parts.join('-'));
  }
  const unique = makeUnique(resolved);
  return sets.map((set, i) => ({ id: unique[i], markers: marksOf(set.marks, aliases) }));
}

/** The markers of a `pytest.param(marks=…)`: one mark or a list or tuple of them (a call such as `skipif(…)` too). */
function marksOf(v: PyValue | undefined, aliases: readonly string[]): string[] {
  if (!v) return [];
  const items = v.kind === 'list' || v.kind === 'tuple' ? v.items : [v];
  const out: string[] = [];
  for (const item of items) {
    const text = item.kind === 'name' ? item.name : item.kind === 'call' ? `${item.callee}(` : '';
    const name = markerOf(text, aliases);
    if (name) out.push(name);
  }
  return out;
}

function argnames(v: PyValue | undefined): string[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'str') {
    const names = v.value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return names.length ? names : undefined;
  }
  if (v.kind === 'list' || v.kind === 'tuple') {
    const names = v.items.map((i) => (i.kind === 'str' ? i.value : undefined));
    return names.every((n): n is string => n !== undefined) ? names : undefined;
  }
  return undefined;
}

/** pytest's `_idval_from_value`: a string for supported types, null for "use argname+index", undefined for "cannot know". */
function idFromValue(v: PyValue): string | null | undefined {
  switch (v.kind) {
    case 'str':
      return asciiEscaped(v.value);
    case 'bytes':
      return bytesToAscii(v.value);
    case 'int':
      return v.value.toString();
    case 'float':
      return pythonFloatStr(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
    case 'tuple':
      return null;
    default:
      // A name may be a constant, an enum member or a class (`__name__`); a call may return anything.
      return undefined;
  }
}

/** pytest's `ascii_escaped` of a str: `unicode_escape`, then non-printable ASCII as `\xNN`. */
export function asciiEscaped(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0x100))
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x100 && cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp >= 0x10000) out += `\\U${cp.toString(16).padStart(8, '0')}`;
    else out += ch;
  }
  return out;
}

function bytesToAscii(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x20 || cp >= 0x7f ? `\\x${cp.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

/** pytest's `make_unique_parameterset_ids`: duplicates get a counter suffix. */
function makeUnique(ids: string[]): string[] {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const next = new Map<string, number>();
  return ids.map((id) => {
    if ((counts.get(id) ?? 0) <= 1) return id;
    const n = next.get(id) ?? 0;
    next.set(id, n + 1);
    return `${id}${n}`;
  });
}
