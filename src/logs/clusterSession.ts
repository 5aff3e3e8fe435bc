import * as vscode from 'vscode';
import { ConfigSection, type SettingTypes } from '../ids';
import type { Logger } from '../core/logger';
import { expandVariables } from '../core/variables';
import { loadClusterConfig, type ClusterConfig } from '../core/kube/config';
import { PodWatch, type PodEvent } from '../core/kube/podWatch';
import type { PodLogOptions } from '../core/kube/podLogStream';

/** Context key the Pods view's welcome content reads: `noConfig`, `invalid` or `ready`. */
const PODS_STATE_KEY = 'codespaceTests.pods.state';

/**
 * The cluster as the settings describe it: the kubeconfig loaded once per settings change, and one
 * live PodWatch per configured namespace. No kubeconfig is a state, not an error: nothing is
 * retried and the Pods view says what to set.
 */
export class ClusterSession implements vscode.Disposable {
  private cluster: ClusterConfig = { kind: 'noConfig', message: 'Not loaded yet.' };
  private watches: PodWatch[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly podEvents = new vscode.EventEmitter<PodEvent>();
  readonly onDidChange = this.changed.event;
  readonly onPodEvent = this.podEvents.event;

  constructor(private readonly logger: Logger) {}

  get config(): ClusterConfig {
    return this.cluster;
  }

  namespaces(): PodWatch[] {
    return this.watches;
  }

  /** (Re)reads the settings and restarts the watches. */
  async load(): Promise<void> {
    const old = this.watches;
    this.watches = [];
    await Promise.all(old.map((w) => w.stop()));
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    this.cluster = loadClusterConfig({
      kubeconfig: expandVariables(setting('kube.kubeconfig'), folder).trim(),
      context: setting('kube.context').trim(),
    });
    void vscode.commands.executeCommand('setContext', PODS_STATE_KEY, this.cluster.kind);
    if (this.cluster.kind !== 'ready') {
      this.logger.info(`pods: ${this.cluster.message}`);
      this.changed.fire();
      return;
    }
    const { kc, context, server } = this.cluster;
    this.logger.info(`pods: context "${context}" at ${server}`);
    const namespaces = [
      ...new Set(
        setting('kube.namespaces')
          .map((n) => n.trim())
          .filter(Boolean),
      ),
    ];
    for (const ns of namespaces.length ? namespaces : ['default']) {
      const w = new PodWatch(kc, ns, this.logger, { context, server });
      w.onEvent((e) => {
        this.podEvents.fire(e);
        this.changed.fire();
      });
      w.onState(() => this.changed.fire());
      this.watches.push(w);
      w.start();
    }
    this.changed.fire();
  }

  /** History and identity options for a new pod log stream, from the settings. */
  streamOptions(): PodLogOptions {
    const sinceSeconds = setting('logs.sinceSeconds');
    const c = this.cluster;
    return {
      tailLines: setting('logs.tailLines'),
      sinceSeconds: sinceSeconds > 0 ? sinceSeconds : undefined,
      context: c.kind === 'ready' ? c.context : undefined,
      server: c.kind === 'ready' ? c.server : undefined,
    };
  }

  dispose(): void {
    for (const w of this.watches) void w.stop();
    this.watches = [];
    this.changed.dispose();
    this.podEvents.dispose();
  }
}

function setting<K extends keyof SettingTypes>(key: K): SettingTypes[K] {
  return vscode.workspace.getConfiguration(ConfigSection).get(key) as SettingTypes[K];
}
