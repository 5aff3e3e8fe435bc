import * as assert from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import { userScopeString } from '../../src/core/github/destination';
import { SETTING_DEFAULTS } from '../../src/core/settingDefaults';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Commands,
  Views,
  ConfigSection,
  WalkthroughKeys,
  type SettingKey,
  type SettingTypes,
} from '../../src/ids';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));

/** A JSON schema type in one word, as the manifest declares it and as SettingTypes (src/ids.ts) types it. */
type SchemaType = 'string' | 'number' | 'boolean' | 'string[]' | 'object<string>' | 'object';
type SchemaOf<T> = [T] extends [string]
  ? 'string'
  : [T] extends [number]
    ? 'number'
    : [T] extends [boolean]
      ? 'boolean'
      : [T] extends [string[]]
        ? 'string[]'
        : [T] extends [Record<string, string>]
          ? 'object<string>'
          : [T] extends [Record<string, unknown>]
            ? 'object'
            : never;

// The compiler checks this table against SettingTypes: every key, and each type word against the TypeScript type.
const typed: { [K in SettingKey]: SchemaOf<SettingTypes[K]> } = {
  'python.interpreter': 'string',
  'output.maxLineBytes': 'number',
  'tests.include': 'string',
  'tests.command': 'string',
  'tests.extraArgs': 'string[]',
  'tests.env': 'object<string>',
  'tests.envFile': 'string',
  'tests.cwd': 'string',
  'tests.collectWithPytest': 'boolean',
  'tests.needsComponent': 'object<string>',
  'django.command': 'string',
  'django.host': 'string',
  'django.port': 'number',
  'django.cwd': 'string',
  'django.env': 'object<string>',
  'django.healthPath': 'string',
  'django.startTimeoutSeconds': 'number',
  'django.apiKeyCommand': 'string',
  'django.autoStart': 'boolean',
  'django.restartBeforeEachRun': 'boolean',
  'django.urlEnvVar': 'string',
  'django.apiKeyEnvVar': 'string',
  'django.mode': 'string',
  'django.logFile': 'string',
  'django.processPattern': 'string',
  'leaks.check': 'boolean',
  'leaks.settingsModule': 'string',
  'leaks.projectDir': 'string',
  'leaks.kinds': 'string[]',
  'debug.justMyCode': 'boolean',
  'debug.launchProperties': 'object',
  'kube.kubeconfig': 'string',
  'kube.context': 'string',
  'kube.namespaces': 'string[]',
  'logs.maxLinesPerSource': 'number',
  'logs.tailLines': 'number',
  'logs.sinceSeconds': 'number',
  'logs.podSelectors': 'string[]',
  'ci.workflow': 'string',
  'ci.apiBaseUrl': 'string',
  'ci.pollIntervalSeconds': 'number',
  'ci.junitArtifact': 'string',
  'ci.shards': 'number',
  'ci.testsInput': 'string',
  'ci.watch.enabled': 'boolean',
  'ci.watch.intervalSeconds': 'number',
  'doctor.pynodeSelector': 'string',
  'doctor.modelSelector': 'string',
  'doctor.localClusterLacks': 'object<string>',
};

/** The type word of a manifest property. */
function declared(p: { type?: unknown; items?: { type?: unknown }; additionalProperties?: unknown }): string {
  if (p.type === 'array') return `${String(p.items?.type)}[]`;
  if (p.type === 'object') {
    const extra = p.additionalProperties as { type?: unknown } | undefined;
    return extra?.type ? `object<${String(extra.type)}>` : 'object';
  }
  return String(p.type);
}

/** The type word of a value (a default). */
function valueType(v: unknown, like: SchemaType): string {
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? 'string[]' : 'array';
  if (v !== null && typeof v === 'object')
    return like === 'object<string>' && Object.values(v).every((x) => typeof x === 'string')
      ? 'object<string>'
      : 'object';
  return typeof v;
}

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
  });

  it('declares every setting with the type that src/ids.ts gives it, and a default of that type', () => {
    const props = manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;
    const keys = Object.keys(props).map((k) => k.slice(ConfigSection.length + 1));
    assert.deepStrictEqual(keys.sort(), Object.keys(typed).sort(), 'the same settings in both');
    const wrong = Object.entries(typed).flatMap(([key, type]) => {
      const p = props[`${ConfigSection}.${key}`];
      const problems: string[] = [];
      if (declared(p) !== type) problems.push(`${key}: package.json says ${declared(p)}, src/ids.ts ${type}`);
      if (valueType(p.default, type) !== type)
        problems.push(`${key}: default ${JSON.stringify(p.default)} is not a ${type}`);
      return problems;
    });
    assert.deepStrictEqual(wrong, []);
  });

  it("declares each setting's default as SETTING_DEFAULTS has it (what the CLI falls back to)", () => {
    const props = manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>;
    const differ = Object.entries(props).flatMap(([key, p]) => {
      const short = key.slice(ConfigSection.length + 1) as keyof typeof SETTING_DEFAULTS;
      return isDeepStrictEqual(p.default, SETTING_DEFAULTS[short])
        ? []
        : [
            `${short}: package.json ${JSON.stringify(p.default)}, SETTING_DEFAULTS ${JSON.stringify(SETTING_DEFAULTS[short])}`,
          ];
    });
    assert.deepStrictEqual(differ, []);
  });

  it('declares the views it registers', () => {
    const views = manifest.contributes.views[Views.container].map((v: { id: string }) => v.id);
    assert.deepStrictEqual(views.sort(), [Views.ciRuns, Views.pods, Views.codespace].sort());
  });

  it('runs in the workspace, on a VS Code whose Node is new enough for its dependencies', () => {
    assert.deepStrictEqual(manifest.extensionKind, ['workspace']);
    const min = /^\^?(\d+)\.(\d+)/.exec(manifest.engines.vscode);
    assert.ok(min, manifest.engines.vscode);
    // 1.96 ships Node 20.18; execa 9 needs >= 20.5; @kubernetes/client-node is kept at 1.x (2.x needs Node 22.19).
    // npm test runs the host suites on 1.96.4 (the host-1.96 tiers): raise both together.
    assert.ok(Number(min[2]) >= 96, 'engines.vscode must be at least 1.96 (Node 20.18), the oldest tested');
    assert.match(manifest.dependencies['@kubernetes/client-node'], /^1\./);
    assert.match(
      manifest.devDependencies['@types/vscode'],
      new RegExp(`^\\^?1\\.${min[2]}\\.`),
      '@types/vscode matches engines',
    );
  });
});

describe('package.json: the protections it declares', () => {
  it('is not enabled in an untrusted workspace (running tests and Django executes its code)', () => {
    assert.strictEqual(manifest.capabilities?.untrustedWorkspaces?.supported, false);
    assert.ok(manifest.capabilities.untrustedWorkspaces.description, 'says why');
  });

  it('reads where the token goes from the user settings only: the manifest scope and the reader agree', () => {
    const props = manifest.contributes.configuration.properties;
    assert.strictEqual(props[`${ConfigSection}.ci.apiBaseUrl`].scope, 'application');
    // The reader takes the user's value, never a workspace's or a folder's, even with the scope removed.
    const evil = 'https://attacker.example/api';
    assert.strictEqual(userScopeString({ workspaceValue: evil }), undefined);
    assert.strictEqual(userScopeString({ workspaceFolderValue: evil }), undefined);
    assert.strictEqual(
      userScopeString({ globalValue: 'https://ghe.example/api/v3', workspaceValue: evil }),
      'https://ghe.example/api/v3',
    );
    assert.strictEqual(userScopeString({ globalValue: 42 }), undefined);
  });
});

describe('package.json: the walkthrough', () => {
  it('completes each step on a context key the extension sets, or on one of its commands', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.strictEqual(walkthrough.title, 'Get started with integration tests');
    const keys = new Set<string>(Object.values(WalkthroughKeys));
    const commands = new Set<string>(Object.values(Commands));
    for (const step of walkthrough.steps as {
      id: string;
      completionEvents: string[];
      media: { markdown?: string };
    }[]) {
      assert.ok(step.completionEvents.length, step.id);
      for (const e of step.completionEvents) {
        const [kind, name] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        assert.ok(
          (kind === 'onContext' && keys.has(name)) || (kind === 'onCommand' && commands.has(name)),
          `${step.id}: ${e}`,
        );
      }
      assert.ok(
        step.media.markdown && existsSync(join(__dirname, '../../..', step.media.markdown)),
        `${step.id} media`,
      );
    }
  });
});
