import * as assert from 'node:assert';
import { failingLine, readJUnitReport, type JUnitCase } from '../../../src/core/junit/report';
import { parseXml, XML_LIMITS, XmlError } from '../../../src/core/junit/xml';

function cases(xml: string): JUnitCase[] {
  const r = readJUnitReport(xml, 'report.xml');
  assert.strictEqual(r.kind, 'read', r.kind === 'invalid' ? r.problem : '');
  return r.kind === 'read' ? r.cases : [];
}

describe('JUnit XML reader', () => {
  it('decodes entities, character references and CDATA, and skips comments and a DOCTYPE', () => {
    const root = parseXml(
      '\ufeff<?xml version="1.0"?><!DOCTYPE x><!-- c --><a k="1 &lt; 2 &amp;&#10;&#x263A;" q=\'"\'>x &gt; y<![CDATA[<raw> & ]]><b/></a>',
    );
    assert.strictEqual(root.name, 'a');
    assert.deepStrictEqual(root.attrs, { k: '1 < 2 &\n\u263a', q: '"' });
    assert.strictEqual(root.text, 'x > y<raw> & ');
    assert.strictEqual(root.children[0].name, 'b');
  });

  it('keeps a ">" inside a quoted attribute value', () => {
    assert.strictEqual(parseXml('<a m="x > y"/>').attrs.m, 'x > y');
  });

  it('names the line of a mismatched or unclosed tag', () => {
    assert.throws(() => parseXml('<a>\n<b></a>'), /<\/a> closes <b> \(line 2\)/);
    assert.throws(() => parseXml('<a>'), /<a> is not closed/);
    assert.throws(() => parseXml('no xml'), XmlError);
  });

  it('refuses nesting deeper than the limit instead of recursing', () => {
    const deep = '<a>'.repeat(XML_LIMITS.maxDepth + 1);
    assert.throws(() => parseXml(deep), /nested deeper/);
  });

  it('says a file is not a report, and which file', () => {
    const r = readJUnitReport('<html></html>', 'junit/report.xml');
    assert.deepStrictEqual(r, {
      kind: 'invalid',
      problem:
        'junit/report.xml is not a JUnit XML report: its root is <html>, not <testsuites> or <testsuite>.',
    });
  });
});

describe('JUnit report: what each testcase says', () => {
  it('reads passed, failed, errored, skipped and xfailed, with messages and durations', () => {
    const got = cases(`<testsuites><testsuite name="pytest">
      <testcase classname="t" name="ok" time="0.5"/>
      <testcase classname="t" name="bad" time="1"><failure message="assert 1 == 2">t.py:7: AssertionError</failure></testcase>
      <testcase classname="t" name="err"><error message="failed on setup with &quot;boom&quot;">trace</error></testcase>
      <testcase classname="t" name="skip"><skipped type="pytest.skip" message="not here">t.py:3: not here</skipped></testcase>
      <testcase classname="t" name="xf"><skipped type="pytest.xfail" message="bug 1"/></testcase>
    </testsuite></testsuites>`);
    assert.deepStrictEqual(
      got.map((c) => [c.name, c.outcome, c.message, c.duration]),
      [
        ['ok', 'passed', '', 0.5],
        ['bad', 'failed', 'assert 1 == 2\n\nt.py:7: AssertionError', 1],
        ['err', 'errored', 'failed on setup with "boom"\n\ntrace', undefined],
        ['skip', 'skipped', 'not here\n\nt.py:3: not here', undefined],
        ['xf', 'skipped', 'xfailed: bug 1', undefined],
      ],
    );
  });

  it('marks a collection failure as belonging to the file, and reads xunit1 file and line', () => {
    const [c, d] = cases(`<testsuite>
      <testcase classname="" name="pkg.test_x" file="pkg/test_x.py"><error message="collection failure">E</error></testcase>
      <testcase classname="pkg.test_x" name="test_y" file="pkg/test_x.py" line="4"/></testsuite>`);
    assert.strictEqual(c.collectionError, true);
    assert.strictEqual(c.outcome, 'errored');
    assert.strictEqual(d.file, 'pkg/test_x.py');
    assert.strictEqual(d.line, 4);
  });

  it('shows the failure when a teardown error comes with it', () => {
    const [c] = cases(
      '<testsuite><testcase classname="t" name="x"><failure message="call">a</failure><error message="teardown">b</error></testcase></testsuite>',
    );
    assert.strictEqual(c.outcome, 'failed');
    assert.match(c.message, /^call\n\na\n\nAlso: teardown\n\nb$/);
  });

  it('finds the failing line of the test file in a traceback, not a helper line', () => {
    const tb =
      'svc/tests/helpers.py:3: in check\nsvc/tests/test_a.py:12: in test_a\n    check()\nsvc/tests/helpers.py:5: AssertionError';
    assert.strictEqual(failingLine(tb, 'test_a.py'), 12);
    assert.strictEqual(failingLine(tb, 'other.py'), undefined);
  });
});
