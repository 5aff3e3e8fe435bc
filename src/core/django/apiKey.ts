import { describeExit, runToEnd } from '../process/childProcess';
import type { Logger } from '../logger';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import type { CommandSpec } from './launch';

export type ApiKeyResult =
  { kind: 'key'; key: string } | { kind: 'failed'; message: string; output: string[] };

/**
 * Runs the management command that prints the API key and takes the last line of its stdout.
 * The key is returned, never logged.
 */
export async function fetchApiKey(
  spec: CommandSpec,
  cwd: string,
  logger?: Logger,
  timeoutMs = 60_000,
): Promise<ApiKeyResult> {
  const shown = [spec.command, ...spec.args].join(' ');
  const { exit, stdout, stderr } = await runToEnd({
    ...spec,
    cwd,
    name: 'API key command',
    logger,
    timeoutMs,
  });
  const outLines = stripAnsi(stdout)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const errLines = stripAnsi(stderr).split(/\r?\n/).filter(Boolean);
  if (exit.kind === 'exited' && exit.code === 0 && outLines.length) {
    return { kind: 'key', key: outLines[outLines.length - 1] };
  }
  // stderr only: stdout is where the key is printed, and a half-failed command may still have printed it.
  const output = errLines.slice(-20);
  const why =
    exit.kind === 'exited' && exit.code === 0
      ? 'it printed nothing'
      : exit.kind === 'failedToStart' && exit.notFound
        ? `"${spec.command}" was not found`
        : describeExit(exit);
  return {
    kind: 'failed',
    message: `The API key command "${shown}" failed (${why}). Check the setting codespaceTests.django.apiKeyCommand.`,
    output,
  };
}
