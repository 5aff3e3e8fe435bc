// The one line splitter on a 50 MB line (issue 12: a test printing 50 MB on one line took 40 s and 700 MB
// through the old splitting): whole lines for the stores and the pass-through cutter for terminals,
// both at the display cap. Target: well under a second each.
import { LineCutter, LineSplitter, DEFAULT_MAX_LINE_BYTES } from '../../src/core/lines/lineSplitter';
import { finish, report, timeIt } from './support';

const FIFTY_MB = 50 * 1024 * 1024;
const TARGET_MS = 250;

async function main(): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const feed = (write: (b: Buffer) => void) => {
    for (let n = 0; n < FIFTY_MB; n += chunk.length) write(chunk);
    write(Buffer.from('\n'));
  };
  let lines = 0;
  const splitMs = await timeIt(() => {
    const s = new LineSplitter(() => void lines++, DEFAULT_MAX_LINE_BYTES);
    feed((b) => s.write(b));
    s.flush();
  }, 5);
  let shown = 0;
  const cutMs = await timeIt(() => {
    const c = new LineCutter(DEFAULT_MAX_LINE_BYTES);
    feed((b) => void (shown += c.cut(b).length));
  }, 5);
  const results = [
    report(
      'line splitter, one 50 MB line',
      `${splitMs.toFixed(1)} ms (target ≤ ${TARGET_MS} ms), ${lines / 5} line per run, cut at ${DEFAULT_MAX_LINE_BYTES} bytes`,
      splitMs <= TARGET_MS && lines === 5,
    ),
    report(
      'line cutter (terminal output), one 50 MB line',
      `${cutMs.toFixed(1)} ms (target ≤ ${TARGET_MS} ms), ${Math.round(shown / 5)} bytes shown of ${FIFTY_MB + 1}`,
      cutMs <= TARGET_MS && shown / 5 < DEFAULT_MAX_LINE_BYTES + 100,
    ),
  ];
  finish(results);
}
void main();
