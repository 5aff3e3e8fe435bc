import * as assert from 'node:assert';
import { join } from 'node:path';
import { readJobLog } from '../../src/core/ci/jobLog';
import { assertLinear, fuzz, REPO, samplesFrom } from './harness';
import { markPassed } from './watchdog';

const TS = '2024-05-01T12:00:00.1234567Z ';

describe('fuzz: CI job logs', () => {
  it('the job-log reader', () => {
    fuzz({
      name: 'job log',
      samples: samplesFrom(join(REPO, 'suites/fixtures/joblogs'), (n) => n.endsWith('.log')),
      tokens: [
        TS,
        '2024-05-01T12:00:00Z ',
        'tests/test_a.py::test_b',
        '::',
        '[',
        ']',
        ' PASSED',
        ' FAILED ',
        ' - ',
        'ERROR ',
        'XFAIL (',
        ' [ 10%]',
        '[gw0] [ 50%] ',
        '=== short test summary info ===',
        '=== 1 failed, 2 passed in 1.0s ===',
        '\x1b[31m',
        '\x1b[0m',
        '\x1b[',
        '.py',
        '\n',
      ],
      parse: readJobLog,
      check: (r) => assert.ok(r.results.every((x) => x.id.length > 0)),
    });
  });

  it('the job-log reader takes linear time', () => {
    const v = (n: number) => `${TS}tests/test_a.py::test_b[${'x'.repeat(n)}] PASSED [ 10%]`;
    const shapes: [string, (n: number) => string][] = [
      ['many -v lines', (n) => `${TS}tests/test_a.py::test_b PASSED [ 10%]\n`.repeat(n / 64)],
      ['one long -v line', v],
      ['a long id of spaces after .py', (n) => `a.py${' a'.repeat(n / 2)}`],
      ['outcome words at depth', (n) => `a.py ${'[ PASSED '.repeat(n / 9)}`],
      ['unclosed brackets', (n) => `a.py::t${'['.repeat(n)} PASSED`],
      [
        'a long summary line',
        (n) => `=== short test summary info ===\nFAILED a.py::t${'[ - '.repeat(n / 4)}`,
      ],
      ['ANSI everywhere', (n) => `${TS}${'\x1b[31ma.py::t PASSED\x1b[0m '.repeat(n / 24)}`],
      ['escape then letters', (n) => `\x1b[${'a'.repeat(n)}`],
      [
        'a long banner',
        (n) => `${'='.repeat(n / 2)} 1 passed${', 2 failed'.repeat(n / 20)} in 1s ${'='.repeat(n / 2)}`,
      ],
      ['timestamp-like lines', (n) => `2024-05-01T12:00:00.${'1'.repeat(n)}Z a.py::t PASSED`],
      ['progress-like tail', (n) => `a.py::t PASSED [${' '.repeat(n)}1%]`],
    ];
    for (const [name, make] of shapes) assertLinear(`job log: ${name}`, make, readJobLog);
    markPassed();
  });
});
