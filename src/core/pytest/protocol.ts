/**
 * The events the extension's pytest plugin sends, one JSON object per line over a local socket.
 * The Python twin is `python/codespace_tests_plugin.py` (PROTOCOL_VERSION there); change both together.
 */
export const PLUGIN_MODULE = 'codespace_tests_plugin';
/** Environment variable that carries the socket address (`unix:/path`, or `tcp:127.0.0.1:PORT` where no unix socket can be made). */
export const RESULTS_ENV_VAR = 'CODESPACE_TESTS_RESULTS';
/** Environment variable that carries the run's nonce; the plugin's first line (`hello`) must repeat it. */
export const RESULTS_NONCE_ENV_VAR = 'CODESPACE_TESTS_RESULTS_NONCE';
export const PROTOCOL_VERSION = 1;
/** Environment variable with the regex (Python `re`) a child's command line must match for its output to be teed (codespaceTests.django.processPattern). */
export const DJANGO_PROCESS_PATTERN_ENV_VAR = 'CODESPACE_TESTS_DJANGO_PROCESS_PATTERN';
/** Environment variable with the bound of a forwarded line (codespaceTests.output.maxLineBytes). */
export const MAX_LINE_BYTES_ENV_VAR = 'CODESPACE_TESTS_MAX_LINE_BYTES';

export type Outcome = 'passed' | 'failed' | 'skipped' | 'xfailed' | 'xpassed' | 'error';

export interface CollectedTest {
  /** pytest's node id, relative to the rootdir (the pytest.ini folder). */
  nodeid: string;
  /** Absolute path of the file that defines the test. */
  file: string;
  /** 1-based line of the definition, when pytest knows it. */
  line: number | null;
  name: string;
  parametrized: boolean;
  /** The names of the item's `iter_markers()`, sorted, once each. */
  markers?: string[];
}

export interface Failure {
  /** The exception in one line, e.g. `AssertionError: FAIL_ON_DEMAND is set`. */
  message: string;
  /** pytest's full report of the failure (traceback, explanation). */
  text?: string;
  /** Where it failed: the deepest traceback entry in the test's own file (1-based line). */
  file: string | null;
  line: number | null;
  /** Reprs of the two sides of a failed `==` assertion. */
  expected?: string;
  actual?: string;
}

export type PluginEvent =
  | {
      event: 'hello';
      version: number;
      /** The run's nonce (RESULTS_NONCE_ENV_VAR): proves the connection comes from the run. */
      nonce: string;
      pid: number;
      pytest: string;
      python: string;
      rootdir: string;
    }
  | { event: 'collected'; tests: CollectedTest[]; rootdir: string }
  | {
      event: 'collectError';
      /** The collector's node id (a file's: its rootdir-relative path). */
      nodeid: string;
      /** Absolute path of the file that failed to collect; null when the collector is not a file. */
      file: string | null;
      /** 1-based line in `file` (the syntax error, the failing import); null when no frame is in it. */
      line: number | null;
      /** pytest's report of the error. */
      message: string;
      /** The exception in one line, e.g. `SyntaxError: '(' was never closed`. */
      summary?: string;
    }
  | { event: 'started'; nodeid: string; time: number }
  | {
      event: 'finished';
      nodeid: string;
      outcome: Outcome;
      /** The phase that decided the outcome (an error in setup or teardown). */
      when: 'setup' | 'call' | 'teardown';
      /** Epoch milliseconds. */
      start: number;
      stop: number;
      duration: number;
      failure?: Failure;
      reason?: string;
      stdout: string;
      stderr: string;
      log: string;
    }
  | { event: 'sessionFinished'; exitstatus: number }
  /** The leak check (`python/codespace_tests_leaks.py`), once at the session's start when the run asked for it. */
  | { event: 'leakCheck'; status: 'on'; database: string; tables: number }
  | { event: 'leakCheck'; status: 'off'; reason: string }
  /** After a test that left more rows in a table than there were before it. */
  | { event: 'leaked'; nodeid: string; tables: LeakedTable[] }
  | ServerOutputEvent
  /** Once per kind: Django's output the plugin cannot see (os.system, a shell redirection), and what to do. */
  | { event: 'serverOutputNote'; message: string };

/**
 * One line of a Django the test session owns (`python/codespace_tests_server_output.py`): teed from a
 * child whose command line runs `runserver`, or a record of Django's loggers inside pytest (`stream: 'log'`).
 */
export interface ServerOutputEvent {
  event: 'serverOutput';
  /** Epoch milliseconds when the line arrived (a log record: when it was made). */
  time: number;
  stream: 'stdout' | 'stderr' | 'log';
  /** The child's pid, or pytest's for a log record. */
  pid: number;
  /** Without its newline; cut at codespaceTests.output.maxLineBytes with the usual marker. */
  text: string;
  /** A log record's level and logger. */
  level?: 'error' | 'warn' | 'info' | 'debug';
  logger?: string;
}

export interface LeakedTable {
  table: string;
  /** Rows more than before the test. */
  rows: number;
  /** Primary keys of the rows added (at most 10); empty when the table has no single integer key. */
  ids: (number | string)[];
}

export type FinishedEvent = Extract<PluginEvent, { event: 'finished' }>;

/** Undefined when the plugin that said hello speaks this protocol; else what went wrong and what to do. */
export function protocolMismatch(hello: { version?: unknown }): string | undefined {
  if (hello.version === PROTOCOL_VERSION) return undefined;
  return `The pytest plugin ${PLUGIN_MODULE} speaks protocol ${String(hello.version)}, the extension ${PROTOCOL_VERSION}: another copy of the plugin was loaded first. Remove it from PYTHONPATH (or the environment's site-packages); results may be missing until then.`;
}

/**
 * Parses one line from the plugin; undefined for anything that is not a known event with the fields and
 * types the plugin sends (never throws), so a garbled line cannot reach the Test Explorer half-typed.
 */
export function parseEvent(line: string): PluginEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isPluginEvent(value) ? value : undefined;
}

const OUTCOMES = new Set<unknown>(['passed', 'failed', 'skipped', 'xfailed', 'xpassed', 'error']);
const PHASES = new Set<unknown>(['setup', 'call', 'teardown']);
const STREAMS = new Set<unknown>(['stdout', 'stderr', 'log']);
const LEVELS = new Set<unknown>(['error', 'warn', 'info', 'debug']);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isRecord = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const stringOrNull = (v: unknown) => v === null || isString(v);
const numberOrNull = (v: unknown) => v === null || isNumber(v);

function isPluginEvent(v: unknown): v is PluginEvent {
  if (!isRecord(v)) return false;
  switch (v.event) {
    case 'hello':
      return (
        isNumber(v.version) &&
        isNumber(v.pid) &&
        isString(v.pytest) &&
        isString(v.python) &&
        isString(v.rootdir)
      );
    case 'collected':
      return isString(v.rootdir) && Array.isArray(v.tests) && v.tests.every(isCollectedTest);
    case 'collectError':
      return isString(v.nodeid) && stringOrNull(v.file) && numberOrNull(v.line) && isString(v.message);
    case 'started':
      return isString(v.nodeid) && isNumber(v.time);
    case 'finished':
      return (
        isString(v.nodeid) &&
        OUTCOMES.has(v.outcome) &&
        PHASES.has(v.when) &&
        isNumber(v.start) &&
        isNumber(v.stop) &&
        isNumber(v.duration) &&
        isString(v.stdout) &&
        isString(v.stderr) &&
        isString(v.log) &&
        (v.failure === undefined || isFailure(v.failure)) &&
        (v.reason === undefined || isString(v.reason))
      );
    case 'sessionFinished':
      return isNumber(v.exitstatus);
    case 'leakCheck':
      return v.status === 'on'
        ? isString(v.database) && isNumber(v.tables)
        : v.status === 'off' && isString(v.reason);
    case 'leaked':
      return isString(v.nodeid) && Array.isArray(v.tables) && v.tables.every(isLeakedTable);
    case 'serverOutput':
      return (
        isNumber(v.time) &&
        STREAMS.has(v.stream) &&
        isNumber(v.pid) &&
        isString(v.text) &&
        (v.level === undefined || LEVELS.has(v.level)) &&
        (v.logger === undefined || isString(v.logger))
      );
    case 'serverOutputNote':
      return isString(v.message);
    default:
      return false;
  }
}

function isLeakedTable(t: unknown): t is LeakedTable {
  return (
    isRecord(t) &&
    isString(t.table) &&
    isNumber(t.rows) &&
    Array.isArray(t.ids) &&
    t.ids.every((id) => isNumber(id) || isString(id))
  );
}

function isCollectedTest(t: unknown): t is CollectedTest {
  return (
    isRecord(t) &&
    isString(t.nodeid) &&
    isString(t.file) &&
    numberOrNull(t.line) &&
    isString(t.name) &&
    typeof t.parametrized === 'boolean' &&
    (t.markers === undefined || (Array.isArray(t.markers) && t.markers.every(isString)))
  );
}

function isFailure(f: unknown): f is Failure {
  return (
    isRecord(f) &&
    isString(f.message) &&
    stringOrNull(f.file) &&
    numberOrNull(f.line) &&
    (f.text === undefined || isString(f.text)) &&
    (f.expected === undefined || isString(f.expected)) &&
    (f.actual === undefined || isString(f.actual))
  );
}
