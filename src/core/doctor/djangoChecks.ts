import { fetchApiKey } from '../django/apiKey';
import { describeOwner } from '../django/conflict';
import { chooseDjangoMode, isModeSetting, type ModeChoice } from '../django/mode';
import { checkPort, treeRootOf } from '../django/portOwner';
import { resolveCommand } from '../python';
import { settingFix, terminalFix } from './fixes';
import type { Check, CheckGroup, DoctorContext, Finding } from './types';

const API_KEY_TIMEOUT_MS = 15_000;

/** Django's port, who owns Django during a run (and why), and the API-key command. */
export const djangoChecks: CheckGroup = (ctx) => {
  const s = ctx.settings;
  const choice = chooseDjangoMode({
    setting: isModeSetting(s.mode) ? s.mode : 'auto',
    urlEnvVar: s.urlEnvVar,
    inis: ctx.inis,
    workspace: s.workspace,
  });
  return [
    { id: 'django.port', title: `Port ${s.port}`, run: () => portFinding(ctx) },
    { id: 'django.mode', title: 'Django mode', run: async () => modeFinding(await choice) },
    { id: 'django.apiKey', title: 'API-key command', run: async () => apiKeyFinding(ctx, await choice) },
  ] satisfies Check[];
};

async function portFinding(ctx: DoctorContext): Promise<Finding> {
  const { host, port } = ctx.settings;
  const check = await checkPort(host, port);
  if (check.kind === 'free') return { status: 'ok', message: `Port ${port} is free.` };
  const owner = check.owner;
  if (owner && ctx.isManagedServer(owner))
    return { status: 'ok', message: `Port ${port} is held by the managed Django (pid ${owner.pid}).` };
  const change = settingFix('Or run Django on another port: codespaceTests.django.port.', 'django.port');
  if (!owner)
    return {
      status: 'fail',
      message: `Port ${port} is in use by ${describeOwner(owner)}: the tests' Django cannot start there.`,
      fix: change,
    };
  const root = await treeRootOf(owner);
  return {
    status: 'fail',
    message: `Port ${port} is in use by ${describeOwner(owner)}: the tests' Django cannot start there.`,
    fix: terminalFix(
      `Stop it (kill ${root.pid}), or change codespaceTests.django.port.`,
      `kill ${root.pid}`,
      ctx.settings.workspace,
    ),
  };
}

function modeFinding(choice: ModeChoice): Finding {
  return {
    status: 'ok',
    message: `${choice.mode}: ${choice.reason}`,
    ...(choice.setting === 'auto'
      ? {}
      : { fix: settingFix('Set codespaceTests.django.mode to auto to follow the conftest.', 'django.mode') }),
  };
}

async function apiKeyFinding(ctx: DoctorContext, choice: ModeChoice): Promise<Finding> {
  const s = ctx.settings;
  if (choice.mode === 'session')
    return {
      status: 'skip',
      message: 'Session mode: the test session gets its own key; the command is not used.',
    };
  const fix = settingFix(
    "Set codespaceTests.django.apiKeyCommand to your repository's key command (its last line of output is the key).",
    'django.apiKeyCommand',
  );
  if (!s.apiKeyCommand.trim())
    return { status: 'warn', message: 'No API-key command is set: the tests run without a key.', fix };
  const env = { ...process.env, ...s.djangoEnv };
  let spec;
  try {
    const r = await resolveCommand(s.apiKeyCommand, s.interpreter, env);
    spec = { command: r.command, args: r.args, env };
  } catch (e) {
    return { status: 'fail', message: (e as Error).message, fix };
  }
  // The key itself is never shown: only that one was printed.
  const result = await fetchApiKey(spec, s.djangoCwd, ctx.logger, API_KEY_TIMEOUT_MS);
  if (result.kind === 'key')
    return { status: 'ok', message: `"${s.apiKeyCommand}" printed a key (not shown).` };
  const why = result.output.length ? ` Its last error line: ${result.output[result.output.length - 1]}` : '';
  return { status: 'fail', message: `${result.message}${why}`, fix };
}
