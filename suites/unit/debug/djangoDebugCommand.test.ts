// The Django server command wrapped in debugpy, and the configuration that attaches to it.
import * as assert from 'node:assert';
import { debugServerCommand, serverAttachConfig } from '../../../src/core/debug/serverDebug';

describe('Django under debugpy', () => {
  const listen = { host: '127.0.0.1', port: 5999 };
  it('wraps the interpreter form, adds --noreload once', () => {
    assert.deepStrictEqual(
      debugServerCommand(
        { command: '/usr/bin/python3', args: ['backend/manage.py', 'runserver', '127.0.0.1:8000'] },
        '/x',
        listen,
      ),
      {
        command: '/usr/bin/python3',
        args: [
          '-m',
          'debugpy',
          '--listen',
          '127.0.0.1:5999',
          'backend/manage.py',
          'runserver',
          '127.0.0.1:8000',
          '--noreload',
        ],
      },
    );
    const again = debugServerCommand(
      { command: 'python', args: ['manage.py', 'runserver', '--noreload', '0:8000'] },
      '/x',
      listen,
    );
    assert.strictEqual(again.args.filter((a) => a === '--noreload').length, 1);
  });
  it('wraps uv run python, and runs a script through the interpreter', () => {
    assert.deepStrictEqual(
      debugServerCommand(
        { command: 'uv', args: ['run', 'python', 'backend/manage.py', 'runserver', 'h:1'] },
        '/x',
        listen,
      ).args,
      [
        'run',
        'python',
        '-m',
        'debugpy',
        '--listen',
        '127.0.0.1:5999',
        'backend/manage.py',
        'runserver',
        'h:1',
        '--noreload',
      ],
    );
    assert.deepStrictEqual(
      debugServerCommand({ command: './manage.py', args: ['runserver', 'h:1'] }, '/venv/bin/python', listen),
      {
        command: '/venv/bin/python',
        args: [
          '-m',
          'debugpy',
          '--listen',
          '127.0.0.1:5999',
          './manage.py',
          'runserver',
          'h:1',
          '--noreload',
        ],
      },
    );
  });
  it('attach configuration: debugpy, attach, connect, justMyCode', () => {
    assert.deepStrictEqual(serverAttachConfig({ listen, justMyCode: false }), {
      name: 'Debug Django Server',
      type: 'debugpy',
      request: 'attach',
      connect: { host: '127.0.0.1', port: 5999 },
      justMyCode: false,
    });
  });
});
