import * as assert from 'node:assert';
import { CancelSource } from '../../../src/core/cancel';
import {
  describePollution,
  findPolluters,
  maxTries,
  type TryVerdict,
} from '../../../src/core/pytest/pollution';
import { reproduceCommand } from '../../../src/core/pytest/pollutionTries';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

/** A suite where the test fails when every one of `polluters` ran before it (and, with `alone`, always). */
function suite(polluters: string[], opts: { alone?: boolean } = {}) {
  const tried: string[][] = [];
  return {
    tried,
    tryRun: async (set: readonly string[]): Promise<TryVerdict> => {
      tried.push([...set]);
      const command = `pytest ${[...set, 'victim'].join(' ')}`;
      const fails = opts.alone || (polluters.length > 0 && polluters.every((p) => set.includes(p)));
      return { kind: fails ? 'failed' : 'passed', command };
    },
  };
}

describe('Find the Polluting Test: the search', () => {
  it('finds one polluter among n in at most ceil(log2 n) + 2 tries, for every position and size', async () => {
    for (const n of [1, 2, 3, 5, 8, 13, 100]) {
      for (let p = 0; p < n; p++) {
        const s = suite([`t${p}`]);
        const r = await findPolluters({ candidates: ids(n), tryRun: s.tryRun });
        assert.strictEqual(r.kind, 'found', `n=${n} p=${p}`);
        if (r.kind !== 'found') continue;
        assert.deepStrictEqual(r.polluters, [`t${p}`], `n=${n} p=${p}`);
        assert.ok(r.tries <= maxTries(n), `n=${n} p=${p}: ${r.tries} tries > ${maxTries(n)}`);
        assert.strictEqual(r.tries, s.tried.length);
        assert.strictEqual(
          r.command,
          `pytest t${p} victim`,
          'the command of a try that failed with it alone',
        );
        assert.deepStrictEqual(s.tried[0], [], 'the first try runs the test alone');
      }
    }
  });

  it('keeps the candidates in their run order in every try', async () => {
    const s = suite(['t6']);
    await findPolluters({ candidates: ids(8), tryRun: s.tryRun });
    for (const set of s.tried) assert.deepStrictEqual(set, [...set].sort());
  });

  it('a test that fails alone is not pollution: one try', async () => {
    const s = suite([], { alone: true });
    const r = await findPolluters({ candidates: ids(10), tryRun: s.tryRun });
    assert.deepStrictEqual(r, { kind: 'failsAlone', tries: 1, command: 'pytest victim' });
    assert.match(describePollution(r, 'victim'), /fails alone too, so this is not pollution/);
  });

  it('a test that passes after every try is not pollution', async () => {
    const s = suite([]);
    const r = await findPolluters({ candidates: ids(10), tryRun: s.tryRun });
    assert.strictEqual(r.kind, 'passesEveryTry');
    assert.ok(r.tries <= maxTries(10));
    assert.match(describePollution(r, 'victim'), /passed in every try .*no earlier test makes it fail/);
    const none = await findPolluters({ candidates: [], tryRun: suite([]).tryRun });
    assert.deepStrictEqual(none, { kind: 'passesEveryTry', tries: 1 });
  });

  it('two tests that pollute only together: the smallest set a try showed, within the bound', async () => {
    const s = suite(['t1', 't6']);
    const r = await findPolluters({ candidates: ids(8), tryRun: s.tryRun });
    assert.ok(r.tries <= maxTries(8));
    // No half fails alone, so the search cannot split them: it says no single test does it.
    assert.strictEqual(r.kind, 'passesEveryTry');
    const t = suite(['t0', 't1']);
    const found = await findPolluters({ candidates: ids(8), tryRun: t.tryRun });
    assert.strictEqual(found.kind, 'found');
    assert.deepStrictEqual(found.kind === 'found' && found.polluters, ['t0', 't1']);
    assert.match(describePollution(found, 'victim'), /after these 2 tests together: t0, t1/);
  });

  it('stops at a cancel between tries, and at a try that could not run', async () => {
    const source = new CancelSource();
    const s = suite(['t3']);
    const r = await findPolluters({
      candidates: ids(8),
      token: source.token,
      tryRun: async (set) => {
        if (set.length) source.cancel();
        return s.tryRun(set);
      },
    });
    assert.deepStrictEqual(r, { kind: 'cancelled', tries: 2 });
    const broken = await findPolluters({
      candidates: ids(4),
      tryRun: async () => ({ kind: 'problem', message: 'Django did not start' }),
    });
    assert.deepStrictEqual(broken, { kind: 'problem', tries: 1, message: 'Django did not start' });
  });

  it('reports each try as progress', async () => {
    const seen: string[] = [];
    await findPolluters({
      candidates: ids(4),
      tryRun: suite(['t3']).tryRun,
      onTry: (p) => seen.push(`${p.attempt}/${p.maxTries} ${p.candidates} ${p.verdict.kind}`),
    });
    assert.deepStrictEqual(seen, ['1/4 0 passed', '2/4 2 passed', '3/4 1 passed', '4/4 1 failed']);
  });
});

describe('Find the Polluting Test: the command that reproduces it', () => {
  it("is the try's pytest command without the extension's plugin and colors", () => {
    const args = [
      '-m',
      'pytest',
      '-p',
      'codespace_tests_plugin',
      '-c',
      'x.ini',
      '--color=yes',
      'a.py::t[1 2]',
    ];
    assert.strictEqual(
      reproduceCommand({ command: '/usr/bin/python3', args, pytestArgs: [], env: {}, cwd: '/', display: '' }),
      "/usr/bin/python3 -m pytest -c x.ini 'a.py::t[1 2]'",
    );
  });
});
