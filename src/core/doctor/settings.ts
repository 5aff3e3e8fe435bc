import { discoverFolder } from '../pytest/discovery';
import { settingsReader, workspaceSettings, type SettingsGet } from '../pytest/headless';
import type { DoctorSettings } from './types';

/** The defaults of the doctor's own settings (package.json declares the same). */
export const DOCTOR_DEFAULTS = {
  pynodeSelector: 'app=pynode',
  modelSelector: 'app=model-deployment',
  /** Name shown → the label selector of its pods. */
  localClusterLacks: {
    'Victoria Metrics': 'app.kubernetes.io/name=victoria-metrics-single',
    'Knative (custom fork)': 'app.kubernetes.io/name=knative-serving',
    'Kube event watcher': 'app=kube-event-watcher',
  } as Record<string, string>,
};

/** The doctor's settings from one reader of `codespaceTests.*` (the workspace file, or VS Code's configuration). */
export function doctorSettingsFrom(get: SettingsGet, workspace: string, interpreter: string): DoctorSettings {
  const djangoCwd = get('django.cwd', workspace) || workspace;
  const lacks = get<Record<string, string>>('doctor.localClusterLacks', DOCTOR_DEFAULTS.localClusterLacks);
  return {
    workspace,
    interpreter,
    testCommand: get('tests.command', 'uv run pytest') || 'uv run pytest',
    djangoCommand: get('django.command', 'uv run python backend/manage.py runserver'),
    djangoCwd,
    djangoEnv: get<Record<string, string>>('django.env', {}),
    host: get('django.host', '127.0.0.1') || '127.0.0.1',
    port: get('django.port', 8000),
    apiKeyCommand: get('django.apiKeyCommand', 'uv run python backend/manage.py print_api_key baseten'),
    mode: get('django.mode', 'auto'),
    urlEnvVar: get('django.urlEnvVar', 'INTEGRATION_DJANGO_URL') || 'INTEGRATION_DJANGO_URL',
    kubeconfig: get('kube.kubeconfig', '').trim(),
    kubeContext: get('kube.context', '').trim(),
    pynodeSelector:
      get('doctor.pynodeSelector', DOCTOR_DEFAULTS.pynodeSelector) || DOCTOR_DEFAULTS.pynodeSelector,
    modelSelector:
      get('doctor.modelSelector', DOCTOR_DEFAULTS.modelSelector) || DOCTOR_DEFAULTS.modelSelector,
    localClusterLacks: Object.entries(lacks && typeof lacks === 'object' ? lacks : {})
      .filter(([, selector]) => typeof selector === 'string' && selector.trim())
      .map(([name, labelSelector]) => ({ name, labelSelector })),
    workflow: get('ci.workflow', '.github/workflows/integration-tests.yml'),
  };
}

/** The CLI's view: `.vscode/settings.json` of the workspace, else the defaults; the interpreter as a run resolves it. */
export async function workspaceDoctorSettings(workspace: string): Promise<DoctorSettings> {
  const [get, tests] = await Promise.all([settingsReader(workspace), workspaceSettings(workspace)]);
  return doctorSettingsFrom(get, workspace, tests.interpreter);
}

/** The pytest.ini files that govern the workspace's tests (the mode is chosen from their conftests). */
export async function workspaceInis(workspace: string, include: string): Promise<string[]> {
  const files = await discoverFolder(workspace, include);
  return [...new Set(files.map((f) => f.ini).filter((i): i is string => !!i))];
}
