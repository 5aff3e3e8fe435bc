import * as assert from 'node:assert';
import { join } from 'node:path';
import { parseWorkflow } from '../../src/core/github/workflow';
import { parseEvent } from '../../src/core/pytest/protocol';
import { parseSettingsText } from '../../src/core/settingsFile';
import { parseEnvFile } from '../../src/core/variables';
import { PLUGIN_EVENTS } from '../unit/pytest/pluginEvents';
import { fuzz, REPO, samplesFrom } from './harness';

const FIXTURE = join(REPO, 'suites/fixtures/codespace');
const workflows = samplesFrom(join(FIXTURE, '.github/workflows'), (n) => n.endsWith('.yml'));
const settings = samplesFrom(join(FIXTURE, '.vscode'), (n) => n.endsWith('.json'));

const ENV_SAMPLE = [
  '# the codespace',
  'DJANGO_SETTINGS_MODULE=config.settings',
  'export INTEGRATION_DJANGO_URL=http://127.0.0.1:8000',
  'QUOTED="a value with \\n newline"',
  "SINGLE='single # not a comment'",
  'MULTI="line one',
  'line two"',
  'EMPTY=',
  'COMMENTED=value # trailing',
].join('\n');

const EVENTS = PLUGIN_EVENTS.map((e) => JSON.stringify(e));

describe('fuzz: files and wire formats', () => {
  it('.env files', () => {
    fuzz({
      name: '.env',
      samples: [ENV_SAMPLE],
      tokens: ['=', '"', "'", '`', '#', 'export ', '\\n', 'KEY=', '\n', '\r', '\0', ' '],
      parse: parseEnvFile,
      check: (env) => {
        for (const [k, v] of Object.entries(env)) {
          assert.ok(
            k && !k.includes('\0') && !k.includes('=') && !k.includes('\n'),
            `bad key ${JSON.stringify(k)}`,
          );
          assert.ok(!v.includes('\0'), `value of ${k} holds a NUL`);
        }
      },
    });
  });

  it('.vscode/settings.json', () => {
    fuzz({
      name: 'settings.json',
      samples: settings,
      tokens: ['{', '}', '[', ']', '"', ',', ':', '//', '/*', '*/', '\\u', '"__proto__"', 'true', '1e999'],
      parse: parseSettingsText,
      check: (r) => assert.ok(r.values instanceof Map),
    });
  });

  it('workflow YAML', () => {
    fuzz({
      name: 'workflow',
      samples: workflows,
      tokens: [
        '&a ',
        '*a',
        '- ',
        ': ',
        '{',
        '[',
        '"',
        "'",
        '!!binary ',
        '? ',
        '|\n',
        '>\n',
        '\t',
        '<<: *a\n',
        '%YAML 1.2\n---\n',
      ],
      parse: (text) => parseWorkflow(text, 'integration-tests.yml'),
      check: (w) => {
        if (w.kind === 'invalid')
          assert.ok(w.reason.length < 2000, `a reason of ${w.reason.length} characters`);
      },
    });
  });

  it('plugin protocol lines', () => {
    fuzz({
      name: 'protocol',
      samples: EVENTS,
      tokens: [
        '{',
        '}',
        '[',
        '"',
        'null',
        '"event"',
        '"finished"',
        '"nodeid"',
        ':',
        ',',
        '1e999',
        '"\\ud800"',
      ],
      parse: (line) => parseEvent(line),
    });
  });
});
