// The helpers shared by every suite live in suites/unit/support.ts; the integration files reach them here.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './pytest/pytestHelpers';

export * from '../unit/support';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (out/cli.js) to its end with stdout and stderr on pipes, as `codespace-tests … | wc -c` does. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'out/cli.js'), ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/** A fresh temp copy of the team-repository fixture whose session Django listens on `port`; the caller removes it. */
export function teamFixtureCopy(prefix: string, port: number): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // suites/host/teamFixture.mjs is an ES module of the host runner: it runs in a Node of its own, not bundled here.
  const overlay = join(REPO_ROOT, 'suites/host/teamFixture.mjs');
  execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `const m = await import(${JSON.stringify(overlay)}); m.copyTeamFixture(${JSON.stringify(dir)}, ${port});`,
  ]);
  return dir;
}
