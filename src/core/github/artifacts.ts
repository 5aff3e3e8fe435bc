import type { CancelToken } from '../cancel';
import type { Logger } from '../logger';
import { fnmatch } from '../glob';
import type { GitHubClient } from './client';
import { mb, readArtifactZip, type UnzipSpent } from './artifactZip';
import { downloadSigned } from './signedDownload';
import type { RunArtifact } from './types';

/** One JUnit XML file out of an artifact: `source` is `artifact/path/in/zip.xml`. */
export interface JUnitFile {
  source: string;
  xml: string;
}

/** The JUnit reports of a run, or why there are none; every message says what to do next. */
type RunReports =
  | { kind: 'reports'; files: JUnitFile[]; artifacts: string[] }
  | { kind: 'noArtifact'; message: string }
  | { kind: 'expired'; message: string }
  | { kind: 'tooLarge'; message: string }
  | { kind: 'unreadable'; message: string };

/**
 * The biggest artifact downloaded; the most one XML file, and all the XML of a run's artifacts together, may
 * unpack to; the most entries a run's artifacts may hold (a zip can hold far more than it weighs).
 */
export const ARTIFACT_LIMITS = {
  maxZipBytes: 64 * 1024 * 1024,
  maxXmlBytes: 256 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 1000,
};

const WORKFLOW_LINES = [
  '  run: uv run pytest ... --junitxml=junit.xml',
  '- uses: actions/upload-artifact@v4',
  '  with: { name: junit, path: junit.xml }',
].join('\n');

/**
 * Downloads every artifact of `runId` whose name matches `pattern` (a name or a glob: one per shard) and takes
 * the `.xml` files out of them. The zip comes from the signed URL GitHub redirects to, without the token.
 */
export async function downloadRunReports(opts: {
  client: GitHubClient;
  runId: number;
  pattern: string;
  logger?: Logger;
  token?: CancelToken;
  limits?: Partial<typeof ARTIFACT_LIMITS>;
}): Promise<RunReports> {
  const { client, runId, pattern, logger } = opts;
  const limits = { ...ARTIFACT_LIMITS, ...opts.limits };
  const all = await client.listArtifacts(runId);
  const wanted = all.filter((a) => fnmatch(a.name, pattern));
  if (!wanted.length) {
    const others = all.length ? ` (it has ${all.map((a) => `"${a.name}"`).join(', ')})` : '';
    return {
      kind: 'noArtifact',
      message: `Run ${runId} has no artifact named like "${pattern}"${others}, so there are no test results to show. Have the workflow write a JUnit report and upload it:\n${WORKFLOW_LINES}\nor set \`codespaceTests.ci.junitArtifact\` to the artifact's name.`,
    };
  }
  const expired = wanted.filter((a) => a.expired);
  if (expired.length)
    return {
      kind: 'expired',
      message: expiredMessage(
        expired.map((a) => a.name),
        runId,
      ),
    };
  const big = wanted.find((a) => a.size_in_bytes > limits.maxZipBytes);
  if (big)
    return { kind: 'tooLarge', message: tooLargeMessage(big.name, big.size_in_bytes, limits.maxZipBytes) };
  const files: JUnitFile[] = [];
  const spent: UnzipSpent = { bytes: 0, entries: 0 };
  for (const artifact of wanted) {
    if (opts.token?.isCancellationRequested) break;
    const got = await downloadOne(client, artifact, runId, limits, spent, logger);
    if (got.kind !== 'files') return got;
    files.push(...got.files);
  }
  if (!files.length)
    return {
      kind: 'noArtifact',
      message: `The artifact${wanted.length > 1 ? 's' : ''} ${wanted.map((a) => `"${a.name}"`).join(', ')} of run ${runId} hold${wanted.length > 1 ? '' : 's'} no .xml file. Upload the file pytest writes with --junitxml:\n${WORKFLOW_LINES}`,
    };
  return { kind: 'reports', files, artifacts: wanted.map((a) => a.name) };
}

async function downloadOne(
  client: GitHubClient,
  artifact: RunArtifact,
  runId: number,
  limits: typeof ARTIFACT_LIMITS,
  spent: UnzipSpent,
  logger: Logger | undefined,
): Promise<{ kind: 'files'; files: JUnitFile[] } | Exclude<RunReports, { kind: 'reports' }>> {
  const where = await client.artifactLocation(artifact.id);
  if (where.kind === 'gone') return { kind: 'expired', message: expiredMessage([artifact.name], runId) };
  logger?.debug(
    `downloading artifact ${artifact.name} (${artifact.size_in_bytes} bytes) from ${new URL(where.url).origin}`,
  );
  const got = await downloadSigned(where.url, limits.maxZipBytes);
  if (got.kind === 'notHttps')
    return {
      kind: 'unreadable',
      message: `GitHub sent the download of "${artifact.name}" to ${got.origin}, which is not https; it was not downloaded. Download it from the run's page.`,
    };
  if (got.kind === 'tooLarge')
    return { kind: 'tooLarge', message: tooLargeMessage(artifact.name, undefined, limits.maxZipBytes) };
  if (got.kind === 'failed')
    return {
      kind: 'unreadable',
      message: `The download of artifact "${artifact.name}" failed (${got.why}). Its link is valid for a minute: try again.`,
    };
  const zip = got.bytes;
  const read = readArtifactZip(artifact.name, zip, limits, spent);
  if (read.kind !== 'files') return read;
  const decoder = new TextDecoder('utf-8');
  const files = read.files
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => ({ source: `${artifact.name}/${f.name}`, xml: decoder.decode(f.bytes) }));
  return { kind: 'files', files };
}

function expiredMessage(names: string[], runId: number): string {
  return `The artifact${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')} of run ${runId} ha${names.length > 1 ? 've' : 's'} expired (GitHub keeps artifacts 90 days unless the repository keeps them less). Run the tests on CI again to get a new report.`;
}

function tooLargeMessage(name: string, size: number | undefined, max: number): string {
  return `The artifact "${name}"${size === undefined ? '' : ` is ${mb(size)}, which`} is more than the ${mb(max)} the extension downloads. Upload only the JUnit report (path: junit.xml) in actions/upload-artifact, or open the run's page.`;
}
