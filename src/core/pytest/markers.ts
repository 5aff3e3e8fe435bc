/**
 * pytest markers as the Testing view's tags. Every marker counts, `skip`, `skipif` and `xfail` too (their
 * arguments do not matter: the tag is the name), except the ones that are pytest's machinery rather than a
 * kind of test: `parametrize` (its cases are already the tree), `usefixtures` and `filterwarnings`.
 */
const NOT_TAGS: ReadonlySet<string> = new Set(['parametrize', 'usefixtures', 'filterwarnings']);

/** The markers that become tags, sorted, once each: the static read and pytest's collection both go through here. */
export function tagMarkers(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const n of names) if (!NOT_TAGS.has(n)) out.add(n);
  return [...out].sort();
}

/** What a parametrized function's item carries: the markers all its cases share. */
export function sharedMarkers(cases: readonly string[][]): string[] {
  if (!cases.length) return [];
  const first = cases[0];
  // Usually every case holds the same array (no marks of its own): nothing to compare.
  if (cases.every((c) => c === first)) return first;
  return first.filter((m) => cases.every((c) => c.includes(m)));
}

/**
 * The marker a decorator (or a `pytestmark` item) applies: `pytest.mark.slow`, `mark.slow(...)` after
 * `from pytest import mark`, or `m.slow` after `from pytest import mark as m`. Undefined for anything else.
 */
export function markerOf(text: string, aliases: readonly string[] = []): string | undefined {
  const m = /^([\w.]+)\.([A-Za-z_]\w*)\s*(?:\(|$)/.exec(text.trim());
  if (!m) return undefined;
  const owner = m[1];
  return owner === 'mark' || owner.endsWith('.mark') || aliases.includes(owner) ? m[2] : undefined;
}

/** The markers of a `pytestmark = …` value: one mark, or a list or tuple of them. */
export function pytestmarkMarkers(value: string, aliases: readonly string[] = []): string[] {
  const text = value.trim();
  const inner = /^[[(]/.test(text) ? text.slice(1, /[\])]$/.test(text) ? -1 : undefined) : text;
  return topLevelItems(inner)
    .map((item) => markerOf(item, aliases))
    .filter((n): n is string => n !== undefined);
}

/** Splits at the commas outside brackets and strings: `a, b(x, [y]), "c,d"` gives three items. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      items.push(text.slice(from, i));
      from = i + 1;
    }
  }
  items.push(text.slice(from));
  return items.map((s) => s.trim()).filter(Boolean);
}

/** The names `from pytest import mark` binds (`mark`, or its `as` alias) in one import line. */
export function markAliases(importLine: string): string[] {
  const m = /^from\s+pytest\s+import\s+\(?([^)]*)\)?$/.exec(importLine.trim());
  if (!m) return [];
  const out: string[] = [];
  for (const part of m[1].split(',')) {
    const [name, , alias] = part.trim().split(/\s+/);
    if (name === 'mark' && alias && alias !== 'mark') out.push(alias);
  }
  return out;
}

/** The tag of tests that need a part of the deployed cluster the local one lacks (`tests.needsComponent`). */
export const NEEDS_COMPONENT_TAG = 'needs-component';

/** The parts a test's markers say it needs, by `tests.needsComponent` (marker → the part's name), once each. */
export function neededComponents(
  markers: readonly string[],
  needsComponent: Readonly<Record<string, string>>,
): string[] {
  const parts = new Set<string>();
  for (const m of markers)
    if (Object.hasOwn(needsComponent, m) && needsComponent[m].trim()) parts.add(needsComponent[m].trim());
  return [...parts];
}

/** A test's tags as the Testing view shows them (the flaky tag aside, which comes from its history). */
export function testTags(markers: readonly string[], needed: readonly string[]): string[] {
  return needed.length ? [...markers, NEEDS_COMPONENT_TAG] : [...markers];
}

/** What a test that needs missing parts says beside its name. */
export function neededNote(needed: readonly string[]): string {
  return `needs ${needed.join(', ')}: not in the local cluster, run it on CI`;
}
