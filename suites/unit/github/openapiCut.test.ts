// The cut of GitHub's description that Prism checks against (suites/github/openapi.ts): the paths the
// extension calls, whole, with every component they reach, and nothing else.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALLED, cutDescription, repoRoot } from '../../github/openapi';

describe('the part of GitHub’s OpenAPI description Prism checks against', () => {
  it('keeps the chosen paths whole and the components they reach, transitively; drops the rest', () => {
    const full = {
      openapi: '3.0.3',
      info: { title: 'GitHub' },
      paths: {
        '/keep': { get: { responses: { 200: { $ref: '#/components/responses/ok' } } } },
        '/drop': { get: { responses: { 200: { $ref: '#/components/responses/other' } } } },
      },
      components: {
        responses: {
          ok: { content: { 'application/json': { schema: { $ref: '#/components/schemas/run' } } } },
          other: { description: 'not reached' },
        },
        schemas: {
          run: { properties: { repo: { $ref: '#/components/schemas/repo' } } },
          // A cycle must end: repo reaches run again.
          repo: { properties: { last: { $ref: '#/components/schemas/run' } } },
          unused: { type: 'string' },
        },
      },
      'x-webhooks': { push: {} },
    };
    const cut = cutDescription(full, (p) => p === '/keep');
    assert.deepEqual(Object.keys(cut.paths), ['/keep']);
    assert.equal(cut.paths['/keep'], full.paths['/keep'], 'the path as GitHub describes it');
    assert.deepEqual(Object.keys(cut.components).sort(), ['responses', 'schemas']);
    assert.deepEqual(Object.keys(cut.components.responses), ['ok']);
    assert.deepEqual(Object.keys(cut.components.schemas).sort(), ['repo', 'run']);
    assert.equal(cut['x-webhooks'], undefined);
    assert.deepEqual(cut.info, full.info);
  });

  it('refuses a reference the description does not have', () => {
    const full = {
      paths: { '/a': { $ref: '#/components/schemas/missing' } },
      components: { schemas: {} },
    };
    assert.throws(() => cutDescription(full, () => true), /no #\/components\/schemas\/missing/);
  });

  it('on GitHub’s own description: every reference of the repository and Actions paths resolves in the cut', () => {
    const full = JSON.parse(
      readFileSync(join(repoRoot(), 'node_modules/@octokit/openapi/generated/api.github.com.json'), 'utf8'),
    );
    const cut = cutDescription(full, CALLED);
    assert.ok(cut.paths['/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches']);
    assert.ok(cut.paths['/repos/{owner}/{repo}/actions/runs/{run_id}/jobs']);
    assert.equal(cut.paths['/user'], undefined);
    const refs = JSON.stringify(cut).match(/"\$ref":"#\/components\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const [, , kind, name] = ref.slice(8, -1).split('/');
      assert.ok(cut.components[kind]?.[name] !== undefined, `${ref} resolves`);
    }
    assert.ok(JSON.stringify(cut).length < JSON.stringify(full).length / 5, 'a fraction of the whole');
  });
});
