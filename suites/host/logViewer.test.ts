// The log viewer and the Pods view in a real VS Code: Django lines from the store and a pod followed
// through the real client against the stand-in API (started here, in the extension host), read back
// from the webview page itself.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './helpers';
import { renderedReport } from './logViewerHelpers';
import { FakeKubeApi } from '../kube/fakeApiServer';
import { Commands, ConfigSection } from '../../src/ids';
import { DJANGO_SOURCE } from '../../src/core/logs/logStore';
import type { ExtensionApi } from '../../src/extension';
import type { RenderedReport } from '../../src/logs/logViewerPanel';

const MARKUP = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>';

describe('log viewer: Django and pod logs in one panel', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let kube: FakeKubeApi | undefined;

  before(async () => {
    ({ api } = await activateExtension());
    // Earlier suites in the same window started Django: begin from a quiet, empty store.
    await api.django.stop();
    api.logStore.clear();
  });

  after(async () => {
    await api.logs.followers.stopAll();
    await vscode.workspace
      .getConfiguration(ConfigSection)
      .update('kube.kubeconfig', undefined, vscode.ConfigurationTarget.Workspace);
    await kube?.close();
    // The viewer stays open on purpose: run.mjs's final screenshot shows it.
  });

  const rendered = (until: (r: RenderedReport) => boolean, what: string) => renderedReport(api, until, what);

  it('without a kubeconfig the Pods view says "no cluster configured" and names the setting, with no error storm', async () => {
    await waitFor(
      'the cluster settings to be read',
      () => api.logs.session.config.kind !== 'ready' || undefined,
    );
    const c = api.logs.session.config;
    assert.strictEqual(c.kind, 'noConfig', JSON.stringify(c));
    assert.match(
      c.kind === 'noConfig' ? c.message : '',
      /No cluster configured.*codespaceTests\.kube\.kubeconfig/,
    );
    await waitFor(
      'the Pods view message',
      () => api.logs.podsView.view.message === (c.kind === 'noConfig' ? c.message : '?'),
    );
    assert.deepStrictEqual(
      api.loggedErrors().filter((e) => /pod|kube|cluster/i.test(e)),
      [],
    );
  });

  it("follows a pod of the stand-in cluster and renders its lines beside Django's, markup as plain text", async () => {
    kube = await FakeKubeApi.start();
    kube.addPod('default', 'web-7f9c', { labels: { app: 'web' } });
    kube.writeLog('default', 'web-7f9c', 'app', ['INFO booting web', '\x1b[32mINFO\x1b[0m ready on :8080']);
    await vscode.workspace
      .getConfiguration(ConfigSection)
      .update('kube.kubeconfig', kube.writeKubeconfig(), vscode.ConfigurationTarget.Workspace);
    const pod = await waitFor('the Pods view to list web-7f9c', () =>
      api.logs.pods().find((p) => p.name === 'web-7f9c'),
    );
    assert.strictEqual(api.logs.session.config.kind, 'ready');
    await waitFor('the Pods view message to go', () => !api.logs.podsView.view.message);

    api.logStore.append(DJANGO_SOURCE, '[25/Nov/2026 10:00:00] "GET /health/ HTTP/1.1" 200 2');
    api.logStore.append(DJANGO_SOURCE, MARKUP);
    api.logStore.append(DJANGO_SOURCE, 'ERROR Internal Server Error: /api/deployments/');
    await vscode.commands.executeCommand(Commands.followPodLogs, { kind: 'pod', pod });
    kube.writeLog('default', 'web-7f9c', 'app', ['WARNING slow request /api/pynodes/']);

    const r = await rendered(
      (x) =>
        x.rows.some((row) => row.source === DJANGO_SOURCE) &&
        x.rows.some((row) => /slow request/.test(row.text)),
      'Django and pod rows on the page',
    );
    const podRows = r.rows.filter((row) => row.source === 'pod/default/web-7f9c/app');
    assert.deepStrictEqual(
      podRows.map((row) => row.text),
      ['INFO booting web', 'INFO ready on :8080', 'WARNING slow request /api/pynodes/'],
    );
    assert.deepStrictEqual(
      podRows.map((row) => row.level),
      ['info', 'info', 'warn'],
    );
    const markupRow = r.rows.find((row) => row.text.includes('<img'));
    assert.ok(markupRow, 'the markup line is on the page');
    assert.strictEqual(markupRow.text, MARKUP, 'shown as the raw text, byte for byte');
    assert.strictEqual(r.imgCount, 0, 'no <img> element was created');
    assert.ok(r.rows.some((row) => row.level === 'error' && /Internal Server Error/.test(row.text)));
    assert.ok(
      r.rows.every((row) => /^\d\d:\d\d:\d\d\.\d{3}$/.test(row.time)),
      'every row has a time stamp',
    );
  });

  it('filters by text, by regex and by level; a bad regex is reported, not thrown', async () => {
    const viewer = api.logs.viewer()!;
    viewer.setFilter({ text: 'health', regex: false, caseSensitive: false, levels: [] });
    let r = await rendered((x) => x.rows.length === 1, 'the text filter');
    assert.match(r.rows[0].text, /GET \/health\//);
    assert.ok(r.totalLines >= 6 && r.shownLines === 1, `${r.shownLines} of ${r.totalLines}`);

    viewer.setFilter({ text: '^(INFO|WARNING) ', regex: true, caseSensitive: true, levels: [] });
    r = await rendered((x) => x.shownLines === 3, 'the regex filter');
    assert.ok(r.rows.every((row) => row.source.startsWith('pod/')));

    viewer.setFilter({ text: '', regex: false, caseSensitive: false, levels: ['error', 'warn'] });
    r = await rendered((x) => x.shownLines === 2, 'the level filter');
    assert.deepStrictEqual(r.rows.map((row) => row.level).sort(), ['error', 'warn']);

    viewer.setFilter({ text: '(unclosed', regex: true, caseSensitive: false, levels: [] });
    r = await rendered((x) => x.filterError !== null, 'the regex error');
    assert.match(r.filterError!, /Invalid regular expression/);

    viewer.setFilter({ text: '', regex: false, caseSensitive: false, levels: [] });
    await rendered((x) => x.shownLines === x.totalLines, 'no filter');
  });

  it('"Show logs for this test": a time window and sources from the command argument', async () => {
    const from = Date.now();
    api.logStore.append(DJANGO_SOURCE, 'INFO during the test', from + 10);
    api.logStore.append('pod/default/web-7f9c/app', 'INFO pod during the test', from + 20);
    const to = from + 100;
    api.logStore.append(DJANGO_SOURCE, 'INFO after the test', to + 5000);
    await vscode.commands.executeCommand(Commands.openLogViewer, {
      from,
      to,
      title: 'test_whoami',
      sources: [DJANGO_SOURCE],
    });
    const r = await rendered((x) => x.totalLines === 1, 'the window');
    assert.deepStrictEqual(
      r.rows.map((row) => row.text),
      ['INFO during the test'],
    );
    assert.strictEqual(api.logs.viewer()!.panel.title, 'Logs: test_whoami');
    assert.strictEqual(r.following, false, 'a closed window does not follow');
  });

  it('a restarted and then deleted pod: the lines keep coming, then a visible end line', async () => {
    await vscode.commands.executeCommand(Commands.openLogViewer);
    await rendered((x) => x.totalLines > 6, 'the live view again');
    kube!.restartPod('default', 'web-7f9c');
    kube!.writeLog('default', 'web-7f9c', 'app', ['INFO after restart']);
    await rendered(
      (x) => x.rows.some((row) => row.text === 'INFO after restart'),
      'the line after the restart',
    );
    kube!.deletePod('default', 'web-7f9c');
    const r = await rendered(
      (x) => x.rows.some((row) => /pod web-7f9c was deleted; its log stream ended/.test(row.text)),
      'the end line',
    );
    assert.ok(r.rows.some((row) => /restarted \(restart #1\)/.test(row.text)));
    await waitFor('the Pods view to drop the pod', () => !api.logs.pods().some((p) => p.name === 'web-7f9c'));
    // For the final screenshot: a pod that stays, and the side-by-side layout.
    kube!.addPod('default', 'api-5d8b', { labels: { app: 'api' } });
    kube!.writeLog('default', 'api-5d8b', 'app', [
      'INFO api up',
      '\x1b[31mERROR\x1b[0m upstream timeout (demo line)',
    ]);
    const api5 = await waitFor('api-5d8b listed', () => api.logs.pods().find((p) => p.name === 'api-5d8b'));
    await vscode.commands.executeCommand(Commands.followPodLogs, { kind: 'pod', pod: api5 });
    api.logs.viewer()!.setLayout('sideBySide');
    const side = await rendered(
      (x) => x.panes >= 3 && x.rows.some((row) => /upstream timeout/.test(row.text)),
      'side by side',
    );
    assert.ok(side.panes >= 3);
    await api.logs.followers.stop('pod/default/api-5d8b/app');
    await vscode.commands.executeCommand('workbench.view.extension.codespaceTests');
  });
});
