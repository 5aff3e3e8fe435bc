/** Shared by the kube unit tests: a stand-in cluster and a client config for it. */
import { KubeConfig } from '@kubernetes/client-node';
import { FakeKubeApi } from '../../kube/fakeApiServer';
import type { LogLine } from '../../../src/core/logs/logStore';
import type { Logger } from '../../../src/core/logger';

export async function standIn(): Promise<{ api: FakeKubeApi; kc: KubeConfig }> {
  const api = await FakeKubeApi.start();
  const kc = new KubeConfig();
  kc.loadFromFile(api.writeKubeconfig());
  return { api, kc };
}

/** A logger that remembers its lines, so a test can count warnings (no error storm). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: unknown) =>
    void lines.push(`${level} ${m instanceof Error ? m.message : String(m)}`);
  return {
    lines,
    trace: push('trace'),
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
  };
}

export function texts(lines: readonly LogLine[]): string[] {
  return lines.map((l) => l.text);
}

export function numbered(prefix: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix} ${i}`);
  return out;
}
