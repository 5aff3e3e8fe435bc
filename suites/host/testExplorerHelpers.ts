import * as vscode from 'vscode';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ExtensionApi } from '../../src/extension';
import { fixtureFolder } from './helpers';

export const INTEGRATION_DIR = 'backend/oracles/tests/integration';

export function integrationDir(): string {
  return join(fixtureFolder().uri.fsPath, INTEGRATION_DIR);
}

/** A port nothing listens on right now (bound to 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Every TestItem of the folder's controller, by the pytest node id it stands for. */
export function itemsByNodeId(api: ExtensionApi): Map<string, vscode.TestItem> {
  const map = new Map<string, vscode.TestItem>();
  const root = integrationDir();
  for (const ft of api.testExplorer.folderTests()) {
    const walk = (c: vscode.TestItemCollection) =>
      c.forEach((i) => {
        if (i.id.startsWith(`${root}/`)) map.set(i.id.slice(root.length + 1), i);
        walk(i.children);
      });
    walk(ft.controller.items);
  }
  return map;
}

/** Node ids of the runnable leaves (cases, functions without cases). */
export function leafNodeIds(api: ExtensionApi): string[] {
  return [...itemsByNodeId(api)]
    .filter(([id, i]) => id.includes('::') && i.children.size === 0)
    .map(([id]) => id);
}

export function item(api: ExtensionApi, nodeid: string): vscode.TestItem {
  const found = itemsByNodeId(api).get(nodeid);
  if (!found) throw new Error(`no test item for ${nodeid}`);
  return found;
}

/** What real pytest collects in the fixture (run by the test itself, not pasted). */
export function pytestCollectedIds(): string[] {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-m', 'pytest', '-p', 'no:cacheprovider', '--collect-only', '-q', '-c', 'pytest.ini'],
    {
      cwd: integrationDir(),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 60_000,
    },
  );
  const ids: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) break;
    ids.push(line);
  }
  return ids;
}

/** Process ids whose command line mentions `needle` (the fresh workspace path is unique to this host run). */
export function processesMentioning(needle: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((p) => p && p !== process.pid);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sets `codespaceTests.<key>` on the workspace folder. */
export async function setFolderSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace
    .getConfiguration('codespaceTests', fixtureFolder().uri)
    .update(key, value, vscode.ConfigurationTarget.WorkspaceFolder);
}
