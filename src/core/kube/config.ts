import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Where the kubeconfig comes from, and what came of loading it. */
export type ClusterConfig =
  | { kind: 'ready'; kc: KubeConfig; context: string; server: string; file: string }
  | { kind: 'noConfig'; message: string }
  | { kind: 'invalid'; message: string };

interface ClusterSettings {
  /** `codespaceTests.kube.kubeconfig`; empty: KUBECONFIG, else ~/.kube/config. */
  kubeconfig: string;
  /** `codespaceTests.kube.context`; empty: the kubeconfig's current context. */
  context: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

const SETTING = 'codespaceTests.kube.kubeconfig';

/** Loads the kubeconfig the way kubectl would find it, without ever falling back to in-cluster or localhost guesses. */
export function loadClusterConfig(s: ClusterSettings): ClusterConfig {
  const env = s.env ?? process.env;
  let files: string[];
  if (s.kubeconfig) {
    if (!existsSync(s.kubeconfig)) {
      return {
        kind: 'noConfig',
        message: `No cluster configured: the kubeconfig "${s.kubeconfig}" from the setting ${SETTING} does not exist. Fix the path or clear the setting.`,
      };
    }
    files = [s.kubeconfig];
  } else if (env.KUBECONFIG) {
    files = env.KUBECONFIG.split(delimiter).filter((f) => f && existsSync(f));
    if (!files.length) {
      return {
        kind: 'noConfig',
        message: `No cluster configured: none of the files in KUBECONFIG (${env.KUBECONFIG}) exists. Start your cluster (minikube start) or set ${SETTING}.`,
      };
    }
  } else {
    const file = join(s.home ?? homedir(), '.kube', 'config');
    if (!existsSync(file)) {
      return {
        kind: 'noConfig',
        message: `No cluster configured: there is no ~/.kube/config and KUBECONFIG is not set. Start your cluster (minikube start) or set ${SETTING} to a kubeconfig file.`,
      };
    }
    files = [file];
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(files[0]);
    for (const f of files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(f);
      kc.mergeConfig(more, true);
    }
  } catch (e) {
    return {
      kind: 'invalid',
      message: `The kubeconfig ${files[0]} could not be read: ${(e as Error).message}. Fix the file or point ${SETTING} at another.`,
    };
  }
  const contexts = kc.getContexts().map((c) => c.name);
  if (s.context) {
    if (!contexts.includes(s.context)) {
      return {
        kind: 'invalid',
        message: `The context "${s.context}" (setting codespaceTests.kube.context) is not in ${files[0]}; it has: ${contexts.join(', ') || 'none'}.`,
      };
    }
    kc.setCurrentContext(s.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    return {
      kind: 'noConfig',
      message: `No cluster configured: ${files[0]} has no current context. Set codespaceTests.kube.context to one of: ${contexts.join(', ') || '(none)'}.`,
    };
  }
  return { kind: 'ready', kc, context, server: cluster.server, file: files[0] };
}
