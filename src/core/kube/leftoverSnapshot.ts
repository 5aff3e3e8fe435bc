import { CustomObjectsApi } from '@kubernetes/client-node';
import type { ClusterConfig } from './config';
import { describeKubeError } from './errors';
import {
  DEFAULT_LEFTOVER_KINDS,
  listKey,
  type ClusterKind,
  type ClusterObject,
  type ClusterSnapshot,
} from './leftovers';
import { requestOptions } from './requestOptions';

interface ListedObject {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string | Date;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
  };
}

interface ObjectList {
  items?: ListedObject[];
  metadata?: { continue?: string };
}

const PAGE = 500;
const PAGES = 10;

/**
 * The objects of the kinds in the namespaces, for the leftover check before and after a test. Each list
 * through the client's custom-object API (any group/version/resource), all in parallel, within `timeoutMs`;
 * a list that failed or did not finish is left out of `listed` (and so out of the comparison) with a note.
 * A kind the cluster does not serve (Knative not installed: 404) counts as listed and empty.
 */
export async function readClusterSnapshot(req: {
  cluster: ClusterConfig;
  namespaces: readonly string[];
  kinds?: readonly ClusterKind[];
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<ClusterSnapshot> {
  const snapshot: ClusterSnapshot = { objects: [], listed: [], notes: [] };
  if (req.cluster.kind !== 'ready')
    return { ...snapshot, notes: [`No leftover check: ${req.cluster.message}`] };
  const { kc, server } = req.cluster;
  const api = kc.makeApiClient(CustomObjectsApi);
  const timeoutMs = req.timeoutMs ?? 2000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
  const unfinished = new Set<string>();
  const lists = req.namespaces.flatMap((namespace) =>
    (req.kinds ?? DEFAULT_LEFTOVER_KINDS).map(async (k) => {
      const key = listKey({ namespace, kind: k.kind });
      unfinished.add(key);
      const found: ClusterObject[] = [];
      let token: string | undefined;
      try {
        for (let page = 0; page < PAGES; page++) {
          const list = (await api.listNamespacedCustomObject(
            {
              group: k.group,
              version: k.version,
              namespace,
              plural: k.resource,
              limit: PAGE,
              _continue: token,
            },
            // The core group lives at /api/v1, not /apis/<group>/v1.
            requestOptions(signal, {}, k.group ? undefined : (url) => url.replace('/apis//', '/api/')),
          )) as ObjectList;
          for (const item of list.items ?? []) found.push(objectOf(item, k.kind, namespace));
          token = list.metadata?.continue;
          if (!token) break;
        }
        if (token) throw new Error(`more than ${PAGE * PAGES} objects`);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 404) {
          unfinished.delete(key);
          if (!signal.aborted)
            snapshot.notes.push(
              describeKubeError(e, { verb: 'list', resource: k.resource, namespace, server }).message.replace(
                / Retrying with backoff\.$/,
                '',
              ),
            );
          return;
        }
      }
      if (signal.aborted) return;
      unfinished.delete(key);
      snapshot.listed.push(key);
      snapshot.objects.push(...found);
    }),
  );
  const stopped = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  await Promise.race([Promise.all(lists), stopped]);
  if (unfinished.size)
    snapshot.notes.push(
      `The cluster at ${server} did not answer within ${timeoutMs / 1000} s: not compared: ${[...unfinished].join(', ')}.`,
    );
  snapshot.notes = [...new Set(snapshot.notes)];
  return snapshot;
}

function objectOf(item: ListedObject, kind: string, namespace: string): ClusterObject {
  const m = item.metadata ?? {};
  const owner = m.ownerReferences?.find((o) => o.controller);
  const created = m.creationTimestamp === undefined ? NaN : new Date(m.creationTimestamp).getTime();
  return {
    kind,
    namespace: m.namespace ?? namespace,
    name: m.name ?? '?',
    uid: m.uid ?? `${namespace}/${m.name}`,
    ...(owner ? { controller: { kind: owner.kind, name: owner.name, uid: owner.uid } } : {}),
    ...(Number.isFinite(created) ? { created } : {}),
  };
}
