/**
 * The extension's one glob engine: `tests.include` (for the tree and the file watcher alike), `testpaths`
 * globs, and pytest's `fnmatch` of `python_files` / `python_classes` / `python_functions`. No dependency,
 * and no pattern can make it slow: `*` compiles as Python's fnmatch compiles it (an atomic lazy match, so
 * `*a*a*a*b` cannot backtrack polynomially), `**` is matched segment by segment, `{a,b}` is expanded up
 * to a bound, and a pattern too large to compile matches nothing instead of throwing.
 */

/** A compiled glob; `test` takes a `/`-separated path relative to the folder the glob is relative to. */
interface PathGlob {
  test(path: string): boolean;
}

/** `{a,b}` alternatives beyond this are not expanded (the braces are then read literally). */
const MAX_ALTERNATIVES = 256;
/** Braces nested deeper than this are read literally. */
const MAX_BRACE_DEPTH = 8;

/** Compiles a VS Code-style include glob: `**` (any folders), `*`, `?`, `[...]`, `[!...]`, `{a,b}`. */
export function compileGlob(glob: string): PathGlob {
  const matchers = expandBraces(glob).map(compileAlternative);
  return { test: (path) => matchers.some((m) => m(path)) };
}

/** pytest's `fnmatch` of a name against one pattern: `*` crosses `/`, no braces. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = fnmatchCache.get(pattern);
  if (!re) {
    re = segmentRegExp(pattern);
    if (fnmatchCache.size > 256) fnmatchCache.clear();
    fnmatchCache.set(pattern, re);
  }
  return re.test(name);
}
const fnmatchCache = new Map<string, RegExp>();

type SegmentMatcher = RegExp | '**';

function compileAlternative(pattern: string): (path: string) => boolean {
  const segments: SegmentMatcher[] = [];
  for (const s of pattern.split('/')) {
    if (s === '**') {
      if (segments[segments.length - 1] !== '**') segments.push('**');
    } else segments.push(segmentRegExp(s));
  }
  return (path) => matchSegments(segments, path.split('/'));
}

/** Wildcard matching over path segments, `**` standing for any number of them: O(pattern × path). */
function matchSegments(pattern: readonly SegmentMatcher[], parts: readonly string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < parts.length) {
    const m = pattern[p];
    if (m === '**') {
      starP = p++;
      starS = s;
    } else if (m !== undefined && m.test(parts[s])) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else return false;
  }
  while (pattern[p] === '**') p++;
  return p === pattern.length;
}

const NEVER = /(?!)/;
/** A segment pattern longer than this matches nothing: no real path needs it, and it could not compile. */
const MAX_SEGMENT_PATTERN = 10_000;

/**
 * One segment (or a whole fnmatch pattern) as a regular expression, the way Python's `fnmatch.translate`
 * builds it: every `*` but the last is `(?=(.*?FIXED))\N`, which matches the text up to the next fixed part
 * without ever backtracking into it.
 */
function segmentRegExp(pattern: string): RegExp {
  if (pattern.length > MAX_SEGMENT_PATTERN) return NEVER;
  const chunks: string[] = [''];
  let closeAt = -2;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      chunks.push('');
      while (pattern[i + 1] === '*') i++;
    } else if (c === '?') chunks[chunks.length - 1] += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      // The next `]` from j: searched once and reused while it lies ahead (linear on `[[[[…`).
      if (closeAt !== -1 && closeAt < j) closeAt = pattern.indexOf(']', j);
      if (closeAt < 0) chunks[chunks.length - 1] += '\\[';
      else {
        chunks[chunks.length - 1] += charClass(pattern.slice(i + 1, closeAt));
        i = closeAt;
      }
    } else chunks[chunks.length - 1] += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  // chunks: the part before the first star, then one part after each star.
  let re = chunks[0];
  for (let k = 1; k < chunks.length; k++) {
    if (k === chunks.length - 1) re += `[\\s\\S]*${chunks[k]}`;
    else re += `(?=([\\s\\S]*?${chunks[k]}))\\${k}`;
  }
  try {
    const compiled = new RegExp(`^${re}$`);
    compiled.test(''); // V8 compiles on first use: a size error must surface here, not in a caller
    return compiled;
  } catch {
    return NEVER;
  }
}

/** The body of `[...]` as Python's fnmatch reads it: `!` negates, reversed ranges are empty, the rest literal. */
function charClass(body: string): string {
  let negate = false;
  if (body[0] === '!') {
    negate = true;
    body = body.slice(1);
  }
  let set = '';
  for (let k = 0; k < body.length; k++) {
    if (body[k + 1] === '-' && k + 2 < body.length) {
      if (body[k] <= body[k + 2]) set += `${escapeInClass(body[k])}-${escapeInClass(body[k + 2])}`;
      k += 2;
    } else set += escapeInClass(body[k]);
  }
  if (set === '') return negate ? '[\\s\\S]' : '(?!)';
  return `[${negate ? '^' : ''}${set}]`;
}

function escapeInClass(c: string): string {
  return /[\\\]^[-]/.test(c) ? `\\${c}` : c;
}

/** `{a,b}` expanded into alternatives, nested braces included; unmatched braces are literal. */
function expandBraces(glob: string): string[] {
  if (!glob.includes('{')) return [glob];
  // Matching pairs in one pass, so `{{{{…` costs linear time.
  const close = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '{') open.push(i);
    else if (glob[i] === '}' && open.length) close.set(open.pop()!, i);
  }
  const expand = (from: number, to: number, depth: number): string[] | undefined => {
    let out = [''];
    let literal = '';
    for (let i = from; i < to; i++) {
      const end = glob[i] === '{' ? close.get(i) : undefined;
      if (end === undefined || end > to || depth >= MAX_BRACE_DEPTH) {
        literal += glob[i];
        continue;
      }
      const options: string[] = [];
      let start = i + 1;
      for (let k = i + 1; k <= end; k++) {
        const inner = glob[k] === '{' ? close.get(k) : undefined;
        if (inner !== undefined && inner < end) k = inner;
        else if (glob[k] === ',' || k === end) {
          const alternatives = expand(start, k, depth + 1);
          if (!alternatives) return undefined;
          options.push(...alternatives);
          start = k + 1;
        }
      }
      const next: string[] = [];
      for (const prefix of out) for (const o of options) next.push(prefix + literal + o);
      if (next.length > MAX_ALTERNATIVES || next.length * glob.length > 1 << 22) return undefined;
      out = next;
      literal = '';
      i = end;
    }
    return out.map((prefix) => prefix + literal);
  };
  return expand(0, glob.length, 0) ?? [glob];
}
