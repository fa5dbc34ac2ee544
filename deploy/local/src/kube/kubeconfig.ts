import { readFile, writeFile } from 'node:fs/promises';
import type { KubeCertificates } from './certificates.ts';

const CONTEXT = 'tributary-local';

/**
 * An admin kubeconfig with the certificates embedded, so that it works from any folder. Written as
 * JSON, which is valid YAML: kubectl, helm and @kubernetes/client-node all read it.
 */
export async function writeAdminKubeconfig(
  file: string,
  server: string,
  certs: KubeCertificates,
): Promise<void> {
  const base64 = async (path: string) => (await readFile(path)).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: CONTEXT, cluster: { server, 'certificate-authority-data': await base64(certs.caCert) } },
    ],
    users: [
      {
        name: 'tributary-admin',
        user: {
          'client-certificate-data': await base64(certs.adminCert),
          'client-key-data': await base64(certs.adminKey),
        },
      },
    ],
    contexts: [
      { name: CONTEXT, context: { cluster: CONTEXT, user: 'tributary-admin', namespace: 'default' } },
    ],
    'current-context': CONTEXT,
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
