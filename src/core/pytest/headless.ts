import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CancelToken } from '../cancel';
import type { Logger } from '../log';
import { expandVariables } from '../variables';
import { findGoverningIni } from './ini';
import { launchFromSettings, type LaunchSettings, type PytestLaunch } from './launch';
import type { PluginEvent } from './protocol';
import { runPytestSession, type SessionOutcome } from './session';
import { toPosix } from './discovery';

/** The test settings of a workspace without VS Code: `.vscode/settings.json` when present, else the defaults. */
export async function workspaceSettings(
  workspace: string,
  over: Partial<LaunchSettings> = {},
): Promise<LaunchSettings & { include: string }> {
  const get = await settingsReader(workspace);
  return {
    command: over.command ?? get('tests.command', 'uv run pytest'),
    interpreter:
      over.interpreter ?? (get('python.interpreter', '') || projectVenvPython(workspace) || 'python3'),
    extraArgs: over.extraArgs ?? get<string[]>('tests.extraArgs', []),
    env: { ...get<Record<string, string>>('tests.env', {}), ...over.env },
    envFile: over.envFile ?? get('tests.envFile', join(workspace, '.env')),
    cwd: over.cwd ?? get('tests.cwd', workspace),
    include: get('tests.include', '**/tests/integration/**/*.py'),
  };
}

/** The project's `.venv` interpreter (what `uv run` uses), when there is one. */
export function projectVenvPython(workspace: string): string | undefined {
  const venv = join(workspace, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : undefined;
}

/** `codespaceTests.<key>` from the workspace's `.vscode/settings.json` (variables expanded), else the default. */
export type SettingsGet = <T>(key: string, fallback: T) => T;

export async function settingsReader(workspace: string): Promise<SettingsGet> {
  let s: Record<string, unknown> = {};
  try {
    // settings.json allows comments and trailing commas.
    const text = await readFile(join(workspace, '.vscode/settings.json'), 'utf8');
    s = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    // No settings file: defaults.
  }
  return <T>(key: string, fallback: T): T =>
    expandVariables((s[`codespaceTests.${key}`] as T | undefined) ?? fallback, workspace);
}

/** Node ids as a person types them (a path relative to `base`, then `::names`), grouped by their pytest.ini. */
export function groupNodeIds(
  ids: readonly string[],
  workspace: string,
  base: string,
): { ini: string; nodeIds: string[] }[] | { error: string } {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const sep = id.indexOf('::');
    const file = resolve(base, sep < 0 ? id : id.slice(0, sep));
    const ini = findGoverningIni(isAbsolute(file) ? join(file, 'x') : file, workspace);
    if (!ini)
      return { error: `No pytest.ini governs ${file} (looked in its folder and above, up to ${workspace}).` };
    const rel = toPosix(relative(join(ini, '..'), file)) || '.';
    const list = groups.get(ini) ?? [];
    list.push(rel + (sep < 0 ? '' : id.slice(sep)));
    groups.set(ini, list);
  }
  return [...groups].map(([ini, nodeIds]) => ({ ini, nodeIds }));
}

export interface HeadlessRun {
  launch: PytestLaunch;
  outcome: SessionOutcome;
}

/**
 * The extension's run path without VS Code: resolve the command (uv fallback), build the launch, run one
 * pytest session per pytest.ini with the results channel. Used by the CLI and the benchmarks.
 */
export async function runHeadless(opts: {
  ini: string;
  nodeIds: string[];
  settings: LaunchSettings;
  extraEnv?: Record<string, string>;
  pluginDir: string;
  token?: CancelToken;
  logger?: Logger;
  color?: boolean;
  onOutput?: (chunk: string) => void;
  onEvent?: (e: PluginEvent) => void;
}): Promise<HeadlessRun> {
  const { launch, fallback } = await launchFromSettings(opts.settings, {
    mode: 'run',
    ini: opts.ini,
    nodeIds: opts.nodeIds,
    extraEnv: opts.extraEnv,
    pluginDir: opts.pluginDir,
    color: opts.color,
  });
  if (fallback) opts.logger?.info(fallback);
  const outcome = await runPytestSession(launch, {
    token: opts.token,
    logger: opts.logger,
    onOutput: opts.onOutput,
    onEvent: opts.onEvent,
  });
  return { launch, outcome };
}
