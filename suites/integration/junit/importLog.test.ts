// import-log on real pytest output, framed as GitHub Actions frames a job's log (a timestamp on every line),
// checked against import-junit on the JUnit report the same run wrote.
import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support';
import { importJunit, SHAPES, workspaceCopy, type ImportJson } from './junitReports';

const SVC_INI = 'svc/tests/integration/pytest.ini';
const SVC = 'svc/tests/integration';

interface LogJson extends ImportJson {
  results: (ImportJson['results'][number] & { source: string })[];
  notInLog: { nodeid: string; file: string }[];
  logs: { source: string; counts: Record<string, number> | null; complete: boolean }[];
}

/** Real pytest, run from the repository root as CI runs it, writing a JUnit report too; its stdout as a job log. */
function jobLog(cwd: string, args: string[], name: string): { log: string; report: string } {
  const report = join(cwd, `${name}.xml`);
  const r = spawnSync(
    '/usr/bin/python3',
    ['-m', 'pytest', '-p', 'no:cacheprovider', `--junitxml=${report}`, ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 120_000 },
  );
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`pytest exited ${r.status}: ${r.stdout}\n${r.stderr}`);
  const start = Date.parse('2024-05-01T12:00:00Z');
  const lines = r.stdout.split('\n').map((line, i) => {
    const at = new Date(start + i * 250).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
    return `${at} ${line}`;
  });
  const log = join(cwd, `${name}.log`);
  writeFileSync(log, ['\ufeff2024-05-01T11:59:59.0000000Z ##[group]Run pytest', ...lines].join('\n'));
  return { log, report };
}

async function importLog(
  workspace: string,
  files: string[],
): Promise<{ code: number | null; json: LogJson }> {
  const { code, stdout, stderr } = await runCli(['import-log', '--json', '--workspace', workspace, ...files]);
  try {
    return { code, json: JSON.parse(stdout) as LogJson };
  } catch (e) {
    throw new Error(`import-log printed no JSON (${code}): ${stderr}`, { cause: e });
  }
}

const outcomes = (j: ImportJson) => Object.fromEntries(j.results.map((r) => [r.nodeid, r.outcome]));

describe('import-log against real pytest output in a GitHub job log', function () {
  this.timeout(120_000);
  let shapes: string;
  before(() => (shapes = workspaceCopy(SHAPES)));
  after(() => rmSync(shapes, { recursive: true, force: true }));

  it('a -v run with colours gives the same node ids and outcomes as its JUnit report, each from the log', async () => {
    const { log, report } = jobLog(
      shapes,
      ['-v', '--color=yes', '-c', SVC_INI, '--continue-on-collection-errors', SVC],
      'verbose',
    );
    const [{ code, json }, junit] = await Promise.all([
      importLog(shapes, [log]),
      importJunit(shapes, [report]),
    ]);
    assert.strictEqual(code, 0);
    // The log names the twin by its repository path, so it is mapped; the report's classname could be either.
    const expected = { ...outcomes(junit.json), 'test_twin.py::test_same': 'passed' };
    assert.deepStrictEqual(outcomes(json), expected);
    assert.deepStrictEqual(json.unmatched, []);
    assert.deepStrictEqual(json.notInLog, []);
    assert.ok(json.results.every((r) => r.source === 'log'));
    assert.ok(junit.json.results.every((r) => (r as { source?: string }).source === 'report'));
    // One line every 250 ms: a test's time is from the pytest line before it (one blank line after `collected`).
    const durations = json.results.filter((r) => r.nodeid !== 'test_broken.py').map((r) => r.duration);
    assert.ok(
      durations.every((d) => d === 0.25 || d === 0.5),
      JSON.stringify(durations),
    );
    assert.match(
      json.results.find((r) => r.nodeid === 'test_outcomes.py::test_fails')!.message,
      /assert 1 == 2/,
    );
    assert.strictEqual(json.logs[0].complete, true);
    assert.strictEqual(json.logs[0].counts?.passed, 15);
  });

  it('a run without -v names only its failures: the rest are "not in the log", not passed', async () => {
    const { log } = jobLog(shapes, ['-c', SVC_INI, '--continue-on-collection-errors', SVC], 'quiet');
    const { code, json } = await importLog(shapes, [log, join(shapes, 'missing.log')]);
    assert.strictEqual(code, 1);
    assert.match(json.problems[0], /Cannot read .*missing\.log/);
    assert.ok(json.results.every((r) => r.outcome === 'failed' || r.outcome === 'errored'));
    assert.strictEqual(json.results.length, 7);
    assert.ok(json.notInLog.some((n) => n.nodeid === 'test_outcomes.py::test_passes'));
    assert.ok(!json.notInLog.some((n) => n.nodeid === 'test_outcomes.py::test_fails'));
    assert.strictEqual(json.notInLog.length + json.results.length, 24);
  });
});
