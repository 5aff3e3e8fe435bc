import * as vscode from 'vscode';
import { ConfigSection, type SettingKey } from './ids';
import type { Logger } from './core/logger';
import { settingsFrom, type SettingsGet } from './core/settings';
import { setDisplayMaxLineBytes } from './core/lines/lineSplitter';

/** Where a wrong-typed setting is said: the log, once per message until the settings change. */
let problemSink: ((problem: string) => void) | undefined;
const saidProblems = new Set<string>();

/**
 * Typed access to `codespaceTests.*` for one workspace folder, through the core's one reader (defaults,
 * type checks, `${workspaceFolder}` and `${env:X}` expanded) fed by VS Code's configuration.
 */
export class FolderSettings {
  /** The reader as a function, for the core's builders. */
  readonly get: SettingsGet;

  constructor(readonly folder: vscode.WorkspaceFolder) {
    this.get = settingsFrom(
      (key: SettingKey) => vscode.workspace.getConfiguration(ConfigSection, folder.uri).get(key),
      folder.uri.fsPath,
      (problem) => {
        if (saidProblems.has(problem)) return;
        saidProblems.add(problem);
        problemSink?.(problem);
      },
    );
  }
}

/** Says each wrong-typed setting once in the log (again after the settings change). */
export function reportSettingProblems(logger: Logger): vscode.Disposable {
  problemSink = (problem) => logger.warn(problem);
  const changed = onSettingsChanged(() => saidProblems.clear());
  return {
    dispose: () => {
      problemSink = undefined;
      changed.dispose();
    },
  };
}

/** Fires when any `codespaceTests.*` setting changes. */
export function onSettingsChanged(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(ConfigSection)) listener(e);
  });
}

/** Keeps the cap on shown output lines (every stream: Django, pytest, debugpy, pods) in step with its setting. */
export function followOutputSettings(): vscode.Disposable {
  const apply = () =>
    setDisplayMaxLineBytes(vscode.workspace.getConfiguration(ConfigSection).get('output.maxLineBytes'));
  apply();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${ConfigSection}.output.maxLineBytes`)) apply();
  });
}
