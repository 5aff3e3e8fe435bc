import { waitFor } from '../core/cancel';
import type { Logger } from '../core/logger';
import type { ClusterSession } from './clusterSession';
import type { FollowTarget } from './viewerProtocol';

/** How long a restored viewer waits for the cluster's first pod listing before it gives up. */
const LISTING_TIMEOUT_MS = 30_000;

export function sameTarget(a: FollowTarget, b: FollowTarget): boolean {
  return a.kind === 'pod' && b.kind === 'pod'
    ? a.namespace === b.namespace && a.pod === b.pod && a.container === b.container
    : a.kind === 'selector' &&
        b.kind === 'selector' &&
        a.namespace === b.namespace &&
        a.selector === b.selector;
}

/** A follow target from a serializer's state (written by an older page, maybe): well-formed or not. */
export function isFollowTarget(x: unknown): x is FollowTarget {
  if (!x || typeof x !== 'object') return false;
  const t = x as Record<string, unknown>;
  const str = (k: string) => typeof t[k] === 'string' && t[k] !== '';
  return (
    str('namespace') &&
    (t.kind === 'pod' ? str('pod') && str('container') : t.kind === 'selector' && str('selector'))
  );
}

/**
 * A log viewer that VS Code restored after a reload follows again what it followed: the store lived in
 * the old extension host and is empty, so without this the panel would come back with no lines. Waits for
 * the cluster's pod listing, then follows each pod that still exists and each label selector; a pod gone
 * meanwhile is skipped with a log line (its name will not come back: pods get new names).
 */
export async function followAgain(
  targets: readonly FollowTarget[],
  session: ClusterSession,
  loaded: Promise<void>,
  follow: (t: FollowTarget) => void,
  logger: Logger,
): Promise<void> {
  if (!targets.length) return;
  await loaded;
  if (session.config.kind !== 'ready') {
    logger.info(
      `not following ${targets.length} source(s) again after the reload: ${session.config.message}`,
    );
    return;
  }
  const listed = () => session.namespaces().every((w) => w.state.kind !== 'connecting');
  if (!listed()) {
    const ok = await waitFor(session.onDidChange, LISTING_TIMEOUT_MS, undefined, { until: listed }).then(
      () => true,
      () => false,
    );
    if (!ok) {
      logger.warn(
        `not following pod logs again after the reload: the pods were not listed within ${LISTING_TIMEOUT_MS / 1000} s`,
      );
      return;
    }
  }
  for (const t of targets) {
    const watch = session.namespaces().find((w) => w.namespace === t.namespace);
    if (t.kind === 'pod' && !watch?.list().some((p) => p.name === t.pod)) {
      logger.info(`not following ${t.namespace}/${t.pod} again after the reload: the pod is gone`);
      continue;
    }
    follow(t);
  }
}
