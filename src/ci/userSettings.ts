import * as vscode from 'vscode';
import { ConfigSection } from '../ids';
import { userScopeString, type DestinationSettings } from '../core/github/destination';

/**
 * The settings that decide where the token goes, read from the user's own settings only: a
 * workspace (or a folder's `.vscode/settings.json`) cannot point the token somewhere else.
 */
export function destinationSettings(): DestinationSettings {
  return {
    apiBaseUrl: userValue(ConfigSection, 'ci.apiBaseUrl'),
    enterpriseUri: userValue('github-enterprise', 'uri'),
  };
}

function userValue(section: string, key: string): string | undefined {
  return userScopeString(vscode.workspace.getConfiguration(section).inspect<unknown>(key));
}
