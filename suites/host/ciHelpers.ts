// Helpers of the CI host tests: a scripted stand-in for the prompts and notices, and the git setup
// that makes the fixture's `origin` say GitHub while fetch and push go to a local bare repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { BeforeDispatchChoice, CiUi } from '../../src/ci/ui';
import type { WorkflowInput } from '../../src/core/github/workflow';
import { Commands } from '../../src/ids';
import { waitFor } from './helpers';

export const GITHUB_URL = 'https://github.com/acme/backend.git';

/** Answers the prompts from a script and records every question and notice. */
export class ScriptedUi implements CiUi {
  readonly asked: string[] = [];
  readonly choices: { reason: string; canPush: boolean }[] = [];
  readonly notices: { level: string; message: string; actions: string[] }[] = [];
  readonly opened: string[] = [];

  constructor(
    private readonly answers: Record<string, string | undefined> = {},
    private readonly choice: BeforeDispatchChoice = 'cancel',
    /** What "Set GitHub Token…" is typed (undefined: Escape). */
    private readonly token?: string,
  ) {}

  async askToken(): Promise<string | undefined> {
    return this.token;
  }

  async askInput(input: WorkflowInput): Promise<string | undefined> {
    this.asked.push(`${input.name}:${input.type}`);
    // A missing key means Escape; present keys are typed answers ('' takes the default).
    return input.name in this.answers ? this.answers[input.name] : undefined;
  }

  async chooseBeforeDispatch(reason: string, canPush: boolean): Promise<BeforeDispatchChoice> {
    this.choices.push({ reason, canPush });
    return this.choice;
  }

  async notify(
    level: 'info' | 'warning' | 'error',
    message: string,
    actions: string[],
  ): Promise<string | undefined> {
    this.notices.push({ level, message, actions });
    return undefined;
  }

  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A bare repository standing in for GitHub's git side; `origin` keeps its GitHub URL through `url.<bare>.insteadOf`. */
export function addBareRemote(workspace: string): string {
  const bare = join(mkdtempSync(join(tmpdir(), 'cit-ci-remote-')), 'backend.git');
  git(workspace, 'init', '-q', '--bare', '-b', 'main', bare);
  // Another CI suite of the same host run may have added it already.
  const remotes = git(workspace, 'remote').split('\n');
  git(workspace, 'remote', remotes.includes('origin') ? 'set-url' : 'add', 'origin', GITHUB_URL);
  // An earlier suite's rewrite points at a bare repository it has removed: only the new one stays.
  let rewrites = '';
  try {
    rewrites = git(workspace, 'config', '--get-regexp', '^url\\..*\\.insteadof$');
  } catch {
    // None yet.
  }
  for (const line of rewrites.split('\n')) {
    const [key, value] = line.split(' ');
    if (value === GITHUB_URL) git(workspace, 'config', '--unset', key);
  }
  git(workspace, 'config', `url.${bare}.insteadOf`, GITHUB_URL);
  git(workspace, 'push', '-q', '-u', 'origin', 'main');
  return bare;
}

/** Waits until the Git extension sees the branch git has checked out (it notices changes on its own). */
export async function gitExtensionSees(folder: vscode.Uri, branch: string | undefined): Promise<void> {
  const ext = vscode.extensions.getExtension<{
    getAPI(v: 1): {
      getRepository(u: vscode.Uri): { state: { HEAD?: { name?: string } }; status(): Promise<void> } | null;
    };
  }>('vscode.git');
  if (!ext) return;
  const api = (ext.isActive ? ext.exports : await ext.activate()).getAPI(1);
  await waitFor(
    `the Git extension to see ${branch ?? 'a detached HEAD'}`,
    async () => {
      const repo = api.getRepository(folder);
      if (!repo) return false;
      await repo.status();
      return repo.state.HEAD !== undefined && repo.state.HEAD.name === branch;
    },
    30_000,
    200,
  );
}

export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('codespaceTests');
  for (const [key, value] of Object.entries(values))
    await config.update(key, value, vscode.ConfigurationTarget.Global);
}

/** Stores `token` through the real "Set GitHub Token…" command (VS Code's secret storage). */
export async function setToken(
  api: { ci: { setUi(ui: CiUi | undefined): void } },
  token: string,
): Promise<void> {
  api.ci.setUi(new ScriptedUi({}, 'cancel', token));
  const stored = await vscode.commands.executeCommand<boolean>(Commands.setGitHubToken);
  if (!stored) throw new Error('Set GitHub Token did not store the token');
}

/** What a CI suite undoes at its end: the stored token, its scripted UI, and the settings it set. */
export async function undoCiSetup(
  api: { ci: { setUi(ui: CiUi | undefined): void } } | undefined,
  settings: readonly string[],
): Promise<void> {
  if (api) await vscode.commands.executeCommand(Commands.clearGitHubToken);
  api?.ci.setUi(undefined);
  await setSettings(Object.fromEntries(settings.map((key) => [key, undefined])));
}

/** Every log line, from trace up, reaches the extension's LogOutputChannel file from here on. */
export async function logEverything(): Promise<void> {
  await vscode.commands.executeCommand('_extensionTests.setLogLevel', 'trace');
}

/**
 * The text of the extension's LogOutputChannel ("Codespace Integration Tests.log"), as VS Code
 * wrote it. The extension host's parent (the VS Code server, or desktop VS Code) names the
 * `--user-data-dir` whose logs folder holds it.
 */
export function extensionLogText(): string {
  const args = readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').split('\0');
  const at = args.indexOf('--user-data-dir');
  const dir = at >= 0 ? args[at + 1] : args.find((a) => a.startsWith('--user-data-dir='))?.split('=')[1];
  if (!dir) throw new Error(`the extension host's parent has no --user-data-dir: ${args.join(' ')}`);
  const files = walk(join(dir, 'logs')).filter((f) => f.endsWith('Codespace Integration Tests.log'));
  if (!files.length) throw new Error(`no "Codespace Integration Tests.log" under ${join(dir, 'logs')}`);
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Text files under `.artifacts/` (this run's and earlier ones) that contain `secret`. */
export function artifactsContaining(secret: string): string[] {
  const own = process.env.CIT_ARTIFACTS;
  if (!own) return [];
  const root = dirname(dirname(own));
  return walk(root).filter(
    (f) =>
      !/\.(png|jpe?g|webm|zip)$/i.test(f) &&
      statSync(f).size < 50e6 &&
      readFileSync(f, 'utf8').includes(secret),
  );
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const f = join(dir, n);
    return statSync(f).isDirectory() ? walk(f) : [f];
  });
}
