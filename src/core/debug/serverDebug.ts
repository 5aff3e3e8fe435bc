import { basename } from 'node:path';
import { DEBUGPY_TYPE, type ListenAddress, type ServerAttachConfig } from './types';

const isPythonName = (word: string) => /^python(\d+(\.\d+)*)?$/.test(basename(word));

/**
 * The Django start command wrapped in `python -m debugpy --listen host:port`, from the command the
 * managed server uses (already resolved: `<python> backend/manage.py runserver h:p`, or
 * `uv run python backend/manage.py runserver h:p` when uv is installed).
 *
 * No `--wait-for-client`: the server must answer its health URL before any test runs, and a server that
 * waits for a debugger that never comes would hang the start; breakpoints in views still bind in time
 * because a view only runs when a request arrives, after the attach.
 *
 * `--noreload`: with the autoreloader, runserver re-executes itself in a child process that serves
 * the requests, while the debugger listens in the parent that only watches files; the child would
 * need debugpy's subprocess injection and each reload would drop and re-create the session. One
 * process is simpler and a breakpoint in a view is hit for sure. Code changes take effect with
 * "Debug Django Server" again (or when the debug session ends and the normal server returns).
 */
export function debugServerCommand(
  server: { command: string; args: readonly string[] },
  interpreter: string,
  listen: ListenAddress,
): { command: string; args: string[] } {
  const debugpy = ['-m', 'debugpy', '--listen', `${listen.host}:${listen.port}`];
  const args = withNoReload(server.args);
  if (isPythonName(server.command)) return { command: server.command, args: [...debugpy, ...args] };
  if (basename(server.command) === 'uv') {
    const at = args.findIndex((w) => isPythonName(w));
    if (at >= 0)
      return { command: server.command, args: [...args.slice(0, at + 1), ...debugpy, ...args.slice(at + 1)] };
  }
  // `./backend/manage.py runserver` or a script on PATH: debugpy runs it as a program file.
  return { command: interpreter, args: [...debugpy, server.command, ...args] };
}

/** How the wrapped command starts Python (`<python>`, or `uv run python`): for checking that debugpy imports there. */
export function serverPython(
  server: { command: string; args: readonly string[] },
  interpreter: string,
): { command: string; args: string[] } {
  if (isPythonName(server.command)) return { command: server.command, args: [] };
  if (basename(server.command) === 'uv') {
    const at = server.args.findIndex((w) => isPythonName(w));
    if (at >= 0) return { command: server.command, args: server.args.slice(0, at + 1) };
  }
  return { command: interpreter, args: [] };
}

function withNoReload(args: readonly string[]): string[] {
  const out = [...args];
  if (out.includes('runserver') && !out.includes('--noreload')) out.push('--noreload');
  return out;
}

/** How VS Code attaches to the server listening at `listen` (the debugpy extension connects there directly). */
export function serverAttachConfig(options: {
  listen: ListenAddress;
  justMyCode: boolean;
  name?: string;
}): ServerAttachConfig {
  return {
    name: options.name ?? 'Debug Django Server',
    type: DEBUGPY_TYPE,
    request: 'attach',
    connect: { host: options.listen.host, port: options.listen.port },
    justMyCode: options.justMyCode,
  };
}
