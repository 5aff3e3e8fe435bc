/** Python literals the static reader can evaluate without Python; anything else is `unknown`. */
export type PyValue =
  | { kind: 'str'; value: string }
  | { kind: 'bytes'; value: string }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'list' | 'tuple'; items: PyValue[] }
  | { kind: 'call'; callee: string; args: PyValue[]; kwargs: Record<string, PyValue> }
  | { kind: 'name'; name: string }
  | { kind: 'unknown' };

type Tok =
  | { t: 'str'; prefix: string; body: string }
  | { t: 'num'; text: string }
  | { t: 'name'; text: string }
  | { t: 'op'; text: string };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  const re =
    /\s+|([rRbBuUfF]{0,2})("""|'''|"|')|(0[xXoObB][\da-fA-F_]+|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?[jJ]?|\.\d[\d_]*(?:[eE][+-]?\d+)?)|([A-Za-z_][\w.]*)|(\*\*|==|!=|<=|>=|->|:=|[()[\]{},=:+\-*/%@<>|&^~.;!])|(.)/gy;
  let m: RegExpExecArray | null;
  // Only the first element is ever parsed: stop one token after its brackets close (trailing text is not read).
  let depth = 0;
  let closedAt = -1;
  while (re.lastIndex < src.length && (m = re.exec(src))) {
    if (closedAt >= 0 && toks.length > closedAt) break;
    if (m[2] !== undefined) {
      const quote = m[2];
      let j = re.lastIndex;
      let body = '';
      while (j < src.length && !src.startsWith(quote, j)) {
        if (src[j] === '\\') {
          body += src.slice(j, j + 2);
          j += 2;
        } else body += src[j++];
      }
      re.lastIndex = j + quote.length;
      toks.push({ t: 'str', prefix: m[1].toLowerCase(), body });
    } else if (m[3] !== undefined) toks.push({ t: 'num', text: m[3] });
    else if (m[4] !== undefined) toks.push({ t: 'name', text: m[4] });
    else if (m[5] !== undefined) {
      toks.push({ t: 'op', text: m[5] });
      if ('([{'.includes(m[5])) depth++;
      else if (')]}'.includes(m[5]) && depth > 0 && --depth === 0) closedAt = toks.length;
    } else if (m[6] !== undefined) toks.push({ t: 'op', text: m[6] });
  }
  return toks;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** Decodes the escapes of a non-raw string body; undefined when it holds one the reader cannot decode. */
function unescape(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const d = body[++i];
    if (d in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[d];
    else if (d === 'x' || d === 'u' || d === 'U') {
      const len = d === 'x' ? 2 : d === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[\da-fA-F]+$/.test(hex) || hex.length !== len) return undefined;
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (/[0-7]/.test(d)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length - 1;
    } else if (d === 'N') return undefined;
    else out += '\\' + d;
  }
  return out;
}

/** Brackets nested deeper than this read as `unknown` (Python's own parser stops near 200). */
const MAX_NESTING = 100;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.text === text;
  }

  /** One element of a list, tuple or call: a literal, or `unknown` up to the next `,` or closing bracket. */
  element(): PyValue {
    const v = this.primary();
    const t = this.peek();
    if (!t || (t.t === 'op' && [',', ')', ']', '}', '='].includes(t.text))) return v;
    this.skipToElementEnd();
    return { kind: 'unknown' };
  }

  private skipToElementEnd(): void {
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.t === 'op') {
        if ('([{'.includes(t.text)) depth++;
        else if (')]}'.includes(t.text)) {
          if (depth === 0) return;
          depth--;
        } else if (t.text === ',' && depth === 0) return;
      }
      this.i++;
    }
  }

  private primary(): PyValue {
    if (this.depth >= MAX_NESTING) return this.bail();
    this.depth++;
    try {
      return this.value();
    } finally {
      this.depth--;
    }
  }

  private value(): PyValue {
    const t = this.peek();
    if (!t) return { kind: 'unknown' };
    if (t.t === 'str') return this.strings();
    if (t.t === 'num') {
      this.i++;
      return number(t.text);
    }
    if (t.t === 'op' && (t.text === '-' || t.text === '+')) {
      this.i++;
      const v = this.primary();
      if (t.text === '+') return v.kind === 'int' || v.kind === 'float' ? v : { kind: 'unknown' };
      if (v.kind === 'int') return { kind: 'int', value: -v.value };
      if (v.kind === 'float') return { kind: 'float', value: -v.value };
      return { kind: 'unknown' };
    }
    if (t.t === 'op' && (t.text === '(' || t.text === '[')) {
      this.i++;
      const close = t.text === '(' ? ')' : ']';
      const items: PyValue[] = [];
      let sawComma = false;
      while (this.peek() && !this.isOp(close)) {
        items.push(this.element());
        if (this.isOp(',')) {
          sawComma = true;
          this.i++;
        } else if (!this.isOp(close)) return this.bail();
      }
      this.i++;
      if (t.text === '(' && items.length === 1 && !sawComma) return items[0];
      return { kind: t.text === '(' ? 'tuple' : 'list', items };
    }
    if (t.t === 'name') {
      this.i++;
      if (t.text === 'True' || t.text === 'False') return { kind: 'bool', value: t.text === 'True' };
      if (t.text === 'None') return { kind: 'none' };
      if (this.isOp('(')) return this.call(t.text);
      return { kind: 'name', name: t.text };
    }
    return this.bail();
  }

  private bail(): PyValue {
    this.skipToElementEnd();
    return { kind: 'unknown' };
  }

  private strings(): PyValue {
    let value = '';
    let bytes = false;
    let unknown = false;
    for (let t = this.peek(); t?.t === 'str'; t = this.peek()) {
      this.i++;
      if (t.prefix.includes('f')) unknown = true;
      if (t.prefix.includes('b')) bytes = true;
      const s = t.prefix.includes('r') ? t.body : unescape(t.body);
      if (s === undefined) unknown = true;
      else value += s;
    }
    if (unknown) return { kind: 'unknown' };
    return bytes ? { kind: 'bytes', value } : { kind: 'str', value };
  }

  private call(callee: string): PyValue {
    this.i++; // (
    const args: PyValue[] = [];
    const kwargs: Record<string, PyValue> = {};
    while (this.peek() && !this.isOp(')')) {
      const t = this.peek()!;
      const next = this.toks[this.i + 1];
      if (t.t === 'name' && next?.t === 'op' && next.text === '=') {
        this.i += 2;
        kwargs[t.text] = this.element();
      } else if (t.t === 'op' && (t.text === '*' || t.text === '**')) {
        this.i++;
        this.element();
        args.push({ kind: 'unknown' });
      } else args.push(this.element());
      if (this.isOp(',')) this.i++;
      else if (!this.isOp(')')) return this.bail();
    }
    this.i++;
    return { kind: 'call', callee, args, kwargs };
  }
}

function number(text: string): PyValue {
  const clean = text.replace(/_/g, '');
  // Python 3.11+ refuses an int literal this long (the int/str conversion limit); BigInt would be slow on it.
  if (clean.length > 4300) return { kind: 'unknown' };
  if (/[jJ]$/.test(clean)) return { kind: 'unknown' };
  if (/^0[xXoObB]/.test(clean)) return { kind: 'int', value: BigInt(clean.toLowerCase()) };
  if (/^\d+$/.test(clean)) return { kind: 'int', value: BigInt(clean) };
  return { kind: 'float', value: Number(clean) };
}

/** Parses the text of a call's arguments, e.g. the `(...)` of a decorator. */
export function parseCall(text: string): PyValue {
  const toks = tokenize(text);
  const p = new Parser(toks);
  return p.element();
}

/** Python's `repr(float)`/`str(float)`: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pythonFloatStr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}
