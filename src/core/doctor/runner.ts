import { join } from 'node:path';
import { raceWith, TimeoutError, type CancelToken } from '../cancel';
import type { Logger } from '../logger';
import type { PortOwner } from '../django/portOwner';
import { clusterChecks } from './clusterChecks';
import { djangoChecks } from './djangoChecks';
import { githubChecks } from './githubChecks';
import { pythonChecks } from './pythonChecks';
import { pythonExtensionChecks } from './pythonExtensionChecks';
import { testChecks } from './testChecks';
import type { CheckGroup, CheckResult, DoctorContext, DoctorSettings, GitHubSignIn } from './types';

/** A call to the cluster gets this long: a cluster that is down must not hold the doctor up. */
const NETWORK_LIMIT_MS = 2000;
/** A check that runs a process (Python imports, `migrate --check`, the API-key command) gets this long. */
const PROCESS_LIMIT_MS = 20_000;

/** Every group, in the order the checks are shown. */
export const CHECK_GROUPS: readonly CheckGroup[] = [
  pythonChecks,
  pythonExtensionChecks,
  djangoChecks,
  clusterChecks,
  testChecks,
  githubChecks,
];

interface DoctorOptions {
  settings: DoctorSettings;
  logger: Logger;
  inis: readonly string[];
  /** The pytest plugin's folder; by default `python` beside the bundle (out/python). */
  pluginDir?: string;
  token?: CancelToken;
  isManagedServer?: (owner: PortOwner) => boolean;
  githubSignIn?: () => Promise<GitHubSignIn>;
  networkLimitMs?: number;
  groups?: readonly CheckGroup[];
}

/** Runs every check at once and returns their results in a fixed order; never throws. */
export async function runDoctor(opts: DoctorOptions): Promise<CheckResult[]> {
  const neverCancelled: CancelToken = {
    isCancellationRequested: false,
    onCancellationRequested: () => ({ dispose() {} }),
  };
  const token = opts.token ?? neverCancelled;
  const limit = opts.networkLimitMs ?? NETWORK_LIMIT_MS;
  const ctx: DoctorContext = {
    settings: opts.settings,
    logger: opts.logger,
    token,
    inis: opts.inis,
    pluginDir: opts.pluginDir ?? join(__dirname, 'python'),
    isManagedServer: opts.isManagedServer ?? (() => false),
    githubSignIn: opts.githubSignIn ?? (async () => undefined),
    network: (what, call) => limitedCall(what, call, limit, token),
  };
  const checks = (opts.groups ?? CHECK_GROUPS).flatMap((group) => group(ctx));
  return Promise.all(
    checks.map(async (check): Promise<CheckResult> => {
      const head = { id: check.id, title: check.title };
      try {
        const found = await raceWith(check.run(), {
          timeoutMs: PROCESS_LIMIT_MS,
          token,
          what: check.title,
        });
        return { ...head, ...found };
      } catch (e) {
        opts.logger.warn(`doctor: ${check.id}: ${(e as Error).message}`);
        return { ...head, status: 'fail', message: `The check itself failed: ${(e as Error).message}` };
      }
    }),
  );
}

/** A network call cut off (and aborted) at the limit: the TimeoutError names what did not answer. */
async function limitedCall<T>(
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  limitMs: number,
  token: CancelToken,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(what, limitMs)), limitMs);
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    return await raceWith(call(controller.signal), { timeoutMs: limitMs, token, what });
  } catch (e) {
    // The abort may win the race by a tick: then the client's "aborted" error stands for the time limit.
    throw controller.signal.reason instanceof TimeoutError ? controller.signal.reason : e;
  } finally {
    clearTimeout(timer);
    sub.dispose();
  }
}

/** The worst status first: what the CLI's exit code and the view's badge follow. */
export function worstStatus(results: readonly CheckResult[]): CheckResult['status'] {
  for (const s of ['fail', 'warn', 'ok'] as const) if (results.some((r) => r.status === s)) return s;
  return 'skip';
}
