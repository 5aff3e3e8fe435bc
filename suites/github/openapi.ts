// GitHub's own OpenAPI description (@octokit/openapi): its path, and its examples as the stand-in's templates.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root (where node_modules is), found from wherever the bundle runs. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'node_modules/@octokit/openapi/generated/api.github.com.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no node_modules/@octokit/openapi above ${__dirname}: run npm install`);
    dir = up;
  }
}

/** GitHub's whole description, as @octokit/openapi ships it (811 paths, webhooks included). */
function fullOpenApiPath(): string {
  return join(repoRoot(), 'node_modules/@octokit/openapi/generated/api.github.com.json');
}

/** The paths the extension calls: the repository, and the Actions API under it. */
export const CALLED = (path: string) =>
  path === '/repos/{owner}/{repo}' || path.startsWith('/repos/{owner}/{repo}/actions/');

/**
 * What Prism checks against: GitHub's description cut to the paths the extension calls, each path whole,
 * with every component they reference (transitively), nothing rewritten. Prism loads it in about a second
 * instead of the 11-15 s of CPU the whole description took per start, a dozen starts per `npm test`. A call
 * outside these paths is not in the contract: Prism answers it with its no-path error, a violation.
 * Written once per @octokit/openapi version into .cache/openapi/.
 */
export function openApiPath(): string {
  const pkg = join(repoRoot(), 'node_modules/@octokit/openapi/package.json');
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  const out = join(repoRoot(), '.cache/openapi', `api.github.com-repo-actions-${version}.json`);
  if (existsSync(out)) return out;
  const full = JSON.parse(readFileSync(fullOpenApiPath(), 'utf8')) as Description;
  mkdirSync(dirname(out), { recursive: true });
  // Two tiers may cut it at once: each writes its own file and renames it into place.
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cutDescription(full, CALLED)));
  renameSync(tmp, out);
  return out;
}

interface Description {
  paths: Record<string, unknown>;
  components: Record<string, Record<string, unknown>>;
  'x-webhooks'?: unknown;
  [key: string]: unknown;
}

/** The description with only the paths `keep` accepts, and the components they reach through `$ref`. */
export function cutDescription(full: Description, keep: (path: string) => boolean): Description {
  const paths = Object.fromEntries(Object.entries(full.paths).filter(([p]) => keep(p)));
  const components: Description['components'] = {};
  const reach = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(reach);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$ref' || typeof value !== 'string') {
        reach(value);
        continue;
      }
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(value);
      if (!m) continue;
      const [, kind, name] = m;
      const target = full.components[kind]?.[name];
      if (target === undefined) throw new Error(`GitHub's description has no ${value}`);
      if (components[kind]?.[name] !== undefined) continue;
      (components[kind] ??= {})[name] = target;
      reach(target);
    }
  };
  reach(paths);
  const { 'x-webhooks': _webhooks, ...rest } = full;
  return { ...rest, paths, components };
}

let examples: Record<string, { value: unknown }> | undefined;

/** A deep copy of one of the description's examples (`workflow-run`, `job`, `full-repository`). */
export function example<T = Record<string, unknown>>(name: string): T {
  examples ??= (
    JSON.parse(readFileSync(fullOpenApiPath(), 'utf8')) as {
      components: { examples: Record<string, { value: unknown }> };
    }
  ).components.examples;
  const e = examples[name];
  if (!e) throw new Error(`the OpenAPI description has no example ${name}`);
  return structuredClone(e.value) as T;
}
