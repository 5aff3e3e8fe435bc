/** A logical Python line: physical lines joined across brackets, backslashes and triple-quoted strings. */
interface LogicalLine {
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
  // Where the run of code not yet copied into `text` begins (-1: none): copied by slices, not by character.
  let run = -1;

  const take = (end: number) => {
    if (run >= 0) {
      text += source.slice(run, end);
      run = -1;
    }
  };
  const flush = (endLine: number) => {
    take(i);
    if (start >= 0) {
      const code = text.trim();
      if (code) out.push({ indent, text: code, start, end: endLine });
    }
    text = '';
    start = -1;
    depth = 0;
  };

  while (i < n) {
    if (atLineStart && depth === 0 && start < 0) {
      let col = 0;
      for (
        let c = source.charCodeAt(i);
        i < n && (c === 32 || c === 9 || c === 12);
        c = source.charCodeAt(++i)
      )
        col = c === 9 ? col + 8 - (col % 8) : col + 1;
      indent = col;
      atLineStart = false;
      continue;
    }
    const c = source.charCodeAt(i);
    if (c === 10 /* \n */) {
      if (depth === 0) flush(line);
      else {
        take(i);
        text += ' ';
      }
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (c === 13 /* \r */) {
      take(i);
      i++;
      continue;
    }
    if (c === 35 /* # */) {
      take(i);
      while (i < n && source.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 92 /* \ */ && (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n'))) {
      take(i);
      i += source[i + 1] === '\r' ? 3 : 2;
      line++;
      text += ' ';
      continue;
    }
    if (start < 0) start = line;
    if (run < 0) run = i;
    // A string literal (its prefix is already in the run): copied verbatim with the run.
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const q = source[i];
      const triple = source.charCodeAt(i + 1) === c && source.charCodeAt(i + 2) === c;
      const quote = triple ? q + q + q : q;
      let j = i + quote.length;
      while (j < n) {
        const d = source.charCodeAt(j);
        if (d === 92 /* \ */) {
          // Even in a raw string a backslash keeps the next quote from ending it.
          if (source.charCodeAt(j + 1) === 10) line++;
          j += 2;
          continue;
        }
        if (d === c && (!triple || source.startsWith(quote, j))) {
          j += quote.length;
          break;
        }
        if (d === 10) {
          if (!triple) break; // an unterminated string: stop at the end of the line
          line++;
        }
        j++;
      }
      i = Math.min(j, n);
      continue;
    }
    if (c === 40 || c === 91 || c === 123 /* ( [ { */) depth++;
    else if ((c === 41 || c === 93 || c === 125) /* ) ] } */ && depth > 0) depth--;
    i++;
  }
  flush(line);
  return out;
}
