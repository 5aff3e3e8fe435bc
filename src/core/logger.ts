/**
 * The extension's own diagnostics: one logger interface; sinks decide where lines go (LogOutputChannel, stderr,
 * memory). Not the services' logs (Django, pods): those are log lines in `logs/`, shown in the log viewer.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/** A logger that tags every line, so a reader of the log sees which part spoke. */
export function tagged(logger: Logger, tag: string): Logger {
  const t = `[${tag}] `;
  return {
    trace: (m, ...a) => logger.trace(t + m, ...a),
    debug: (m, ...a) => logger.debug(t + m, ...a),
    info: (m, ...a) => logger.info(t + m, ...a),
    warn: (m, ...a) => logger.warn(t + m, ...a),
    error: (m, ...a) => logger.error(typeof m === 'string' ? t + m : m, ...a),
  };
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** For the CLI and Node tests: lines to stderr, debug and trace only when asked. */
export function stderrLogger(verbose = false): Logger {
  const write = (level: string, m: unknown, a: unknown[]) =>
    process.stderr.write(
      `${level} ${m instanceof Error ? m.message : String(m)}${a.length ? ' ' + a.map(String).join(' ') : ''}\n`,
    );
  return {
    trace: (m, ...a) => verbose && write('trace', m, a),
    debug: (m, ...a) => verbose && write('debug', m, a),
    info: (m, ...a) => write('info', m, a),
    warn: (m, ...a) => write('warn', m, a),
    error: (m, ...a) => write('error', m, a),
  };
}
