// The label selectors the stand-in understands when listing and watching pods.
export type Selector = (labels: Record<string, string>) => boolean;

/** Equality-based label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated. */
export function parseSelector(text: string | undefined): Selector {
  if (!text) return () => true;
  const terms = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return (labels) =>
    terms.every((t) => {
      const ne = t.match(/^([^!=]+)!=(.*)$/);
      if (ne) return labels[ne[1].trim()] !== ne[2].trim();
      const eq = t.match(/^([^!=]+)==?(.*)$/);
      if (eq) return labels[eq[1].trim()] === eq[2].trim();
      if (t.startsWith('!')) return !(t.slice(1) in labels);
      return t in labels;
    });
}
