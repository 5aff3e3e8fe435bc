import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import type { PortOwner } from '../django/portOwner';
import type { PythonTestingSettings } from '../pytest/pythonExtension';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** What to do about a check that is not ok: words, and a VS Code command when one does it. */
export interface Fix {
  text: string;
  /** A VS Code command id the Codespace view offers as a button (the CLI prints only `text`). */
  command?: string;
  /** The command's arguments. */
  args?: unknown[];
}

/** One finding of the doctor; `--json` prints these as they are. */
export interface CheckResult {
  id: string;
  /** What is checked, in a few words (the view's row label). */
  title: string;
  status: CheckStatus;
  /** What it found, in one or two sentences. */
  message: string;
  fix?: Fix;
}

/** The settings the checks read (`codespaceTests.*`), already expanded; the CLI and the extension each build one. */
export interface DoctorSettings {
  workspace: string;
  interpreter: string;
  testCommand: string;
  djangoCommand: string;
  djangoCwd: string;
  djangoEnv: Record<string, string>;
  host: string;
  port: number;
  apiKeyCommand: string;
  mode: string;
  urlEnvVar: string;
  kubeconfig: string;
  kubeContext: string;
  pynodeSelector: string;
  modelSelector: string;
  /** Parts of the deployed cluster that the local one lacks: reported, not failed. */
  localClusterLacks: { name: string; labelSelector: string }[];
  /** `tests.include`: where the tests are read from. */
  testsInclude: string;
  /** `tests.needsComponent`: markers of tests that need a part the local cluster lacks (marker → the part). */
  needsComponent: Record<string, string>;
  workflow: string;
  /** The Python extension's test settings (`python.testing.*`): whether its discovery also shows our tests. */
  pythonTesting: PythonTestingSettings;
}

/** Who holds the GitHub token the extension would use; undefined: none. */
export type GitHubSignIn = { source: string } | undefined;

/** What the checks need besides settings: supplied by the CLI or the extension. */
export interface DoctorContext {
  settings: DoctorSettings;
  logger: Logger;
  token: CancelToken;
  /** The pytest.ini files of the workspace (the mode is chosen from their conftests). */
  inis: readonly string[];
  /** Folder of the pytest plugin (out/python): a check that runs pytest gets results over its side channel. */
  pluginDir: string;
  /** Whether a process holding Django's port is the extension's own managed server. */
  isManagedServer(owner: PortOwner): boolean;
  /** The GitHub sign-in the extension would use, looked up without asking. */
  githubSignIn(): Promise<GitHubSignIn>;
  /** Limits a call to the network (the cluster) to the doctor's network time limit, aborting it when over. */
  network<T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** What a check found; the runner adds its id and title. */
export type Finding = Pick<CheckResult, 'status' | 'message' | 'fix'>;

/** One check: its id and title are known before it runs, so a check that throws or hangs still has a row. */
export interface Check {
  id: string;
  title: string;
  run(): Promise<Finding>;
}

/** A group of checks (one file each), in the order they are shown; checks of a group may share a lookup. */
export type CheckGroup = (ctx: DoctorContext) => Check[];
