// A stand-in extension host for the reaper test: keeps the reaper's list in the folder given as its argument
// (the extension's private storage), starts a child with a grandchild in its own process group and a
// "debuggee" that leads no group, prints their pids, then waits to be killed with SIGKILL (no cleanup).
import { spawn } from 'node:child_process';
import { ChildProcess } from '../../../../src/core/process/childProcess';
import { useReaperFolder, watchProcess } from '../../../../src/core/process/reaper';

useReaperFolder(process.argv[2]);
const child = new ChildProcess({
  command: 'sh',
  args: ['-c', 'sleep 120 & echo "grandchild $!"; sleep 120'],
  cwd: process.cwd(),
  env: process.env,
  onLine: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`child ${child.pid}\n`);
// Like a debuggee the debug adapter started: in no group of ours, registered by its pid.
const debuggee = spawn('sleep', ['120'], { stdio: 'ignore' });
watchProcess(debuggee.pid!);
process.stdout.write(`debuggee ${debuggee.pid}\n`);
setInterval(() => undefined, 1000);
