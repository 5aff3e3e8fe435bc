import type { SettingKey, SettingTypes } from '../ids';

/**
 * The default of every setting, as package.json declares it (a unit test keeps the two equal): what the CLI
 * uses where a workspace's `.vscode/settings.json` says nothing, so the CLI and the extension decide alike.
 * `${workspaceFolder}` is expanded by whoever reads them.
 */
export const SETTING_DEFAULTS: SettingTypes = {
  'python.interpreter': '',
  'tests.include': '**/tests/integration/**/*.py',
  'tests.command': 'uv run pytest',
  'tests.extraArgs': [],
  'tests.env': {},
  'tests.envFile': '${workspaceFolder}/.env',
  'tests.cwd': '${workspaceFolder}',
  'tests.collectWithPytest': true,
  // The parts the team's guide names (the same names as doctor.localClusterLacks): a marker no test uses costs nothing.
  'tests.needsComponent': {
    victoria_metrics: 'Victoria Metrics',
    knative: 'Knative (custom fork)',
    kube_events: 'Kube event watcher',
  },
  'django.command': 'uv run python backend/manage.py runserver',
  'django.host': '127.0.0.1',
  'django.port': 8000,
  'django.cwd': '${workspaceFolder}',
  'django.env': {},
  'django.healthPath': '/health/',
  'django.startTimeoutSeconds': 60,
  'django.apiKeyCommand': 'uv run python backend/manage.py print_api_key baseten',
  'django.autoStart': true,
  'django.restartBeforeEachRun': false,
  'django.urlEnvVar': 'INTEGRATION_DJANGO_URL',
  'django.apiKeyEnvVar': 'INTEGRATION_API_KEY',
  'django.mode': 'auto',
  'django.logFile': '',
  'django.processPattern': '\\brunserver\\b',
  'debug.justMyCode': true,
  'debug.launchProperties': {},
  'kube.kubeconfig': '',
  'kube.context': '',
  'kube.namespaces': ['default'],
  'logs.maxLinesPerSource': 100_000,
  'output.maxLineBytes': 65_536,
  'logs.tailLines': 500,
  'logs.sinceSeconds': 0,
  'logs.podSelectors': [],
  'ci.workflow': '.github/workflows/integration-tests.yml',
  'ci.apiBaseUrl': 'https://api.github.com',
  'ci.pollIntervalSeconds': 5,
  'ci.junitArtifact': 'junit*',
  'ci.shards': 1,
  'ci.testsInput': '',
  'ci.watch.enabled': true,
  'ci.watch.intervalSeconds': 60,
  'leaks.check': false,
  'leaks.settingsModule': '',
  'leaks.projectDir': '',
  'leaks.kinds': [],
  'doctor.pynodeSelector': 'app=pynode',
  'doctor.modelSelector': 'app=model-deployment',
  'doctor.localClusterLacks': {
    'Victoria Metrics': 'app.kubernetes.io/name=victoria-metrics-single',
    'Knative (custom fork)': 'app.kubernetes.io/name=knative-serving',
    'Kube event watcher': 'app=kube-event-watcher',
  },
};

/** A setting's default (a copy: callers may change what they get). */
export function settingDefault<K extends SettingKey>(key: K): SettingTypes[K] {
  return structuredClone(SETTING_DEFAULTS[key]);
}
