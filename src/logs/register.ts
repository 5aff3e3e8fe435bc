import * as vscode from 'vscode';
import { Commands, ConfigSection, Views } from '../ids';
import type { Logger } from '../core/logger';
import { tagged } from '../core/logger';
import type { LogStore } from '../core/logs/logStore';
import { LogFollowers } from '../core/kube/logFollowers';
import type { KubeConfig } from '@kubernetes/client-node';
import type { PodSummary } from '../core/kube/pods';
import { onSettingsChanged } from '../settings';
import { ClusterSession } from './clusterSession';
import { followAgain, sameTarget } from './followAgain';
import { LogViewerPanel, type OpenLogViewerArgs, type RenderedReport } from './logViewerPanel';
import { newerState, validState } from './viewerState';
import { PodsView, type PodNode } from './podsView';
import { VIEW_TYPE, type FollowTarget, type ViewerState } from './viewerProtocol';

/** The extension's own copy of the log viewer's state (workspace storage). */
const VIEWER_STATE_KEY = 'codespaceTests.logViewer.state';

/** What the extension-host tests reach: the viewer, the followed streams, the Pods view's data. */
export interface LogsApi {
  openViewer(args?: OpenLogViewerArgs): LogViewerPanel;
  viewer(): LogViewerPanel | undefined;
  /** The rows the page rendered, read back from the webview. */
  rendered(): Promise<RenderedReport>;
  followers: LogFollowers;
  session: ClusterSession;
  podsView: PodsView;
  pods(): PodSummary[];
}

/** The Pods view, the pod log streams and the log viewer panel; returns what the tests use. */
export function registerLogs(
  context: vscode.ExtensionContext,
  { logger: baseLogger, logStore: store }: { logger: Logger; logStore: LogStore },
): LogsApi {
  const logger = tagged(baseLogger, 'logs');
  const session = new ClusterSession(logger);
  const followers = new LogFollowers(store, logger);
  const podsView = new PodsView(Views.pods, session);
  let panel: LogViewerPanel | undefined;
  const remember = (s: ViewerState) => void context.workspaceState.update(VIEWER_STATE_KEY, s);
  /** What this window follows, in the order followed: the viewer's state keeps it across reloads. */
  const follows: FollowTarget[] = [];

  const adopt = (p: LogViewerPanel) => {
    panel?.dispose();
    panel = p;
    p.onDidDispose(() => {
      if (panel === p) panel = undefined;
    });
    return p;
  };
  const openViewer = (args?: OpenLogViewerArgs): LogViewerPanel => {
    const p = panel ?? adopt(LogViewerPanel.create(context.extensionUri, store, logger, remember));
    p.recordFollows(follows);
    p.open(isOpenArgs(args) ? args : {});
    return p;
  };

  context.subscriptions.push(
    session,
    podsView,
    { dispose: () => void followers.stopAll() },
    { dispose: () => panel?.dispose() },
    session.onPodEvent((e) => {
      if (e.type === 'DELETED') followers.podDeleted(e.pod.namespace, e.pod.name);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel, state: unknown) {
        const restored = newerState(
          validState(state),
          validState(context.workspaceState.get(VIEWER_STATE_KEY)),
        );
        logger.debug(
          `log viewer restored: filter "${restored.filter.text}", following ${restored.follows.length} source(s)`,
        );
        adopt(new LogViewerPanel(webviewPanel, context.extensionUri, store, logger, restored, remember));
        const again = (t: FollowTarget) => {
          const c = session.config;
          if (c.kind === 'ready') follow(c.kc, t);
        };
        void followAgain(restored.follows, session, loaded, again, logger).then(() =>
          panel?.recordFollows(follows),
        );
      },
    }),
    vscode.commands.registerCommand(
      Commands.openLogViewer,
      (args?: OpenLogViewerArgs) => void openViewer(args),
    ),
    vscode.commands.registerCommand(Commands.refreshPods, () => session.load()),
    vscode.commands.registerCommand(Commands.followPodLogs, (node?: PodNode) => followPod(node)),
    vscode.commands.registerCommand(
      Commands.followSelectorLogs,
      (arg?: { namespace?: string; selector?: string }) => followSelector(arg),
    ),
    onSettingsChanged((e) => {
      if (e.affectsConfiguration(`${ConfigSection}.kube`)) void session.load();
      if (e.affectsConfiguration(`${ConfigSection}.logs.maxLinesPerSource`)) {
        store.setCapacity(
          vscode.workspace.getConfiguration(ConfigSection).get<number>('logs.maxLinesPerSource', 100_000),
        );
      }
    }),
  );
  const loaded = session.load();

  function follow(kc: KubeConfig, t: FollowTarget): void {
    if (t.kind === 'pod')
      followers.followPod(
        kc,
        { namespace: t.namespace, pod: t.pod, container: t.container },
        session.streamOptions(),
      );
    else followers.followSelector(kc, t.namespace, t.selector, session.streamOptions());
    if (!follows.some((f) => sameTarget(f, t))) follows.push(t);
  }

  async function followPod(node?: PodNode): Promise<void> {
    const c = session.config;
    if (c.kind !== 'ready') {
      void vscode.window
        .showWarningMessage(c.message, 'Open Settings')
        .then(
          (a) =>
            a &&
            vscode.commands.executeCommand(
              'workbench.action.openSettings',
              `${ConfigSection}.kube.kubeconfig`,
            ),
        );
      return;
    }
    let pod = node?.kind === 'pod' ? node.pod : undefined;
    if (!pod) {
      const all = session.namespaces().flatMap((w) => w.list());
      if (!all.length) {
        void vscode.window.showInformationMessage(
          'No pods to follow in the configured namespaces (codespaceTests.kube.namespaces).',
        );
        return;
      }
      const pick = await vscode.window.showQuickPick(
        all.map((p) => ({ label: p.name, description: `${p.namespace} · ${p.phase}`, pod: p })),
        { title: 'Follow Pod Logs', placeHolder: 'Pod' },
      );
      pod = pick?.pod;
    }
    if (!pod) return;
    let container = pod.containers.length === 1 ? pod.containers[0] : undefined;
    if (!container) {
      const pick = await vscode.window.showQuickPick(
        pod.containers.map((name) => ({
          label: name,
          description: name === pod!.defaultContainer ? 'default' : undefined,
        })),
        { title: `Follow logs of ${pod.name}`, placeHolder: 'Container' },
      );
      container = pick?.label;
    }
    if (!container) return;
    follow(c.kc, { kind: 'pod', namespace: pod.namespace, pod: pod.name, container });
    openViewer();
  }

  async function followSelector(arg?: { namespace?: string; selector?: string }): Promise<void> {
    const c = session.config;
    if (c.kind !== 'ready') {
      void vscode.window.showWarningMessage(c.message);
      return;
    }
    const namespaces = session.namespaces().map((w) => w.namespace);
    const namespace =
      arg?.namespace ??
      (namespaces.length === 1
        ? namespaces[0]
        : await vscode.window.showQuickPick(namespaces, {
            title: 'Follow Logs by Label Selector',
            placeHolder: 'Namespace',
          }));
    if (!namespace) return;
    const selector =
      arg?.selector ??
      (await vscode.window.showInputBox({
        title: `Follow Logs by Label Selector in ${namespace}`,
        prompt: 'All pods matching it are merged, each line tagged with its pod',
        placeHolder: 'app=web',
        validateInput: (v) =>
          /^\s*$/.test(v)
            ? 'Enter a label selector such as app=web'
            : /[^\w.\-/=!,\s]/.test(v)
              ? 'Only equality selectors: key=value, key!=value, key'
              : undefined,
      }));
    if (!selector) return;
    follow(c.kc, { kind: 'selector', namespace, selector: selector.trim() });
    openViewer();
  }

  return {
    openViewer,
    viewer: () => panel,
    rendered: () => {
      if (!panel) return Promise.reject(new Error('the log viewer is not open'));
      return panel.requestRendered();
    },
    followers,
    session,
    podsView,
    pods: () => session.namespaces().flatMap((w) => w.list()),
  };
}

function isOpenArgs(a: unknown): a is OpenLogViewerArgs {
  return !!a && typeof a === 'object' && !('kind' in (a as object));
}

/** A serializer's state comes from an older page: keep what is well-formed, default the rest. */
