// Follow mode in a real VS Code while the viewer's own layout changes: the toolbar wrapping to a second
// row as the status grows, a side bar opening and closing, the panel toggled, the viewer hidden and shown.
// Whether the last line is in view is read back from the webview page's own report.
import * as assert from 'node:assert';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, fixtureFolder, waitFor } from './helpers';
import {
  endsWith,
  narrowestOneRowShare,
  renderedReport,
  setViewerShare,
  settledWidth,
} from './logViewerHelpers';
import { podSource } from '../../src/core/kube/pods';
import type { ExtensionApi } from '../../src/extension';
import type { LogViewerPanel, RenderedReport } from '../../src/logs/logViewerPanel';

/** Pods of nobody's cluster: no stream writes to these sources but the test. */
const WEB = podSource('follow', 'web-6c8d-a1', 'app');
const WORKER = podSource('follow', 'worker-77f2-b3', 'app');
/** Lines per batch: the first grows the status from "0 of 0 lines" to "2,000 of 2,000 lines". */
const BATCH = 2_000;

describe('log viewer: follow mode survives the viewer changing size', function () {
  this.timeout(300_000);
  let api: ExtensionApi;
  let viewer: LogViewerPanel;
  const sent = new Map<string, number>();
  /** The page's width as one editor group filling the editor area (no side bars). */
  let fullWidth = 0;
  /** The toolbar's height in one row. */
  let oneRow = 0;

  // A page reloaded after being hidden takes its snapshot again first: slow on a busy machine.
  const report = (until: (r: RenderedReport) => boolean, what: string) =>
    renderedReport(api, until, what, { brief: true, timeoutMs: 60_000 });
  const lastLine = (source: string) => `INFO ${source} line ${sent.get(source) ?? 0}`;

  /** Appends a batch of lines to each source. */
  function append(...sources: string[]): void {
    for (const source of sources) {
      const from = (sent.get(source) ?? 0) + 1;
      sent.set(source, from + BATCH - 1);
      for (let n = from; n < from + BATCH; n++) api.logStore.append(source, `INFO ${source} line ${n}`);
    }
    api.logStore.flush();
  }

  /** Appends a batch of lines to each source and waits until the host has sent them to the page. */
  async function lines(...sources: string[]): Promise<void> {
    append(...sources);
    await waitFor('the viewer to send what waits', () => viewer.backlog === 0, 60_000, 20);
  }

  /** Waits until each source's pane ends with its last line, wholly in view. */
  const lastInView = (what: string, ...sources: string[]) =>
    report(
      (r) => r.following && sources.every((s) => endsWith(r, s, lastLine(s))),
      `${what}: the last line in view`,
    );

  /** Runs a workbench command that resizes the viewer, then checks it still shows the last lines, and after more. */
  async function resized(command: string, ...sources: string[]): Promise<void> {
    await vscode.commands.executeCommand(command);
    await lastInView(command, ...sources);
    await lines(...sources);
    await lastInView(`${command}, then more lines`, ...sources);
  }

  before(async () => {
    ({ api } = await activateExtension());
    // Other suites in this window may have started Django: its lines are not this test's.
    await api.django.stop();
    // A known layout: no side bars, no panel, one editor group.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.editorLayoutSingle');
    // The page's width in one group filling the editor, and its toolbar's height in one row there.
    viewer = api.logs.openViewer({ sources: [WEB], title: 'follow' });
    viewer.setLayout('merged');
    viewer.setFilter({ text: '', regex: false, caseSensitive: false, levels: [] });
    await report((r) => r.totalLines === 0 && r.following && r.panes === 1, 'the empty, following viewer');
    ({ pageWidth: fullWidth, toolbarHeight: oneRow } = await settledWidth(api));
  });

  after(async () => {
    api.logStore.clear(WEB);
    api.logStore.clear(WORKER);
    await vscode.commands.executeCommand('workbench.action.editorLayoutSingle');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    // The default layout again: the side bar and the secondary side bar open.
    await vscode.commands.executeCommand('workbench.action.toggleSidebarVisibility');
    await vscode.commands.executeCommand('workbench.action.toggleAuxiliaryBar');
  });

  it('wide editor: the toolbar wraps to a second row while lines arrive, a side bar opens and closes, the panel toggles: the last line stays in view', async () => {
    viewer = api.logs.openViewer({ sources: [WEB], title: 'follow, wide' });
    await report((r) => r.totalLines === 0 && r.following && r.panes === 1, 'the empty viewer');

    // Narrow enough to wrap, then the narrowest width at which "0 of 0 lines" still fits in one row.
    const narrow = await setViewerShare(api, 0.3, fullWidth);
    assert.ok(
      narrow.toolbarHeight > oneRow,
      `at ${narrow.pageWidth} px the toolbar wraps (${narrow.toolbarHeight} px, one row ${oneRow} px)`,
    );
    const share = await narrowestOneRowShare(api, fullWidth, oneRow, [0.3, 0.83]);
    const start = await setViewerShare(api, share, fullWidth);
    assert.strictEqual(start.toolbarHeight, oneRow, `one row at ${start.pageWidth} px before any line`);

    for (let k = 0; k < 4; k++) {
      await lines(WEB);
      await lastInView(`batch ${k + 1}`, WEB);
    }
    const wrapped = await report((r) => endsWith(r, WEB, lastLine(WEB)), 'the status grown');
    assert.ok(
      wrapped.toolbarHeight > oneRow,
      `the toolbar wrapped while lines arrived (${oneRow} → ${wrapped.toolbarHeight} px at ${wrapped.pageWidth} px)`,
    );

    await resized('workbench.action.toggleAuxiliaryBar', WEB);
    await resized('workbench.action.closeAuxiliaryBar', WEB);
    await resized('workbench.action.togglePanel', WEB);
    await resized('workbench.action.closePanel', WEB);
  });

  it('narrow editor, side by side: each pane keeps its last line through side bars, the panel, and the viewer hidden and shown', async () => {
    api.logStore.clear(WEB);
    sent.clear();
    viewer = api.logs.openViewer({ sources: [WEB, WORKER], title: 'follow, narrow' });
    viewer.setLayout('sideBySide');
    const narrow = await setViewerShare(api, 0.35, fullWidth);
    assert.ok(narrow.toolbarHeight > oneRow, `the toolbar wraps at ${narrow.pageWidth} px`);

    await lines(WEB, WORKER);
    await report((r) => r.panes === 2, 'a pane per source');
    await lastInView('side by side', WEB, WORKER);
    await resized('workbench.action.toggleAuxiliaryBar', WEB, WORKER);
    await resized('workbench.action.closeAuxiliaryBar', WEB, WORKER);
    await resized('workbench.action.togglePanel', WEB, WORKER);
    await resized('workbench.action.closePanel', WEB, WORKER);

    // Hidden behind another editor in its group while lines arrive, then shown again.
    const column = viewer.panel.viewColumn;
    const file = vscode.Uri.file(join(fixtureFolder().uri.fsPath, 'backend/manage.py'));
    await vscode.window.showTextDocument(file, { viewColumn: column, preview: true });
    await waitFor('the viewer hidden', () => !viewer.panel.visible);
    append(WEB, WORKER);
    viewer.panel.reveal(column);
    await waitFor('the viewer shown again', () => viewer.panel.visible);
    await lastInView('hidden and shown again', WEB, WORKER);
    const tab = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputText && t.input.uri.fsPath === file.fsPath);
    if (tab) await vscode.window.tabGroups.close(tab);
    await resized('workbench.action.togglePanel', WEB, WORKER);
    await resized('workbench.action.closePanel', WEB, WORKER);

    // A reader at the top keeps their place while lines arrive; back at the bottom, following resumes.
    viewer.scrollTo('top');
    const firstOf = (r: RenderedReport, source: string) => r.rows.find((row) => row.source === source)?.text;
    const top = await report((r) => firstOf(r, WEB) === `INFO ${WEB} line 1`, 'the top of the list');
    await lines(WEB, WORKER);
    const kept = await report((r) => r.totalLines === top.totalLines + 2 * BATCH, 'more lines on the page');
    assert.strictEqual(firstOf(kept, WEB), `INFO ${WEB} line 1`, 'the reader stays at the top');
    assert.ok(!endsWith(kept, WEB, lastLine(WEB)), 'and the new last line is not pulled into view');
    viewer.scrollTo('bottom');
    await lastInView('back at the bottom', WEB, WORKER);
    await lines(WEB, WORKER);
    await lastInView('following again', WEB, WORKER);
  });
});
