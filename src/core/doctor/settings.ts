import { join } from 'node:path';
import { discoverFolder } from '../pytest/discovery';
import type { PythonTestingSettings } from '../pytest/pythonExtension';
import { readSettingsFile } from '../settingsFile';
import { expandVariables } from '../variables';
import { workspaceSettings } from '../pytest/headless';
import { djangoModeFrom } from '../launchFrom';
import { settingsReader, type SettingsGet } from '../settings';
import type { DoctorSettings } from './types';

/** The doctor's settings from one reader of `codespaceTests.*` (the workspace file, or VS Code's configuration). */
export function doctorSettingsFrom(
  get: SettingsGet,
  workspace: string,
  interpreter: string,
  pythonTesting: PythonTestingSettings = { pytestEnabled: false, pytestArgs: [], cwd: '' },
): DoctorSettings {
  const djangoCwd = get('django.cwd');
  const lacks = get('doctor.localClusterLacks');
  return {
    workspace,
    interpreter,
    testCommand: get('tests.command'),
    djangoCommand: get('django.command'),
    djangoCwd,
    djangoEnv: get('django.env'),
    host: get('django.host'),
    port: get('django.port'),
    apiKeyCommand: get('django.apiKeyCommand'),
    mode: djangoModeFrom(get).setting,
    urlEnvVar: get('django.urlEnvVar'),
    kubeconfig: get('kube.kubeconfig').trim(),
    kubeContext: get('kube.context').trim(),
    pynodeSelector: get('doctor.pynodeSelector'),
    modelSelector: get('doctor.modelSelector'),
    localClusterLacks: Object.entries(lacks && typeof lacks === 'object' ? lacks : {})
      .filter(([, selector]) => typeof selector === 'string' && selector.trim())
      .map(([name, labelSelector]) => ({ name, labelSelector })),
    testsInclude: get('tests.include'),
    needsComponent: get('tests.needsComponent'),
    workflow: get('ci.workflow'),
    pythonTesting,
  };
}

/** The CLI's view: `.vscode/settings.json` of the workspace, else the defaults; the interpreter as a run resolves it. */
export async function workspaceDoctorSettings(workspace: string): Promise<DoctorSettings> {
  const [get, tests, file] = await Promise.all([
    settingsReader(workspace),
    workspaceSettings(workspace),
    readSettingsFile(join(workspace, '.vscode/settings.json')),
  ]);
  const values = file.kind === 'read' ? file.values : new Map<string, unknown>();
  const python = pythonTestingFrom((key) => values.get(`python.testing.${key}`), workspace);
  return doctorSettingsFrom(get, workspace, tests.interpreter, python);
}

/** The pytest.ini files that govern the workspace's tests (the mode is chosen from their conftests). */
export async function workspaceInis(workspace: string, include: string): Promise<string[]> {
  const files = await discoverFolder(workspace, include);
  return [...new Set(files.map((f) => f.ini).filter((i): i is string => !!i))];
}

/** `python.testing.*` from one reader (the settings file, or VS Code's configuration); a mistyped value is its default. */
export function pythonTestingFrom(read: (key: string) => unknown, workspace: string): PythonTestingSettings {
  const enabled = read('pytestEnabled');
  const args = read('pytestArgs');
  const cwd = read('cwd');
  return {
    pytestEnabled: enabled === true,
    pytestArgs: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [],
    cwd: typeof cwd === 'string' ? expandVariables(cwd.trim(), workspace) : '',
  };
}
