import * as assert from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('shows the two commands for a fresh machine', () => {
    assert.match(readme, /`npm start`/);
    assert.match(readme, /`npm test`/);
  });

  it('lists every command by its palette title', () => {
    const missing = manifest.contributes.commands
      .map((c: { category: string; title: string }) => `${c.category}: ${c.title}`)
      .filter((t: string) => !readme.includes(t));
    assert.deepStrictEqual(missing, []);
  });

  it('lists every setting with its default', () => {
    const props = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
    const missing = Object.entries(props)
      .filter(([key, p]) => !readme.includes(`| \`${key}\` | \`${JSON.stringify(p.default)}\` |`))
      .map(([key]) => key);
    assert.deepStrictEqual(missing, []);
  });

  it('lists every view', () => {
    for (const view of manifest.contributes.views.codespaceTests)
      assert.ok(readme.includes(view.name), view.name);
  });

  it('shows only screenshots that exist', () => {
    for (const m of readme.matchAll(/\]\((media\/[^)]+\.png)\)/g)) {
      assert.doesNotThrow(() => readFileSync(join(root, m[1])), m[1]);
    }
  });
});

describe('README: the command line', () => {
  it('documents every verb of codespace-tests and each of its flags', async () => {
    const { VERBS } = await import('../../src/cli/verbs');
    const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('## Troubleshooting'));
    assert.ok(section.length > 100, 'a Command line section before Troubleshooting');
    for (const verb of VERBS) {
      assert.ok(section.includes(`\`${verb.name} `), `verb ${verb.name}`);
      for (const flag of Object.keys(verb.options))
        assert.ok(section.includes(`--${flag}`), `${verb.name} --${flag}`);
    }
  });
});
