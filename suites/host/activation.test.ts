import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/ids';
import { activateExtension } from './helpers';

describe('activation in the fixture codespace', () => {
  it('activates, registers its commands and logs no error', async () => {
    const { extension, api } = await activateExtension();
    assert.strictEqual(extension.isActive, true);
    assert.ok(api.logStore, 'the extension exports its log store');
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = Object.values(Commands).filter((c) => !all.has(c));
    assert.deepStrictEqual(
      missing,
      [],
      `commands declared in package.json but not registered: ${missing.join(', ')}`,
    );
    assert.deepStrictEqual(api.loggedErrors(), [], 'nothing is logged as an error on activation');
  });
});
