// The backing services of `npm start` and the UI tests: a Kubernetes API stand-in with pods that log
// continuously (a pynode and a model deployment), and the GitHub stand-in behind Prism (GitHub's own
// OpenAPI description), whose runs move on by themselves. Everything on loopback; stop() ends it all.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { FakeKubeApi } from '../kube/fakeApiServer';
import { ContractGitHub } from '../github/contract';
import { fixtureRepo } from '../github/standIn';
import { githubJobLog } from '../github/jobLogShape';

export const GITHUB_REMOTE = 'https://github.com/acme/backend.git';
export const DEV_TOKEN = 'dev-token-for-the-github-stand-in';

export interface DevServices {
  kubeconfig: string;
  githubApiUrl: string;
  /** Settings for the workspace so the extension uses these services. */
  settings: Record<string, unknown>;
  /**
   * Application-scoped settings (the GitHub API base URL): VS Code reads them only from the user's
   * settings, so they go there (writeMachineSettings) before the workbench opens.
   */
  machineSettings: Record<string, unknown>;
  /** The token the GitHub stand-in accepts: "Set GitHub Token…", or TEST_TOKEN_VARIABLE in the server's environment. */
  githubToken: string;
  /** Prism's process id (the UI tests check that it is gone after stop()). */
  prismPid: number | undefined;
  /** Where requests or responses broke GitHub's OpenAPI contract since the last call (see ContractGitHub). */
  takeGitHubViolations(): ReturnType<ContractGitHub['takeViolations']>;
  /** Uploads a `junit` artifact (these files, zipped) to the newest run, as the workflow's upload step does. */
  addJUnitArtifact(files: Record<string, string>): void;
  /** Gives the newest run's job a GitHub-shaped log (pytest -v with colours, one line per step's command). */
  addJobLog(): void;
  stop(): Promise<void>;
}

const PODS: { ns: string; name: string; labels: Record<string, string>; containers: string[] }[] = [
  { ns: 'default', name: 'pynode-7d9f8b6c4-x2kqp', labels: { app: 'pynode' }, containers: ['pynode'] },
  {
    ns: 'models',
    name: 'model-llama-deploy-5b7c9d-qrt8z',
    labels: { app: 'model-deployment', model: 'llama' },
    containers: ['model', 'queue-proxy'],
  },
];

/** What each container says, in turn ({id} and {ms} vary): a pynode, a model server, its queue proxy. */
const SAMPLE_LINES: Record<string, string[]> = {
  pynode: [
    'INFO  pynode: heartbeat ok',
    'INFO  pynode: picked up job {id}',
    'DEBUG pynode: cache hit for model weights',
    'WARN  pynode: slow response from django ({ms} ms)',
  ],
  model: [
    'INFO  model: predict request {id} served in {ms} ms',
    'DEBUG model: batch of 4 requests, GPU memory 61%',
    'INFO  model: predict request {id} served in {ms} ms',
    'ERROR model: request {id} failed: upstream timed out',
  ],
  'queue-proxy': [
    'INFO  queue-proxy: forwarded request {id} ({ms} ms)',
    'INFO  queue-proxy: concurrency 3/8',
  ],
};

export async function startDevServices(options: {
  workspace: string;
  remoteDir: string;
  tick?: number;
}): Promise<DevServices> {
  const kube = await FakeKubeApi.start();
  for (const p of PODS) kube.addPod(p.ns, p.name, { labels: p.labels, containers: p.containers });
  // What Check Codespace reads besides pods: a Ready node and the model deployment behind the model pod.
  kube.addNode('minikube');
  kube.addDeployment('models', 'model-llama-deploy', { labels: { app: 'model-deployment', model: 'llama' } });
  // A probe that keeps failing, as a flaky pynode's does: a failed test's evidence shows the event of its window.
  const started = Date.now();
  kube.addEvent({
    namespace: 'default',
    involved: { kind: 'Pod', name: PODS[0].name },
    reason: 'Unhealthy',
    message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    type: 'Warning',
    first: started - 120_000,
    last: started + 24 * 3600_000,
    count: 42,
  });
  let n = 0;
  const logTimer = setInterval(() => {
    for (const p of PODS) {
      for (const c of p.containers) {
        const lines = SAMPLE_LINES[c];
        const template = lines[n % lines.length];
        const line = template
          .replace('{id}', String(1000 + n))
          .replace('{ms}', String(20 + ((n * 37) % 900)));
        kube.writeLog(p.ns, p.name, c, [line]);
      }
    }
    n++;
  }, options.tick ?? 1000);

  const github = await ContractGitHub.start(fixtureRepo(DEV_TOKEN));
  // The scheduled runs on the default branch, every 30 minutes, as the team's CI does.
  for (let i = 3; i >= 1; i--) {
    const createdAt = new Date(Date.now() - i * 30 * 60_000);
    github.standIn.seedRun({
      branch: 'main',
      event: 'schedule',
      conclusion: i === 2 ? 'failure' : 'success',
      createdAt,
    });
  }
  // Runs move on by themselves: queued -> in progress -> completed, a step every few seconds.
  const runTimer = setInterval(() => {
    for (const [id, run] of github.standIn.runs) {
      if (run.json.status !== 'completed') github.standIn.advance(id);
    }
  }, 4000);

  addGitHubRemote(options.workspace, options.remoteDir);
  const kubeconfig = kube.writeKubeconfig('default');
  return {
    kubeconfig,
    githubApiUrl: github.url,
    settings: {
      'codespaceTests.kube.kubeconfig': kubeconfig,
      'codespaceTests.kube.namespaces': ['default', 'models'],
    },
    machineSettings: { 'codespaceTests.ci.apiBaseUrl': github.url },
    githubToken: DEV_TOKEN,
    prismPid: github.pid(),
    takeGitHubViolations: () => github.takeViolations(),
    addJUnitArtifact: (files) =>
      void github.standIn.addArtifact({
        name: 'junit',
        zip: zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))),
      }),
    addJobLog: () => github.standIn.setJobLog(sampleJobLog()),
    async stop() {
      clearInterval(logTimer);
      clearInterval(runTimer);
      await github.stop();
      await kube.close();
    },
  };
}

/**
 * Adds settings to the user settings of a VS Code server started with `--user-data-dir userDataDir`
 * (the only place application-scoped settings are read from).
 */
export function writeMachineSettings(userDataDir: string, extra: Record<string, unknown>): void {
  const dir = join(userDataDir, 'User');
  const file = join(dir, 'settings.json');
  mkdirSync(dir, { recursive: true });
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, JSON.stringify({ ...current, ...extra }, null, 2) + '\n');
}

/** The `url.<base>.insteadof` keys of the repository at `cwd` that rewrite `url`. */
function rewritesOf(cwd: string, url: string): string[] {
  let out: string;
  try {
    out = execFileSync('git', ['config', '--get-regexp', '^url\\..*\\.insteadof$'], {
      cwd,
      encoding: 'utf8',
    });
  } catch {
    return []; // none (git config exits 1)
  }
  return out
    .split('\n')
    .map((l) => /^(\S+) (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === url)
    .map((m) => m[1]);
}

/** `origin` says GitHub (acme/backend) while fetch and push go to a local bare repository. */
function addGitHubRemote(workspace: string, remoteDir: string): void {
  const git = (...a: string[]) =>
    execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...a], {
      cwd: workspace,
      stdio: 'ignore',
    });
  const bare = join(remoteDir, 'backend.git');
  if (!existsSync(bare)) {
    mkdirSync(remoteDir, { recursive: true });
    git('init', '-q', '--bare', '-b', 'main', bare);
  }
  try {
    git('remote', 'add', 'origin', GITHUB_REMOTE);
  } catch {
    // Already there from an earlier start.
  }
  // A start from another checkout (a worktree since removed) left its own bare remote here: only ours stays.
  for (const key of rewritesOf(workspace, GITHUB_REMOTE))
    if (key !== `url.${bare}.insteadof`) git('config', '--unset-all', key);
  git('config', `url.${bare}.insteadOf`, GITHUB_REMOTE);
  git('push', '-q', '-u', 'origin', 'HEAD');
}

/** The integration job's log as GitHub serves it: checkout, then pytest -v with its colours. */
function sampleJobLog() {
  const dir = 'backend/oracles/tests/integration';
  const green = (t: string) => `\u001b[32m${t}\u001b[0m`;
  return githubJobLog(
    [
      {
        name: 'Set up job',
        conclusion: 'success',
        run: 'set up',
        output: ['Current runner version: 2.321.0'],
      },
      {
        name: 'Run actions/checkout@v4',
        conclusion: 'success',
        run: 'actions/checkout@v4',
        output: ['Syncing repository: acme/backend'],
      },
      {
        name: 'Run integration tests',
        conclusion: 'success',
        run: `uv run pytest -c ${dir}/pytest.ini -v ${dir}`,
        output: [
          '============================= test session starts ==============================',
          'collecting ... collected 2 items',
          `${dir}/test_pynodes.py::test_unique_names_differ ${green('PASSED')} [ 50%]`,
          `${dir}/test_deploy.py::test_add[1-2] ${green('PASSED')} [100%]`,
          green('============================== 2 passed in 0.12s ==============================='),
        ],
      },
    ],
    Date.now() - 60_000,
  );
}
