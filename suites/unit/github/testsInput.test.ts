import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ciTestArgs, testsInputFor } from '../../../src/core/github/testsInput';
import { parseWorkflow, type WorkflowInput } from '../../../src/core/github/workflow';
import { repoRoot } from '../../github/openapi';

const input = (name: string, type: WorkflowInput['type'] = 'string') =>
  ({
    name,
    type,
    description: '',
    required: false,
    ...(type === 'choice' ? { options: ['a'] } : {}),
  }) as WorkflowInput;

describe('Run on CI: the tests input and the ids written into it', () => {
  it("takes the first string input whose name mentions test, else the setting's", () => {
    const inputs = [
      input('environment', 'choice'),
      input('run_tests', 'boolean'),
      input('test_path'),
      input('tests'),
    ];
    assert.deepEqual(testsInputFor(inputs, '', 'wf.yml'), { kind: 'input', name: 'test_path' });
    assert.deepEqual(testsInputFor(inputs, 'tests', 'wf.yml'), { kind: 'input', name: 'tests' });
  });

  it('says what to add when there is no such input, or the named one is not a string', () => {
    const none = testsInputFor([input('environment', 'choice')], '', 'wf.yml');
    assert.match(
      none.kind === 'missing' ? none.reason : '',
      /wf.yml has no string input for the tests.*\$\{\{ inputs.tests \}\}/,
    );
    const typed = testsInputFor([input('run_tests', 'boolean')], 'run_tests', 'wf.yml');
    assert.match(typed.kind === 'missing' ? typed.reason : '', /is a boolean/);
    const unknown = testsInputFor([input('test_path')], 'nope', 'wf.yml');
    assert.match(unknown.kind === 'missing' ? unknown.reason : '', /has no input "nope".*declares test_path/);
  });

  it("the fixture's workflow: the tests go into test_path", () => {
    const text = readFileSync(
      join(repoRoot(), 'suites/fixtures/codespace/.github/workflows/integration-tests.yml'),
      'utf8',
    );
    const wf = parseWorkflow(text);
    assert.equal(wf.kind, 'dispatchable');
    assert.deepEqual(testsInputFor(wf.kind === 'dispatchable' ? wf.inputs : [], '', 'wf'), {
      kind: 'input',
      name: 'test_path',
    });
    assert.match(text, /--junitxml=junit.xml/);
    assert.match(text, /actions\/upload-artifact/);
  });

  it('writes node ids as paths from the repository root, space-separated, quoting what a shell would split', () => {
    const rootdir = '/repo/backend/oracles/tests/integration';
    assert.equal(
      ciTestArgs('/repo', [
        { rootdir, nodeid: 'test_deploy.py::TestDeployments::test_whoami' },
        { rootdir, nodeid: 'test_deploy.py::test_add[1-2]' },
        { rootdir, nodeid: "test_p.py::test_ids[it's here]" },
        { rootdir, nodeid: 'sub' },
        { rootdir, nodeid: '' },
      ]),
      "backend/oracles/tests/integration/test_deploy.py::TestDeployments::test_whoami 'backend/oracles/tests/integration/test_deploy.py::test_add[1-2]' 'backend/oracles/tests/integration/test_p.py::test_ids[it'\\''s here]' backend/oracles/tests/integration/sub backend/oracles/tests/integration",
    );
  });
});
