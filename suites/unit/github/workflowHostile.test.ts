import * as assert from 'node:assert';
import { parseWorkflow } from '../../../src/core/github/workflow';

describe('workflow file: hostile YAML (fuzzer regressions)', () => {
  it('refuses an alias bomb in options instead of expanding it through String()', () => {
    let yaml = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      yaml += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    yaml +=
      'on:\n  workflow_dispatch:\n    inputs:\n      env:\n        type: choice\n        options: [*a8]\n';
    const w = parseWorkflow(yaml, 'bomb.yml');
    assert.deepStrictEqual(w, {
      kind: 'invalid',
      reason: 'bomb.yml: input `env` has an option that is a list or a mapping, not a single value.',
    });
  });

  it('caps aliases, and refuses a default that is a mapping', () => {
    const many = `x: &x 1\nl: [${Array(101).fill('*x').join(', ')}]\non: workflow_dispatch\n`;
    const w = parseWorkflow(many, 'many.yml');
    assert.ok(w.kind === 'invalid' && /maxAliases/.test(w.reason), JSON.stringify(w));
    const d = parseWorkflow(
      'on:\n  workflow_dispatch:\n    inputs:\n      n:\n        default: {a: 1}\n',
      'd.yml',
    );
    assert.deepStrictEqual(d, {
      kind: 'invalid',
      reason: 'd.yml: input `n` has a `default` that is a list or a mapping, not a single value.',
    });
  });

  it('keeps reasons short when the file quotes something huge', () => {
    const w = parseWorkflow(
      `on:\n  workflow_dispatch:\n    inputs:\n      n:\n        type: ${'t'.repeat(100_000)}\n`,
    );
    assert.ok(w.kind === 'invalid' && w.reason.length < 400, JSON.stringify(w).slice(0, 200));
  });
});
