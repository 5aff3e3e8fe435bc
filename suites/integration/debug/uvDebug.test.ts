import * as assert from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { testDebugConfig } from '../../../src/core/debug/testDebug';
import { debugInterpreter } from '../../../src/core/debug/testLaunch';
import { launchFromSettings } from '../../../src/core/pytest/launch';
import { SYSTEM_PYTHON } from '../pytest/pytestHelpers';

// Issue 11, point 6: a debugged test runs under the interpreter of uv's environment, as `uv run pytest` does.
// uv is not installed here: a small `uv` script on PATH stands in for `uv python find`.
describe('debugging runs that go through uv', function () {
  this.timeout(30_000);
  let dir: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const SETTING_INTERPRETER = '/usr/bin/python3-from-the-setting';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cit-uv-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    project = join(dir, 'project');
    mkdirSync(join(project, 'tests'), { recursive: true });
    writeFileSync(join(project, 'tests/pytest.ini'), '[pytest]\n');
    // `uv python find` prints the interpreter uv would use; anything else fails like uv does.
    const uv = join(bin, 'uv');
    writeFileSync(
      uv,
      `#!/bin/sh\nif [ "$1 $2" = "python find" ]; then echo "${join(dir, 'uv-python')}"; exit 0; fi\necho "unexpected: $*" >&2\nexit 2\n`,
    );
    chmodSync(uv, 0o755);
    symlinkSync(SYSTEM_PYTHON, join(dir, 'uv-python'));
    env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The debug launch configuration the Test Explorer builds for one test of `project`. */
  async function debugLaunchPython(command = 'uv run pytest'): Promise<{ python: string; note?: string }> {
    const { launch } = await launchFromSettings(
      { command, interpreter: SETTING_INTERPRETER, extraArgs: [], env: {}, cwd: project },
      {
        mode: 'run',
        ini: join(project, 'tests/pytest.ini'),
        nodeIds: ['test_a.py::test_one'],
        pluginDir: '/p',
      },
      env,
    );
    assert.strictEqual(launch.command, 'uv', 'runs go through the uv on PATH');
    const { python, note } = await debugInterpreter(launch, SETTING_INTERPRETER);
    const built = testDebugConfig(launch, {}, { interpreter: python, justMyCode: true, inheritedEnv: env });
    assert.ok('config' in built);
    assert.deepStrictEqual(built.config.args.slice(-1), ['tests/test_a.py::test_one']);
    return { python: built.config.python, note };
  }

  it('uses what "uv python find" reports when the project has no .venv', async () => {
    const r = await debugLaunchPython();
    assert.strictEqual(r.python, join(dir, 'uv-python'));
    assert.match(r.note ?? '', /"uv python find"/);
  });

  it("uses the project's .venv when it has a python", async () => {
    mkdirSync(join(project, '.venv/bin'), { recursive: true });
    symlinkSync(SYSTEM_PYTHON, join(project, '.venv/bin/python'));
    try {
      const r = await debugLaunchPython('uv run --frozen pytest');
      assert.strictEqual(r.python, join(project, '.venv/bin/python'));
      assert.match(r.note ?? '', /the project's environment/);
    } finally {
      rmSync(join(project, '.venv'), { recursive: true, force: true });
    }
  });

  it('falls back to the setting, and says why, when uv finds no interpreter', async () => {
    const r = await debugInterpreter(
      { command: 'uv', args: ['run', 'pytest'], cwd: project, env: { ...env, PATH: join(dir, 'empty') } },
      SETTING_INTERPRETER,
    );
    assert.strictEqual(r.python, SETTING_INTERPRETER);
    assert.match(r.note ?? '', /not uv's environment: .*\.venv\/bin\/python does not exist.*Run "uv sync"/);
  });

  it('keeps the configured interpreter for runs that do not go through uv', async () => {
    const r = await debugInterpreter(
      { command: SYSTEM_PYTHON, args: ['-m', 'pytest'], cwd: project, env },
      '/x',
    );
    assert.deepStrictEqual(r, { python: '/x' });
  });
});
