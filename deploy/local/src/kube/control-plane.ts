import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ComponentStartError } from '../errors.ts';
import { ensureKubeControlPlane, type KubeBinaries } from '../prerequisites/kube-control-plane.ts';
import { ManagedProcess } from '../process/managed-process.ts';
import { findFreePortBlock } from '../process/ports.ts';
import { elapsed, progress } from '../progress.ts';
import { loadSettings } from '../settings.ts';
import { createKubeCertificates, type KubeCertificates } from './certificates.ts';
import { type ControlPlaneEndpoints, removeEndpoints, writeEndpoints } from './control-plane-endpoints.ts';
import { writeAdminKubeconfig } from './kubeconfig.ts';
import { programAnswers } from './program-health.ts';

export interface KubeControlPlaneOptions {
  /** Certificates, etcd data, the kubeconfig and one log per program go here; the caller removes it. */
  readonly dir: string;
  /** Without the scheduler pods are not even marked unschedulable; on by default. */
  readonly scheduler?: boolean;
}

/** A running control plane: the Kubernetes API with its controllers, but no nodes to run pods. */
export interface KubeControlPlane {
  /** Admin kubeconfig (`O=system:masters`) for kubectl, helm and @kubernetes/client-node. */
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** The CA that signed the apiserver's certificate. */
  readonly caFile: string;
  /** Where each program logs: `<dir>/<program>/log`. */
  readonly logFiles: Readonly<Record<string, string>>;
  /** Stops the programs (controllers, apiserver, then etcd); the folder stays. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * etcd, kube-apiserver, kube-controller-manager and kube-scheduler on free loopback ports, each a
 * process of its own, started in that order and each ready-checked before the next. Deployments
 * become ReplicaSets and Pods, which stay Pending: there is no kubelet.
 */
export async function startKubeControlPlane(options: KubeControlPlaneOptions): Promise<KubeControlPlane> {
  const settings = loadSettings();
  const binaries = await ensureKubeControlPlane(settings);
  const startedAt = performance.now();
  const dir = path.resolve(options.dir);
  const certDir = path.join(dir, 'pki');
  await mkdir(certDir, { recursive: true });
  const certs = await createKubeCertificates(certDir, path.join(dir, 'openssl.log'));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts(dir, binaries, certs, options, startedAt);
    } catch (error) {
      // The ports were free when picked, but the range overlaps Linux's ephemeral ports, so an
      // outgoing connection (this control plane's own, or a neighbour's) can take one first.
      const portTaken =
        error instanceof ComponentStartError && error.message.includes('address already in use');
      if (!portTaken || attempt >= PORT_ATTEMPTS) throw error;
      progress(
        'kubernetes control plane',
        `a port was taken meanwhile; starting again on others (${error.component})`,
      );
      await rm(path.join(dir, 'etcd', 'data'), { recursive: true, force: true });
    }
  }
}

const PORT_ATTEMPTS = 3;

async function startOnFreePorts(
  dir: string,
  binaries: KubeBinaries,
  certs: KubeCertificates,
  options: KubeControlPlaneOptions,
  startedAt: number,
): Promise<KubeControlPlane> {
  const base = await findFreePortBlock(5);
  const ports = {
    etcdClient: base,
    etcdPeer: base + 1,
    apiserver: base + 2,
    controllerManager: base + 3,
    scheduler: base + 4,
  };
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigPath = path.join(dir, 'admin.kubeconfig');
  await writeAdminKubeconfig(kubeconfigPath, server, certs);
  const ca = await readFile(certs.caCert);

  const program = (name: string, command: string, args: string[]) =>
    new ManagedProcess({
      name,
      command,
      args,
      dir: path.join(dir, name),
      stopSignal: 'SIGTERM',
      stopTimeoutMs: STOP_TIMEOUT_MS,
    });
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const etcd = program('etcd', binaries.etcd, [
    '--name=tributary',
    `--data-dir=${path.join(dir, 'etcd', 'data')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=tributary=${peerUrl}`,
    '--log-level=warn',
  ]);
  const apiserver = program('kube-apiserver', binaries.apiserver, [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--tls-cert-file=${certs.serverCert}`,
    `--tls-private-key-file=${certs.serverKey}`,
    `--client-ca-file=${certs.caCert}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${certs.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${certs.serviceAccountKey}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.96.0.0/12',
    '--allow-privileged=true',
    // The default reconciler refuses a loopback advertise address and retries forever.
    '--endpoint-reconciler-type=none',
    `--cert-dir=${path.join(dir, 'kube-apiserver', 'certs')}`,
    '--profiling=false',
    '--v=1',
  ]);
  const controllerFlags = (name: string, port: number) => [
    `--kubeconfig=${kubeconfigPath}`,
    `--authentication-kubeconfig=${kubeconfigPath}`,
    `--authorization-kubeconfig=${kubeconfigPath}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${path.join(dir, name, 'certs')}`,
    // One instance: waiting for a lease would only delay start-up.
    '--leader-elect=false',
    '--profiling=false',
    '--v=1',
  ];
  const controllerManager = program('kube-controller-manager', binaries.controllerManager, [
    ...controllerFlags('kube-controller-manager', ports.controllerManager),
    `--service-account-private-key-file=${certs.serviceAccountKey}`,
    `--root-ca-file=${certs.caCert}`,
    `--cluster-signing-cert-file=${certs.caCert}`,
    `--cluster-signing-key-file=${certs.caKey}`,
    '--use-service-account-credentials=false',
  ]);
  const scheduler = program(
    'kube-scheduler',
    binaries.scheduler,
    controllerFlags('kube-scheduler', ports.scheduler),
  );

  const steps: { process: ManagedProcess; healthUrl: string }[] = [
    { process: etcd, healthUrl: `${etcdUrl}/health` },
    { process: apiserver, healthUrl: `${server}/readyz` },
    { process: controllerManager, healthUrl: `https://127.0.0.1:${ports.controllerManager}/healthz` },
  ];
  if (options.scheduler ?? true) {
    steps.push({ process: scheduler, healthUrl: `https://127.0.0.1:${ports.scheduler}/healthz` });
  }
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const process of started.reverse()) await process.stop();
    started.length = 0;
    await removeEndpoints(dir);
  };
  try {
    for (const step of steps) {
      const pid = await step.process.start();
      started.push(step.process);
      await step.process.waitUntilHealthy(pid, () => programAnswers(step.healthUrl, ca), START_TIMEOUT_MS);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoints: ControlPlaneEndpoints = {
    server,
    kubeconfigPath,
    caFile: certs.caCert,
    health: Object.fromEntries(steps.map((step) => [step.process.name, step.healthUrl])),
  };
  await writeEndpoints(dir, endpoints);
  progress(
    'kubernetes control plane',
    `up at ${server} in ${elapsed(startedAt)} (kubeconfig ${kubeconfigPath})`,
  );
  return {
    kubeconfigPath,
    server,
    caFile: certs.caCert,
    logFiles: Object.fromEntries(steps.map((step) => [step.process.name, step.process.logFile])),
    stop,
  };
}
