import * as assert from 'node:assert';
import { cutMarker, LineSplitter } from '../../src/core/lines/lineSplitter';
import { splitTimestamp } from '../../src/core/kube/timestamps';
import { parseAnsi, stripAnsi } from '../../src/core/logs/ansi';
import { fuzz } from './harness';

const POD_LOG = [
  '2024-05-01T10:00:00.123456789Z INFO starting pynode',
  '2024-05-01T10:00:00.1Z short fraction',
  '2024-05-01T10:00:01Z no fraction',
  '2024-05-01T10:00:01.5+02:00 an offset',
  '2024-05-01T10:00:02.000000001Z \x1b[31mERROR\x1b[0m boom',
  'no timestamp at all',
  '',
].join('\n');

describe('fuzz: pod log frames and colors', () => {
  it('kube log frames: line splitting and timestamps', () => {
    fuzz({
      name: 'kube frames',
      samples: [POD_LOG],
      tokens: ['2024-05-01T10:00:00.', 'Z ', '\n', '+99:99 ', '.999999999999', 'T', '-', ' '],
      latin1: true,
      parse: (text) => {
        const lines: { second: string; nanos: number; ms: number; text: number }[] = [];
        let bytes = 0;
        const max = 4096;
        const marker = Buffer.byteLength(cutMarker(max));
        const splitter = new LineSplitter((buf, start, end, cut) => {
          const t = splitTimestamp(buf, start, end);
          assert.ok(
            t.textStart >= start && t.textStart <= end,
            `text starts at ${t.textStart}, outside ${start}..${end}`,
          );
          assert.ok(t.nanos >= 0 && t.nanos < 1e9, `nanos ${t.nanos}`);
          assert.ok(
            t.second === '' || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(t.second),
            `second ${t.second}`,
          );
          // A cut line ends in the marker, which is not input: the input's bytes in it are the rest.
          const own = end - start - (cut ? marker : 0);
          assert.ok(own >= 0 && own <= max + 3, `a line of ${own} bytes under a cap of ${max}`);
          bytes += own;
          lines.push({ second: t.second, nanos: t.nanos, ms: t.ms, text: end - t.textStart });
        }, max);
        // Frames as the API server sends them: the same bytes cut at arbitrary places.
        const buf = Buffer.from(text, 'latin1');
        for (let at = 0; at < buf.length;) {
          const next = Math.min(buf.length, at + 1 + ((at * 7919) % 1500));
          splitter.write(buf.subarray(at, next));
          at = next;
        }
        splitter.flush();
        assert.ok(bytes <= buf.length, `${bytes} bytes of lines from ${buf.length}`);
        return lines.length;
      },
    });
  });

  it('ANSI colors in log lines', () => {
    fuzz({
      name: 'ansi',
      samples: [
        '\x1b[1;31mERROR\x1b[0m x',
        '\x1b[38;5;9mfg\x1b[48;2;1;2;3mtrue\x1b[m',
        '\x1b]0;title\x07t',
        '\x1b[?25l\x1b[2K',
      ],
      tokens: ['\x1b', '\x1b[', '\x1b]', ';', '38;5;', '\x07', '\x1b\\', 'm', '9999999999999'],
      parse: (text) => {
        const segments = parseAnsi(text);
        assert.strictEqual(segments.map((s) => s.text).join(''), stripAnsi(text));
        return segments;
      },
      growth: 40,
    });
  });
});
