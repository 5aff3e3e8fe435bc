// Runs the extension-host suites inside a real VS Code (server + Chromium), on a fresh copy of the
// fixture codespace. Saves a screenshot and the extension-host logs under .artifacts/host/<suite>/.
// Exit code: 0 when every test passed; non-zero with a readable reason otherwise.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  existsSync,
  rmSync,
  copyFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parseArgs, format } from 'node:util';
import {
  repoRoot,
  artifactsDir,
  startServer,
  launchChromium,
  workbenchUrl,
  extensionHostLogs,
  defaultVscode,
} from './vscodeServer.mjs';
import { copyTeamFixture, freeTcpPort } from './teamFixture.mjs';
import { copyFixture } from './codespaceFixture.mjs';

// Parsed in main(), so importing this script never reads its command line.
const readOptions = () =>
  parseArgs({
    options: {
      suite: { type: 'string', default: 'host' },
      filter: { type: 'string' },
      grep: { type: 'string' },
      timeout: { type: 'string', default: String(30 * 60) },
      // Two copies of the fixture in one multi-root workspace; runs the multiRoot*.test files only.
      'multi-root': { type: 'boolean', default: false },
      // Which installed VS Code runs the suites: 1.139 (current) or 1.96 (the oldest engines.vscode claims).
      vscode: { type: 'string', default: defaultVscode },
      // The team-repository fixture (suites/fixtures/teamrepo over codespace); runs the teamRepo*.test files only.
      team: { type: 'boolean', default: false },
    },
  }).values;

/** Two copies of the fixture codespace as the folders of one .code-workspace. */
function multiRootWorkspace() {
  const root = mkdtempSync(join(tmpdir(), 'cit-multiroot-'));
  copyFixture(join(root, 'backend-a'));
  copyFixture(join(root, 'backend-b'));
  writeFileSync(
    join(root, 'services.code-workspace'),
    JSON.stringify(
      {
        folders: [{ path: 'backend-a' }, { path: 'backend-b' }],
        // These tests are about the test trees; Django and its prompts are covered by the django suite.
        settings: { 'codespaceTests.django.autoStart': false },
      },
      null,
      2,
    ),
  );
  return root;
}

async function main() {
  const values = readOptions();
  const suite = values.suite;
  const outDir = join(artifactsDir, 'host', suite);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const resultsFile = join(artifactsDir, 'results', `${suite}.json`);
  rmSync(resultsFile, { force: true });
  const multiRoot = values['multi-root'];
  const teamPort = values.team ? await freeTcpPort() : undefined;
  const workspace = multiRoot
    ? multiRootWorkspace()
    : teamPort
      ? copyTeamFixture(mkdtempSync(join(tmpdir(), 'cit-teamrepo-')), teamPort)
      : copyFixture();
  // The tree benchmark measures from activation: its 5,000 tests are in the workspace when the window opens.
  if (suite === 'bench')
    execFileSync('node', [join(repoRoot, 'out/suites/bench/corpus.js'), join(workspace, 'bench-corpus')]);
  const hostLog = [];
  const consoleLog = [];
  const server = await startServer({
    env: {
      RESULTS_FILE: resultsFile,
      HOST_SUITE_NAME: suite,
      FIXTURE_WORKSPACE: multiRoot ? join(workspace, 'backend-a') : workspace,
      HOST_LAYOUT: multiRoot ? 'multi-root' : teamPort ? 'team' : 'folder',
      HOST_VSCODE: values.vscode,
      ...(teamPort ? { TEAM_DJANGO_PORT: String(teamPort) } : {}),
      CIT_ARTIFACTS: outDir,
      // This runner can shoot the workbench: tests ask through this file (see screenshots.ts).
      CIT_SCREENSHOT_REQUESTS: join(outDir, 'screenshot-requests'),
      ...(values.filter ? { TEST_FILTER: values.filter } : {}),
      ...(values.grep ? { TEST_GREP: values.grep } : {}),
    },
    log: (s) => hostLog.push(s),
    vscode: values.vscode,
  });
  const browser = await launchChromium();
  let exitCode = 1;
  let reason = '';
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exited = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      consoleLog.push(line);
    });
    const url = workbenchUrl(server, {
      ...(multiRoot ? { workspaceFile: join(workspace, 'services.code-workspace') } : { folder: workspace }),
      extensionPath: repoRoot,
      testsPath: join(repoRoot, 'out/suites/host/index.js'),
    });
    // Only the navigation itself: the workbench's own loading is covered by the run's timeout (a loaded
    // machine takes longer than playwright's 30 s to fire "load").
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    // The suite's reporter writes mocha.log (see index.ts): show it live.
    const mochaLog = join(outDir, 'mocha.log');
    let shown = 0;
    // Host tests ask for screenshots of the live workbench by appending names to a file (see screenshots.ts).
    const requests = join(outDir, 'screenshot-requests');
    let taken = 0;
    let busy = false;
    const tail = setInterval(async () => {
      if (existsSync(mochaLog)) {
        const text = readFileSync(mochaLog, 'utf8');
        if (text.length > shown) process.stdout.write(text.slice(shown));
        shown = text.length;
      }
      if (busy || !existsSync(requests)) return;
      const names = readFileSync(requests, 'utf8').split('\n').filter(Boolean);
      busy = true;
      for (; taken < names.length; taken++) {
        // "name" or "name<TAB>selector": shoot once the selector shows (or after 10 s, to show what is there).
        const [raw, visible] = names[taken].split('\t');
        const name = raw.replace(/[^\w.-]/g, '_');
        if (visible) await page.waitForSelector(visible, { timeout: 10_000 }).catch(() => {});
        await page.screenshot({ path: join(outDir, `${name}.png`) }).catch(() => {});
      }
      busy = false;
    }, 250);
    exited.then(() => clearInterval(tail));
    const timeoutMs = Number(values.timeout) * 1000;
    const timedOut = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const code = await Promise.race([exited, timedOut]);
    await page.screenshot({ path: join(outDir, 'workbench.png') }).catch(() => {});
    clearInterval(tail);
    if (existsSync(mochaLog)) process.stdout.write(readFileSync(mochaLog, 'utf8').slice(shown));
    if (code === 'timeout') reason = `the extension-host tests did not finish within ${values.timeout} s`;
    else if (code !== 0) reason = `the extension-host tests failed (exit ${code})`;
    else exitCode = 0;
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    for (const f of extensionHostLogs(server.userDataDir)) copyFileSync(f, join(outDir, basename(f)));
    writeFileSync(join(outDir, 'server.log'), hostLog.join(''));
    writeFileSync(join(outDir, 'console.log'), consoleLog.join('\n'));
    rmSync(server.dataRoot, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
  const activation = join(outDir, 'remoteexthost.log');
  if (
    existsSync(activation) &&
    /Activating extension .*codespace-integration-tests.* failed/i.test(readFileSync(activation, 'utf8'))
  ) {
    exitCode = 1;
    reason ||= 'the extension failed to activate (see remoteexthost.log)';
  }
  if (!existsSync(resultsFile) && exitCode === 0) {
    exitCode = 1;
    reason = 'the extension-host tests reported no results';
  }
  if (reason)
    console.error(`[host:${suite}] FAILED on VS Code ${values.vscode}: ${reason}. Artifacts: ${outDir}`);
  else console.error(`[host:${suite}] passed. Screenshot: ${join(outDir, 'workbench.png')}`);
  process.exit(exitCode);
}

// Only when run as a script (suites/e2e/run.mjs has the same base name).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`[host] ${e.stack ?? e}`);
    process.exit(1);
  });
}
