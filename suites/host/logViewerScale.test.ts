// The log viewer at a million lines, in a real VS Code: the store's per-source ring bounds what the host
// keeps and what the page holds, and the page renders a bounded pool of rows however many lines it has.
// Everything is read back from the webview page's own report; times are printed, never asserted.
import * as assert from 'node:assert';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './helpers';
import { screenshot } from './screenshots';
import { renderedReport } from './logViewerHelpers';
import { Commands, ConfigSection } from '../../src/ids';
import { podSource } from '../../src/core/kube/pods';
import type { ExtensionApi } from '../../src/extension';
import type { RenderedReport } from '../../src/logs/logViewerPanel';

const TOTAL = 1_000_000;
/** Lines appended between two hand-overs to the viewer: the page gets every line, in many batches. */
const CHUNK = 100_000;
/** Lines the page receives one chunk at a time before the flood outpaces it: twice its bound. */
const PAGE_TRIMS = 2 * CHUNK;
/** A pod of nobody's cluster: no stream writes to this source but the test. */
const SOURCE = podSource('scale', 'flood-5f7d9c-x1', 'app');
/** Row elements the page may hold: a screenful or two, not a number that grows with the lines. */
const MAX_DOM_ROWS = 200;

const lineText = (n: number) => `INFO line ${String(n).padStart(7, '0')} of the flood`;

/** Prints a measure beside mocha's own lines (run.mjs shows mocha.log live). */
function note(text: string): void {
  const dir = process.env.CIT_ARTIFACTS;
  if (dir) appendFileSync(join(dir, 'mocha.log'), `      ${text}\n`);
  else console.log(text);
}

describe('log viewer at a million lines: bounded memory, bounded DOM', function () {
  this.timeout(180_000);
  let api: ExtensionApi;

  before(async () => {
    ({ api } = await activateExtension());
    // Other suites in this window may have started Django: its lines are not this test's.
    await api.django.stop();
  });

  after(async () => {
    api.logStore.clear(SOURCE);
    // Back to the live, unscoped view the other log viewer tests leave for run.mjs's final screenshot.
    await vscode.commands.executeCommand(Commands.openLogViewer);
  });

  const report = (until: (r: RenderedReport) => boolean, what: string) =>
    renderedReport(api, until, what, { timeoutMs: 60_000, brief: true });

  it('1,000,000 lines: the ring keeps the newest 100,000, the page holds them in a few dozen rows, follow shows the last, the top the oldest kept', async () => {
    const cap = vscode.workspace.getConfiguration(ConfigSection).get<number>('logs.maxLinesPerSource');
    assert.strictEqual(cap, 100_000, 'codespaceTests.logs.maxLinesPerSource at its default');
    assert.strictEqual(api.logStore.capacity, cap, "the store's ring bound is the setting");

    const viewer = api.logs.openViewer({ sources: [SOURCE], title: 'a million lines' });
    await report((r) => r.totalLines === 0 && r.following, 'the empty, following viewer');

    // Lines arrive while the viewer is open, as from a chatty pod. The first chunks each reach the page before
    // the next (twice its bound: its own bound is what keeps it small); the rest come faster than the page takes
    // them, and what the store has dropped by then is not sent at all.
    const t0 = Date.now();
    let appendMs = 0;
    for (let n = 1; n <= TOTAL;) {
      const a = Date.now();
      for (const end = n + CHUNK; n < end; n++) api.logStore.append(SOURCE, lineText(n), t0 + n);
      api.logStore.flush();
      appendMs += Date.now() - a;
      assert.ok(
        viewer.backlog <= cap,
        `${viewer.backlog} lines wait for the page, more than the store keeps`,
      );
      if (n <= PAGE_TRIMS + 1)
        await waitFor('the viewer to send what waits', () => viewer.backlog === 0, 60_000, 20);
    }
    await waitFor('the viewer to send what waits', () => viewer.backlog === 0, 60_000, 20);
    assert.strictEqual(api.logStore.size(SOURCE), cap, 'the store keeps the ring bound');
    assert.strictEqual(api.logStore.dropped(SOURCE), TOTAL - cap, 'and dropped the oldest');

    const last = lineText(TOTAL);
    const end = await report(
      (r) => r.totalLines === cap && r.rows.at(-1)?.text === last,
      'the page to hold the ring bound and show the last line',
    );
    note(
      `${TOTAL.toLocaleString()} lines: appended in ${appendMs} ms, on the page (${end.totalLines.toLocaleString()} kept, last shown) after ${Date.now() - t0} ms`,
    );
    assert.strictEqual(
      end.totalLines,
      cap,
      'the page holds exactly the ring bound, not the million it received',
    );
    assert.strictEqual(end.shownLines, cap, 'no filter: every kept line is in the list');
    assert.ok(end.following, 'follow mode is on');
    assert.ok(
      end.domRows >= end.rows.length && end.domRows <= MAX_DOM_ROWS,
      `${end.domRows} row elements for ${end.totalLines.toLocaleString()} lines`,
    );
    assert.ok(end.rows.length >= 5, `a screenful of rows (${end.rows.length})`);
    const firstShown = TOTAL - end.rows.length + 1;
    assert.deepStrictEqual(
      end.rows.map((r) => r.text),
      end.rows.map((_r, k) => lineText(firstShown + k)),
      'the newest lines, in order, end the list',
    );

    viewer.scrollTo('top');
    const oldestKept = lineText(TOTAL - cap + 1);
    const top = await report((r) => r.rows[0]?.text === oldestKept, 'the top of the list');
    assert.deepStrictEqual(
      top.rows.map((r) => r.text),
      top.rows.map((_r, k) => lineText(TOTAL - cap + 1 + k)),
      'the oldest kept lines, in order, start the list',
    );
    assert.ok(top.domRows <= MAX_DOM_ROWS, `${top.domRows} row elements at the top`);
    await screenshot('log-viewer-a-million-lines-top');

    viewer.scrollTo('bottom');
    const back = await report((r) => r.rows.at(-1)?.text === last, 'the bottom again');
    assert.strictEqual(back.totalLines, cap);
  });
});
