import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../process/run-command.ts';

/** The files a single-user control plane on loopback needs, all signed by one throw-away CA. */
export interface KubeCertificates {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** `O=system:masters`: the admin bypasses RBAC, as a cluster-admin kubeconfig would. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** Signs and verifies service-account tokens. */
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
}

/**
 * The names the apiserver answers to: loopback for us, and the in-cluster names and the first
 * service IP (10.96.0.1 of 10.96.0.0/12) that a client inside the cluster would use.
 */
const SERVER_NAMES = [
  'IP:127.0.0.1',
  'DNS:localhost',
  'IP:10.96.0.1',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

/** Creates the certificates with openssl in `dir`; its output goes to `logFile`. */
export async function createKubeCertificates(dir: string, logFile: string): Promise<KubeCertificates> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => runCommand('openssl', args, { logFile });
  const certs: KubeCertificates = {
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    serverCert: file('apiserver.crt'),
    serverKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    serviceAccountKey: file('service-account.key'),
    serviceAccountPublicKey: file('service-account.pub'),
  };

  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    certs.caKey,
    '-out',
    certs.caCert,
    '-days',
    '3650',
    '-subj',
    '/CN=tributary-local-kubernetes-ca',
  );
  const signed = async (name: string, subject: string, extensions: string[], cert: string, key: string) => {
    const request = file(`${name}.csr`);
    const extensionFile = file(`${name}.ext`);
    await writeFile(extensionFile, `${extensions.join('\n')}\n`);
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', request, '-subj', subject);
    await openssl(
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      certs.caCert,
      '-CAkey',
      certs.caKey,
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '3650',
      '-extfile',
      extensionFile,
    );
  };
  await signed(
    'apiserver',
    '/CN=kube-apiserver',
    [
      `subjectAltName=${SERVER_NAMES.join(',')}`,
      'extendedKeyUsage=serverAuth',
      'keyUsage=digitalSignature,keyEncipherment',
    ],
    certs.serverCert,
    certs.serverKey,
  );
  await signed(
    'admin',
    '/O=system:masters/CN=tributary-admin',
    ['extendedKeyUsage=clientAuth', 'keyUsage=digitalSignature,keyEncipherment'],
    certs.adminCert,
    certs.adminKey,
  );
  await openssl('genrsa', '-out', certs.serviceAccountKey, '2048');
  await openssl('rsa', '-in', certs.serviceAccountKey, '-pubout', '-out', certs.serviceAccountPublicKey);
  return certs;
}
