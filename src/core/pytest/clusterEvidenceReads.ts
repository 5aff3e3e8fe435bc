import { Limiter } from '../limiter';
import type { LogStore } from '../logs/logStore';
import { evidenceForTest, type EvidenceCluster, type TestEvidence } from './testEvidence';
import type { TestWindow } from './testLogs';

/** Failures whose cluster evidence a run reads; past them, one note says so. */
const MAX_FAILURES_READ = 20;
/** How long the end of a run waits for evidence still being read. */
const EVIDENCE_WAIT_MS = 2000;
/** How long a failure's result may wait for its evidence, from when it arrived (its window's tail included). */
const RESULT_DELAY_MS = 2000;
/** The least time the cluster gets, when the window's tail took most of `RESULT_DELAY_MS`. */
const MIN_CLUSTER_MS = 750;

/**
 * A run's evidence reads after its failures: each starts when its test fails and never holds back the
 * next result; the end of the run waits for them at most `EVIDENCE_WAIT_MS`, then stops what is left
 * (each read then says it was cut short).
 */
export class ClusterEvidenceReads {
  private readonly pending: Promise<void>[] = [];
  private readonly stop = new AbortController();
  private readonly limiter = new Limiter(4);
  private cluster: EvidenceCluster | undefined | null = null;
  private started = 0;

  constructor(
    private readonly store: Pick<LogStore, 'query' | 'sources'>,
    /** Asked once, at the first failure: where the cluster is, or undefined to read none. */
    private readonly clusterOf: () => EvidenceCluster | undefined,
    /** Said once, when failures past `MAX_FAILURES_READ` get no cluster evidence. */
    private readonly onNote: (note: string) => void,
  ) {}

  /**
   * Reads a failed test's evidence in the background; `deliver` gets it once, always (the failure is
   * reported with it), and before `settled` resolves. The cluster's part ends by `RESULT_DELAY_MS` after
   * `arrived` (the failure's local arrival), or `MIN_CLUSTER_MS` from now if that is later. Without a
   * cluster, or past `MAX_FAILURES_READ`, the log store's lines only, with the notes that say why.
   */
  read(window: TestWindow, deliver: (evidence: TestEvidence) => void, arrived = Date.now()): void {
    if (this.cluster === null) this.cluster = this.clusterOf();
    let cluster = this.cluster;
    if (cluster && ++this.started > MAX_FAILURES_READ) {
      if (this.started === MAX_FAILURES_READ + 1)
        this.onNote(
          `Cluster evidence was read for the first ${MAX_FAILURES_READ} failures of this run only.`,
        );
      cluster = undefined;
    }
    const signal = this.stop.signal;
    this.pending.push(
      this.limiter
        .run(() => {
          const left = Math.max(MIN_CLUSTER_MS, arrived + RESULT_DELAY_MS - Date.now());
          const timeoutMs = Math.min(cluster?.timeoutMs ?? RESULT_DELAY_MS, left);
          return evidenceForTest({
            window,
            store: this.store,
            cluster: cluster && { ...cluster, signal, timeoutMs },
          });
        })
        .then(deliver, (e: Error) =>
          deliver({ logs: [], restarts: [], notes: [`The evidence could not be read: ${e.message}`] }),
        ),
    );
  }

  /** Waits for the reads still going, at most `waitMs`; then stops them. Never throws. */
  async settled(waitMs = EVIDENCE_WAIT_MS): Promise<void> {
    if (!this.pending.length) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, waitMs)));
    await Promise.race([Promise.all(this.pending), late]);
    clearTimeout(timer);
    this.stop.abort();
    await Promise.all(this.pending);
  }
}
