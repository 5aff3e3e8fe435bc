import type { Logger } from '../logger';
import { djangoLaunchFrom, djangoModeFrom, interpreterFrom } from '../launchFrom';
import { settingsReader, type SettingsGet } from '../settings';
import { describeOwner } from './conflict';
import type { DjangoLaunch, LaunchWrap } from './launch';
import { chooseDjangoMode, type DjangoModeSetting, type ModeChoice } from './mode';
import { DjangoServer } from './server';
import { freePortForSession } from './sessionPort';

/** What a headless run gets: the mode, the variables for pytest, and how to stop what was started. */
type HeadlessDjango =
  | {
      kind: 'ready';
      choice: ModeChoice;
      env: Record<string, string>;
      stop(): Promise<void>;
      /** Session mode: the port the session's Django will take, and its closed connections at the start. */
      sessionPort?: { host: string; port: number; lingeringAtStart: number };
    }
  | { kind: 'portBusy'; choice: ModeChoice; message: string }
  | { kind: 'failed'; choice: ModeChoice; message: string };

/**
 * The extension's decisions about Django, without VS Code (the CLI's `run`): the same mode resolution;
 * in `shared` mode a managed Django started for the run (stopped by `stop`); in `session` mode the port
 * checked, and its owner killed only when `killPort` says so.
 */
export async function prepareHeadlessDjango(opts: {
  workspace: string;
  /** The --django flag; undefined: the workspace's codespaceTests.django.mode, else auto. */
  mode?: DjangoModeSetting;
  inis: readonly string[];
  killPort: boolean;
  logger: Logger;
  /** Changes the managed server's command (a Coverage run starts it under coverage.py). */
  wrap?: LaunchWrap;
}): Promise<HeadlessDjango> {
  const get = await settingsReader(opts.workspace);
  const configured = djangoModeFrom(get);
  const urlEnvVar = configured.urlEnvVar;
  const setting = opts.mode ?? configured.setting;
  const choice = await chooseDjangoMode({ setting, urlEnvVar, inis: opts.inis, workspace: opts.workspace });
  const host = get('django.host');
  const port = get('django.port');
  if (choice.mode === 'session') {
    const result = await freePortForSession({
      host,
      port,
      ask: async () => (opts.killPort ? 'kill' : 'cancel'),
      note: (t) => opts.logger.info(t),
    });
    if (result.kind === 'busy') {
      const hint = result.owner && !opts.killPort ? ' Pass --kill-port to kill it first.' : '';
      return { kind: 'portBusy', choice, message: `${result.message}${hint}` };
    }
    const lingeringAtStart = result.kind === 'free' ? result.lingering : 0;
    return {
      kind: 'ready',
      choice,
      env: {},
      stop: async () => {},
      sessionPort: { host, port, lingeringAtStart },
    };
  }
  let launch;
  try {
    launch = await workspaceDjangoLaunch(opts.workspace, get);
  } catch (e) {
    return { kind: 'failed', choice, message: `Django did not start: ${(e as Error).message}` };
  }
  const server = new DjangoServer(opts.logger);
  try {
    const ready = await server.start(launch, {
      wrap: opts.wrap,
      onPortBusy: async (c) => {
        opts.logger.info(`Port ${c.port} is in use by ${describeOwner(c.owner)}.`);
        return opts.killPort ? 'kill' : 'cancel';
      },
    });
    const apiKeyEnvVar = get('django.apiKeyEnvVar');
    if (ready.apiKeyFailure)
      opts.logger.warn(
        `The API key is missing, so the tests run without ${apiKeyEnvVar}. ${ready.apiKeyFailure.message}\n${ready.apiKeyFailure.output.join('\n')}`,
      );
    const env = { [urlEnvVar]: ready.url, ...(ready.apiKey ? { [apiKeyEnvVar]: ready.apiKey } : {}) };
    return { kind: 'ready', choice, env, stop: () => server.stop() };
  } catch (e) {
    server.dispose();
    const message = (e as Error).message;
    const busy = /port \d+ is in use|still in use/.test(message);
    return busy
      ? {
          kind: 'portBusy',
          choice,
          message: `${message}${opts.killPort ? '' : ' Pass --kill-port to kill it first.'}`,
        }
      : { kind: 'failed', choice, message: `Django did not start: ${message}` };
  }
}

/** The CLI's launch of the managed Django: the extension's builder over the workspace's settings file. */
export async function workspaceDjangoLaunch(workspace: string, get?: SettingsGet): Promise<DjangoLaunch> {
  const settings = get ?? (await settingsReader(workspace));
  return djangoLaunchFrom(settings, await interpreterFrom(settings, workspace));
}
