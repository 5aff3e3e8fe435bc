// GitHub's own OpenAPI description (@octokit/openapi): its path, and its examples as the stand-in's templates.
import { existsSync, readFileSync } from 'node:fs';
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

export function openApiPath(): string {
  return join(repoRoot(), 'node_modules/@octokit/openapi/generated/api.github.com.json');
}

let examples: Record<string, { value: unknown }> | undefined;

/** A deep copy of one of the description's examples (`workflow-run`, `job`, `full-repository`). */
export function example<T = Record<string, unknown>>(name: string): T {
  examples ??= (
    JSON.parse(readFileSync(openApiPath(), 'utf8')) as {
      components: { examples: Record<string, { value: unknown }> };
    }
  ).components.examples;
  const e = examples[name];
  if (!e) throw new Error(`the OpenAPI description has no example ${name}`);
  return structuredClone(e.value) as T;
}
