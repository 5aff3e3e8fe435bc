// Benchmarks in a real workbench (run by `npm run bench` through suites/host/run.mjs --suite bench,
// not part of npm test): activation, the Test Explorer tree at 5,000 tests, and the log viewer under
// a flood from a pod of the Kubernetes stand-in. Each measure prints a PASS or FAIL line; the
// assertions only check that what was measured is complete (every item, every line).
import * as assert from 'node:assert';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, fixtureFolder, waitFor } from '../helpers';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import { TESTS } from '../../bench/corpus';
import { Commands, ConfigSection } from '../../../src/ids';
import { podSource } from '../../../src/core/kube/pods';
import type { ExtensionApi } from '../../../src/extension';

/**
 * A bench line beside mocha's own (run.mjs shows mocha.log live), and the same as a MEASURE line for
 * suites/bench/run.mjs, which opens several windows and judges the median of each figure that has a limit:
 * one cold start of a window on 2 shared cores can be several times slower than the next.
 */
function bench(name: string, detail: string, verdict: boolean | { value: number; limit: number }): void {
  const figure = typeof verdict === 'boolean' ? undefined : verdict;
  const met = typeof verdict === 'boolean' ? verdict : verdict.value <= verdict.limit;
  const lines = [
    `BENCH ${met ? 'PASS' : 'FAIL'} ${name}: ${detail}`,
    `MEASURE ${JSON.stringify({ name, met, detail, ...figure })}`,
  ];
  const dir = process.env.CIT_ARTIFACTS;
  if (dir) appendFileSync(join(dir, 'mocha.log'), lines.map((l) => `${l}\n`).join(''));
  else console.log(lines.join('\n'));
}

/** Test items under `dir` that are tests (no children): methods, functions, cases. */
function testsUnder(controller: vscode.TestController, dir: string): number {
  let n = 0;
  const walk = (c: vscode.TestItemCollection) =>
    c.forEach((i) => {
      if (i.children.size) walk(i.children);
      else if (i.uri?.fsPath.startsWith(dir) && i.uri.fsPath.endsWith('.py')) n++;
    });
  walk(controller.items);
  return n;
}

describe('bench: activation, 5,000 tests in the tree, the log viewer under a flood', function () {
  this.timeout(600_000);
  let api: ExtensionApi;

  before(async () => {
    ({ api } = await activateExtension());
  });

  it('activate() returns quickly and leaves the heavy libraries unloaded', () => {
    const ms = api.activation.ms;
    const lazy = Object.keys(require.cache).filter((k) => /[\\/]out[\\/]lazy[\\/]/.test(k));
    bench('activate()', `${ms.toFixed(1)} ms (target <= 50 ms)`, { value: ms, limit: 50 });
    // Other suites may have used them since; in this window only this suite runs before it.
    // Django's health probe (axios) runs when Django starts on its own; the cluster and YAML libraries wait for a kubeconfig or CI.
    const early = lazy.filter((k) => !k.endsWith('axios.js'));
    bench(
      'heavy modules load on first use',
      `loaded before first use: ${early.length ? early.join(', ') : 'none'}; axios ${lazy.length > early.length ? 'loaded (Django health probe)' : 'not loaded'}`,
      early.length === 0,
    );
  });

  it("the tree: 5,000 tests from the static read, the extension's share within 300 ms of activation, reconciled within 1 s of collection", async () => {
    // run.mjs --suite bench wrote the corpus into the workspace before the window opened (suites/bench/corpus.ts).
    const dir = join(fixtureFolder().uri.fsPath, 'bench-corpus', 'backend/tests/integration');
    const tests = api.testExplorer.folderTests()[0];
    await api.testExplorer.settled();
    const first = tests.firstTree;
    assert.ok(first, 'the static read reached the tree');
    assert.strictEqual(testsUnder(tests.controller, dir), TESTS, 'the tree holds every test of the corpus');
    assert.ok(first.tests >= TESTS, `the first tree showed the corpus (${first.tests} tests)`);
    // The 300 ms are the extension's: from activation to the whole tree, less what VS Code's own
    // createTestItem and attach took in that same paint (170-820 ms for 5,020 items in a cold window on
    // 2 cores, more than the whole budget; the extension cannot create an item for less), and less the time
    // the read was ready to run but waited for a CPU held by the window's other processes (Linux's
    // schedstat: the read ran 50-90 ms and waited 19-429 ms in four cold windows). Waiting during the
    // rest of the paint is not taken off: it counts against the extension.
    const staticMs = first.at - api.activation.startedAt;
    const ours = staticMs - first.inVsCode - first.waitedForCpu;
    bench(
      'tree: 5,000 tests from the static read',
      `${first.tests.toLocaleString()} tests in the tree ${staticMs.toFixed(0)} ms after activation began: VS Code's createTestItem and attach ${first.inVsCode.toFixed(0)} ms, the read waiting for a CPU ${first.waitedForCpu} ms, the extension ${ours.toFixed(0)} ms (target: the extension's share <= 300 ms)`,
      { value: ours, limit: 300 },
    );

    // Reconciled: a refresh collects again; timed from the moment pytest's collection of the corpus returns.
    const collector = (tests as unknown as { collector: { host: { collected(): void } } }).collector;
    const collections = (collector as unknown as { collections: Map<string, unknown> }).collections;
    const ini = join(dir, 'pytest.ini');
    const before = collections.get(ini);
    const original = collector.host.collected.bind(collector.host);
    let reconciled: { ms: number; count: number } | undefined;
    collector.host.collected = () => {
      const returned = performance.now();
      original();
      if (!reconciled && collections.get(ini) !== before)
        reconciled = { ms: performance.now() - returned, count: testsUnder(tests.controller, dir) };
    };
    try {
      await api.testExplorer.refresh();
      await api.testExplorer.settled();
    } finally {
      collector.host.collected = original;
    }
    assert.ok(reconciled, 'pytest collected the corpus');
    assert.strictEqual(reconciled.count, TESTS, 'the reconciled tree holds every test');
    bench(
      'tree: 5,000 tests reconciled with pytest',
      `${reconciled.ms.toFixed(0)} ms after the collection returned (target <= 1000 ms)`,
      { value: reconciled.ms, limit: 1000 },
    );
  });

  it('the log viewer follows a pod writing 20,000 lines/s for 10 s: frame time and no line lost', async () => {
    const RATE = 20_000;
    const SECONDS = 10;
    const TOTAL = RATE * SECONDS;
    // Only the pod's lines on the page: Django stays quiet, the store starts empty.
    await api.django.stop();
    api.logStore.clear();
    const kube = await FakeKubeApi.start();
    const config = vscode.workspace.getConfiguration(ConfigSection);
    try {
      kube.addPod('default', 'flood-6c5d', { labels: { app: 'flood' } });
      await config.update('kube.kubeconfig', kube.writeKubeconfig(), vscode.ConfigurationTarget.Workspace);
      const pod = await waitFor('the Pods view to list flood-6c5d', () =>
        api.logs.pods().find((p) => p.name === 'flood-6c5d'),
      );
      await vscode.commands.executeCommand(Commands.followPodLogs, { kind: 'pod', pod });
      const source = podSource('default', 'flood-6c5d', 'app');
      const line = (n: number) => `INFO request ${String(n).padStart(6, '0')} served in 3 ms`;
      kube.writeLog('default', 'flood-6c5d', 'app', [line(0)]);
      await waitFor('the first line in the store', () => api.logStore.size(source) > 0, 30_000, 20);

      // 20,000 lines a second, written every 10 ms in step with the clock.
      const t0 = performance.now();
      let written = 1;
      while (written <= TOTAL) {
        const due = Math.min(TOTAL + 1, 1 + Math.floor(((performance.now() - t0) / 1000) * RATE));
        const batch: string[] = [];
        for (; written < due; written++) batch.push(line(written));
        if (batch.length) kube.writeLog('default', 'flood-6c5d', 'app', batch);
        if (written > TOTAL) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const writeMs = performance.now() - t0;
      const last = line(TOTAL);
      const cap = api.logStore.capacity;
      await waitFor(
        'the last line in the store',
        () => api.logStore.tail(source, 1)[0]?.text === last,
        120_000,
        50,
      );
      const viewer = api.logs.viewer();
      assert.ok(viewer, 'the log viewer is open');
      const report = await waitFor(
        'the page to show the last line',
        async () => {
          const r = await api.logs.rendered();
          return r.rows.at(-1)?.text === last ? r : undefined;
        },
        120_000,
        200,
      );
      // The stream's own notices (a reconnect) share the source: the pod's lines kept must have no gap.
      const numbers = api.logStore
        .tail(source, cap)
        .map((l) => /^INFO request (\d+) /.exec(l.text)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
      const contiguous = numbers.every((n, k) => n === TOTAL - numbers.length + 1 + k);
      const kept = Math.min(TOTAL + 1, cap);
      const frames = report.frameTimes;
      assert.ok(frames, 'the page reports its frame times');
      bench(
        'log viewer flood: frame time',
        `p95 ${frames.p95Ms.toFixed(1)} ms, max ${frames.maxMs.toFixed(1)} ms over ${frames.frames} frames; ` +
          `${(TOTAL + 1).toLocaleString()} lines written in ${(writeMs / 1000).toFixed(1)} s (target p95 <= 16 ms)`,
        { value: frames.p95Ms, limit: 16 },
      );
      bench(
        'log viewer flood: no line lost within the bound',
        `store kept the newest ${numbers.length.toLocaleString()} pod lines of ${(TOTAL + 1).toLocaleString()} (bound ${cap.toLocaleString()}), ` +
          `${contiguous ? 'no gap' : 'WITH GAPS'}; dropped ${api.logStore.dropped(source).toLocaleString()} oldest; ` +
          `page holds ${report.totalLines.toLocaleString()} lines, the last shown`,
        contiguous && numbers.length >= kept - 10 && report.totalLines >= numbers.length,
      );
    } finally {
      await api.logs.followers.stopAll();
      await config.update('kube.kubeconfig', undefined, vscode.ConfigurationTarget.Workspace);
      await kube.close();
    }
  });
});
