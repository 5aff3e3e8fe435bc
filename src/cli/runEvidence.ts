import { Limiter } from '../core/limiter';
import type { LogStore } from '../core/logs/logStore';
import type { SettingsGet } from '../core/settings';
import type { FinishedEvent } from '../core/pytest/protocol';
import { clusterFromSettings, evidenceForTest, type TestEvidence } from '../core/pytest/testEvidence';
import { formatTestLogs, windowsOfRun } from '../core/pytest/testLogs';

/** Tests whose evidence is read at once: each read is bounded by its own 2 s timeout. */
const PARALLEL_TESTS = 4;

export function failed(r: FinishedEvent): boolean {
  return r.outcome === 'failed' || r.outcome === 'error';
}

/** The evidence of each failed test (of every test with `all`), by its index in `results`. */
export async function evidenceOfTests(
  results: readonly FinishedEvent[],
  store: LogStore,
  get: SettingsGet,
  all: boolean,
): Promise<Map<number, TestEvidence>> {
  const out = new Map<number, TestEvidence>();
  const wanted = results.flatMap((r, i) => (all || failed(r) ? [i] : []));
  if (!wanted.length) return out;
  const cluster = clusterFromSettings(get);
  const limiter = new Limiter(PARALLEL_TESTS);
  const windows = windowsOfRun(results);
  await Promise.all(
    wanted.map((i) =>
      limiter.run(async () => {
        out.set(i, await evidenceForTest({ window: windows[i], store, cluster }));
      }),
    ),
  );
  return out;
}

/** Each test's evidence for stderr: its lines as the Test Explorer shows them, then its restarts and notes. */
export function evidenceText(
  results: readonly FinishedEvent[],
  evidence: Map<number, TestEvidence>,
): string[] {
  const out: string[] = [];
  for (const [i, e] of [...evidence].sort(([a], [b]) => a - b)) {
    const title = `logs while ${results[i].nodeid} ran`;
    const text = formatTestLogs(e.logs, title);
    out.push(...(text ? text.trimEnd().split('\r\n') : [`── ${title}: none ──`]));
    for (const r of e.restarts) out.push(`restart: ${r}`);
    for (const n of e.notes) out.push(`note: ${n}`);
  }
  return out;
}
