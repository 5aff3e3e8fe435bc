// The unit tier is pure: no process, no socket. A test that starts one belongs in suites/integration/.
// The guard makes those calls throw and remembers which file made them, so the runner can fail that file.
import type { Audit } from '../mochaRunner';

type Patchable = Record<string, unknown>;

export function forbidProcessesAndSockets(): Audit {
  // The real module objects (an `import * as` namespace would be a copy under esbuild).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const childProcess = require('node:child_process') as Patchable;
  const net = require('node:net') as { Server: { prototype: Patchable }; Socket: { prototype: Patchable } };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const offenders = new Map<string, Set<string>>();
  let current = { file: '(loading the test files)', title: '' };
  const forbid = (owner: Patchable, name: string, what: string) => {
    owner[name] = () => {
      const calls = offenders.get(current.file) ?? new Set<string>();
      calls.add(`${what} in "${current.title}"`);
      offenders.set(current.file, calls);
      throw new Error(
        `${what}: unit tests are pure (no process, no socket). Move this test file to suites/integration/.`,
      );
    };
  };
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'])
    forbid(childProcess, name, `child_process.${name}`);
  forbid(net.Server.prototype, 'listen', 'a server listening (net.Server.listen)');
  forbid(net.Socket.prototype, 'connect', 'a socket connecting (net.Socket.connect)');
  return {
    running(file, title) {
      current = { file: file ?? '(unknown file)', title };
    },
    failures: () =>
      [...offenders].map(([file, calls]) => `${file} is not pure:\n    ${[...calls].join('\n    ')}`),
  };
}
