import * as assert from 'node:assert';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogFileTail } from '../../../src/core/django/logFileTail';

describe('Django log file: following the file a session-owned Django writes', () => {
  let dir: string;
  let lines: string[];
  let tail: LogFileTail;
  const file = () => join(dir, 'django.log');
  const follow = async () => {
    tail = new LogFileTail(file(), (buf, s, e) => lines.push(buf.toString('utf8', s, e)), 60_000);
    await tail.start();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cit-logfile-'));
    lines = [];
  });
  afterEach(() => {
    tail?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands on lines appended after it started, not the older ones, and joins split lines', async () => {
    writeFileSync(file(), 'from an earlier session\n');
    await follow();
    appendFileSync(file(), '"GET /health/ HTTP/1.1" 200\npart');
    await tail.poll();
    appendFileSync(file(), 'ial line\n');
    await tail.poll();
    assert.deepStrictEqual(lines, ['"GET /health/ HTTP/1.1" 200', 'partial line']);
    assert.strictEqual(tail.current.kind, 'following');
  });

  it('waits for a file that does not exist yet, then reads it from its start', async () => {
    await follow();
    assert.strictEqual(tail.current.kind, 'waiting');
    await tail.poll();
    writeFileSync(file(), 'first\nsecond\n');
    await tail.poll();
    assert.deepStrictEqual(lines, ['first', 'second']);
  });

  it('reads a truncated or replaced file (a new session) from its start', async () => {
    writeFileSync(file(), 'old session line one\nold session line two\n');
    await follow();
    writeFileSync(file(), 'new\n');
    await tail.poll();
    writeFileSync(join(dir, 'next.log'), 'replaced\n');
    renameSync(join(dir, 'next.log'), file());
    await tail.poll();
    assert.deepStrictEqual(lines, ['new', 'replaced']);
  });

  it('stops handing on lines once stopped', async () => {
    await follow();
    tail.stop();
    writeFileSync(file(), 'after stop\n');
    await tail.poll();
    assert.deepStrictEqual(lines, []);
    assert.strictEqual(tail.current.kind, 'stopped');
  });
});
