/**
 * Short names for the source column: `django`, `web-7f9c/app`, `app=api` (a selector; its lines carry the pod),
 * `integration › 4. Run integration tests` (a CI job's step; the run is in the viewer's title).
 */
export function sourceLabel(source: string): string {
  const parts = source.split('/');
  if (parts[0] === 'pod' && parts.length >= 4) return `${parts[2]}/${parts.slice(3).join('/')}`;
  if (parts[0] === 'selector' && parts.length >= 3) return parts.slice(2).join('/');
  if (parts[0] === 'ci' && parts.length >= 3) return parts.slice(2).join('/');
  return source;
}
