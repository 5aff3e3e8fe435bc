/**
 * The pytest call on one line of a workflow step's `run:`: where its arguments end, which of them are test
 * paths, and the JUnit report it writes. Enough of shell words to edit the line in place, not a shell parser.
 */

interface CommandWord {
  text: string;
  start: number;
  end: number;
}

export interface PytestCommand {
  text: string;
  /** The test paths given (words that are no option and no option's value). */
  paths: CommandWord[];
  /** Where pytest's arguments end: before `&&`, `|`, a redirection or a comment, or the line's end. */
  argsEnd: number;
  /** The report `--junitxml` writes, when given. */
  junitxml: string | undefined;
}

/** pytest's options that take the next word as their value when not written `--opt=value`. */
const TAKES_VALUE = new Set([
  ...['-c', '-k', '-m', '-p', '-o', '-W', '-n', '-r'],
  ...['--rootdir', '--confcutdir', '--basetemp', '--junitxml', '--junit-xml', '--junit-prefix', '--maxfail'],
  ...['--durations', '--tb', '--deselect', '--ignore', '--ignore-glob', '--log-level', '--log-file'],
  ...['--override-ini', '--capture', '--dist', '--cov-report', '--import-mode', '--pyargs'],
]);
const ENDS_COMMAND = /^(?:&&|\|\||\||;|&|[0-9]*>>?.*|<.*|#.*)$/;
const INSTALLS = new Set(['install', 'add', 'pip', 'pipx']);

/** The words of a line: quotes and `${{ … }}` kept whole. */
function commandWords(line: string): CommandWord[] {
  const words: CommandWord[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    while (i < line.length && !/\s/.test(line[i])) {
      if (line.startsWith('${{', i)) {
        const close = line.indexOf('}}', i + 3);
        i = close < 0 ? line.length : close + 2;
      } else if (line[i] === "'" || line[i] === '"') {
        const close = line.indexOf(line[i], i + 1);
        i = close < 0 ? line.length : close + 1;
      } else i++;
    }
    words.push({ text: line.slice(start, i), start, end: i });
  }
  return words;
}

/** The pytest call on `line`, or undefined when the line does not run pytest (an install of it does not). */
export function pytestCommand(line: string): PytestCommand | undefined {
  const words = commandWords(line);
  let at = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i].text;
    if (ENDS_COMMAND.test(w)) continue;
    if (w === 'pytest' || w === 'py.test' || /\/(?:pytest|py\.test)$/.test(w)) {
      if (words.slice(0, i).some((p) => INSTALLS.has(p.text))) return undefined;
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  const paths: CommandWord[] = [];
  let junitxml: string | undefined;
  let argsEnd = words[at].end;
  for (let i = at + 1; i < words.length; i++) {
    const w = words[i];
    if (ENDS_COMMAND.test(w.text)) break;
    argsEnd = w.end;
    const eq = /^(--junit-?xml)=(.*)$/.exec(w.text);
    if (eq) junitxml = eq[2];
    if (w.text.startsWith('-')) {
      if (TAKES_VALUE.has(w.text) && i + 1 < words.length && !ENDS_COMMAND.test(words[i + 1].text)) {
        if (w.text === '--junitxml' || w.text === '--junit-xml') junitxml = words[i + 1].text;
        i++;
        argsEnd = words[i].end;
      }
      continue;
    }
    // `${{ … }}` is a value the workflow fills in (an input), not a path of the repository.
    if (!w.text.startsWith('${{') && w.text !== '\\') paths.push(w);
  }
  return { text: line, paths, argsEnd, junitxml };
}
