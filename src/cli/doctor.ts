import { resolve } from 'node:path';
import { stderrLogger } from '../core/logger';
import { runDoctor } from '../core/doctor/runner';
import { workspaceDoctorSettings, workspaceInis } from '../core/doctor/settings';
import type { CheckResult } from '../core/doctor/types';
import { settingsReader } from '../core/settings';
import { writeJson, writeLines } from './output';
import type { Verb } from './verb';

const MARK: Record<CheckResult['status'], string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

/** The GitHub token a headless run could use: the variables the extension reads too. */
async function envSignIn(): Promise<{ source: string } | undefined> {
  if (process.env.CODESPACE_TESTS_GITHUB_TOKEN?.trim()) return { source: 'CODESPACE_TESTS_GITHUB_TOKEN' };
  if (process.env.GITHUB_TOKEN?.trim()) return { source: 'GITHUB_TOKEN' };
  return undefined;
}

export const doctorVerb: Verb = {
  name: 'doctor',
  summary: 'Checks the codespace: Python, Django, the port, the cluster, GitHub; each problem with its fix.',
  usage: '[--workspace DIR] [--json]',
  options: {
    workspace: { type: 'string', value: 'DIR', help: 'the workspace folder (default: the current folder)' },
    json: { type: 'boolean', help: 'print {checks: [{id, status, message, fix}]} instead of lines' },
  },
  details: [
    'Checks run at once; a call to the cluster gets at most 2 s, so a cluster that is down cannot hold it up.',
    'Statuses: ok, warn (works, with a gap), fail (tests will fail), skip (not checked, or not expected here).',
    'Exit codes: 0 no check failed, 1 a check failed, 2 usage error.',
  ].join('\n'),
  async run(args) {
    const workspace = resolve((args.values.workspace as string | undefined) ?? '.');
    const logger = stderrLogger(args.values.verbose === true);
    const settings = await workspaceDoctorSettings(workspace);
    const get = await settingsReader(workspace);
    const inis = await workspaceInis(workspace, get('tests.include'));
    const checks = await runDoctor({ settings, logger, inis, githubSignIn: envSignIn });
    if (args.values.json === true)
      await writeJson({
        checks: checks.map((c) => ({ id: c.id, status: c.status, message: c.message, fix: c.fix ?? null })),
      });
    else
      await writeLines(
        checks.flatMap((c) => [
          `${MARK[c.status]} ${c.title}: ${c.message}`,
          ...(c.fix && c.status !== 'ok' ? [`    fix: ${c.fix.text}`] : []),
        ]),
      );
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  },
};
