import * as assert from 'node:assert';
import { compileGlob, fnmatch } from '../../../src/core/glob';
import { includedTestFiles } from '../../../src/core/pytest/discovery';

describe('glob engine (tests.include, testpaths, fnmatch)', () => {
  const matches = (glob: string, path: string) => compileGlob(glob).test(path);

  it('matches the default include: any folders around tests/integration', () => {
    const g = '**/tests/integration/**/*.py';
    assert.ok(matches(g, 'backend/oracles/tests/integration/test_deploy.py'));
    assert.ok(matches(g, 'tests/integration/test_a.py'));
    assert.ok(matches(g, 'tests/integration/sub/deeper/test_a.py'));
    assert.ok(!matches(g, 'backend/tests/unit/test_a.py'));
    assert.ok(!matches(g, 'tests/integration/test_a.pyc'));
  });

  it('keeps * and ? inside one folder, and reads [...], [!...] and {a,b} (nested too)', () => {
    assert.ok(matches('src/*.py', 'src/a.py'));
    assert.ok(!matches('src/*.py', 'src/x/a.py'));
    assert.ok(matches('t?st_[ab].py', 'test_a.py'));
    assert.ok(!matches('t?st_[ab].py', 'test_c.py'));
    assert.ok(matches('[!_]*.py', 'a.py') && !matches('[!_]*.py', '_a.py'));
    assert.ok(matches('{api,web/{v1,v2}}/**/*.py', 'web/v2/x/t.py'));
    assert.ok(matches('{api,web/{v1,v2}}/**/*.py', 'api/t.py'));
    assert.ok(!matches('{api,web/{v1,v2}}/**/*.py', 'web/v3/t.py'));
  });

  it('reads a trailing /** as the folder and everything under it', () => {
    assert.ok(matches('checks/**', 'checks'));
    assert.ok(matches('checks/**', 'checks/sub/thing_spec.py'));
    assert.ok(!matches('checks/**', 'other/check.py'));
  });

  it('treats what it cannot read as literal text instead of throwing (regressions found by the fuzzer)', () => {
    assert.ok(matches('{a,b', '{a,b'), 'an unclosed brace is literal');
    assert.ok(!matches('[z-a].py', 'm.py'), 'a reversed range matches nothing');
    assert.ok(matches('x[z-ab].py', 'xb.py'), 'the rest of the class still counts');
    assert.ok(matches('a[b', 'a[b'), 'an unclosed [ is literal');
    assert.strictEqual(matches('*'.repeat(200_000) + '{', 'x'), false);
    assert.strictEqual(
      matches(']'.repeat(500_000), ']'),
      false,
      'a pattern too large to compile matches nothing',
    );
  });

  it('answers a backtracking pattern at once (atomic stars, as Python fnmatch)', () => {
    assert.strictEqual(fnmatch('a'.repeat(200), '*a*a*a*a*a*a*a*a*a*a*a*a*b'), false);
    assert.strictEqual(matches(`${'**/a/'.repeat(30)}b`, `${'a/'.repeat(200)}c`), false);
  });

  it('does fnmatch as pytest does: * crosses /, ^ is literal, [!...] negates', () => {
    assert.ok(fnmatch('sub/thing_spec.py', '*_spec.py'));
    assert.ok(fnmatch('TestThing', 'Test*'));
    assert.ok(fnmatch('^', '[^]'));
    assert.ok(!fnmatch('a', '[^]'));
    assert.ok(fnmatch('b', '[!a]') && !fnmatch('a', '[!a]'));
    assert.ok(fnmatch('{a,b}', '{a,b}'), 'no braces in fnmatch');
  });

  it('decides candidate files the same way for the tree and the watcher: .py, include glob, skipped folders', () => {
    const isCandidate = includedTestFiles('/ws', '**/tests/integration/**/*.py');
    assert.ok(isCandidate('/ws/backend/tests/integration/test_a.py'));
    assert.ok(!isCandidate('/ws/.venv/lib/tests/integration/test_a.py'));
    assert.ok(!isCandidate('/ws/node_modules/x/tests/integration/test_a.py'));
    assert.ok(!isCandidate('/ws/backend/tests/integration/pytest.ini'));
    assert.ok(!isCandidate('/other/tests/integration/test_a.py'));
  });
});
