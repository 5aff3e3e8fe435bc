import * as assert from 'node:assert/strict';
import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import { readArtifactZip } from '../../../src/core/github/artifactZip';
import { ARTIFACT_LIMITS } from '../../../src/core/github/artifacts';

const MB = 1024 * 1024;

/** A zip written as a stream (as actions/upload-artifact writes it): sizes only after each entry's data. */
function streamedZip(entries: { name: string; mb: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const zeros = new Uint8Array(MB);
  for (const e of entries) {
    const file = new ZipDeflate(e.name, { level: 9 });
    zip.add(file);
    for (let i = 0; i < e.mb; i++) file.push(zeros, i === e.mb - 1);
  }
  zip.end();
  return Buffer.concat(parts);
}

/** The central directory's sizes of every entry set to `size` (the sizes a filter on them would trust). */
function lyingSizes(zip: Uint8Array, size: number): Uint8Array {
  const out = Buffer.from(zip);
  for (let i = out.indexOf('PK\x01\x02'); i >= 0; i = out.indexOf('PK\x01\x02', i + 4)) {
    out.writeUInt32LE(size, i + 20);
    out.writeUInt32LE(size, i + 24);
  }
  return out;
}

describe('artifact zip: every entry streamed, cut at the bounds', () => {
  it('reads the .xml files of an ordinary artifact, streamed or not', () => {
    const plain = zipSync({ 'junit.xml': strToU8('<testsuite/>'), 'notes.txt': strToU8('x') });
    const got = readArtifactZip('junit', plain, ARTIFACT_LIMITS);
    assert.equal(got.kind, 'files');
    if (got.kind !== 'files') return;
    assert.deepEqual(
      got.files.map((f) => [f.name, Buffer.from(f.bytes).toString()]),
      [['junit.xml', '<testsuite/>']],
    );
    const streamed = readArtifactZip('junit', streamedZip([{ name: 'a.xml', mb: 2 }]), ARTIFACT_LIMITS);
    assert.equal(streamed.kind, 'files');
    if (streamed.kind === 'files') assert.equal(streamed.files[0].bytes.length, 2 * MB);
  });

  it('a bomb of many entries: 200 files of 1 MB stop at the total, and 1,001 tiny ones at the count', () => {
    const many = streamedZip(Array.from({ length: 200 }, (_, i) => ({ name: `r${i}.xml`, mb: 1 })));
    assert.ok(many.length < 400 * 1024, `the zip is ${many.length} bytes`);
    const total = readArtifactZip('junit', many, { ...ARTIFACT_LIMITS, maxTotalBytes: 16 * MB });
    assert.equal(total.kind, 'tooLarge');
    if (total.kind === 'tooLarge') {
      assert.match(total.message, /The artifact "junit" unpacks to more than 16 MB/);
      assert.match(total.message, /stopped unpacking there/);
      assert.match(total.message, /upload only the report/);
    }
    const tiny = zipSync(
      Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`r${i}.xml`, strToU8('<a/>')])),
    );
    const count = readArtifactZip('junit', tiny, ARTIFACT_LIMITS);
    assert.equal(count.kind, 'tooLarge');
    if (count.kind === 'tooLarge') assert.match(count.message, /"junit" holds more than 1000 files/);
  });

  it('the total is shared by the shards of one run', () => {
    const shard = streamedZip([{ name: 'junit.xml', mb: 3 }]);
    const limits = { ...ARTIFACT_LIMITS, maxTotalBytes: 5 * MB };
    const spent = { bytes: 0, entries: 0 };
    assert.equal(readArtifactZip('junit-1', shard, limits, spent).kind, 'files');
    const second = readArtifactZip('junit-2', shard, limits, spent);
    assert.equal(second.kind, 'tooLarge');
    if (second.kind === 'tooLarge') assert.match(second.message, /"junit-2" unpacks to more than 5\.0 MB/);
  });

  it('a bomb of one entry whose sizes lie is cut at the bound, not inflated whole', () => {
    const bomb = lyingSizes(streamedZip([{ name: 'junit.xml', mb: 64 }]), 100);
    const before = process.memoryUsage().arrayBuffers;
    const got = readArtifactZip('junit', bomb, { ...ARTIFACT_LIMITS, maxXmlBytes: 4 * MB });
    assert.equal(got.kind, 'tooLarge');
    if (got.kind === 'tooLarge')
      assert.match(
        got.message,
        /^junit\.xml in the artifact "junit" unpacks to more than 4\.0 MB .*stopped unpacking it there/,
      );
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * MB, 'the entry was inflated past its bound');
  });

  it('what is not a zip is unreadable, and says so', () => {
    const got = readArtifactZip('junit', strToU8('<html>not a zip</html>'), ARTIFACT_LIMITS);
    assert.equal(got.kind, 'unreadable');
    if (got.kind === 'unreadable') assert.match(got.message, /"junit" is not a readable zip/);
  });
});
