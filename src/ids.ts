/** Command ids, setting keys and view ids, declared once; a unit test checks they match package.json. */
export const Commands = {
  refreshTests: 'codespaceTests.refreshTests',
  rerunFailed: 'codespaceTests.rerunFailed',
  startDjango: 'codespaceTests.django.start',
  stopDjango: 'codespaceTests.django.stop',
  restartDjango: 'codespaceTests.django.restart',
  showDjangoTerminal: 'codespaceTests.django.showTerminal',
  djangoMenu: 'codespaceTests.django.menu',
  debugDjango: 'codespaceTests.django.debug',
  openLogViewer: 'codespaceTests.logs.open',
  showLogsForTest: 'codespaceTests.logs.showForTest',
  refreshPods: 'codespaceTests.pods.refresh',
  followPodLogs: 'codespaceTests.pods.followLogs',
  followSelectorLogs: 'codespaceTests.pods.followSelector',
  triggerCi: 'codespaceTests.ci.trigger',
  refreshCiRuns: 'codespaceTests.ci.refreshRuns',
  openCiRun: 'codespaceTests.ci.openRun',
  setGitHubToken: 'codespaceTests.ci.setToken',
  clearGitHubToken: 'codespaceTests.ci.clearToken',
  findPollutingTest: 'codespaceTests.tests.findPolluter',
  runRepeatedly: 'codespaceTests.tests.runRepeatedly',
  clearTestHistory: 'codespaceTests.tests.clearHistory',
  showCiRunResults: 'codespaceTests.ci.showRunResults',
  rerunLocally: 'codespaceTests.ci.rerunLocally',
  prepareWorkflow: 'codespaceTests.ci.prepareWorkflow',
  openCiRunLogs: 'codespaceTests.ci.openRunLogs',
  rerunFailedJobs: 'codespaceTests.ci.rerunFailedJobs',
  rerunCiRun: 'codespaceTests.ci.rerunRun',
  checkCodespace: 'codespaceTests.doctor.check',
  applyCodespaceFix: 'codespaceTests.doctor.applyFix',
  runInTerminal: 'codespaceTests.doctor.runInTerminal',
  ignoreInPythonTests: 'codespaceTests.doctor.ignoreInPythonTests',
} as const;

export const Views = {
  container: 'codespaceTests',
  pods: 'codespaceTests.pods',
  ciRuns: 'codespaceTests.ciRuns',
  codespace: 'codespaceTests.codespace',
} as const;

/** Context keys of the walkthrough's milestones, set on the real events (package.json's `onContext:` completion events). */
export const WalkthroughKeys = {
  checkedCodespace: 'codespaceTests.walkthrough.checkedCodespace',
  ranTest: 'codespaceTests.walkthrough.ranTest',
  debuggedTest: 'codespaceTests.walkthrough.debuggedTest',
  openedLogViewer: 'codespaceTests.walkthrough.openedLogViewer',
} as const;

export const ConfigSection = 'codespaceTests';

/** Setting keys under `codespaceTests.`, with the type each holds. */
export interface SettingTypes {
  'python.interpreter': string;
  'tests.include': string;
  'tests.command': string;
  'tests.extraArgs': string[];
  'tests.env': Record<string, string>;
  'tests.envFile': string;
  'tests.cwd': string;
  'tests.collectWithPytest': boolean;
  'tests.needsComponent': Record<string, string>;
  'django.command': string;
  'django.host': string;
  'django.port': number;
  'django.cwd': string;
  'django.env': Record<string, string>;
  'django.healthPath': string;
  'django.startTimeoutSeconds': number;
  'django.apiKeyCommand': string;
  'django.autoStart': boolean;
  'django.restartBeforeEachRun': boolean;
  'django.urlEnvVar': string;
  'django.apiKeyEnvVar': string;
  'django.mode': string;
  'django.logFile': string;
  'django.processPattern': string;
  'leaks.check': boolean;
  'leaks.settingsModule': string;
  'leaks.projectDir': string;
  'leaks.kinds': string[];
  'debug.justMyCode': boolean;
  'debug.launchProperties': Record<string, unknown>;
  'kube.kubeconfig': string;
  'kube.context': string;
  'kube.namespaces': string[];
  'logs.maxLinesPerSource': number;
  'output.maxLineBytes': number;
  'logs.tailLines': number;
  'logs.sinceSeconds': number;
  'logs.podSelectors': string[];
  'ci.workflow': string;
  'ci.apiBaseUrl': string;
  'ci.pollIntervalSeconds': number;
  'ci.junitArtifact': string;
  'ci.shards': number;
  'ci.testsInput': string;
  'ci.watch.enabled': boolean;
  'ci.watch.intervalSeconds': number;
  'doctor.pynodeSelector': string;
  'doctor.modelSelector': string;
  'doctor.localClusterLacks': Record<string, string>;
}
export type SettingKey = keyof SettingTypes;
