import { join } from 'node:path';
import type { SettingKey, SettingTypes } from '../ids';
import { SETTING_DEFAULTS, settingDefault } from './settingDefaults';
import { readSettingsFile } from './settingsFile';
import { expandVariables } from './variables';

/**
 * `codespaceTests.<key>`, read by the one reader below: its default (SETTING_DEFAULTS) when unset or of the
 * wrong type, variables such as `${workspaceFolder}` expanded. The extension feeds it VS Code's
 * configuration, the CLI the workspace's `.vscode/settings.json`, so both decide alike.
 */
export type SettingsGet = <K extends SettingKey>(key: K) => SettingTypes[K];

/** Said to whoever reads: a setting that was not used as written, and why. */
type SettingProblemSink = (problem: string) => void;

/** Settings where a blank string (or 0) means "unset": the old `get(x) || default` sites. */
const BLANK_IS_DEFAULT: ReadonlySet<SettingKey> = new Set<SettingKey>([
  'tests.command',
  'django.host',
  'django.port',
  'django.cwd',
  'django.startTimeoutSeconds',
  'django.urlEnvVar',
  'django.apiKeyEnvVar',
  'doctor.pynodeSelector',
  'doctor.modelSelector',
  'ci.workflow',
  'ci.junitArtifact',
  'ci.pollIntervalSeconds',
  'ci.watch.intervalSeconds',
]);

/** Settings whose value must be one of a few words. */
const ONE_OF: Partial<Record<SettingKey, readonly string[]>> = {
  'django.mode': ['auto', 'shared', 'session'],
};

/** Object settings whose values may be anything (the rest hold strings). */
const ANY_VALUES: ReadonlySet<SettingKey> = new Set<SettingKey>(['debug.launchProperties']);

/**
 * The one reader of `codespaceTests.*`: `read` gives the raw value (undefined when unset). A value of the
 * wrong type gives the default, and `report` is told once which setting, what it expects and what was used.
 */
export function settingsFrom(
  read: (key: SettingKey) => unknown,
  workspace: string,
  report: SettingProblemSink = () => {},
): SettingsGet {
  const said = new Set<string>();
  return <K extends SettingKey>(key: K): SettingTypes[K] => {
    const fallback = settingDefault(key);
    const raw = read(key);
    const problem = raw === undefined || raw === null ? undefined : wrongType(key, raw, fallback);
    if (problem) {
      const message = `codespaceTests.${key} should be ${problem}, but it is ${describeValue(raw)}: using its default, ${JSON.stringify(fallback)}, instead.`;
      if (!said.has(message)) report(message);
      said.add(message);
    }
    const blank = BLANK_IS_DEFAULT.has(key) && (raw === 0 || (typeof raw === 'string' && !raw.trim()));
    const value = problem || blank || raw === undefined || raw === null ? fallback : copy(raw);
    return expandVariables(value as SettingTypes[K], workspace);
  };
}

/** The CLI's reader: the workspace's `.vscode/settings.json` (its syntax problem reported too), else the defaults. */
export async function settingsReader(workspace: string, report?: SettingProblemSink): Promise<SettingsGet> {
  const file = await readSettingsFile(join(workspace, '.vscode/settings.json'));
  const values = file.kind === 'read' ? file.values : new Map<string, unknown>();
  if (file.kind === 'read' && file.problem) report?.(file.problem);
  return settingsFrom((key) => values.get(`codespaceTests.${key}`), workspace, report);
}

/** What the setting expects, when `v` is not that; undefined when it is. */
function wrongType(key: SettingKey, v: unknown, fallback: unknown): string | undefined {
  if (Array.isArray(fallback))
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'a list of strings';
  if (typeof fallback === 'object' && fallback !== null) {
    const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
    if (ANY_VALUES.has(key)) return isObject ? undefined : 'an object';
    return isObject && Object.values(v).every((x) => typeof x === 'string')
      ? undefined
      : 'an object of strings';
  }
  if (typeof fallback === 'number')
    return typeof v === 'number' && Number.isFinite(v) ? undefined : 'a number';
  if (typeof v !== typeof fallback) return `a ${typeof fallback}`;
  const words = ONE_OF[key];
  if (words && !words.includes(v as string)) return `one of ${words.join(', ')}`;
  return undefined;
}

function describeValue(v: unknown): string {
  const shown = JSON.stringify(v) ?? String(v);
  const cut = shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
  const kind = Array.isArray(v) ? 'a list' : v === null ? 'null' : `a ${typeof v}`;
  return `${kind} (${cut})`;
}

/** A copy through JSON: settings are JSON, and VS Code's values are frozen proxies that structuredClone refuses. */
function copy(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? JSON.parse(JSON.stringify(v)) : v;
}

/** Every problem of the workspace's settings file at once (the CLI says them before a verb runs). */
export async function settingProblems(workspace: string): Promise<string[]> {
  const problems: string[] = [];
  const get = await settingsReader(workspace, (p) => problems.push(p));
  for (const key of Object.keys(SETTING_DEFAULTS) as SettingKey[]) get(key);
  return problems;
}
