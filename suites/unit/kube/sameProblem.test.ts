import * as assert from 'node:assert';
import { describeKubeError, sameProblem } from '../../../src/core/kube/errors';

// One outage is logged once: the network code may change between attempts (reset, then refused).
describe('kube problems: the same problem, whatever the network code', () => {
  const action = { verb: 'watch', resource: 'pods', namespace: 'default', server: 'https://127.0.0.1:6443' };
  const unreachable = (code: string) =>
    describeKubeError(Object.assign(new Error(`connect ${code} 127.0.0.1:6443`), { code }), action).message;

  it('an outage that resets, then refuses, is one problem', () => {
    assert.notStrictEqual(unreachable('ECONNRESET'), unreachable('ECONNREFUSED'));
    assert.ok(sameProblem(unreachable('ECONNRESET'), unreachable('ECONNREFUSED')));
  });

  it('different problems stay different', () => {
    const denied = describeKubeError(Object.assign(new Error('Unauthorized'), { code: 401 }), action).message;
    assert.ok(!sameProblem(unreachable('ECONNREFUSED'), denied));
    assert.ok(!sameProblem('', unreachable('ECONNREFUSED')));
  });
});
