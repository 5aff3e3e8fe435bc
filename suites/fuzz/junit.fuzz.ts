import * as assert from 'node:assert';
import { readJUnitReport } from '../../src/core/junit/report';
import { assertLinear, fuzz } from './harness';
import { markPassed } from './watchdog';

// What pytest's --junitxml writes, with the odd corners the reader meets: CDATA, entities, a DOCTYPE.
const REPORT = `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE testsuites>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4" time="0.321" timestamp="2026-11-30T10:00:00.000000+00:00" hostname="ci">
<testcase classname="tests.integration.test_api.TestOrders" name="test_create[a&amp;b-1]" file="tests/integration/test_api.py" line="12" time="0.010" />
<testcase classname="tests.integration.test_api" name="test_fails" time="0.020"><failure message="assert 1 == 2&#10;+1">tests/integration/test_api.py:30: in test_fails
    assert 1 == 2
E   assert 1 == 2</failure><system-out><![CDATA[captured <stdout> & more]]></system-out></testcase>
<testcase classname='tests.integration.test_api' name='test_skip' time='0'><skipped type="pytest.skip" message="later">tests/integration/test_api.py:40: later</skipped></testcase>
<!-- a comment -->
<testcase classname="tests.integration.test_db" name="test_errors" time="0.1"><error message="fixture &apos;db&apos; failed">E   RuntimeError</error></testcase>
</testsuite></testsuites>
`;

const read = (xml: string) => readJUnitReport(xml, 'junit/report.xml');

describe('fuzz: JUnit reports', () => {
  it('the JUnit reader', () => {
    fuzz({
      name: 'junit',
      samples: [REPORT],
      tokens: [
        '<',
        '>',
        '/>',
        '</testcase>',
        '<testcase name="t" classname="c">',
        '="',
        "='",
        '"',
        '=',
        ' a',
        '&amp;',
        '&#x1F600;',
        '&#99999999;',
        '<![CDATA[',
        ']]>',
        '<!--',
        '-->',
        '<?',
        '<!DOCTYPE x [<!ENTITY e "e">]>',
      ],
      parse: read,
      check: (r) => {
        if (r.kind === 'invalid')
          assert.ok(r.problem.length < 2000, `a problem of ${r.problem.length} characters`);
      },
    });
  });

  it('the JUnit reader takes linear time', () => {
    const suite = (body: string) => `<testsuite name="s">${body}</testsuite>`;
    const shapes: [string, (n: number) => string][] = [
      // The shape that was quadratic: a tag body with no `=`.
      ['a long tag body without =', (n) => suite(`<testcase ${'a'.repeat(n)}/>`)],
      ['spaces around =', (n) => suite(`<testcase ${'a = "1" '.repeat(n / 8)}/>`)],
      ['names without values', (n) => suite(`<testcase ${'a= '.repeat(n / 3)}/>`)],
      ['many attributes', (n) => suite(`<testcase ${'a="1" '.repeat(n / 6)}/>`)],
      ['many testcases', (n) => suite('<testcase classname="c" name="t"/>'.repeat(n / 35))],
      [
        'entities in text',
        (n) => suite(`<testcase name="t"><failure>${'&amp;'.repeat(n / 5)}</failure></testcase>`),
      ],
      ['an unclosed comment', (n) => suite(`<!--${'-'.repeat(n)}`)],
      ['a long closing tag', (n) => suite(`<testcase></${'a'.repeat(n)}>`)],
    ];
    for (const [name, make] of shapes) assertLinear(`junit: ${name}`, make, read);
    markPassed();
  });
});
