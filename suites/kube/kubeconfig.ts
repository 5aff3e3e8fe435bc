// Kubeconfig files pointing at the stand-in, kept in one temporary folder removed on close.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class KubeconfigFiles {
  private dir: string | undefined;

  /** Writes a kubeconfig (token auth, one context) for `server`; returns its path. */
  write(id: number, server: string, token: string, namespace: string): string {
    this.dir ??= mkdtempSync(join(tmpdir(), 'cit-kube-'));
    const file = join(this.dir, `kubeconfig-${id}.yaml`);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: stand-in',
        '  cluster:',
        `    server: ${server}`,
        // client-node refuses plain http unless TLS verification is explicitly off.
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: stand-in-user',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: stand-in',
        '  context:',
        '    cluster: stand-in',
        '    user: stand-in-user',
        `    namespace: ${namespace}`,
        'current-context: stand-in',
        '',
      ].join('\n'),
    );
    return file;
  }

  remove(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
