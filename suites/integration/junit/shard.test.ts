// codespace-tests shard: tests timed by real pytest (its JUnit report) split over runners, longest first.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJUnitReport } from '../../../src/core/junit/report';
import { runCli } from '../support';
import { pytestJUnit, SHAPES, workspaceCopy } from './junitReports';

const SVC = 'svc/tests/integration';
/** Tests that sleep for what their name says (hundredths of a second). */
const SLEEPS = [40, 30, 25, 20, 10, 5, 5, 5];

interface ShardJson {
  shards: { index: number; tests: string[]; seconds: number }[];
  idealSeconds: number;
  unknown: number;
  input: string;
  problems: string[];
}

describe('codespace-tests shard', function () {
  this.timeout(120_000);
  let ws: string;
  let report: string;
  const ids = SLEEPS.map((s, i) => `${SVC}/test_timed.py::test_sleeps_${i}_${s}`);
  before(() => {
    ws = workspaceCopy(SHAPES);
    writeFileSync(
      join(ws, SVC, 'test_timed.py'),
      [
        'import time',
        ...SLEEPS.map((s, i) => `\n\ndef test_sleeps_${i}_${s}():\n    time.sleep(${s / 100})`),
      ].join('\n') + '\n',
    );
    report = join(ws, 'timed.xml');
    pytestJUnit(ws, ['-c', `${SVC}/pytest.ini`, `${SVC}/test_timed.py`], report);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  async function shard(args: string[]): Promise<{ code: number | null; json: ShardJson; stderr: string }> {
    const { code, stdout, stderr } = await runCli(['shard', '--json', '--workspace', ws, ...args]);
    try {
      return { code, json: JSON.parse(stdout) as ShardJson, stderr };
    } catch (e) {
      throw new Error(`shard printed no JSON (${code}): ${stderr}`, { cause: e });
    }
  }

  it("splits by the report's times, longest first: each shard's time is its tests' times, the longest within LPT's bound", async () => {
    const { code, json } = await shard(['--shards', '3', '--durations', report, ...ids]);
    assert.equal(code, 0);
    assert.deepEqual(json.problems, []);
    assert.equal(json.unknown, 0);
    assert.equal(json.shards.length, 3);
    assert.deepEqual(json.shards.flatMap((s) => s.tests).sort(), [...ids].sort());
    const read = readJUnitReport(readFileSync(report, 'utf8'), report);
    assert.equal(read.kind, 'read');
    const time = new Map(
      (read.kind === 'read' ? read.cases : []).map((c) => [
        `${SVC}/test_timed.py::${c.name}`,
        c.duration ?? NaN,
      ]),
    );
    for (const s of json.shards)
      assert.ok(
        Math.abs(s.seconds - s.tests.reduce((t, id) => t + time.get(id)!, 0)) < 1e-6,
        JSON.stringify(s),
      );
    // The three longest tests start three different shards.
    const shardOf = (id: string) => json.shards.find((s) => s.tests.includes(id))!.index;
    assert.equal(new Set(ids.slice(0, 3).map(shardOf)).size, 3);
    const longest = Math.max(...json.shards.map((s) => s.seconds));
    assert.ok(
      longest <= json.idealSeconds + Math.max(...time.values()),
      `${longest} vs ${json.idealSeconds}`,
    );
    // The workflow's input: one JSON list the matrix reads, each shard's tests as one pytest line.
    assert.deepEqual(
      JSON.parse(json.input),
      json.shards.map((s) => ({ index: s.index, tests: s.tests.join(' ') })),
    );
  });

  it('without IDs, every test of the workspace; without times, by count; a bad --shards is a usage error', async () => {
    const all = await shard(['--shards', '4']);
    assert.equal(all.code, 0);
    assert.ok(all.json.shards.flatMap((s) => s.tests).includes(ids[0]));
    assert.equal(all.json.unknown, all.json.shards.flatMap((s) => s.tests).length);
    const counts = all.json.shards.map((s) => s.tests.length);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, String(counts));
    const bad = await runCli(['shard', '--workspace', ws, '--shards', 'zero']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shards takes a whole number from 1 to 256, not "zero"/);
  });
});
