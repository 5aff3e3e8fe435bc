import * as assert from 'node:assert';
import { join } from 'node:path';
import {
  chooseDjangoMode,
  describeMode,
  governingConftests,
  readsVariable,
} from '../../../src/core/django/mode';

const ws = '/repo';
const ini = join(ws, 'backend/oracles/tests/integration/pytest.ini');
const VAR = 'INTEGRATION_DJANGO_URL';

/** An in-memory tree of files. */
const files = (tree: Record<string, string>) => async (p: string) => tree[p];

describe('Django mode: who owns Django during a run', () => {
  it('governing conftests are the rootdir and its parents up to the workspace, nearest first', () => {
    assert.deepStrictEqual(governingConftests(ini, ws), [
      '/repo/backend/oracles/tests/integration/conftest.py',
      '/repo/backend/oracles/tests/conftest.py',
      '/repo/backend/oracles/conftest.py',
      '/repo/backend/conftest.py',
      '/repo/conftest.py',
    ]);
  });

  it('never climbs above the workspace folder', () => {
    assert.deepStrictEqual(governingConftests('/elsewhere/pytest.ini', ws), ['/elsewhere/conftest.py']);
  });

  it('reads a variable only as a whole string literal outside comments', () => {
    assert.ok(readsVariable(`url = os.environ.get("${VAR}")`, VAR));
    assert.ok(readsVariable(`url = os.getenv('${VAR}', '')`, VAR));
    assert.ok(readsVariable(`os.environ["${VAR}"]`, VAR));
    assert.ok(!readsVariable(`# os.environ.get("${VAR}")`, VAR));
    assert.ok(!readsVariable(`"""Set ${VAR} to reuse a server."""`, VAR));
    assert.ok(!readsVariable(`os.environ.get("${VAR}_EXTRA")`, VAR));
    assert.ok(readsVariable(`# comment\nx = os.environ.get("${VAR}")`, VAR));
  });

  it('auto picks shared when a governing conftest reads the URL variable, and names it', async () => {
    const choice = await chooseDjangoMode({
      setting: 'auto',
      urlEnvVar: VAR,
      inis: [ini],
      workspace: ws,
      read: files({ '/repo/backend/conftest.py': `import os\nURL = os.environ.get("${VAR}")\n` }),
    });
    assert.strictEqual(choice.mode, 'shared');
    assert.deepStrictEqual(choice.conftests, ['/repo/backend/conftest.py']);
    assert.match(choice.reason, /backend\/conftest\.py reads INTEGRATION_DJANGO_URL/);
    assert.match(describeMode(choice), /^Django mode: shared \(auto: /);
  });

  it('auto picks session when no governing conftest reads it, listing what was read', async () => {
    const choice = await chooseDjangoMode({
      setting: 'auto',
      urlEnvVar: VAR,
      inis: [ini],
      workspace: ws,
      read: files({
        '/repo/backend/oracles/tests/integration/conftest.py': 'PORT = 8000\n',
        // Below the rootdir: it does not govern the session fixture.
        '/repo/backend/oracles/tests/integration/sub/conftest.py': `os.environ["${VAR}"]`,
      }),
    });
    assert.strictEqual(choice.mode, 'session');
    assert.match(choice.reason, /no governing conftest\.py reads INTEGRATION_DJANGO_URL/);
    assert.match(choice.reason, /backend\/oracles\/tests\/integration\/conftest\.py/);
  });

  it('auto follows the variable name of the setting', async () => {
    const read = files({ '/repo/conftest.py': 'os.environ.get("MY_DJANGO")' });
    const base = { setting: 'auto' as const, inis: [ini], workspace: ws, read };
    assert.strictEqual((await chooseDjangoMode({ ...base, urlEnvVar: VAR })).mode, 'session');
    assert.strictEqual((await chooseDjangoMode({ ...base, urlEnvVar: 'MY_DJANGO' })).mode, 'shared');
  });

  it('an explicit setting wins without reading anything', async () => {
    let reads = 0;
    const read = async () => {
      reads++;
      return `os.environ.get("${VAR}")`;
    };
    const base = { urlEnvVar: VAR, inis: [ini], workspace: ws, read };
    assert.strictEqual((await chooseDjangoMode({ ...base, setting: 'session' })).mode, 'session');
    assert.strictEqual((await chooseDjangoMode({ ...base, setting: 'shared' })).mode, 'shared');
    assert.strictEqual(reads, 0);
  });

  it('auto with no pytest.ini yet leaves Django to the session and says why', async () => {
    const choice = await chooseDjangoMode({ setting: 'auto', urlEnvVar: VAR, inis: [], workspace: ws });
    assert.strictEqual(choice.mode, 'session');
    assert.match(choice.reason, /no pytest\.ini/);
  });
});
