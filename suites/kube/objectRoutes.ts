// The stand-in's list routes besides pods: events (per namespace and cluster-wide), deployments of a
// namespace, and any other namespaced collection it holds (services, Knative services, extra kinds).
import type * as http from 'node:http';
import type { ClusterEvents } from './clusterEvents';
import type { ClusterObjects } from './clusterObjects';
import { parseSelector } from './labelSelector';
import { json, sendStatus } from './responses';

export interface ObjectRoutes {
  events: ClusterEvents;
  objects: ClusterObjects;
  resourceVersion(): number;
  /** Answers a refusal and returns true when the stand-in is told to refuse this list. */
  refused(res: http.ServerResponse, resource: string, namespace: string): boolean;
}

/** Serves the request when it is one of these lists; false leaves it to the pod routes. */
export function serveObjectList(
  r: ObjectRoutes,
  res: http.ServerResponse,
  parts: string[],
  query: Record<string, string>,
): boolean {
  const rv = r.resourceVersion();
  if (parts.join('/') === 'api/v1/events') {
    if (!r.refused(res, 'events', '')) r.events.list(res, undefined, query, rv);
    return true;
  }
  // api/v1/namespaces/{ns}/{resource} or apis/{group}/{version}/namespaces/{ns}/{resource}
  const core = parts[0] === 'api' && parts[1] === 'v1' && parts[2] === 'namespaces' && parts.length === 5;
  const grouped = parts[0] === 'apis' && parts[3] === 'namespaces' && parts.length === 6;
  if (!core && !grouped) return false;
  const namespace = core ? parts[3] : parts[4];
  const resource = parts[parts.length - 1];
  if (core && resource === 'pods') return false;
  if (query.watch === 'true' || query.watch === '1') return false;
  if (r.refused(res, resource, namespace)) return true;
  if (core && resource === 'events') r.events.list(res, namespace, query, rv);
  else if (grouped && parts[1] === 'apps' && parts[2] === 'v1' && resource === 'deployments')
    json(res, 200, r.objects.deploymentList(rv, parseSelector(query.labelSelector), namespace));
  else {
    const collection = core ? `api/v1/${resource}` : `apis/${parts[1]}/${parts[2]}/${resource}`;
    const list = r.objects.objectList(collection, namespace, rv);
    if (list) json(res, 200, list);
    else sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
  }
  return true;
}
