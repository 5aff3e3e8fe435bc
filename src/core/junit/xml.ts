/**
 * A small, bounded XML reader for JUnit reports: elements, attributes, text, CDATA, comments, the five named
 * entities and character references. No DTDs, no namespaces, no external entities (so nothing to expand or
 * fetch). Enough for what pytest, and the tools that merge its reports, write.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), children's text left out. */
  text: string;
}

export class XmlError extends Error {}

/** Reports past these are refused rather than read: a JUnit file of a real suite is far below them. */
export const XML_LIMITS = { maxChars: 256 * 1024 * 1024, maxDepth: 64 };

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** `&lt;`, `&#10;`, `&#x1F600;` decoded; an unknown entity is kept as written. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const NAME = /[^\s/>]+/y;

/** Parses a document and returns its root element. Throws XmlError with where and what. */
export function parseXml(source: string): XmlElement {
  if (source.length > XML_LIMITS.maxChars)
    throw new XmlError(`the report is ${source.length} characters, more than ${XML_LIMITS.maxChars}`);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (what: string): never => {
    const line = source.slice(0, i).split('\n').length;
    throw new XmlError(`${what} (line ${line})`);
  };
  const text = (s: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
    else if (s.trim()) fail('text outside the root element');
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    if (lt < 0) {
      text(decodeEntities(source.slice(i)));
      break;
    }
    if (lt > i) text(decodeEntities(source.slice(i, lt)));
    i = lt;
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      if (end < 0) fail('a comment is not closed');
      i = end + 3;
    } else if (source.startsWith('<![CDATA[', i)) {
      const end = source.indexOf(']]>', i + 9);
      if (end < 0) fail('a CDATA section is not closed');
      text(source.slice(i + 9, end));
      i = end + 3;
    } else if (source.startsWith('<?', i)) {
      const end = source.indexOf('?>', i + 2);
      if (end < 0) fail('a processing instruction is not closed');
      i = end + 2;
    } else if (source.startsWith('<!', i)) {
      // A DOCTYPE: skipped, its entities are never expanded.
      const end = source.indexOf('>', i + 2);
      if (end < 0) fail('a declaration is not closed');
      i = end + 1;
    } else if (source.startsWith('</', i)) {
      const end = source.indexOf('>', i + 2);
      if (end < 0) fail('a closing tag is not closed');
      const name = source.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      i = end + 1;
    } else {
      const end = tagEnd(source, i + 1);
      if (end < 0) fail('a tag is not closed');
      const selfClosing = source[end - 1] === '/';
      NAME.lastIndex = i + 1;
      const name = NAME.exec(source)?.[0] ?? '';
      if (!name) fail('a tag without a name');
      const attrs: Record<string, string> = {};
      const body = source.slice(i + 1 + name.length, selfClosing ? end - 1 : end);
      readAttributes(body, attrs);
      const el: XmlElement = { name, attrs, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) fail('a second root element');
      else root = el;
      if (!selfClosing) {
        if (stack.length >= XML_LIMITS.maxDepth) fail(`elements nested deeper than ${XML_LIMITS.maxDepth}`);
        stack.push(el);
      }
      i = end + 1;
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Index of the `>` that ends the tag starting at `from`, skipping `>` inside quoted attribute values. */
function tagEnd(s: string, from: number): number {
  let quote = '';
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}

const SPACE = /\s/;
const isSpace = (c: string) => SPACE.test(c);

/**
 * `name="value"` pairs of a tag body, in one pass: the pattern used before, `([^\s=/>]+)\s*=`, backtracked
 * at every position of a long body with no `=`. Reads what that pattern read; what is not a pair is skipped.
 */
function readAttributes(body: string, attrs: Record<string, string>): void {
  let j = 0;
  while (j < body.length) {
    const c = body[j];
    if (isSpace(c) || c === '=' || c === '/' || c === '>') {
      j++;
      continue;
    }
    const nameStart = j;
    while (j < body.length && !isSpace(body[j]) && body[j] !== '=' && body[j] !== '/' && body[j] !== '>') j++;
    const name = body.slice(nameStart, j);
    while (j < body.length && isSpace(body[j])) j++;
    if (body[j] !== '=') continue;
    j++;
    while (j < body.length && isSpace(body[j])) j++;
    const quote = body[j];
    if (quote !== '"' && quote !== "'") continue;
    const close = body.indexOf(quote, j + 1);
    // Not a value: a quote left open starts the next name, as it did for the pattern. (Once per kind of quote:
    // none follows, so no later search fails again.)
    if (close < 0) continue;
    const value = body.slice(j + 1, close);
    attrs[name] =
      value.includes('&') || value.includes('\r') ? decodeEntities(value).replace(/\r\n?/g, '\n') : value;
    j = close + 1;
  }
}
