// A stand-in for an extension host that exits right after asking Django to stop (window close) or disposing it
// (deactivation): started by server.test.ts, prints the pids, then exits without waiting for anything.
import { silentLogger } from '../../../../src/core/logger';
import { DjangoServer } from '../../../../src/core/django/server';
import { findPortOwner } from '../../../../src/core/django/portOwner';
import { buildLaunch, serverEnv, type DjangoSettings } from '../../../../src/core/django/launch';

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.CIT_DJANGO_SETTINGS!) as DjangoSettings;
  const server = new DjangoServer(silentLogger);
  await server.start(await buildLaunch(settings, serverEnv(process.env, {}, settings.env)));
  const owner = await findPortOwner(settings.port);
  process.stdout.write(`${JSON.stringify({ parent: server.pid, child: owner?.pid })}\n`);
  if (process.env.CIT_DJANGO_EXIT === 'dispose') server.dispose();
  else void server.stop();
  process.exit(0);
}
void main();
