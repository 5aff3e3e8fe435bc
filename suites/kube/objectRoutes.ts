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
  addDeployment(namespace: string, name: string, labels: Record<string, string>): void;
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

/**
 * POST apis/apps/v1/namespaces/{ns}/deployments (a Deployment's JSON: metadata.name and labels are kept)
 * and DELETE …/deployments/{name}: what a test under pytest does to leave a Deployment or clean it up.
 */
export function serveDeploymentWrite(
  r: ObjectRoutes,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  parts: string[],
): boolean {
  if (req.method !== 'POST' && req.method !== 'DELETE') return false;
  const path = parts.join('/');
  const m = /^apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(path);
  if (!m) {
    sendStatus(res, 405, 'MethodNotAllowed', `the stand-in does not ${req.method} ${path}`);
    return true;
  }
  const [, namespace, name] = m;
  const key = `${namespace}/${name}`;
  if (req.method === 'DELETE') {
    if (!name || !r.objects.deployments.delete(key))
      sendStatus(res, 404, 'NotFound', `deployments.apps "${name}" not found`);
    else json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    return true;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: { metadata?: { name?: string; labels?: Record<string, string> } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return sendStatus(res, 400, 'BadRequest', 'the body is not JSON');
    }
    const created = body.metadata?.name;
    if (name || !created) return sendStatus(res, 422, 'Invalid', 'metadata.name: Required value');
    if (r.objects.deployments.has(`${namespace}/${created}`))
      return sendStatus(res, 409, 'AlreadyExists', `deployments.apps "${created}" already exists`);
    r.addDeployment(namespace, created, body.metadata?.labels ?? {});
    json(res, 201, body);
  });
  return true;
}
