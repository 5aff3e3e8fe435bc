import { CoreV1Api, type KubeConfig, type LogOptions } from '@kubernetes/client-node';
import { CancelSource, pause } from '../cancel';
import { Emitter } from '../events';
import type { Logger } from '../logger';
import { Backoff } from '../backoff';
import { describeKubeError, sameProblem } from './errors';
import { LineSplitter } from '../lines/lineSplitter';
import { readLog, type LogRequestOutcome, type PodLogTarget } from './logRequest';
import { ResumePoint } from './logResume';
import { splitTimestamp, type StampedLine } from './timestamps';

export type { PodLogTarget } from './logRequest';

export interface PodLogOptions {
  /** false: fetch the log once (all of it, or the tail) and end; default true (follow). */
  follow?: boolean;
  /** Lines of history on the first connection (ignored when `sinceSeconds` is set). */
  tailLines?: number;
  /** History from this many seconds ago on the first connection. */
  sinceSeconds?: number;
  maxLineBytes?: number;
  context?: string;
  server?: string;
  backoff?: Backoff;
}

/** The stream's own words (restarted, deleted), as opposed to the container's lines. */
export type NoticeLevel = 'info' | 'warn' | 'error';

/**
 * Where lines go. A container's line arrives as a byte range of the chunk it came in (decoded only
 * when someone reads it); the stream's own notices arrive as text.
 */
export interface LineSink {
  line(buf: Buffer, start: number, end: number, time: number): void;
  notice(text: string, time: number, level: NoticeLevel): void;
}

type PodLogState =
  | { kind: 'connecting' }
  | { kind: 'following' }
  | { kind: 'retrying'; message: string; retryInMs: number }
  | { kind: 'ended'; reason: 'deleted' | 'stopped' | 'denied' | 'notFound' | 'completed'; message: string };

/**
 * Follows one container's log through the client's Log stream (one request: logRequest.ts). Every
 * line's timestamp is kept, so after a drop or a restart the stream resumes from the last one seen,
 * repeating and missing nothing (logResume.ts). A restarted container's last words are fetched from
 * the previous instance first. A deleted pod ends the stream with a visible line.
 */
export class PodLogStream {
  private readonly stopRequested = new CancelSource();
  private readonly backoff: Backoff;
  private readonly splitter: LineSplitter;
  private readonly resume = new ResumePoint();
  private readonly stateChanged = new Emitter<PodLogState>();
  private controller: AbortController | undefined;
  private current: PodLogState = { kind: 'connecting' };
  private deletedSeen = false;
  readonly ended: Promise<PodLogState & { kind: 'ended' }>;
  private resolveEnded!: (s: PodLogState & { kind: 'ended' }) => void;

  constructor(
    private readonly kc: KubeConfig,
    readonly target: PodLogTarget,
    private readonly sink: LineSink,
    private readonly logger: Logger,
    private readonly options: PodLogOptions = {},
  ) {
    this.backoff = options.backoff ?? new Backoff();
    this.splitter = new LineSplitter((buf, start, end) => this.onLine(buf, start, end), options.maxLineBytes);
    this.ended = new Promise((r) => (this.resolveEnded = r));
  }

  get state(): PodLogState {
    return this.current;
  }

  onState(l: (s: PodLogState) => void): { dispose(): void } {
    return this.stateChanged.event(l);
  }

  start(): this {
    void this.run().catch((e) => this.end('stopped', `log stream failed: ${(e as Error).message}`, 'error'));
    return this;
  }

  /** The Pods watch saw the pod go: end now, with a visible line, instead of waiting for the next reconnect. */
  podDeleted(): void {
    this.deletedSeen = true;
    this.controller?.abort();
  }

  async stop(): Promise<void> {
    if (this.current.kind === 'ended') return;
    this.stopRequested.cancel();
    this.controller?.abort();
    this.end('stopped', 'stopped');
    await this.ended;
  }

  private async run(): Promise<void> {
    const core = this.kc.makeApiClient(CoreV1Api);
    const { namespace, pod, container } = this.target;
    let followedId = '';
    let followedUid = '';
    let first = true;
    while (!this.stopRequested.token.isCancellationRequested) {
      if (this.deletedSeen)
        return this.end('deleted', `pod ${pod} was deleted; its log stream ended`, 'warn');
      let podInfo;
      try {
        podInfo = await core.readNamespacedPod({ name: pod, namespace });
      } catch (e) {
        if (this.stopRequested.token.isCancellationRequested) return;
        const problem = describeKubeError(e, this.action('get', 'pods'));
        if (problem.kind === 'notFound') {
          return first
            ? this.end(
                'notFound',
                `pod ${pod} not found in namespace "${namespace}": ${problem.message}`,
                'error',
              )
            : this.end('deleted', `pod ${pod} was deleted; its log stream ended`, 'warn');
        }
        if (problem.kind === 'unauthorized' || problem.kind === 'forbidden')
          return this.end('denied', problem.message, 'error');
        await this.retry(problem.message);
        continue;
      }
      if (!(podInfo.spec?.containers ?? []).some((c) => c.name === container)) {
        return this.end('notFound', `container ${container} is not in pod ${pod}`, 'error');
      }
      const status = podInfo.status?.containerStatuses?.find((s) => s.name === container);
      const uid = podInfo.metadata?.uid ?? '';
      if (followedUid && uid && uid !== followedUid)
        this.notice(`pod ${pod} was recreated; following the new one`, 'warn');
      const id = status?.containerID ?? '';
      if (followedId && id && id !== followedId && uid === followedUid) {
        // Restarted: the old instance's last lines are only in `previous`; fetch them before following the new one.
        await this.fetch({
          previous: true,
          timestamps: true,
          sinceTime: this.resume.sinceTime(),
        }).catch(() => undefined);
        this.notice(
          `container ${container} of pod ${pod} restarted (restart #${status?.restartCount ?? '?'})`,
          'warn',
        );
      }
      const waiting = status?.state?.waiting;
      if (waiting || !status) {
        await this.retry(
          `container ${container} of pod ${pod} is not running yet${waiting?.reason ? ` (${waiting.reason})` : ''}`,
        );
        continue;
      }
      followedId = id;
      followedUid = uid;
      const follow = this.options.follow ?? true;
      const opts = this.resume.request(follow, first, this.options);
      first = false;
      let outcome: LogRequestOutcome;
      try {
        this.setState({ kind: 'following' });
        outcome = await this.fetch(opts);
      } catch (e) {
        if (this.stopRequested.token.isCancellationRequested) return;
        const problem = describeKubeError(e, this.action('get', 'pods/log'));
        if (problem.kind === 'unauthorized' || problem.kind === 'forbidden')
          return this.end('denied', problem.message, 'error');
        // 404 and 400 come back through readNamespacedPod above with a clearer reason; others are retried.
        await this.retry(problem.message);
        continue;
      }
      if (outcome.kind === 'aborted') continue;
      if (!follow && outcome.kind === 'ended')
        return this.end('completed', `log of ${pod}/${container} read to its end`);
      if (this.resume.linesThisConnection > 0) this.backoff.reset();
      const terminal = podInfo.status?.phase === 'Succeeded' || podInfo.status?.phase === 'Failed';
      if (outcome.kind === 'ended' && terminal)
        return this.end(
          'completed',
          `pod ${pod} has ${podInfo.status?.phase?.toLowerCase()}; its log is complete`,
          'info',
        );
      if (outcome.kind === 'dropped')
        this.logger.info(
          `log of ${namespace}/${pod}/${container} dropped; resuming from ${this.resume.second || 'the start'}`,
        );
      // A stream that ends at once with nothing new (a terminating container) is retried with backoff, not in a tight loop.
      if (this.resume.linesThisConnection === 0) await pause(this.backoff.next(), this.stopRequested.token);
    }
  }

  /** One request, resuming from the last line seen. */
  private fetch(opts: LogOptions): Promise<LogRequestOutcome> {
    this.resume.connect();
    return readLog({
      kc: this.kc,
      target: this.target,
      options: opts,
      splitter: this.splitter,
      stopping: () => this.stopRequested.token.isCancellationRequested || this.deletedSeen,
      started: (c) => (this.controller = c),
    });
  }

  private readonly stamped: StampedLine = { second: '', nanos: 0, ms: NaN, textStart: 0 };

  private onLine(buf: Buffer, start: number, end: number): void {
    const t = splitTimestamp(buf, start, end, this.stamped);
    if (!this.resume.accept(t)) return;
    this.sink.line(buf, t.textStart, end, t.second ? t.ms : Date.now());
  }

  private notice(text: string, level: NoticeLevel): void {
    this.sink.notice(`── ${text} ──`, Date.now(), level);
  }

  private async retry(message: string): Promise<void> {
    const retryInMs = this.backoff.next();
    if (this.current.kind !== 'retrying' || !sameProblem(this.current.message, message))
      this.logger.warn(`log of ${this.target.pod}: ${message}`);
    this.setState({ kind: 'retrying', message, retryInMs });
    await pause(retryInMs, this.stopRequested.token);
  }

  private end(
    reason: (PodLogState & { kind: 'ended' })['reason'],
    message: string,
    level?: NoticeLevel,
  ): void {
    if (this.current.kind === 'ended') return;
    if (level) this.notice(message, level);
    const s = { kind: 'ended' as const, reason, message };
    this.setState(s);
    this.resolveEnded(s);
  }

  private setState(s: PodLogState): void {
    this.current = s;
    this.stateChanged.fire(s);
  }

  private action(verb: string, resource: string) {
    return {
      verb,
      resource,
      namespace: this.target.namespace,
      context: this.options.context,
      server: this.options.server,
    };
  }
}
