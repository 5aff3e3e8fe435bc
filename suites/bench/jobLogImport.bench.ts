// Results read from a CI job's log when the workflow uploads no JUnit report (the team's): a 50 MB GitHub
// Actions log of a `pytest -v` run of 5,000 tests (each with the Django and pod lines it printed) read and
// mapped onto the tree. Target: under 1 s.
import { importJobLogs } from '../../src/core/ci/logImport';
import type { TreeFile } from '../../src/core/junit/nodeMap';
import type { TestNode } from '../../src/core/pytest/staticReader';
import { finish, report, timeIt } from './support';

const FILES = 50;
const PER_FILE = 100;
const ROOTDIR = '/repo/backend/oracles/tests/integration';
const TARGET_BYTES = 50 * 1024 * 1024;

/** The tree, and the log pytest -v wrote for it in CI: GitHub's timestamp before every line. */
function corpus(): { files: TreeFile[]; log: string } {
  const files: TreeFile[] = [];
  const ids: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const fileId = `area_${f % 5}/test_file_${f}.py`;
    const tests: TestNode[] = [];
    for (let t = 0; t < PER_FILE; t++) {
      const nodeid = `${fileId}::test_case_${t}`;
      tests.push({ kind: 'function', name: `test_case_${t}`, nodeid, children: [] });
      ids.push(nodeid);
    }
    files.push({
      path: `${ROOTDIR}/${fileId}`,
      rootdir: ROOTDIR,
      fileId,
      repoPath: `backend/oracles/tests/integration/${fileId}`,
      tests,
    });
  }
  // Output between result lines sized so the whole log is about 50 MB.
  const filler = Math.ceil(TARGET_BYTES / ids.length / 112);
  const t0 = Date.parse('2026-12-07T10:00:00Z');
  const lines: string[] = [];
  let clock = t0;
  const stamp = () => new Date((clock += 7)).toISOString().replace('Z', '0000Z');
  lines.push(`${stamp()} ============================= test session starts ==============================`);
  ids.forEach((id, i) => {
    for (let k = 0; k < filler; k++)
      lines.push(
        `${stamp()} [07/Dec/2026 10:00:${String(k % 60).padStart(2, '0')}] "GET /api/oracles/${i}/status/ HTTP/1.1" 200 ${k} pynode-${k % 7} ok`,
      );
    const word = i % 97 === 0 ? 'FAILED' : 'PASSED';
    lines.push(`${stamp()} ${id} ${word} [${String(Math.floor((i * 100) / ids.length)).padStart(3)}%]`);
  });
  lines.push(`${stamp()} =========================== short test summary info ============================`);
  for (let i = 0; i < ids.length; i += 97) lines.push(`${stamp()} FAILED ${ids[i]} - AssertionError: no`);
  const failed = Math.ceil(ids.length / 97);
  lines.push(
    `${stamp()} ======= ${failed} failed, ${ids.length - failed} passed in 4321.00s (1:12:01) =======`,
  );
  return { files, log: lines.join('\n') };
}

async function main(): Promise<void> {
  const { files, log } = corpus();
  let mapped = 0;
  let complete = false;
  const ms = await timeIt(() => {
    const r = importJobLogs(files, [{ source: 'integration', text: log }]);
    mapped = r.results.length;
    complete = r.counts[0]?.complete ?? false;
  }, 3);
  const target = 1000;
  console.log(`log: ${(log.length / 1024 / 1024).toFixed(1)} MB, ${mapped} tests mapped`);
  finish([
    report(
      'tests mapped from the log',
      `${mapped} of ${FILES * PER_FILE}`,
      mapped === FILES * PER_FILE && complete,
    ),
    report(
      'a 50 MB job log of 5,000 tests read and mapped onto the tree',
      `${ms.toFixed(0)} ms = ${(ms / target).toFixed(2)}x the target (< ${target} ms)`,
      ms < target && log.length >= TARGET_BYTES * 0.95,
    ),
  ]);
}

void main();
