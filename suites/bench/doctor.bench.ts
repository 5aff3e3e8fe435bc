// Check Codespace on a healthy codespace: the fixture (migrated), the Kubernetes stand-in with its node,
// pynode and model deployment, and a GitHub sign-in. Target (issue 13): the whole doctor in at most 5 s.
// Side by side: the same checks one after the other, so the line shows what running them at once saves.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDoctor, CHECK_GROUPS } from '../../src/core/doctor/runner';
import { doctorSettingsFrom } from '../../src/core/doctor/settings';
import { settingsFrom } from '../../src/core/settings';
import { silentLogger } from '../../src/core/logger';
import { FakeKubeApi } from '../kube/fakeApiServer';
import { freePort } from '../unit/support';
import { finish, fixtureCopy, manage, median, PYTHON, report, timeIt } from './support';

const RUNS = 3;
const TARGET_MS = 5000;

async function main(): Promise<void> {
  const ws = fixtureCopy('cit-bench-doctor-');
  const db = join(ws, 'bench.sqlite3');
  const kube = await FakeKubeApi.start();
  try {
    await manage(join(ws, 'backend'), { ...process.env, DJANGO_DB_PATH: db }, 'migrate', '--noinput');
    kube.addNode('minikube');
    kube.addPod('default', 'pynode-7d9f8b6c4-x2kqp', { labels: { app: 'pynode' } });
    kube.addDeployment('models', 'model-llama', { labels: { app: 'model-deployment' }, replicas: 1 });
    const values: Record<string, unknown> = {
      'django.port': await freePort(),
      'django.env': { DJANGO_DB_PATH: db },
      'kube.kubeconfig': kube.writeKubeconfig(),
    };
    const settings = doctorSettingsFrom(
      settingsFrom((key) => values[key], ws),
      ws,
      PYTHON,
    );
    const options = {
      settings,
      logger: silentLogger,
      inis: [join(ws, 'backend/oracles/tests/integration/pytest.ini')],
      githubSignIn: async () => ({ source: 'session' }),
    };
    const failed = (await runDoctor(options)).filter((r) => r.status === 'fail');
    if (failed.length)
      throw new Error(
        `the codespace is not healthy: ${failed.map((r) => `${r.id}: ${r.message}`).join('; ')}`,
      );
    const together: number[] = [];
    const oneByOne: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      together.push(await timeIt(() => runDoctor(options)));
      oneByOne.push(
        await timeIt(async () => {
          for (const group of CHECK_GROUPS) await runDoctor({ ...options, groups: [group] });
        }),
      );
    }
    const t = median(together);
    const s = median(oneByOne);
    finish([
      report(
        'doctor: Check Codespace on a healthy codespace',
        `${t.toFixed(0)} ms with the checks at once, ${s.toFixed(0)} ms group by group (${(t / s).toFixed(2)}x; target <= ${TARGET_MS} ms)`,
        t <= TARGET_MS,
      ),
    ]);
  } finally {
    await kube.close();
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`FAIL doctor: ${(e as Error).message}`);
  process.exitCode = 1;
});
