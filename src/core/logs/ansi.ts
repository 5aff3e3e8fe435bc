/**
 * ANSI SGR colour codes in log lines, turned into text segments with class names (the webview
 * renders each as a span with textContent; the text never becomes markup). Other escape
 * sequences (cursor moves, erase line) are dropped.
 */
interface AnsiSegment {
  text: string;
  /** Space-separated class names such as `ansi-fg-1 ansi-bold`; '' for plain text. */
  classes: string;
}

// CSI sequences (ESC [ params final) and the two-byte escapes; OSC (ESC ] … BEL) too.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/**
 * Strips escape sequences with the same pattern `parseAnsi` splits on, so a line's stripped text is exactly
 * its segments' text. Kept here rather than `util.stripVTControlCharacters` because the log viewer's
 * webview runs this too, and has no `node:util`; Node-side code uses Node's.
 */
export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(ESCAPE, '');
}

interface Style {
  fg?: number;
  bg?: number;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export function parseAnsi(text: string): AnsiSegment[] {
  if (text.indexOf('\x1b') < 0) return [{ text, classes: '' }];
  const out: AnsiSegment[] = [];
  let style: Style = {};
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m; m = ESCAPE.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), classes: classesOf(style) });
    last = m.index + m[0].length;
    if (m[0].startsWith('\x1b[') && m[0].endsWith('m')) style = applySgr(style, m[0].slice(2, -1));
  }
  if (last < text.length) out.push({ text: text.slice(last), classes: classesOf(style) });
  return out.filter((s) => s.text.length > 0);
}

function applySgr(prev: Style, params: string): Style {
  const s: Style = { ...prev };
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0)
      Object.assign(s, {
        fg: undefined,
        bg: undefined,
        bold: false,
        dim: false,
        italic: false,
        underline: false,
      });
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c === 39) s.fg = undefined;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8;
    else if (c === 49) s.bg = undefined;
    else if (c === 38 || c === 48) {
      // 256 colours: the first 16 map to the theme's ANSI colours; the rest, and true colour, are skipped.
      if (codes[i + 1] === 5) {
        const n = codes[i + 2];
        if (n < 16) s[c === 38 ? 'fg' : 'bg'] = n;
        i += 2;
      } else if (codes[i + 1] === 2) i += 4;
    }
  }
  return s;
}

function classesOf(s: Style): string {
  const c: string[] = [];
  if (s.fg !== undefined) c.push(`ansi-fg-${s.fg}`);
  if (s.bg !== undefined) c.push(`ansi-bg-${s.bg}`);
  if (s.bold) c.push('ansi-bold');
  if (s.dim) c.push('ansi-dim');
  if (s.italic) c.push('ansi-italic');
  if (s.underline) c.push('ansi-underline');
  return c.join(' ');
}
