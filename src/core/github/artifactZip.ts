import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';

/**
 * What the extension takes out of a run's artifacts. A zip can hold far more than it weighs (1 MB of zeros
 * deflates to 1 KB), so every entry is inflated as a stream and counted as it goes, and the reading stops at
 * the first bound: the bytes of one file, the bytes of all of a run's files, the number of entries.
 */
interface UnzipLimits {
  /** The most one `.xml` file may unpack to. */
  maxXmlBytes: number;
  /** The most all the `.xml` files of a run's artifacts may unpack to, together. */
  maxTotalBytes: number;
  /** The most entries (of any kind) a run's artifacts may hold, together. */
  maxEntries: number;
}

/** What a run's artifacts have used of their limits so far: shared by the shards of one run. */
export interface UnzipSpent {
  bytes: number;
  entries: number;
}

type ArtifactZipRead =
  | { kind: 'files'; files: { name: string; bytes: Uint8Array }[] }
  | { kind: 'tooLarge'; message: string }
  | { kind: 'unreadable'; message: string };

/** Compressed bytes handed to the inflater at once: its output per step stays near 1 MB even for a bomb. */
const STEP = 1024;

/** The `.xml` files of one artifact's zip, each read as a stream and cut at the first bound it hits. */
export function readArtifactZip(
  artifact: string,
  zip: Uint8Array,
  limits: UnzipLimits,
  spent: UnzipSpent = { bytes: 0, entries: 0 },
): ArtifactZipRead {
  const files: { name: string; chunks: Uint8Array[]; bytes: number; done: boolean }[] = [];
  let failed: Error | undefined;
  let entries = 0;
  /** The first bound hit: from then on nothing more is inflated, and no more of the zip is read. */
  let bound: string | undefined;
  const unzip = new Unzip((entry: UnzipFile) => {
    if (bound) return;
    entries++;
    spent.entries++;
    if (spent.entries > limits.maxEntries) {
      bound = `The artifact "${artifact}" holds more than ${limits.maxEntries} files (the most the extension reads from a run's artifacts), so it stopped reading it and shows no results from it. Upload only the JUnit report (path: junit.xml) in actions/upload-artifact, or open the run's page.`;
      return;
    }
    if (!entry.name.toLowerCase().endsWith('.xml')) return;
    const file = { name: entry.name, chunks: [] as Uint8Array[], bytes: 0, done: false };
    files.push(file);
    entry.ondata = (err, data, final) => {
      if (bound) return;
      if (err) {
        failed ??= err;
        return;
      }
      file.bytes += data.length;
      spent.bytes += data.length;
      if (file.bytes > limits.maxXmlBytes)
        bound = `${entry.name} in the artifact "${artifact}" unpacks to more than ${mb(limits.maxXmlBytes)} (the most the extension reads from one file), so it stopped unpacking it there and shows no results from the artifact. Upload only the JUnit report, or open the run's page.`;
      else if (spent.bytes > limits.maxTotalBytes)
        bound = `The artifact "${artifact}" unpacks to more than ${mb(limits.maxTotalBytes)} (the most the extension unpacks from a run's artifacts, together), so it stopped unpacking there and shows no results from it. A JUnit report is far smaller: upload only the report (path: junit.xml) in actions/upload-artifact, or open the run's page.`;
      if (bound) {
        entry.terminate();
        return;
      }
      file.chunks.push(data);
      if (final) file.done = true;
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < zip.length && !failed && !bound; at += STEP)
      unzip.push(zip.subarray(at, at + STEP), at + STEP >= zip.length);
    if (!zip.length) unzip.push(zip, true);
  } catch (e) {
    failed ??= e as Error;
  }
  if (bound) return { kind: 'tooLarge', message: bound };
  const unfinished = files.find((f) => !f.done);
  // An empty zip is its end record alone (PK\x05\x06); anything else without one entry is not a zip.
  if (!entries && !(zip[0] === 0x50 && zip[1] === 0x4b && zip[2] === 5 && zip[3] === 6))
    failed ??= new Error('no entry found');
  if (failed || unfinished)
    return {
      kind: 'unreadable',
      message: `The artifact "${artifact}" is not a readable zip (${failed?.message ?? `${unfinished?.name} is cut short`}). Download it from the run's page to look at it.`,
    };
  return { kind: 'files', files: files.map((f) => ({ name: f.name, bytes: concat(f.chunks, f.bytes) })) };
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
