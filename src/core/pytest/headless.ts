import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { interpreterFrom, pytestSettingsFrom } from '../launchFrom';
import { settingsReader } from '../settings';
import { collectionFromEvents } from './collection';
import { toPosix, type DiscoveredFile } from './discovery';
import { findGoverningIni, readPytestIni, type IniResult } from './ini';
import { launchFromSettings, type LaunchSettings, type PytestLaunch } from './launch';
import type { PluginEvent } from './protocol';
import { rootdirCollection, type RootdirCollection } from './reconcile';
import { runPytestSession, type SessionOutcome } from './session';

/** The test settings of a workspace without VS Code: `.vscode/settings.json` when present, else the defaults. */
export async function workspaceSettings(
  workspace: string,
  over: Partial<LaunchSettings> = {},
): Promise<LaunchSettings & { include: string }> {
  const get = await settingsReader(workspace);
  const s = pytestSettingsFrom(get, over.interpreter ?? (await interpreterFrom(get, workspace)));
  return {
    command: over.command ?? s.command,
    interpreter: s.interpreter,
    extraArgs: over.extraArgs ?? s.extraArgs,
    env: { ...s.env, ...over.env },
    envFile: over.envFile ?? s.envFile,
    cwd: over.cwd ?? s.cwd,
    djangoProcessPattern: over.djangoProcessPattern ?? s.djangoProcessPattern,
    include: get('tests.include'),
  };
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

interface HeadlessRun {
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
  pythonPathFirst?: readonly string[];
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
    pythonPathFirst: opts.pythonPathFirst,
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

/** How a `pytest --collect-only` of one rootdir ended. */
type CollectOutcome =
  | { kind: 'collected'; launch: PytestLaunch; collection: RootdirCollection; tests: number; errors: number }
  | { kind: 'failed'; launch?: PytestLaunch; problem: string }
  | { kind: 'cancelled' };

/**
 * pytest's collection of one pytest.ini with the extension's plugin, folded for the merge with the static
 * read: the one collection path of the Testing view and `codespace-tests discover --collect`.
 */
export async function collectRootdir(opts: {
  ini: string;
  settings: LaunchSettings;
  /** The static read's files under this ini: their ranges are kept where pytest agrees. */
  files: readonly DiscoveredFile[];
  pluginDir: string;
  iniResult?: IniResult;
  token?: CancelToken;
  logger?: Logger;
  onLaunch?: (launch: PytestLaunch, fallback: string | undefined) => void;
}): Promise<CollectOutcome> {
  const ini = opts.iniResult ?? (await readPytestIni(opts.ini));
  if (ini.kind !== 'ok')
    return { kind: 'failed', problem: ini.kind === 'invalid' ? ini.error : `${opts.ini} does not exist.` };
  const { launch, fallback } = await launchFromSettings(opts.settings, {
    mode: 'collect',
    ini: opts.ini,
    collectPaths: ini.rules.testpaths.map((p) => join(ini.rootdir, p)),
    pluginDir: opts.pluginDir,
  });
  opts.onLaunch?.(launch, fallback);
  const session = await runPytestSession(launch, { token: opts.token, logger: opts.logger });
  if (opts.token?.isCancellationRequested) return { kind: 'cancelled' };
  if (!session.connected)
    return {
      kind: 'failed',
      launch,
      problem: `pytest --collect-only for ${opts.ini} gave no results. ${session.problem ?? ''}`.trim(),
    };
  const result = collectionFromEvents(session.events);
  return {
    kind: 'collected',
    launch,
    collection: rootdirCollection(result, opts.files),
    tests: result.tests.length,
    errors: result.errors.length,
  };
}
