import { parseXml, XmlError, type XmlElement } from './xml';

/** What a testcase says happened, in the Test Explorer's words; `xfailed` is shown as skipped. */
export type JUnitOutcome = 'passed' | 'failed' | 'errored' | 'skipped';

/** One `<testcase>` as pytest's junitxml writes it (xunit1 adds `file` and `line`, xunit2 does not). */
export interface JUnitCase {
  classname: string;
  name: string;
  /** xunit1 only: the file relative to the rootdir, and the 0-based line of the test. */
  file?: string;
  line?: number;
  outcome: JUnitOutcome;
  /** What failed or why it was skipped: the element's message, then its text (the traceback). */
  message: string;
  /** Seconds. */
  duration: number | undefined;
  /** True for pytest's "collection failure": the error belongs to the file, not to a test. */
  collectionError: boolean;
  /** Which report it came from (a shard's file name), for messages. */
  source: string;
}

type ReportRead = { kind: 'read'; cases: JUnitCase[] } | { kind: 'invalid'; problem: string };

/** Reads one JUnit XML report; `source` names it in problems ("junit-shard-2/report.xml"). */
export function readJUnitReport(xml: string, source: string): ReportRead {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    const why = e instanceof XmlError ? e.message : String(e);
    return { kind: 'invalid', problem: `${source} is not a JUnit XML report: ${why}.` };
  }
  if (root.name !== 'testsuites' && root.name !== 'testsuite')
    return {
      kind: 'invalid',
      problem: `${source} is not a JUnit XML report: its root is <${root.name}>, not <testsuites> or <testsuite>.`,
    };
  const cases: JUnitCase[] = [];
  const walk = (el: XmlElement) => {
    for (const child of el.children) {
      if (child.name === 'testcase') cases.push(readCase(child, source));
      else if (child.name === 'testsuite') walk(child);
    }
  };
  if (root.name === 'testsuite') walk({ name: 'testsuites', attrs: {}, children: [root], text: '' });
  else walk(root);
  return { kind: 'read', cases };
}

function readCase(el: XmlElement, source: string): JUnitCase {
  const a = el.attrs;
  const time = a.time === undefined ? NaN : Number(a.time);
  const line = a.line === undefined ? NaN : Number(a.line);
  const base = {
    classname: a.classname ?? '',
    name: a.name ?? '',
    ...(a.file !== undefined ? { file: a.file } : {}),
    ...(Number.isInteger(line) && line >= 0 ? { line } : {}),
    duration: Number.isFinite(time) ? time : undefined,
    source,
  };
  // A call that failed and a teardown that errored both land in one testcase: the failure is what to show.
  const failure = el.children.find((c) => c.name === 'failure');
  const error = el.children.find((c) => c.name === 'error');
  const skipped = el.children.find((c) => c.name === 'skipped');
  const shown = failure ?? error;
  if (shown) {
    const extra = failure && error ? `\n\nAlso: ${describe(error)}` : '';
    return {
      ...base,
      outcome: failure ? 'failed' : 'errored',
      message: describe(shown) + extra,
      collectionError: !failure && error?.attrs.message === 'collection failure',
    };
  }
  if (skipped) {
    const xfail = skipped.attrs.type === 'pytest.xfail';
    const why = describe(skipped);
    return {
      ...base,
      outcome: 'skipped',
      message: xfail ? `xfailed${why ? `: ${why}` : ''}` : why,
      collectionError: false,
    };
  }
  return { ...base, outcome: 'passed', message: '', collectionError: false };
}

/** The message attribute, then the text when it says more (pytest puts the traceback in the text). */
function describe(el: XmlElement): string {
  const msg = (el.attrs.message ?? '').trim();
  const text = el.text.trim();
  if (!text || text === msg) return msg;
  if (!msg) return text;
  return `${msg}\n\n${text}`;
}

/**
 * The 1-based line a failure points at in `file` (a path relative to the rootdir, or its base name): the last
 * `path:LINE: ` of the traceback that names the file, which pytest writes for the failing line of the test.
 */
export function failingLine(message: string, file: string): number | undefined {
  const base = file.slice(file.lastIndexOf('/') + 1);
  let found: number | undefined;
  for (const m of message.matchAll(/^(.*?\.py):(\d+):/gm)) {
    const path = m[1].trim().replace(/\\/g, '/');
    if (path === file || path.endsWith(`/${file}`) || path === base || path.endsWith(`/${base}`))
      found = Number(m[2]);
  }
  return found;
}
