import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/ids';
import type { ExtensionApi } from '../../src/extension';
import type { DjangoState } from '../../src/core/django/types';
import type { PortConflict } from '../../src/core/django/server';
import { findPortOwner } from '../../src/core/django/portOwner';
import { probeHealth } from '../../src/core/django/health';
import { DJANGO_SOURCE } from '../../src/core/logs/logStore';
import { windowPrompts } from '../../src/django/prompts';
import { activateExtension, waitFor } from './helpers';
import { artifactsContaining, extensionLogText, logEverything } from './ciHelpers';
import {
  foreignProcess,
  freePort,
  migrate,
  pidAlive,
  runFixtureTest,
  setSetting,
  workspaceDir,
} from './djangoHelpers';

describe('Django lifecycle in VS Code (commands, status bar, port conflicts)', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let port: number;
  const states: DjangoState['kind'][] = [];
  const cleanup: (() => unknown)[] = [];

  before(async () => {
    ({ api } = await activateExtension());
    await migrate();
    port = await freePort();
    await setSetting('django.port', port);
    api.django.server.onDidChangeState((s) => states.push(s.kind));
  });
  afterEach(async () => {
    api.django.prompts = windowPrompts;
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  after(async () => {
    await vscode.commands.executeCommand(Commands.stopDjango);
  });

  const statusText = () => api.django.statusBar.text;

  /** Both pids of the managed server: the autoreloader parent and the child holding the port. */
  async function tree(): Promise<{ parent: number; child: number }> {
    const owner = await findPortOwner(port);
    const parent = api.django.server.pid;
    assert.ok(owner && parent, 'the server runs and holds its port');
    assert.strictEqual(owner.ppid, parent, 'the autoreloader forks: the port holder is its child');
    return { parent, child: owner.pid };
  }

  it('starts with the command: status bar goes stopped -> starting -> ready with the URL; key, terminal, log store', async () => {
    assert.match(statusText(), /Django: stopped/);
    states.length = 0;
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(state.kind, 'ready', JSON.stringify(state));
    assert.deepStrictEqual(states, ['starting', 'ready']);
    assert.strictEqual(statusText(), `$(pass-filled) Django: 127.0.0.1:${port}`);
    assert.match(api.django.statusBar.tooltip, new RegExp(`ready at http://127.0.0.1:${port}`));
    assert.match(api.django.server.apiKey ?? '', /^[0-9a-f]{40}$/);
    const health = await probeHealth(`http://127.0.0.1:${port}/health/`);
    assert.strictEqual(health.kind === 'answered' && health.status, 200);
    assert.ok(
      vscode.window.terminals.some((t) => t.name === 'Django'),
      'the Django terminal exists',
    );
    await waitFor('Django lines in the log store', () =>
      api.logStore.tail(DJANGO_SOURCE, 200).some((l) => l.text.includes('Starting development server')),
    );
    await tree();
  });

  it('hands a test run the URL and key, and the fixture test passes against the shared server', async () => {
    const env = await api.django.prepareForTestRun();
    assert.deepStrictEqual(env, {
      INTEGRATION_DJANGO_URL: `http://127.0.0.1:${port}`,
      INTEGRATION_API_KEY: api.django.server.apiKey,
    });
    const run = await runFixtureTest('test_deploy.py::TestDeployments::test_whoami', env!);
    assert.strictEqual(run.code, 0, run.output);
    assert.match(run.output, /1 passed/);
    await waitFor('the request in the log store', () =>
      api.logStore.tail(DJANGO_SOURCE, 200).some((l) => l.text.includes('/api/whoami/')),
    );
  });

  it('restarts with the command (both old processes gone), and before each run when the setting asks', async () => {
    const before = await tree();
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.restartDjango);
    assert.strictEqual(state.kind, 'ready');
    await waitFor(
      'the old tree to be gone',
      () => !pidAlive(before.parent) && !pidAlive(before.child),
      10_000,
    );
    const afterRestart = await tree();
    assert.notStrictEqual(afterRestart.parent, before.parent);

    await setSetting('django.restartBeforeEachRun', true);
    cleanup.push(() => setSetting('django.restartBeforeEachRun', undefined));
    const env = await api.django.prepareForTestRun();
    assert.ok(env?.INTEGRATION_API_KEY);
    assert.notStrictEqual(api.django.server.pid, afterRestart.parent, 'a fresh server for the run');
    await waitFor(
      'the previous tree to be gone',
      () => !pidAlive(afterRestart.parent) && !pidAlive(afterRestart.child),
      10_000,
    );
  });

  it('stops with the command: status stopped, zero processes left (autoreloader on)', async () => {
    const t = await tree();
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.stopDjango);
    assert.strictEqual(state.kind, 'stopped');
    assert.strictEqual(statusText(), '$(circle-slash) Django: stopped');
    await waitFor('both pids gone', () => !pidAlive(t.parent) && !pidAlive(t.child), 10_000);
  });

  it('a run with autoStart off and no server goes on without Django', async () => {
    await setSetting('django.autoStart', false);
    cleanup.push(() => setSetting('django.autoStart', undefined));
    assert.strictEqual(await api.django.prepareForTestRun(), undefined);
    assert.strictEqual(api.django.state.kind, 'stopped');
  });

  it('a run starts Django when it is not up (autoStart on)', async () => {
    const env = await api.django.prepareForTestRun();
    assert.strictEqual(env?.INTEGRATION_DJANGO_URL, `http://127.0.0.1:${port}`);
    assert.strictEqual(api.django.state.kind, 'ready');
    await vscode.commands.executeCommand(Commands.stopDjango);
  });

  it('port held by a foreign python3 -m http.server: Cancel leaves it alone and says who it is', async () => {
    const foreign = await foreignProcess(['-m', 'http.server', String(port), '--bind', '127.0.0.1'], port);
    cleanup.push(() => foreign.stop());
    const asked: PortConflict[] = [];
    api.django.prompts = { ...windowPrompts, portConflict: async (c) => (asked.push(c), 'cancel') };
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(state.kind, 'stopped');
    assert.strictEqual(asked.length, 1);
    assert.strictEqual(asked[0].owner?.pid, foreign.pid);
    assert.match(asked[0].owner?.commandLine ?? '', new RegExp(`-m http\\.server ${port}`));
    assert.strictEqual(asked[0].reusable, false);
    assert.ok(pidAlive(foreign.pid!), 'never killed without asking');
    assert.match(statusText(), /Django: stopped/);
  });

  it('port held by a foreign process: Kill ends it and Django starts', async () => {
    const foreign = await foreignProcess(['-m', 'http.server', String(port), '--bind', '127.0.0.1'], port);
    cleanup.push(() => foreign.stop());
    api.django.prompts = { ...windowPrompts, portConflict: async () => 'kill' };
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(state.kind, 'ready', JSON.stringify(state));
    await foreign.stopped;
    assert.ok(!pidAlive(foreign.pid!));
    assert.strictEqual(state.kind === 'ready' && state.external, false);
    await vscode.commands.executeCommand(Commands.stopDjango);
  });

  it('port held by another Django that answers health: Reuse runs against it, Stop leaves it running', async () => {
    const other = await foreignProcess(
      ['backend/manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'],
      port,
      { ...process.env, PYTHONUNBUFFERED: '1' },
    );
    cleanup.push(() => other.stop());
    await waitFor(
      'the other Django to answer',
      async () => (await probeHealth(`http://127.0.0.1:${port}/health/`)).kind === 'answered',
      20_000,
    );
    let offered: PortConflict | undefined;
    api.django.prompts = { ...windowPrompts, portConflict: async (c) => ((offered = c), 'reuse') };
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(offered?.reusable, true);
    assert.strictEqual(state.kind === 'ready' && state.external, true, JSON.stringify(state));
    assert.strictEqual(state.kind === 'ready' && state.pid, other.pid);
    assert.match(api.django.statusBar.tooltip, /reused/);
    const env = await api.django.prepareForTestRun();
    assert.match(env?.INTEGRATION_API_KEY ?? '', /^[0-9a-f]{40}$/);
    await vscode.commands.executeCommand(Commands.stopDjango);
    assert.ok(pidAlive(other.pid!), 'a reused server is not ours to stop');
  });

  it('Django killed with SIGKILL: status crashed with the reason, onCrash fires with the last lines', async () => {
    await vscode.commands.executeCommand(Commands.startDjango);
    const t = await tree();
    const crash = new Promise<{ reason: string; lastLines: string[] }>((resolve) => {
      const sub = api.django.onCrash((c) => {
        sub.dispose();
        resolve(c);
      });
    });
    process.kill(t.child, 'SIGKILL');
    const c = await crash;
    assert.match(c.reason, /Django exited unexpectedly .*SIGKILL/);
    assert.ok(c.lastLines.some((l) => l.includes('Starting development server')));
    assert.strictEqual(api.django.state.kind, 'crashed');
    assert.strictEqual(statusText(), '$(error) Django: crashed');
    assert.match(api.django.statusBar.tooltip, /SIGKILL/);
    await waitFor('no process left', () => !pidAlive(t.parent) && !pidAlive(t.child), 10_000);
    // Start works again after a crash.
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(state.kind, 'ready');
    await vscode.commands.executeCommand(Commands.stopDjango);
  });

  it('unapplied migrations: the prompt offers migrate, and after it the key is there', async () => {
    const db = `${workspaceDir()}/fresh.sqlite3`;
    await setSetting('django.env', { DJANGO_DB_PATH: db });
    cleanup.push(() => setSetting('django.env', undefined));
    const asked: string[] = [];
    api.django.prompts = { ...windowPrompts, runMigrations: async (d) => (asked.push(d), true) };
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(state.kind, 'ready');
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0], /unapplied migration\(s\)/);
    assert.match(api.django.server.apiKey ?? '', /^[0-9a-f]{40}$/);
    await vscode.commands.executeCommand(Commands.stopDjango);
  });

  it('a missing manage.py: the start fails with the reason, status crashed', async () => {
    await setSetting('django.command', 'uv run python nowhere/manage.py runserver');
    cleanup.push(() => setSetting('django.command', undefined));
    const state = await vscode.commands.executeCommand<DjangoState>(Commands.startDjango);
    assert.strictEqual(state.kind, 'crashed');
    assert.match(state.kind === 'crashed' ? state.reason : '', /manage\.py was not found/);
    await assert.rejects(api.django.prepareForTestRun(), /manage\.py was not found/);
    assert.strictEqual(statusText(), '$(error) Django: crashed');
  });

  it('auto mode on this fixture is shared (its conftest reads INTEGRATION_DJANGO_URL); the tooltip says so', async () => {
    const choice = await api.django.mode.choose();
    assert.strictEqual(choice.mode, 'shared');
    assert.match(choice.reason, /conftest\.py reads INTEGRATION_DJANGO_URL/);
    assert.match(api.django.statusBar.tooltip, /Django mode: shared \(auto: .*conftest\.py reads/);
  });

  it('a failing API-key command: the run still gets the URL, no key variable, and a warning with stderr, never the key', async () => {
    const secret = 'KEY-0123456789abcdef-SECRET';
    // The key is printed, yet the command line (which the warning names) does not hold it whole.
    const [head, tail] = [secret.slice(0, 8), secret.slice(8)];
    const script = `import sys; print('${head}' + '${tail}'); sys.stderr.write('no user named baseten\\n'); sys.exit(1)`;
    await setSetting('django.apiKeyCommand', `/usr/bin/python3 -c "${script}"`);
    cleanup.push(() => setSetting('django.apiKeyCommand', undefined));
    const notes: string[] = [];
    api.django.prompts = { ...windowPrompts, notify: (_kind, m) => void notes.push(m) };
    await logEverything();
    const env = await api.django.prepareForTestRun();
    assert.ok(env, 'the run goes on');
    assert.strictEqual(env.INTEGRATION_DJANGO_URL, `http://127.0.0.1:${port}`);
    assert.ok(!('INTEGRATION_API_KEY' in env), 'no key variable');
    assert.strictEqual(notes.length, 1);
    assert.match(notes[0], /API key is missing, so the tests run without INTEGRATION_API_KEY/);
    assert.match(notes[0], /python3 -c/, 'names the command');
    assert.match(notes[0], /no user named baseten/, 'shows its stderr');
    assert.ok(!notes.join('\n').includes(secret), 'never the key');
    assert.ok(!api.loggedErrors().join('\n').includes(secret));
    // The log at trace level holds the warning (with stderr), and still not the key; nor does any artifact.
    const log = await waitFor('the warning in the log file', () => {
      const text = extensionLogText();
      return text.includes('no user named baseten') ? text : undefined;
    });
    assert.ok(!log.includes(secret), 'the key is in no log line, at any level');
    assert.deepStrictEqual(artifactsContaining(secret), [], 'no file under .artifacts/ holds the key');
    await vscode.commands.executeCommand(Commands.stopDjango);
  });

  it('the menu offers the commands for the state', async () => {
    const { menuItems } = await import('../../src/django/menu');
    assert.deepStrictEqual(
      menuItems({ kind: 'stopped' }).map((i) => i.command),
      [
        Commands.startDjango,
        Commands.restartDjango,
        Commands.showDjangoTerminal,
        Commands.openLogViewer,
        Commands.debugDjango,
      ],
    );
    const ready = menuItems({ kind: 'ready', url: 'http://127.0.0.1:1', pid: 1, external: false });
    assert.deepStrictEqual(
      ready.map((i) => i.command ?? i.url),
      [
        Commands.stopDjango,
        Commands.restartDjango,
        Commands.showDjangoTerminal,
        Commands.openLogViewer,
        Commands.debugDjango,
        'http://127.0.0.1:1',
      ],
    );
    // "Show Django Logs" opens the log viewer scoped to the server's lines.
    const logsItem = ready.find((i) => i.command === Commands.openLogViewer)!;
    await vscode.commands.executeCommand(logsItem.command!, ...(logsItem.args ?? []));
    await waitFor('the log viewer on Django', () => api.logs.viewer()?.panel.title === 'Logs: Django');
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of [
      Commands.startDjango,
      Commands.stopDjango,
      Commands.restartDjango,
      Commands.showDjangoTerminal,
      Commands.djangoMenu,
    ])
      assert.ok(all.has(c), c);
    await vscode.commands.executeCommand(Commands.showDjangoTerminal);
    await waitFor('the Django terminal to be active', () => vscode.window.activeTerminal?.name === 'Django');
  });
});
