import { resolveCommand } from '../python';
import { splitCommandLine } from '../variables';

/** The settings the managed server is started from (codespaceTests.django.*), already expanded. */
export interface DjangoSettings {
  command: string;
  host: string;
  port: number;
  cwd: string;
  env: Record<string, string>;
  healthPath: string;
  startTimeoutSeconds: number;
  apiKeyCommand: string;
  /** Python used when `uv` is missing. */
  interpreter: string;
}

/** A program and its arguments, with the environment it runs in. */
export interface CommandSpec {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
}

/** Everything needed to start the server, probe it and fetch its key; built once per start. */
export interface DjangoLaunch {
  server: CommandSpec;
  /** Null when no API key command is configured. */
  apiKey: CommandSpec | undefined;
  /** `manage.py migrate`, derived from the start command; undefined when it cannot be derived. */
  migrate: CommandSpec | undefined;
  cwd: string;
  host: string;
  port: number;
  url: string;
  healthUrl: string;
  startTimeoutMs: number;
  /** Said once in the log when `uv` was replaced by the interpreter. */
  notes: string[];
}

/** How a start may change the command: the debugger wraps it (`python -m debugpy --listen … manage.py …`). */
export type LaunchWrap = (spec: CommandSpec) => CommandSpec;

/** The URL a client uses for a bind address (0.0.0.0 and :: are not addresses one can connect to). */
export function clientUrl(host: string, port: number): string {
  const h =
    host === '0.0.0.0' || host === ''
      ? '127.0.0.1'
      : host === '::'
        ? '[::1]'
        : host.includes(':')
          ? `[${host}]`
          : host;
  return `http://${h}:${port}`;
}

/** The server's environment: inherited, then the .env file, then the settings, then what must hold for us to read it. */
export function serverEnv(
  base: NodeJS.ProcessEnv,
  envFile: Record<string, string>,
  settingsEnv: Record<string, string>,
): Record<string, string | undefined> {
  return {
    ...base,
    ...envFile,
    ...settingsEnv,
    // Unbuffered, or lines arrive in 4 KB lumps and the health wait outruns the output.
    PYTHONUNBUFFERED: '1',
    // Colors survive the pipe for tools that honour these; Django gets --force-color.
    FORCE_COLOR: settingsEnv.FORCE_COLOR ?? envFile.FORCE_COLOR ?? '1',
    DJANGO_COLORS: settingsEnv.DJANGO_COLORS ?? envFile.DJANGO_COLORS ?? base.DJANGO_COLORS ?? 'dark',
  };
}

/** Builds the launch from the settings: resolves `uv`, appends `<host>:<port>`, derives migrate from manage.py. */
export async function buildLaunch(
  s: DjangoSettings,
  env: Record<string, string | undefined>,
): Promise<DjangoLaunch> {
  const notes: string[] = [];
  const server = await resolveCommand(s.command, s.interpreter, env);
  if (server.fallback) notes.push(server.fallback);
  const args = [...server.args];
  // Django only colors a pipe when told to; --no-color in the setting wins.
  if (
    args.some((a) => /^runserver(_plus)?$/.test(a)) &&
    !args.includes('--no-color') &&
    !args.includes('--force-color')
  ) {
    args.push('--force-color');
  }
  args.push(`${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`);
  let apiKey: CommandSpec | undefined;
  if (s.apiKeyCommand.trim()) {
    const k = await resolveCommand(s.apiKeyCommand, s.interpreter, env);
    apiKey = { command: k.command, args: k.args, env };
  }
  const url = clientUrl(s.host, s.port);
  const path = s.healthPath.startsWith('/') ? s.healthPath : `/${s.healthPath}`;
  return {
    server: { command: server.command, args, env },
    apiKey,
    migrate: await migrateCommand(s, env),
    cwd: s.cwd,
    host: s.host,
    port: s.port,
    url,
    healthUrl: url + path,
    startTimeoutMs: Math.max(1, s.startTimeoutSeconds) * 1000,
    notes,
  };
}

/** `… manage.py migrate --noinput`, with the same prefix as the start command (or the key command). */
async function migrateCommand(
  s: DjangoSettings,
  env: Record<string, string | undefined>,
): Promise<CommandSpec | undefined> {
  for (const line of [s.command, s.apiKeyCommand]) {
    const words = splitCommandLine(line);
    const i = words.findIndex((w) => w.endsWith('manage.py'));
    if (i < 0) continue;
    const prefix = words.slice(0, i + 1).map((w) => (/\s/.test(w) ? `"${w}"` : w));
    const r = await resolveCommand([...prefix, 'migrate', '--noinput'].join(' '), s.interpreter, env);
    return { command: r.command, args: r.args, env };
  }
  return undefined;
}
