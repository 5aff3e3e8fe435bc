import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cutMarker, DEFAULT_MAX_LINE_BYTES } from '../../../src/core/lines/lineSplitter';
import { REPO_ROOT, SYSTEM_PYTHON } from '../pytest/pytestHelpers';

const CLI = join(REPO_ROOT, 'out/cli.js');
const FIFTY_MB = 50 * 1024 * 1024;

/** Prints the CLI's peak memory when it exits (a preload: the CLI itself is unchanged). */
const PEAK = `process.on('exit', () => process.stderr.write('peak-rss-kb ' + process.resourceUsage().maxRSS + '\\n'));`;

describe('codespace-tests run: a test printing 50 MB on one line (pytest -s)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cit-longline-'));
    writeFileSync(join(dir, 'pytest.ini'), '[pytest]\n');
    writeFileSync(
      join(dir, 'test_big.py'),
      `import sys\n\ndef test_prints_50_mb():\n    sys.stdout.write("x" * ${FIFTY_MB} + "\\n")\n    sys.stdout.flush()\n    print("after the long line")\n`,
    );
    writeFileSync(join(dir, 'peak.js'), PEAK);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes, shows the line cut with the marker and the next line whole, with bounded output and memory', async () => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(dir, 'peak.js'),
        CLI,
        'run',
        '--workspace',
        dir,
        '--command',
        `${SYSTEM_PYTHON} -m pytest -s`,
        'test_big.py::test_prints_50_mb',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdoutBytes = 0;
    const kept: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      // What a terminal would receive; kept only while it stays small, so a failure cannot eat the runner's memory.
      if (stdoutBytes < 4 * 1024 * 1024) kept.push(d);
      stdoutBytes += d.length;
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.strictEqual(code, 0, stderr);
    // The 50 MB line reaches the terminal as its first 64 KiB and the marker; everything else arrives.
    assert.ok(stdoutBytes < 1024 * 1024, `${stdoutBytes} bytes printed`);
    const out = Buffer.concat(kept).toString('utf8');
    const marker = cutMarker(DEFAULT_MAX_LINE_BYTES);
    const cutLine = out.split('\n').find((l) => l.includes(marker)) ?? '';
    // pytest's "test_big.py " starts the line; the line is cut at the cap counted from there.
    assert.ok(cutLine.endsWith(marker), cutLine.slice(-120));
    assert.strictEqual(Buffer.byteLength(cutLine) - Buffer.byteLength(marker), DEFAULT_MAX_LINE_BYTES);
    assert.match(cutLine.slice(-marker.length - 1000, -marker.length), /^x+$/);
    assert.match(out, /after the long line/);
    assert.match(out, /1 passed/);
    // The CLI never holds the line: its peak stays far below 50 MB over a bare Node process.
    const peakKb = Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1]);
    assert.ok(peakKb > 0 && peakKb < 200 * 1024, `peak RSS ${peakKb} kB`);
  });
});
