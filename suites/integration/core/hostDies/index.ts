// A stand-in extension host for the reaper test: starts a child with a grandchild in its own process
// group, prints their pids, then waits to be killed with SIGKILL (no deactivation, no cleanup).
import { ChildProcess } from '../../../../src/core/process/childProcess';

const child = new ChildProcess({
  command: 'sh',
  args: ['-c', 'sleep 120 & echo "grandchild $!"; sleep 120'],
  cwd: process.cwd(),
  env: process.env,
  onLine: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`child ${child.pid}\n`);
setInterval(() => undefined, 1000);
