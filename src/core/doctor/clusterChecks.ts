import { loadClusterConfig } from '../kube/config';
import { describePod, type PodSummary } from '../kube/pods';
import { ClusterReader, type Answer } from './clusterApi';
import { settingFix, terminalFix } from './fixes';
import type { Check, CheckGroup, DoctorContext, Finding } from './types';

/** The kubeconfig, the cluster answering, its nodes, the pynode, the model deployments, and what the local cluster lacks. */
export const clusterChecks: CheckGroup = (ctx) => {
  const s = ctx.settings;
  const config = loadClusterConfig({ kubeconfig: s.kubeconfig, context: s.kubeContext });
  const reader =
    config.kind === 'ready'
      ? new ClusterReader(ctx, config.kc, { context: config.context, server: config.server })
      : undefined;
  // One list of nodes answers both "reachable" and "nodes Ready"; the other checks wait for it, so a cluster
  // that is down costs one time limit, not one per check.
  const nodes = reader?.nodes();
  const reachable = nodes?.then((a) => a.kind === 'ok');
  const start = terminalFix('Start the cluster: minikube start.', 'minikube start', s.workspace);
  const notReachable: Finding = { status: 'skip', message: 'Not checked: the cluster is not reachable.' };
  /** Runs `then` once the cluster answered; otherwise the check is skipped. */
  const whenReachable = (then: (r: ClusterReader) => Promise<Finding>) => async (): Promise<Finding> =>
    reader && (await reachable) ? then(reader) : notReachable;

  const checks: Check[] = [
    {
      id: 'cluster.config',
      title: 'Kubeconfig and context',
      run: async () =>
        config.kind === 'ready'
          ? { status: 'ok', message: `Context "${config.context}" at ${config.server} (${config.file}).` }
          : {
              status: 'fail',
              message: config.message,
              fix:
                config.kind === 'noConfig'
                  ? start
                  : settingFix('Choose the kubeconfig and context in the settings.', 'kube.context'),
            },
    },
    {
      id: 'cluster.reachable',
      title: 'Cluster reachable',
      run: async () => {
        if (!nodes || config.kind !== 'ready')
          return { status: 'skip', message: 'Not checked: no kubeconfig.' };
        const a = await nodes;
        return a.kind === 'ok'
          ? { status: 'ok', message: `The API server at ${config.server} answered.` }
          : { status: 'fail', message: a.message, fix: start };
      },
    },
    {
      id: 'cluster.nodes',
      title: 'Nodes Ready',
      run: whenReachable(async () => {
        const a = (await nodes!) as Extract<Answer<{ name: string; ready: boolean }[]>, { kind: 'ok' }>;
        const notReady = a.value.filter((n) => !n.ready).map((n) => n.name);
        if (!a.value.length) return { status: 'fail', message: 'The cluster has no nodes.', fix: start };
        if (notReady.length)
          return {
            status: 'fail',
            message: `Not Ready: ${notReady.join(', ')} (${a.value.length - notReady.length} of ${a.value.length} Ready).`,
            fix: terminalFix('See why: kubectl describe nodes.', 'kubectl describe nodes', s.workspace),
          };
        return { status: 'ok', message: `${a.value.length} node${a.value.length === 1 ? '' : 's'} Ready.` };
      }),
    },
    {
      id: 'cluster.pynode',
      title: 'Pynode Running and Ready',
      run: whenReachable(async (r) => pynodeFinding(ctx, await r.pods(s.pynodeSelector))),
    },
    {
      id: 'cluster.models',
      title: 'Model deployments ready',
      run: whenReachable(async (r) => {
        const a = await r.deployments(s.modelSelector);
        if (a.kind === 'failed') return { status: 'fail', message: a.message };
        const modelFix = settingFix(
          'Deploy the models (see the team guide), or set codespaceTests.doctor.modelSelector to their label.',
          'doctor.modelSelector',
        );
        if (!a.value.length)
          return {
            status: 'warn',
            message: `No deployment has the label ${s.modelSelector}: tests that call a model will fail.`,
            fix: modelFix,
          };
        const notReady = a.value.filter((d) => d.ready < d.wanted);
        if (notReady.length)
          return {
            status: 'fail',
            message: `Not ready: ${notReady.map((d) => `${d.namespace}/${d.name} (${d.ready}/${d.wanted})`).join(', ')}.`,
            fix: terminalFix(
              'See why: kubectl describe deployments.',
              `kubectl describe deployments -A -l ${s.modelSelector}`,
              s.workspace,
            ),
          };
        return {
          status: 'ok',
          message: `${a.value.map((d) => `${d.namespace}/${d.name}`).join(', ')} ready.`,
        };
      }),
    },
  ];
  for (const part of s.localClusterLacks)
    checks.push({
      id: `cluster.lacks.${slug(part.name)}`,
      title: part.name,
      run: whenReachable(async (r) => {
        const a = await r.pods(part.labelSelector);
        if (a.kind === 'failed') return { status: 'warn', message: a.message };
        return a.value.length
          ? { status: 'ok', message: `In this cluster (${a.value.map((p) => p.name).join(', ')}).` }
          : {
              status: 'skip',
              message: `Not in this cluster, expected locally (no pod with ${part.labelSelector}): tests that need it fail here and run on CI.`,
            };
      }),
    });
  return checks;
};

function pynodeFinding(ctx: DoctorContext, a: Answer<PodSummary[]>): Finding {
  const selector = ctx.settings.pynodeSelector;
  if (a.kind === 'failed') return { status: 'fail', message: a.message };
  const guide = settingFix(
    'Create the baseten user and bring its pynode up (the team guide), or set codespaceTests.doctor.pynodeSelector to its label.',
    'doctor.pynodeSelector',
  );
  if (!a.value.length)
    return { status: 'fail', message: `No pod has the label ${selector}: the pynode is not up.`, fix: guide };
  const up = a.value.filter(
    (p) => p.phase === 'Running' && !p.terminating && p.total > 0 && p.ready === p.total,
  );
  const shown = (p: PodSummary) => `${p.namespace}/${p.name} (${describePod(p)})`;
  if (!up.length)
    return {
      status: 'fail',
      message: `The pynode is not Running and Ready: ${a.value.map(shown).join(', ')}.`,
      fix: terminalFix(
        'See why: kubectl describe pods.',
        `kubectl describe pods -A -l ${selector}`,
        ctx.settings.workspace,
      ),
    };
  return { status: 'ok', message: up.map(shown).join(', ') + '.' };
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'component'
  );
}
