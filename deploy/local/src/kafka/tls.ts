import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';

export interface KafkaTls {
  /** Clients trust this CA to reach the SASL_SSL listener. */
  caFile: string;
  /** Private key (PKCS#8, unencrypted) followed by the certificate: Kafka's PEM keystore. */
  keystoreFile: string;
}

/** A throw-away CA and a server certificate for 127.0.0.1/localhost, made once per cluster folder. */
export async function ensureKafkaTls(dir: string): Promise<KafkaTls> {
  const file = (name: string) => path.join(dir, name);
  const tls: KafkaTls = { caFile: file('ca.crt'), keystoreFile: file('server.pem') };
  if (existsSync(tls.keystoreFile)) return tls;
  if (!(await commandSucceeds('openssl', ['version']))) {
    throw new PrerequisiteError(
      'openssl',
      'openssl not found, needed for the SASL_SSL listener: `apt-get install -y openssl`',
    );
  }
  await mkdir(dir, { recursive: true });
  const logFile = file('openssl.log');
  const openssl = (args: string[]) => runCommand('openssl', args, { cwd: dir, logFile });
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const key = ['-newkey', 'rsa:2048', '-nodes'];
  await openssl([
    'req',
    '-x509',
    ...key,
    '-days',
    '3650',
    '-subj',
    '/CN=Tributary local CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  ]);
  await openssl(['req', ...key, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  await openssl([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    'server.ext',
    '-out',
    'server.crt',
  ]);
  const [privateKey, cert] = await Promise.all([
    readFile(file('server.key'), 'utf8'),
    readFile(file('server.crt'), 'utf8'),
  ]);
  await writeFile(tls.keystoreFile, privateKey + cert);
  return tls;
}
