/** Short names for the source column: `django`, `web-7f9c/app`, `app=api` (a selector; its lines carry the pod). */
export function sourceLabel(source: string): string {
  const parts = source.split('/');
  if (parts[0] === 'pod' && parts.length >= 4) return `${parts[2]}/${parts.slice(3).join('/')}`;
  if (parts[0] === 'selector' && parts.length >= 3) return parts.slice(2).join('/');
  return source;
}
