import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pidAlive, waitUntil } from '../support';

describe('no orphans when the extension host dies without deactivating', () => {
  it('kills the process groups of its children after a SIGKILL of the host', async () => {
    const host = spawn(process.execPath, [join(__dirname, 'hostDies/index.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids: Record<string, number> = {};
    let out = '';
    host.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/^(child|grandchild) (\d+)$/gm)) pids[m[1]] = Number(m[2]);
    });
    await waitUntil(() => Boolean(pids.child && pids.grandchild), 10_000);
    assert.ok(pidAlive(pids.child) && pidAlive(pids.grandchild));
    host.kill('SIGKILL');
    // The watcher polls once a second, then TERM, a second's grace, KILL.
    await waitUntil(() => !pidAlive(pids.child) && !pidAlive(pids.grandchild), 8000, 100);
  });
});
