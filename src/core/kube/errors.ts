/** What went wrong talking to the cluster, in words a person can act on. */
export type KubeProblem =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'notFound'; message: string; serverMessage: string }
  | { kind: 'gone'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'other'; message: string; status?: number };

export interface KubeAction {
  /** The API verb: get, list, watch. */
  verb: string;
  /** The resource: pods, pods/log, namespaces. */
  resource: string;
  namespace: string;
  /** The kubeconfig context, named in messages about credentials. */
  context?: string;
  server?: string;
}

/** Reads the HTTP status and the Status message out of whatever the client threw (ApiException, a watch error, a FetchError). */
export function describeKubeError(err: unknown, action: KubeAction): KubeProblem {
  const e = (err ?? {}) as {
    code?: unknown;
    statusCode?: unknown;
    body?: unknown;
    message?: unknown;
    type?: unknown;
  };
  const status =
    typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const serverMessage = statusMessage(e.body);
  const what = `${action.verb} ${action.resource} in namespace "${action.namespace}"`;
  const networkCode = typeof e.code === 'string' ? e.code : networkCodeIn(String(e.message ?? ''));
  if (
    networkCode ||
    e.type === 'system' ||
    (status === 500 && !serverMessage && /Error occurred in log request/.test(String(e.message)))
  ) {
    const where = action.server ? ` at ${action.server}` : '';
    return {
      kind: 'unreachable',
      message: `Cannot reach the cluster${where}${networkCode ? ` (${networkCode})` : ''}. Is it running (for minikube: \`minikube status\`)? Retrying with backoff.`,
    };
  }
  switch (status) {
    case 401:
      return {
        kind: 'unauthorized',
        message: `The cluster rejected the credentials of context "${action.context ?? 'current'}" (401 Unauthorized) when trying to ${what}. Refresh the credentials in your kubeconfig (minikube: \`minikube update-context\`) or choose another context in the setting codespaceTests.kube.context.`,
      };
    case 403:
      return {
        kind: 'forbidden',
        message: `Not allowed to ${what} (403 Forbidden)${serverMessage ? `: ${serverMessage}` : ''}. Ask for access (RBAC: verb "${action.verb}" on "${action.resource}") or change codespaceTests.kube.namespaces.`,
      };
    case 404:
      return { kind: 'notFound', message: serverMessage || `Not found: ${what} (404).`, serverMessage };
    case 410:
      return { kind: 'gone', message: serverMessage || 'The watch expired (410 Gone); listing again.' };
    default:
      return {
        kind: 'other',
        status,
        message: `Could not ${what}${status ? ` (HTTP ${status})` : ''}: ${serverMessage || firstLine(e.message ?? err)}`,
      };
  }
}

/** The `message` of a Kubernetes Status body, given as an object or as JSON text. */
function statusMessage(body: unknown): string {
  if (!body) return '';
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return '';
    }
  }
  const m = (body as { message?: unknown }).message;
  return typeof m === 'string' ? m : '';
}

function networkCodeIn(message: string): string | undefined {
  return message.match(
    /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EPIPE)\b/,
  )?.[1];
}

/** ApiException messages span lines ("HTTP-Code: …\nMessage: …\nBody: …"); keep the part a person reads. */
function firstLine(message: unknown): string {
  const text = String(message);
  return text.match(/^Message: (.*)$/m)?.[1] ?? text.split('\n')[0];
}

/**
 * Whether two problem messages tell of the same problem, for logging it once: one outage can show as
 * ECONNRESET on the first attempt and ECONNREFUSED on the next, so the network code is left out.
 */
export function sameProblem(a: string, b: string): boolean {
  const key = (m: string) => m.replace(/ \([A-Z][A-Z0-9_]*\)\./, '.');
  return key(a) === key(b);
}
