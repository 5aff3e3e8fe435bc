import { Observable, type ObservableMiddleware } from '@kubernetes/client-node';

/** The options every generated-API call takes: extra middleware appended to the client's own. */
export interface RequestOptions {
  middleware: ObservableMiddleware[];
  middlewareMergeStrategy: 'append';
}

/**
 * Options that make a client-node call abort with `signal` (a down cluster must not hold a socket open)
 * and add `query` parameters the generated API does not know (the log API's `sinceTime`); `rewriteUrl`
 * points a generic call elsewhere (the custom-object API at the core group's `/api/v1`).
 */
export function requestOptions(
  signal: AbortSignal,
  query: Record<string, string> = {},
  rewriteUrl?: (url: string) => string,
): RequestOptions {
  return {
    middleware: [
      {
        pre: (request) => {
          request.setSignal(signal);
          if (rewriteUrl) request.setUrl(rewriteUrl(request.getUrl()));
          for (const [name, value] of Object.entries(query)) request.setQueryParam(name, value);
          return new Observable(Promise.resolve(request));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
