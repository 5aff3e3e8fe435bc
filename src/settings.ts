import * as vscode from 'vscode';
import { ConfigSection, type SettingKey, type SettingTypes } from './ids';
import { expandVariables } from './core/variables';
import { setDisplayMaxLineBytes } from './core/lines/lineSplitter';

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

/** Keeps the cap on shown output lines (every stream: Django, pytest, debugpy, pods) in step with its setting. */
export function followOutputSettings(): vscode.Disposable {
  const apply = () =>
    setDisplayMaxLineBytes(vscode.workspace.getConfiguration(ConfigSection).get('output.maxLineBytes'));
  apply();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${ConfigSection}.output.maxLineBytes`)) apply();
  });
}
