import * as vscode from 'vscode';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ExtensionApi } from '../../src/extension';
import type { FolderTests } from '../../src/testing/folderTree';
import { rmSync, writeFileSync } from 'node:fs';
import { fixtureFolder, waitFor } from './helpers';
import { freePort } from '../unit/support';
export { freePort } from '../unit/support';

export const INTEGRATION_DIR = 'backend/oracles/tests/integration';

export function integrationDir(): string {
  return join(fixtureFolder().uri.fsPath, INTEGRATION_DIR);
}

/** Every TestItem of one folder's controller, by the pytest node id it stands for. */
export function itemsOf(ft: FolderTests): Map<string, vscode.TestItem> {
  const root = join(ft.folder.uri.fsPath, INTEGRATION_DIR);
  const map = new Map<string, vscode.TestItem>();
  const walk = (c: vscode.TestItemCollection) =>
    c.forEach((i) => {
      if (i.id.startsWith(`${root}/`)) map.set(i.id.slice(root.length + 1), i);
      walk(i.children);
    });
  walk(ft.controller.items);
  return map;
}

/** The fixture folder's TestItems by node id. */
export function itemsByNodeId(api: ExtensionApi): Map<string, vscode.TestItem> {
  const ft = api.testExplorer.folderTests().find((f) => f.folder.uri.fsPath === fixtureFolder().uri.fsPath);
  return ft ? itemsOf(ft) : new Map();
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

/** What real pytest collects in the fixture (run by the test itself, not pasted); `args` such as `-m slow`. */
export function pytestCollectedIds(args: readonly string[] = []): string[] {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-m', 'pytest', '-p', 'no:cacheprovider', '--collect-only', '-q', '-c', 'pytest.ini', ...args],
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

/**
 * Settings every Test Explorer suite runs with, set before its tests and cleared after: pytest's own Django
 * on a free port (never 8000) and the managed one not started. Returns the tests.env the suite started with.
 */
export function useFixtureSettings(api: () => ExtensionApi): () => Record<string, string> {
  let env: Record<string, string> = {};
  before(async () => {
    env = { INTEGRATION_DJANGO_PORT: String(await freePort()) };
    await setFolderSetting('tests.env', env);
    await setFolderSetting('django.port', await freePort());
    await setFolderSetting('django.autoStart', false);
    await api().testExplorer.refresh();
    await api().testExplorer.settled();
  });
  after(async () => {
    await setFolderSetting('tests.env', undefined);
    await setFolderSetting('django.port', undefined);
    await setFolderSetting('django.autoStart', undefined);
  });
  return () => env;
}

/** Writes a test file into the fixture's integration folder and waits until the tree shows `expectNodeId`. */
export async function writeTestFile(
  api: ExtensionApi,
  name: string,
  text: string,
  expectNodeId: string,
): Promise<string> {
  const path = join(integrationDir(), name);
  writeFileSync(path, text);
  await waitFor(`${expectNodeId} to appear in the tree`, () => itemsByNodeId(api).has(expectNodeId));
  return path;
}

/** Deletes test files and waits until the tree has forgotten them. */
export async function removeTestFiles(api: ExtensionApi, ...names: string[]): Promise<void> {
  for (const n of names) rmSync(join(integrationDir(), n), { force: true });
  await waitFor('the deleted files to leave the tree', () => names.every((n) => !itemsByNodeId(api).has(n)));
}
