import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, Views, ConfigSection, type SettingKey } from '../../src/ids';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));

describe('package.json and src/ids.ts', () => {
  it('declares every command id once, under the "Codespace Tests" category', () => {
    const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepStrictEqual(declared, Object.values(Commands).sort());
    for (const c of manifest.contributes.commands)
      assert.strictEqual(c.category, 'Codespace Tests', c.command);
  });

  it('declares every setting with a type, a default and a markdownDescription', () => {
    const props = manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;
    for (const [key, p] of Object.entries(props)) {
      assert.ok(key.startsWith(`${ConfigSection}.`), key);
      assert.ok(p.type, `${key} has a type`);
      assert.ok('default' in p, `${key} has a default`);
      assert.ok(
        typeof p.markdownDescription === 'string' && p.markdownDescription.length > 10,
        `${key} is described`,
      );
    }
    // Every key typed in SettingTypes exists in the manifest (the compiler checks the other direction on use).
    const typed: SettingKey[] = [
      'python.interpreter',
      'tests.command',
      'django.port',
      'ci.workflow',
      'kube.namespaces',
    ];
    for (const k of typed) assert.ok(props[`${ConfigSection}.${k}`], k);
  });

  it('declares the views it registers', () => {
    const views = manifest.contributes.views[Views.container].map((v: { id: string }) => v.id);
    assert.deepStrictEqual(views.sort(), [Views.ciRuns, Views.pods].sort());
  });

  it('runs in the workspace, on a VS Code whose Node is new enough for its dependencies', () => {
    assert.deepStrictEqual(manifest.extensionKind, ['workspace']);
    const min = /^\^?(\d+)\.(\d+)/.exec(manifest.engines.vscode);
    assert.ok(min, manifest.engines.vscode);
    // 1.95 ships Node 20.18; execa 9 needs >= 20.5; @kubernetes/client-node is kept at 1.x (2.x needs Node 22.19).
    assert.ok(Number(min[2]) >= 95, 'engines.vscode must be at least 1.95 (Node 20.18)');
    assert.match(manifest.dependencies['@kubernetes/client-node'], /^1\./);
    assert.match(
      manifest.devDependencies['@types/vscode'],
      new RegExp(`^\\^?1\\.${min[2]}\\.`),
      '@types/vscode matches engines',
    );
  });
});
