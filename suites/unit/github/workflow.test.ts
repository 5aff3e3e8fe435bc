import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  inputValue,
  parseWorkflow,
  validateInputText,
  type WorkflowInput,
} from '../../../src/core/github/workflow';
import { repoRoot } from '../../github/openapi';

describe('github workflow inputs', () => {
  it('reads the fixture workflow: four typed inputs with their defaults', () => {
    const text = readFileSync(
      join(repoRoot(), 'suites/fixtures/codespace/.github/workflows/integration-tests.yml'),
      'utf8',
    );
    const wf = parseWorkflow(text);
    assert.equal(wf.kind, 'dispatchable');
    if (wf.kind !== 'dispatchable') return;
    assert.equal(wf.name, 'Integration Tests');
    assert.deepEqual(wf.inputs, [
      {
        type: 'string',
        name: 'test_path',
        description: 'Test file or folder to run (relative to the repository root)',
        required: false,
        default: 'backend/oracles/tests/integration',
      },
      {
        type: 'choice',
        name: 'environment',
        description: 'Target environment',
        required: false,
        options: ['minikube', 'staging'],
        default: 'minikube',
      },
      {
        type: 'boolean',
        name: 'verbose',
        description: 'Run pytest with -v',
        required: false,
        default: false,
      },
      {
        type: 'number',
        name: 'max_failures',
        description: 'Stop after this many failures',
        required: false,
        default: 5,
      },
    ]);
  });

  it('accepts every form of `on` that includes workflow_dispatch', () => {
    assert.deepEqual(parseWorkflow('on: workflow_dispatch'), {
      kind: 'dispatchable',
      name: undefined,
      inputs: [],
    });
    assert.deepEqual(parseWorkflow('on: [push, workflow_dispatch]'), {
      kind: 'dispatchable',
      name: undefined,
      inputs: [],
    });
    assert.deepEqual(parseWorkflow('name: X\non:\n  workflow_dispatch:\n'), {
      kind: 'dispatchable',
      name: 'X',
      inputs: [],
    });
    // A YAML 1.1 reader turns `on` into `true`.
    assert.equal(parseWorkflow('true:\n  workflow_dispatch: {}\n').kind, 'dispatchable');
  });

  it('refuses a workflow without workflow_dispatch, saying how to fix it', () => {
    for (const text of [
      'on: push',
      'on: [push]',
      'on:\n  schedule:\n    - cron: "0 * * * *"\n',
      'jobs: {}',
    ]) {
      const wf = parseWorkflow(text, 'ci.yml');
      assert.equal(wf.kind, 'invalid', text);
      if (wf.kind === 'invalid')
        assert.match(wf.reason, /ci\.yml does not declare a `workflow_dispatch` trigger/);
    }
  });

  it('refuses broken YAML and bad inputs with the reason', () => {
    const cases: [string, RegExp][] = [
      ['on: [push', /not valid YAML/],
      ['- a\n- b', /not a workflow/],
      [
        'on:\n  workflow_dispatch:\n    inputs:\n      x:\n        type: choice\n',
        /input `x` is a choice without `options`/,
      ],
      [
        'on:\n  workflow_dispatch:\n    inputs:\n      x:\n        type: choice\n        options: [a, b]\n        default: c\n',
        /default \(c\) that is not one of its options/,
      ],
      [
        'on:\n  workflow_dispatch:\n    inputs:\n      n:\n        type: number\n        default: lots\n',
        /not a number/,
      ],
      [
        'on:\n  workflow_dispatch:\n    inputs:\n      b:\n        type: boolean\n        default: maybe\n',
        /not true or false/,
      ],
      ['on:\n  workflow_dispatch:\n    inputs:\n      d:\n        type: date\n', /unknown type `date`/],
    ];
    for (const [text, reason] of cases) {
      const wf = parseWorkflow(text);
      assert.equal(wf.kind, 'invalid', text);
      if (wf.kind === 'invalid') assert.match(wf.reason, reason);
    }
  });

  it('types inputs: string by default, environment, required flags, quoted defaults', () => {
    const wf = parseWorkflow(
      'on:\n  workflow_dispatch:\n    inputs:\n      plain:\n      env:\n        type: environment\n        required: true\n      flag:\n        type: boolean\n        default: "true"\n      count:\n        type: number\n        required: true\n',
    );
    assert.equal(wf.kind, 'dispatchable');
    if (wf.kind !== 'dispatchable') return;
    assert.deepEqual(wf.inputs, [
      { type: 'string', name: 'plain', description: '', required: false, default: undefined },
      { type: 'environment', name: 'env', description: '', required: true, default: undefined },
      { type: 'boolean', name: 'flag', description: '', required: false, default: true },
      { type: 'number', name: 'count', description: '', required: true },
    ]);
  });

  it('validates typed answers and enforces required inputs', () => {
    const count: WorkflowInput = { type: 'number', name: 'count', description: '', required: true };
    const choice: WorkflowInput = {
      type: 'choice',
      name: 'env',
      description: '',
      required: false,
      options: ['a', 'b'],
      default: 'a',
    };
    const text: WorkflowInput = {
      type: 'string',
      name: 'path',
      description: '',
      required: true,
      default: 'x',
    };
    assert.equal(validateInputText(count, ''), 'count is required.');
    assert.equal(validateInputText(count, 'abc'), 'count must be a number.');
    assert.equal(validateInputText(count, ' 12 '), undefined);
    assert.equal(validateInputText(choice, 'c'), 'env must be one of: a, b.');
    assert.equal(validateInputText(choice, 'b'), undefined);
    // Required with a default: an empty answer takes the default.
    assert.equal(validateInputText(text, ''), undefined);
    assert.equal(inputValue(text, ''), 'x');
    assert.equal(inputValue(count, '007'), '7');
    assert.equal(inputValue({ type: 'string', name: 'o', description: '', required: false }, ''), undefined);
    assert.equal(
      inputValue({ type: 'boolean', name: 'v', description: '', required: false, default: false }, ''),
      'false',
    );
  });
});
