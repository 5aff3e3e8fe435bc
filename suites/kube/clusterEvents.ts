// core/v1 Events of the stand-in: listed per namespace or cluster-wide with the API server's field
// selectors (only the fields it supports for events) and limit/continue paging in key order.
import type * as http from 'node:http';
import { rfc3339Seconds } from './podModel';
import { json, sendStatus } from './responses';

export interface FakeEvent {
  namespace: string;
  name: string;
  involved: { kind: string; name: string; namespace?: string; uid?: string };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** Epoch ms of the first and last occurrence; `count` occurrences in between. */
  first: number;
  last: number;
  count: number;
  /** 'events/v1': written by a newer component (scheduler): eventTime set, first/lastTimestamp null. */
  style?: 'legacy' | 'events/v1';
  component?: string;
}

/** The fields the API server lets a field selector name for core/v1 events (ToSelectableFields). */
const SELECTABLE = new Set([
  'metadata.name',
  'metadata.namespace',
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
]);

export class ClusterEvents {
  /** Each event with its selectable fields, worked out once: the bench lists 10,000 events many times. */
  private readonly byKey = new Map<string, { event: FakeEvent; fields: Record<string, string> }>();
  private sorted: [string, { event: FakeEvent; fields: Record<string, string> }][] | undefined;
  private counter = 0;

  add(e: Omit<FakeEvent, 'name'> & { name?: string }): void {
    // Like the event recorder: `<object>.<hex nanoseconds>`.
    const name =
      e.name ?? `${e.involved.name}.${(BigInt(e.first) * 1_000_000n + BigInt(this.counter++)).toString(16)}`;
    const event = { ...e, name };
    this.byKey.set(`${e.namespace}/${name}`, { event, fields: fieldsOf(event) });
    this.sorted = undefined;
  }

  get size(): number {
    return this.byKey.size;
  }

  list(
    res: http.ServerResponse,
    namespace: string | undefined,
    query: Record<string, string>,
    rv: number,
  ): void {
    const selector = parseFieldSelector(query.fieldSelector);
    if (selector.kind === 'bad') return sendStatus(res, 400, 'BadRequest', selector.message);
    this.sorted ??= [...this.byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const start = query.continue ? decodeContinue(query.continue) : '';
    if (start === undefined) return sendStatus(res, 400, 'BadRequest', 'continue key is not valid');
    const limit = query.limit ? Number(query.limit) : Infinity;
    const items: object[] = [];
    let next: string | undefined;
    let remaining = 0;
    for (const [key, { event: e, fields }] of this.sorted) {
      if (key < start) continue;
      if (namespace !== undefined && e.namespace !== namespace) continue;
      if (!selector.matches(fields)) continue;
      if (items.length < limit) items.push(eventJson(e, rv));
      else {
        next ??= key;
        remaining++;
      }
    }
    json(res, 200, {
      kind: 'EventList',
      apiVersion: 'v1',
      metadata: {
        resourceVersion: String(rv),
        ...(next ? { continue: encodeContinue(next), remainingItemCount: remaining } : {}),
      },
      items,
    });
  }
}

type FieldSelector =
  { kind: 'ok'; matches(fields: Record<string, string>): boolean } | { kind: 'bad'; message: string };

function parseFieldSelector(text: string | undefined): FieldSelector {
  const terms: { field: string; op: string; value: string }[] = [];
  for (const t of (text ?? '').split(',').filter((x) => x.trim())) {
    const m = t.trim().match(/^([^!=]+?)\s*(!=|==|=)\s*(.*)$/);
    if (!m) return { kind: 'bad', message: `invalid field selector: ${t}` };
    if (!SELECTABLE.has(m[1])) return { kind: 'bad', message: `field label not supported: ${m[1]}` };
    terms.push({ field: m[1], op: m[2], value: m[3] });
  }
  return {
    kind: 'ok',
    matches: (f) => terms.every((t) => (t.op === '!=' ? f[t.field] !== t.value : f[t.field] === t.value)),
  };
}

function fieldsOf(e: FakeEvent): Record<string, string> {
  return {
    'metadata.name': e.name,
    'metadata.namespace': e.namespace,
    'involvedObject.kind': e.involved.kind,
    'involvedObject.namespace': e.involved.namespace ?? e.namespace,
    'involvedObject.name': e.involved.name,
    'involvedObject.uid': e.involved.uid ?? '',
    'involvedObject.apiVersion': 'v1',
    'involvedObject.resourceVersion': '',
    'involvedObject.fieldPath': '',
    reason: e.reason,
    reportingComponent: e.style === 'events/v1' ? (e.component ?? '') : '',
    source: e.style === 'events/v1' ? '' : (e.component ?? 'kubelet'),
    type: e.type,
  };
}

function eventJson(e: FakeEvent, rv: number): object {
  const v1 = e.style === 'events/v1';
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: {
      name: e.name,
      namespace: e.namespace,
      uid: `uid-event-${e.name}`,
      resourceVersion: String(rv),
      creationTimestamp: rfc3339Seconds(e.first),
    },
    involvedObject: {
      kind: e.involved.kind,
      namespace: e.involved.namespace ?? e.namespace,
      name: e.involved.name,
      uid: e.involved.uid ?? '',
      apiVersion: 'v1',
    },
    reason: e.reason,
    message: e.message,
    source: v1 ? {} : { component: e.component ?? 'kubelet', host: 'minikube' },
    firstTimestamp: v1 ? null : rfc3339Seconds(e.first),
    lastTimestamp: v1 ? null : rfc3339Seconds(e.last),
    count: v1 ? undefined : e.count,
    type: e.type,
    // MicroTime: RFC3339 with microseconds.
    eventTime: v1 ? new Date(e.last).toISOString().replace('Z', '000Z') : null,
    reportingComponent: v1 ? (e.component ?? '') : '',
    reportingInstance: '',
  };
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: key })).toString('base64');
}

function decodeContinue(token: string): string | undefined {
  try {
    const start = (JSON.parse(Buffer.from(token, 'base64').toString()) as { start?: unknown }).start;
    return typeof start === 'string' ? start : undefined;
  } catch {
    return undefined;
  }
}
