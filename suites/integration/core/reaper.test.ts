import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive, waitUntil } from '../support';

describe('no orphans when the extension host dies without deactivating', () => {
  let storage: string;
  beforeEach(() => (storage = mkdtempSync(join(tmpdir(), 'cit-storage-'))));
  afterEach(() => rmSync(storage, { recursive: true, force: true }));

  it('kills its children’s groups and a registered debuggee after a SIGKILL of the host; the list is private', async () => {
    const folder = join(storage, 'globalStorage');
    const host = spawn(process.execPath, [join(__dirname, 'hostDies/index.js'), folder], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids: Record<string, number> = {};
    let out = '';
    host.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/^(child|grandchild|debuggee) (\d+)$/gm)) pids[m[1]] = Number(m[2]);
    });
    await waitUntil(() => Boolean(pids.child && pids.grandchild && pids.debuggee), 10_000);
    assert.ok(pidAlive(pids.child) && pidAlive(pids.grandchild) && pidAlive(pids.debuggee));

    // The list is in the storage folder given, under a name no one can guess, readable by this user only.
    const files = readdirSync(folder);
    assert.strictEqual(files.length, 1, files.join(', '));
    assert.match(files[0], new RegExp(`^reaper-${host.pid}-[0-9a-f]{12}\\.pids$`));
    const list = join(folder, files[0]);
    assert.strictEqual(statSync(list).mode & 0o777, 0o600);
    assert.strictEqual(statSync(folder).mode & 0o777, 0o700);
    assert.deepStrictEqual(
      readFileSync(list, 'utf8').split('\n').filter(Boolean).map(Number).sort(),
      [pids.child, pids.debuggee].sort(),
    );

    host.kill('SIGKILL');
    // The watcher polls once a second, then TERM, a second's grace, KILL; then it removes its list.
    await waitUntil(
      () => !pidAlive(pids.child) && !pidAlive(pids.grandchild) && !pidAlive(pids.debuggee),
      8000,
      100,
    );
    await waitUntil(() => readdirSync(folder).length === 0, 5000, 100);
  });
});
