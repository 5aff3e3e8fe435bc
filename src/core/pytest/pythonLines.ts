/** A logical Python line: physical lines joined across brackets, backslashes and triple-quoted strings. */
export interface LogicalLine {
  indent: number;
  /** The code with comments removed; strings kept verbatim. */
  text: string;
  /** 0-based physical lines where it starts and ends. */
  start: number;
  end: number;
}

/**
 * Splits Python source into logical lines without running Python: enough of the tokenizer to know where
 * strings, comments and brackets are, so the reader never mistakes text inside a string for code.
 */
export function logicalLines(source: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const n = source.length;
  let i = 0;
  let line = 0;
  let depth = 0;
  let text = '';
  let start = -1;
  let indent = 0;
  let atLineStart = true;

  const flush = (endLine: number) => {
    if (start >= 0 && text.trim()) out.push({ indent, text: text.trim(), start, end: endLine });
    text = '';
    start = -1;
    depth = 0;
  };

  while (i < n) {
    if (atLineStart && depth === 0 && start < 0) {
      let col = 0;
      while (i < n && (source[i] === ' ' || source[i] === '\t' || source[i] === '\f')) {
        col = source[i] === '\t' ? col + 8 - (col % 8) : col + 1;
        i++;
      }
      indent = col;
      atLineStart = false;
      continue;
    }
    const c = source[i];
    if (c === '\n') {
      if (depth === 0) flush(line);
      else text += ' ';
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      i += source[i + 1] === '\r' ? 3 : 2;
      line++;
      text += ' ';
      continue;
    }
    if (start < 0) start = line;
    // A string literal, with its prefix already in `text`.
    if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < n) {
        const d = source[j];
        if (d === '\\') {
          // Even in a raw string a backslash keeps the next quote from ending it.
          if (source[j + 1] === '\n') line++;
          j += 2;
          continue;
        }
        if (source.startsWith(quote, j)) {
          j += quote.length;
          break;
        }
        if (d === '\n') {
          if (!triple) break; // an unterminated string: stop at the end of the line
          line++;
        }
        j++;
      }
      text += source.slice(i, j);
      i = j;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    text += c;
    i++;
  }
  flush(line);
  return out;
}
