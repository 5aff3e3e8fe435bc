// One event of each kind as the pytest plugin sends it: what the protocol's unit test checks and the
// fuzz tier mutates.

export const FINISHED = {
  event: 'finished',
  nodeid: 't.py::test_a',
  outcome: 'failed',
  when: 'call',
  start: 1,
  stop: 2,
  duration: 1,
  failure: { message: 'AssertionError', text: 'tb', file: '/ws/t.py', line: 4, expected: '1', actual: '2' },
  stdout: '',
  stderr: '',
  log: '',
};

export const PLUGIN_EVENTS: object[] = [
  { event: 'hello', version: 1, pid: 42, pytest: '8.3.0', python: '3.11.7', rootdir: '/ws/backend' },
  {
    event: 'collected',
    rootdir: '/ws',
    tests: [{ nodeid: 't.py::test_a', file: '/ws/t.py', line: 3, name: 'test_a', parametrized: false }],
  },
  { event: 'collectError', nodeid: 't.py', file: '/ws/t.py', line: 1, message: 'SyntaxError' },
  { event: 'started', nodeid: 't.py::test_a', time: 1 },
  FINISHED,
  { event: 'sessionFinished', exitstatus: 1 },
  { event: 'serverOutput', time: 1, stream: 'stderr', pid: 9, text: '"GET /health/ HTTP/1.1" 200 15' },
  { event: 'serverOutputNote', message: 'Set codespaceTests.django.logFile' },
];
