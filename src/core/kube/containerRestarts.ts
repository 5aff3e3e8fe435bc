import type { V1Pod } from '@kubernetes/client-node';
import type { TestWindow } from '../pytest/testLogs';

/** A container that stopped during a test (restarted, or down): what the failure message says about it. */
export interface ContainerRestart {
  namespace: string;
  pod: string;
  container: string;
  /** The kubelet's reason for the stop: OOMKilled, Error, Completed … */
  reason: string;
  exitCode?: number;
  /** When the stopped instance started and ended (epoch ms). */
  startedAt?: number;
  finishedAt: number;
  restartCount: number;
  /** What the container is doing now. */
  now: { kind: 'running' } | { kind: 'waiting'; reason: string } | { kind: 'terminated' };
  /** `container app of pod default/model-1 was OOMKilled (exit code 137) at 10:00:05Z, after running since 09:58:00Z; 1 restart in all; running again` */
  text: string;
}

/** Containers of the pod that stopped within the window (whole-second stamps count for their whole second). */
export function restartsInWindow(pod: V1Pod, window: TestWindow): ContainerRestart[] {
  const out: ContainerRestart[] = [];
  for (const s of pod.status?.containerStatuses ?? []) {
    const current = s.state?.terminated;
    const stopped = current ?? s.lastState?.terminated;
    const finishedAt = stopped?.finishedAt ? new Date(stopped.finishedAt).getTime() : NaN;
    if (!stopped || Number.isNaN(finishedAt) || finishedAt > window.to || finishedAt + 999 < window.from)
      continue;
    const now: ContainerRestart['now'] = current
      ? { kind: 'terminated' }
      : s.state?.waiting
        ? { kind: 'waiting', reason: s.state.waiting.reason ?? 'Waiting' }
        : { kind: 'running' };
    const r: Omit<ContainerRestart, 'text'> = {
      namespace: pod.metadata?.namespace ?? '',
      pod: pod.metadata?.name ?? '?',
      container: s.name,
      reason: stopped.reason ?? (stopped.exitCode === 0 ? 'Completed' : 'Error'),
      exitCode: stopped.exitCode,
      startedAt: stopped.startedAt ? new Date(stopped.startedAt).getTime() : undefined,
      finishedAt,
      restartCount: s.restartCount ?? 0,
      now,
    };
    out.push({ ...r, text: describeRestart(r) });
  }
  return out;
}

function describeRestart(r: Omit<ContainerRestart, 'text'>): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  const what = r.reason === 'OOMKilled' ? 'was OOMKilled' : `stopped (${r.reason})`;
  const code = r.exitCode === undefined ? '' : ` (exit code ${r.exitCode})`;
  const ran = r.startedAt ? `, after running since ${stamp(r.startedAt)}` : '';
  const count = `${r.restartCount} restart${r.restartCount === 1 ? '' : 's'} in all`;
  const now =
    r.now.kind === 'running'
      ? 'running again'
      : r.now.kind === 'waiting'
        ? `now ${r.now.reason}`
        : 'still stopped';
  return `container ${r.container} of pod ${r.namespace}/${r.pod} ${what}${code} at ${stamp(r.finishedAt)}${ran}; ${count}; ${now}`;
}
