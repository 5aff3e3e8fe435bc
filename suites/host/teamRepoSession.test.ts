import * as assert from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { RunSummary } from '../../src/testing/testRunner';
import { windowPrompts } from '../../src/django/prompts';
import { leaveTimeWait, strictPortCheck } from '../net/timeWait';
import { activateExtension, waitFor } from './helpers';
import { integrationDir, item } from './testExplorerHelpers';

const TEST = 'test_deploy.py::test_health';

/**
 * Session mode run after run on the team repository: what a person pays is what pytest by hand pays, the
 * status bar shows the session's Django while a run has it up, and a stricter conftest is explained.
 */
describe('the team repository, run after run (session mode)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  const port = Number(process.env.TEAM_DJANGO_PORT);
  const notes: string[] = [];
  const refused: string[] = [];

  before(async () => {
    ({ api } = await activateExtension());
    api.django.prompts = {
      ...windowPrompts,
      notify: (_kind, m) => void notes.push(m),
      sessionPortConflict: async () => 'cancel',
      sessionPortRefused: async (m) => (refused.push(m), true),
    };
    api.django.mode.notice = async () => "Don't Show Again";
    await api.testExplorer.settled();
  });
  after(() => {
    api.django.prompts = windowPrompts;
  });

  it("VS Code's port auto-forward toast is silenced for Django's default port (the session's server dies with the run)", () => {
    const attrs = vscode.workspace
      .getConfiguration('remote')
      .inspect<Record<string, { onAutoForward?: string }>>('portsAttributes');
    assert.strictEqual(attrs?.defaultValue?.['8000']?.onAutoForward, 'silent', JSON.stringify(attrs));
  });

  it('three runs back to back after closed connections: none waits; the status bar shows the session Django, never "stopped"', async () => {
    const upSeen: string[] = [];
    for (let i = 0; i < 3; i++) {
      await leaveTimeWait(port);
      const seen: string[] = [];
      const timer = setInterval(() => seen.push(api.django.statusBar.text), 25);
      const summary = await api.testExplorer.runTests([item(api, TEST)]);
      clearInterval(timer);
      assert.strictEqual(summary.results.get(TEST)?.outcome, 'passed', summary.output.slice(-2000));
      assert.deepStrictEqual(summary.problems, []);
      const during = seen.slice(seen.findIndex((t) => t.includes(`Django: session :${port}`)));
      assert.ok(during.length > 0 && during[0].includes('session'), seen.join('\n'));
      assert.ok(!during.some((t) => /stopped/.test(t)), during.join('\n'));
      upSeen.push(...during.filter((t) => t.startsWith('$(server-process)')));
    }
    assert.ok(!notes.some((n) => /TIME_WAIT/.test(n)), notes.join('\n'));
    assert.ok(upSeen.length > 0, 'the session Django was shown up at least once');
    await waitFor('the status bar back to the managed Django', () =>
      /Django: stopped/.test(api.django.statusBar.text),
    );
  });

  it('a conftest whose check binds without SO_REUSEADDR: the refusal is explained, and Retry When the Port Is Free passes', async () => {
    const conftest = join(integrationDir(), 'conftest.py');
    const original = readFileSync(conftest, 'utf8');
    // A check no working repository keeps (connect, then bind without SO_REUSEADDR): the test writes it in.
    writeFileSync(conftest, strictPortCheck(original));
    const finished: RunSummary[] = [];
    const sub = api.testExplorer.onDidFinishRun((s) => finished.push(s));
    try {
      await leaveTimeWait(port);
      const first = await api.testExplorer.runTests([item(api, TEST)]);
      assert.strictEqual(first.results.get(TEST)?.outcome, 'error', first.output.slice(-2000));
      assert.match(
        first.problems.join('\n'),
        new RegExp(`refused port ${port}, although no process listens`),
      );
      assert.match(first.output, /SO_REUSEADDR, 1\) before sock\.bind/);
      assert.strictEqual(refused.length, 1);
      assert.match(refused[0], /TIME_WAIT/);
      // The person chose Retry When the Port Is Free: the same test runs once the port is clear (within a minute).
      await waitFor('the retried run', () => finished.length >= 2, 80_000);
      const retried = finished[1];
      assert.strictEqual(retried.results.get(TEST)?.outcome, 'passed', retried.output.slice(-2000));
    } finally {
      sub.dispose();
      writeFileSync(conftest, original);
    }
  });
});
