import type { Exit } from '../process/childProcess';

/** What the managed Django server is doing; one of these at a time, never contradictory flags. */
export type DjangoState =
  | { kind: 'stopped' }
  | { kind: 'starting'; url: string }
  | { kind: 'ready'; url: string; pid: number | undefined; external: boolean }
  | { kind: 'crashed'; url: string; exit: Exit; reason: string; lastLines: string[] };

/** What a test run needs from the managed server; implemented by the Django part, used by the test runner. */
export interface SharedDjango {
  /**
   * Resolves who owns Django for these pytest.ini files (codespaceTests.django.mode). In session mode:
   * no variables, and the port is made free for the session's own Django (or it rejects with who holds it).
   * In shared mode: makes sure the server is ready (starting it when the settings allow, restarting it when the settings
   * ask for a fresh server per run) and returns the variables to hand to pytest (URL and API key).
   * Returns `undefined` when the run should go on without a managed server (auto start off and not running).
   * Rejects with a user-facing message when it cannot start; a `CancelledError` when the token is cancelled.
   */
  prepareForTestRun(
    token?: import('../cancel').CancelToken,
    inis?: readonly string[],
    /**
     * `fresh`: a Django with no state left from before (Find the Polluting Test): the managed server restarted.
     * `wrap`: the managed server restarted with a changed command for this run (the Coverage profile starts it
     * under coverage.py); `restoreAfterRun` starts it as configured again.
     */
    opts?: { fresh?: boolean; wrap?: import('./launch').LaunchWrap },
  ): Promise<Record<string, string> | undefined>;
  /**
   * After a run that changed the managed server's command (`wrap`): stops that server (resolving once it has
   * stopped, so what it wrote is there) and starts it again as configured. Nothing for other runs.
   */
  restoreAfterRun?(): Promise<void>;
  /**
   * After a run (session mode only): when the session refused its own port although nothing listens on it,
   * says why and offers *Retry When the Port Is Free*; `retry` runs the same tests again once it is clear.
   * Resolves with the message (undefined when the run's failures are not that).
   */
  explainRefusedPort?(
    failureTexts: readonly string[],
    retry: () => Promise<unknown>,
  ): Promise<string | undefined>;
  /** The run that prepareForTestRun was called for has ended (the status bar stops showing the session's Django). */
  runEnded?(): void;
  /** Settles when the server stops unexpectedly from now on; the returned dispose stops listening. */
  onCrash(listener: (crash: { reason: string; lastLines: string[] }) => void): { dispose(): void };
}
