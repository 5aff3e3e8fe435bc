import * as assert from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtensionApi } from '../../src/extension';
import { activateExtension, waitFor } from './helpers';
import { integrationDir, itemsByNodeId, useFixtureSettings } from './testExplorerHelpers';

// Issue 11, point 7: the workspace folder (the working directory) is the repository root, and pytest's
// rootdir is the pytest.ini's folder deeper down, as in the team's repository.
describe('collection errors show on the file, at the line in that file (real pytest)', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  before(async () => ({ api } = await activateExtension()));
  useFixtureSettings(() => api);

  const cases = [
    {
      name: 'a syntax error',
      fileId: 'test_host_syntax_error.py',
      source: 'import os\n\n\ndef test_fine():\n    x = (1,\n    assert x\n',
      line: 5,
      what: /SyntaxError: '\(' was never closed/,
    },
    {
      name: 'an import error',
      fileId: 'test_host_import_error.py',
      source:
        '"""Imports a helper that is not there."""\nimport os\n\nfrom helpers import no_such_helper\n\n\ndef test_fine():\n    pass\n',
      line: 4,
      what: /ImportError: cannot import name 'no_such_helper'/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the file's item has the error and its line`, async () => {
      const path = join(integrationDir(), c.fileId);
      writeFileSync(path, c.source);
      try {
        const fileItem = await waitFor(`${c.fileId} to show its collection error`, () => {
          const i = itemsByNodeId(api).get(c.fileId);
          return i?.error ? i : undefined;
        });
        const error = String(fileItem.error);
        assert.match(error, new RegExp(`^${c.fileId.replace('.', '\\.')}, line ${c.line}: `));
        assert.match(error, c.what);
        assert.strictEqual(fileItem.uri?.fsPath, path, 'the file that exists, not a path pytest made up');
        assert.strictEqual(fileItem.range?.start.line, c.line - 1, 'Go to Test lands on the line to fix');
        assert.ok(
          readFileSync(path, 'utf8').split('\n')[c.line - 1].trim().length,
          'the line is in the file the person edits',
        );
      } finally {
        rmSync(path, { force: true });
      }
      await waitFor(`${c.fileId} to leave the tree`, () => !itemsByNodeId(api).has(c.fileId));
    });
  }
});
