/** Glob matching without dependencies: `**`, `*`, `?`, `[...]`, `{a,b}` (VS Code's include globs, pytest's fnmatch). */
export function globToRegExp(glob: string, opts: { pathAware?: boolean } = {}): RegExp {
  const pathAware = opts.pathAware ?? true;
  let re = '';
  let inBrace = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (pathAware && glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more folders.
          re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += glob[i + 2] === '/' ? 2 : 1;
          continue;
        }
      }
      re += pathAware ? '[^/]*' : '.*';
    } else if (c === '?') re += pathAware ? '[^/]' : '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{' && pathAware) {
      inBrace++;
      re += '(?:';
    } else if (c === '}' && inBrace) {
      inBrace--;
      re += ')';
    } else if (c === ',' && inBrace) re += '|';
    else re += c.replace(/[.+^$()|\\/{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** pytest's `fnmatch` of a name against one pattern (no path semantics). */
export function fnmatch(name: string, pattern: string): boolean {
  return globToRegExp(pattern, { pathAware: false }).test(name);
}
