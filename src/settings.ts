import * as vscode from 'vscode';
import { ConfigSection, type SettingKey, type SettingTypes } from './ids';
import { expandVariables } from './core/variables';

/** Typed access to `codespaceTests.*` for one workspace folder; strings have `${workspaceFolder}` and `${env:X}` expanded. */
export class FolderSettings {
  constructor(readonly folder: vscode.WorkspaceFolder) {}

  get<K extends SettingKey>(key: K): SettingTypes[K] {
    const value = vscode.workspace
      .getConfiguration(ConfigSection, this.folder.uri)
      .get(key) as SettingTypes[K];
    return expandVariables(value, this.folder.uri.fsPath) as SettingTypes[K];
  }
}

/** Fires when any `codespaceTests.*` setting changes. */
export function onSettingsChanged(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(ConfigSection)) listener(e);
  });
}
