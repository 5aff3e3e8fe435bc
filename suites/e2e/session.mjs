// One UI session: a fresh fixture codespace (migrated, with its own settings), a VS Code server running
// the extension from this repository, and Chromium showing the workbench. Steps share it; stop() ends
// everything it started and checks that nothing is left.
/* global before, after, afterEach -- mocha provides them to the test files that call shareUiSession */
import * as assert from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { copyFixture } from '../host/codespaceFixture.mjs';
import { copyTeamFixture } from '../host/teamFixture.mjs';
import {
  artifactsDir,
  extensionHostLogs,
  freePort,
  launchChromium,
  repoRoot,
  startServer,
  workbenchUrl,
} from '../host/vscodeServer.mjs';
import { Workbench } from './workbench.mjs';
import { startDemo } from '../dev/demo.mjs';

export const e2eArtifacts = join(artifactsDir, 'e2e');
/** Sessions started in this run: numbers their log folders (.artifacts/e2e/logs/<n>-<fixture>). */
let sessions = 0;
export const INTEGRATION_DIR = 'backend/oracles/tests/integration';

/** Process ids (and command lines) whose command line mentions `needle`. */
export function processesMentioning(needle) {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => {
      const [pid, ...args] = l.trim().split(/\s+/);
      return { pid: Number(pid), args: args.join(' ') };
    })
    .filter((p) => p.pid && p.pid !== process.pid);
}

/** Adds `codespaceTests.*` (and other) settings to the copy's .vscode/settings.json before it is opened. */
function mergeSettings(workspace, extra) {
  const file = join(workspace, '.vscode/settings.json');
  const current = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...current, ...extra }, null, 2) + '\n');
}

/** Whether process `pid` still exists. */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The backing services of `npm start` (suites/dev/index.ts, compiled by esbuild.mjs). */
function devModule() {
  return createRequire(import.meta.url)(join(repoRoot, 'out/suites/dev/index.js'));
}

/**
 * Starts the session. `settings(ports)` returns the workspace settings to add, given free ports
 * (`django` for the managed Django, `pytestDjango` for a Django the fixture's conftest starts itself).
 * With `devServices`, the Kubernetes and GitHub stand-ins of `npm start` run too (Prism takes 30-45 s
 * to load GitHub's description, so they start while the VS Code server does) and their settings are
 * in the workspace before the workbench opens.
 */
export async function startUiSession({
  settings = () => ({}),
  devServices = false,
  fixture = 'codespace',
} = {}) {
  // run.mjs empties the artifacts once per run: a later session keeps what an earlier one failed with.
  mkdirSync(e2eArtifacts, { recursive: true });
  const ports = { django: await freePort(), pytestDjango: await freePort() };
  // The team-repository fixture: its session starts its own Django on the port (see suites/fixtures/teamrepo).
  const workspace =
    fixture === 'team'
      ? copyTeamFixture(mkdtempSync(join(tmpdir(), 'cit-teamrepo-')), ports.django)
      : copyFixture();
  const remoteDir = mkdtempSync(join(tmpdir(), 'cit-remote-'));
  const serverLog = [];
  const started = await Promise.allSettled([
    promisify(execFile)('/usr/bin/python3', ['backend/manage.py', 'migrate', '--noinput'], {
      cwd: workspace,
      timeout: 120_000,
    }),
    devServices ? devModule().startDevServices({ workspace, remoteDir }) : Promise.resolve(undefined),
    startServer({ log: (s) => serverLog.push(s) }),
  ]);
  const services = started[1].status === 'fulfilled' ? started[1].value : undefined;
  const server = started[2].status === 'fulfilled' ? started[2].value : undefined;
  const cleanUp = async () => {
    await server?.stop();
    await services?.stop();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(remoteDir, { recursive: true, force: true });
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await cleanUp();
    throw failed.reason;
  }
  mergeSettings(workspace, {
    'codespaceTests.django.port': ports.django,
    // The team fixture reads no variable: it runs with the defaults.
    ...(fixture === 'team'
      ? {}
      : { 'codespaceTests.tests.env': { INTEGRATION_DJANGO_PORT: String(ports.pytestDjango) } }),
    // The welcome page and the extension recommendations would cover what the steps look at.
    'workbench.startupEditor': 'none',
    'extensions.ignoreRecommendations': true,
    // The chat panel and the secondary side bar would take a third of the window in every screenshot.
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...services?.settings,
    ...settings(ports),
  });
  if (services) devModule().writeMachineSettings(server.userDataDir, services.machineSettings);
  try {
    return await openUiSession(workbenchUrl(server, { folder: workspace, extensionPath: repoRoot }), {
      workspace,
      remoteDir,
      server,
      services,
      ports,
      serverLog,
      logsName: `${++sessions}-${fixture}`,
    });
  } catch (e) {
    await cleanUp();
    throw e;
  }
}

/** Opens the workbench at `url` in Chromium and waits until it is up: the session of `parts`. */
async function openUiSession(url, parts) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    const workbench = new Workbench(page, e2eArtifacts);
    await workbench.ready(90_000);
    return new UiSession({ ...parts, browser, page, workbench });
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
}

/**
 * The hooks of a describe whose steps share one UI session: starts it before the first step and hands it to
 * `started`, saves a screenshot when a step fails (`<shotPrefix>failed-<title>`: what the workbench showed is
 * the first thing to look at), and after the last step stops it and asserts that none of its processes was left.
 */
export function shareUiSession(options, started, { shotPrefix = '' } = {}) {
  let session;
  before(async () => {
    session = await startUiSession(options);
    started(session);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session)
      await session.workbench.screenshot(
        `${shotPrefix}failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`,
      );
  });
  after(async () => {
    if (!session) return;
    const leftovers = await session.stop();
    assert.deepStrictEqual(leftovers, [], 'every process of the session stopped with the server');
  });
}

/**
 * A session started the way `npm start` starts (suites/dev/demo.mjs): the extension installed (production
 * mode), no smoke-test driver (toasts pop up), the stand-ins, and the walkthrough opening by itself; on a
 * fresh migrated copy of the fixture with a free Django port, so it runs beside other sessions.
 */
export async function startNpmStartSession() {
  mkdirSync(e2eArtifacts, { recursive: true });
  const ports = { django: await freePort(), pytestDjango: await freePort() };
  const workspace = copyFixture();
  const remoteDir = mkdtempSync(join(tmpdir(), 'cit-remote-'));
  const serverLog = [];
  let demo;
  try {
    await promisify(execFile)('/usr/bin/python3', ['backend/manage.py', 'migrate', '--noinput'], {
      cwd: workspace,
      timeout: 120_000,
    });
    demo = await startDemo({
      workspace,
      remoteDir,
      // Another extension's view of ours: it logs what the installed extension exports (nothing).
      alsoInstall: [join(repoRoot, 'suites/fixtures/api-probe')],
      settings: {
        'codespaceTests.django.port': ports.django,
        'codespaceTests.tests.env': { INTEGRATION_DJANGO_PORT: String(ports.pytestDjango) },
      },
    });
    demo.server.proc.stdout.on('data', (d) => serverLog.push(String(d)));
    demo.server.proc.stderr.on('data', (d) => serverLog.push(String(d)));
    const { server, services } = demo;
    return await openUiSession(demo.url, {
      workspace,
      remoteDir,
      server,
      services,
      ports,
      serverLog,
      logsName: `${++sessions}-npm-start`,
    });
  } catch (e) {
    await demo?.stop();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(remoteDir, { recursive: true, force: true });
    throw e;
  }
}

export class UiSession {
  constructor(parts) {
    Object.assign(this, parts);
    /** Processes a step started itself (a foreign server on a port): stop() makes sure they are gone. */
    this.ownPids = [];
  }

  /** Absolute path of a file in the workspace copy. */
  path(rel) {
    return join(this.workspace, rel);
  }

  /**
   * Closes the browser and the server, keeps the logs in the artifacts, then makes sure no process of
   * this session is left (pytest, Django and the extension host all mention the workspace copy's path).
   * Returns what had to be killed by hand (empty when everything stopped on its own).
   */
  async stop() {
    await this.browser.close().catch(() => {});
    await this.server.stop();
    // Each session's logs in their own folder: a later session must not overwrite a failed one's.
    const logs = join(e2eArtifacts, 'logs', this.logsName);
    mkdirSync(logs, { recursive: true });
    for (const f of extensionHostLogs(this.server.userDataDir)) copyFileSync(f, join(logs, basename(f)));
    writeFileSync(join(logs, 'server.log'), this.serverLog.join(''));
    await this.services?.stop();
    // The reaper (the watcher that kills what a dead extension host left) ends itself about 2 s after the
    // host: give processes a bounded moment to end on their own before counting leftovers.
    const until = Date.now() + 5000;
    while (
      Date.now() < until &&
      [...processesMentioning(this.workspace), ...processesMentioning(this.server.dataRoot)].length
    )
      await new Promise((r) => setTimeout(r, 200));
    const leftovers = [
      ...processesMentioning(this.workspace),
      ...processesMentioning(this.server.dataRoot),
      ...processesMentioning(`:${this.ports.django}`),
      ...[this.services?.prismPid, ...this.ownPids]
        .filter((pid) => pid && alive(pid))
        .map((pid) => ({ pid, args: 'started by the session' })),
    ];
    for (const p of leftovers) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(this.server.dataRoot, { recursive: true, force: true });
    rmSync(this.workspace, { recursive: true, force: true });
    rmSync(this.remoteDir, { recursive: true, force: true });
    return leftovers;
  }
}

/** Opens the Testing view from the command palette and expands the rows down to the last label. */
export async function showTestRow(workbench, ...labels) {
  // The view's command appears once the extension has activated and registered its tests: slow on a busy machine.
  await workbench.command('Testing: Focus on Test Explorer View', 90_000);
  let row;
  for (const [i, label] of labels.entries()) {
    row = workbench.testRow(label);
    await row.waitFor({ timeout: 60_000 });
    if (i < labels.length - 1 && (await row.getAttribute('aria-expanded')) === 'false')
      await row.locator('.monaco-tl-twistie').click();
  }
  return row;
}

/** The Testing view row of `label` once it shows `state` ("Passed", "Failed", …) in its accessible label. */
export function testRowIn(workbench, label, state) {
  return workbench.page.locator(`.test-explorer .monaco-list-row[aria-label^="${label} (${state}"]`).first();
}
