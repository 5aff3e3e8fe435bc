import * as assert from 'node:assert';
import { createConnection, createServer } from 'node:net';
import { lingeringSockets } from '../../src/core/django/portOwner';

/**
 * What a server that closed its connections first leaves behind (the session's runserver answering a
 * `Connection: close` health poll, a port-forwarding probe): a connection in TIME_WAIT on the port itself,
 * for a minute. Made on purpose, since which side of Django's own connections closes first is a race.
 */
export async function leaveTimeWait(port: number): Promise<void> {
  const server = createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await new Promise<void>((resolve, reject) => {
    const c = createConnection({ host: '127.0.0.1', port });
    c.once('error', reject);
    c.on('data', () => undefined);
    c.once('end', () => c.end());
    c.once('close', () => resolve());
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok((await lingeringSockets(port)) > 0, 'no connection in TIME_WAIT on the port');
}

/**
 * The team conftest with a port check no working repository keeps (connect, then bind without SO_REUSEADDR:
 * it refuses the port for a minute after a server closed connections): the refused-port message's tests.
 */
export function strictPortCheck(conftest: string): string {
  const check = [
    'def _port_in_use_strict(host, port):',
    '    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:',
    '        sock.settimeout(0.5)',
    '        if sock.connect_ex((host, port)) == 0:',
    '            return True',
    '    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:',
    '        try:',
    '            sock.bind((host, port))',
    '        except OSError:',
    '            return True',
    '    return False',
    '',
    '',
  ].join('\n');
  const strict = conftest
    .replace('def _port_answers(', `${check}def _port_answers(`)
    .replace('if _port_answers(HOST, DJANGO_PORT):', 'if _port_in_use_strict(HOST, DJANGO_PORT):');
  assert.notStrictEqual(strict, conftest, 'the team conftest has its port check');
  return strict;
}
