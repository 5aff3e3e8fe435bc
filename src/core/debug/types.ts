/**
 * The debug configurations this extension hands to `vscode.debug.startDebugging`. They follow the
 * `debugpy` extension's launch/attach schema (the same keys `python -m debugpy.adapter` understands),
 * kept as plain data so the core builds them and the tests feed them to a real adapter.
 */

/** The `type` VS Code's Python debugger registers; `python` is its older alias. */
export const DEBUGPY_TYPE = 'debugpy';
export const DEBUGPY_TYPES: readonly string[] = ['debugpy', 'python'];

/** The `purpose` value that marks a launch.json entry as the base for debugging tests (Python extension). */
export const DEBUG_TEST_PURPOSE = 'debug-test';

/** The extension id whose debug adapter serves `type: 'debugpy'`. */
export const DEBUGPY_EXTENSION_ID = 'ms-python.debugpy';

/** debugpy's conventional listen port; another free one is picked when it is taken. */
export const DEFAULT_DEBUGPY_PORT = 5678;

/** Any debug configuration: launch.json entries carry arbitrary keys. */
export interface DebugConfig {
  type: string;
  request: string;
  name: string;
  [key: string]: unknown;
}

/** A `debugpy` launch of `python -m pytest …` for a test run. */
export interface TestLaunchConfig extends DebugConfig {
  type: string;
  request: 'launch';
  module: 'pytest';
  python: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  justMyCode: boolean;
  console: string;
  purpose: string[];
}

/** Attaches to a process started with `python -m debugpy --listen host:port`. */
export interface ServerAttachConfig extends DebugConfig {
  type: string;
  request: 'attach';
  connect: { host: string; port: number };
  justMyCode: boolean;
}

/** Where a debugged server listens for the debugger. */
export interface ListenAddress {
  host: string;
  port: number;
}
