import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { readBranchState, remoteDifference } from '../github/gitState';
import { parseWorkflow } from '../github/workflow';
import { shellQuote } from '../variables';
import { FixCommandIds, terminalFix } from './fixes';
import type { Check, CheckGroup, DoctorContext, Finding } from './types';

/** What Trigger CI needs: a GitHub sign-in, a dispatchable workflow, and the branch on GitHub. */
export const githubChecks: CheckGroup = (ctx) =>
  [
    { id: 'github.signIn', title: 'Signed in to GitHub', run: () => signInFinding(ctx) },
    { id: 'github.workflow', title: 'CI workflow', run: () => workflowFinding(ctx) },
    { id: 'github.branch', title: 'Branch pushed', run: () => branchFinding(ctx) },
  ] satisfies Check[];

async function signInFinding(ctx: DoctorContext): Promise<Finding> {
  const signIn = await ctx.githubSignIn();
  if (signIn) return { status: 'ok', message: `A GitHub token is available (${signIn.source}).` };
  return {
    status: 'warn',
    message:
      'Not signed in to GitHub: Trigger CI and the CI Runs view need a sign-in (tests run without one).',
    fix: {
      text: 'Sign in with the Accounts menu (GitHub), or set a token with "Codespace Tests: Set GitHub Token…".',
      command: FixCommandIds.setGitHubToken,
    },
  };
}

async function workflowFinding(ctx: DoctorContext): Promise<Finding> {
  const setting = ctx.settings.workflow || '.github/workflows/integration-tests.yml';
  const path = isAbsolute(setting) ? setting : join(ctx.settings.workspace, setting);
  const fix = {
    text: 'Set codespaceTests.ci.workflow to the workflow that runs the integration tests.',
    command: FixCommandIds.openSettings,
    args: ['codespaceTests.ci.workflow'],
  };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { status: 'warn', message: `${setting} does not exist: Trigger CI has nothing to dispatch.`, fix };
  }
  const wf = parseWorkflow(text, setting);
  if (wf.kind === 'invalid') return { status: 'fail', message: wf.reason, fix };
  const inputs = wf.inputs.length
    ? ` with ${wf.inputs.length} input${wf.inputs.length === 1 ? '' : 's'}`
    : '';
  return { status: 'ok', message: `${setting} declares workflow_dispatch${inputs}.` };
}

async function branchFinding(ctx: DoctorContext): Promise<Finding> {
  const cwd = ctx.settings.workspace;
  // No fetch: the doctor reads what git already knows, in well under a second.
  const state = await readBranchState({ cwd, fetch: false, token: ctx.token });
  if (state.kind === 'notARepository') return { status: 'skip', message: state.reason };
  if (state.kind === 'detached')
    return {
      status: 'warn',
      message: `HEAD is detached at ${state.sha}: CI runs a branch.`,
      fix: { text: 'Check out a branch (git switch -c <name>).' },
    };
  if (!state.remote)
    return {
      status: 'warn',
      message: `The branch ${state.branch} has no remote: there is no GitHub repository to run CI in.`,
      fix: { text: 'Add one: git remote add origin <url>.' },
    };
  const diff = remoteDifference(state);
  if (!diff) return { status: 'ok', message: `${state.branch} is pushed to ${state.upstream!.remote}.` };
  const push = ['git', 'push', ...(state.upstream ? [] : ['--set-upstream']), state.remote, state.branch]
    .map(shellQuote)
    .join(' ');
  return {
    status: 'warn',
    message: `${diff.reason} CI runs what is on GitHub.`,
    ...(diff.canPush ? { fix: terminalFix(`Push it: ${push}.`, push, cwd) } : {}),
  };
}
