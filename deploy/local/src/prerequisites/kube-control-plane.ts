import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import { type Settings, VERSIONS } from '../settings.ts';

/** The control-plane programs, built from k8s.io/kubernetes; no kubelet: this machine runs no nodes. */
export interface KubeBinaries {
  readonly apiserver: string;
  readonly controllerManager: string;
  readonly scheduler: string;
  /** Debian's etcd-server (an apt prerequisite). */
  readonly etcd: string;
}

const COMMANDS = {
  apiserver: 'kube-apiserver',
  controllerManager: 'kube-controller-manager',
  scheduler: 'kube-scheduler',
} as const;

/**
 * k8s.io/kubernetes replaces these staging modules with local folders in its own go.mod, which a
 * module that requires it does not inherit: each must be pinned to the matching v0 release.
 */
const STAGING_MODULES = [
  'api',
  'apiextensions-apiserver',
  'apimachinery',
  'apiserver',
  'cli-runtime',
  'client-go',
  'cloud-provider',
  'cluster-bootstrap',
  'code-generator',
  'component-base',
  'component-helpers',
  'controller-manager',
  'cri-api',
  'cri-client',
  'csi-translation-lib',
  'dynamic-resource-allocation',
  'endpointslice',
  'externaljwt',
  'kms',
  'kube-aggregator',
  'kube-controller-manager',
  'kube-proxy',
  'kube-scheduler',
  'kubectl',
  'kubelet',
  'metrics',
  'mount-utils',
  'pod-security-admission',
  'sample-apiserver',
] as const;

function kubeDir(settings: Settings): string {
  return path.join(settings.cacheDir, `kube-${VERSIONS.kubernetes}`);
}

export function kubeBinaries(settings: Settings): KubeBinaries {
  const bin = path.join(kubeDir(settings), 'bin');
  return {
    apiserver: path.join(bin, COMMANDS.apiserver),
    controllerManager: path.join(bin, COMMANDS.controllerManager),
    scheduler: path.join(bin, COMMANDS.scheduler),
    etcd: '/usr/bin/etcd',
  };
}

function wrapperGoMod(): string {
  const staging = VERSIONS.kubernetes.replace(/^1\./, '0.');
  return [
    'module tributary.local/kube-control-plane',
    '',
    'go 1.24',
    '',
    `require k8s.io/kubernetes v${VERSIONS.kubernetes}`,
    '',
    'replace (',
    ...STAGING_MODULES.map((name) => `\tk8s.io/${name} => k8s.io/${name} v${staging}`),
    ')',
    '',
  ].join('\n');
}

/** Without these the binaries report v0.0.0 and version-gated clients (helm, kubectl) misjudge them. */
function versionLdflags(): string {
  const [major, minor] = VERSIONS.kubernetes.split('.');
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
    .flatMap((pkg) => [
      `-X ${pkg}.gitVersion=v${VERSIONS.kubernetes}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ])
    .join(' ');
}

/**
 * kube-apiserver, kube-controller-manager and kube-scheduler built from the Go module proxy through
 * a wrapper module (the k8s.io/kubernetes module cannot be `go install`ed). About 11 minutes on 2
 * idle cores the first time; the Go build cache makes a rebuild a relink.
 */
export async function ensureKubeControlPlane(settings: Settings): Promise<KubeBinaries> {
  const binaries = kubeBinaries(settings);
  const programs = [binaries.apiserver, binaries.controllerManager, binaries.scheduler];
  if (programs.every((program) => existsSync(program))) {
    progress('kubernetes control plane', `${VERSIONS.kubernetes} cached`);
    return binaries;
  }
  if (!(await commandSucceeds('go', ['version']))) {
    throw new PrerequisiteError(
      'go',
      'Go (go) not found, needed to build the Kubernetes control plane: install Go 1.24+ and put it on PATH',
    );
  }
  const srcDir = path.join(kubeDir(settings), 'src');
  await mkdir(srcDir, { recursive: true });
  await writeFile(path.join(srcDir, 'go.mod'), wrapperGoMod());
  const goDir = path.join(settings.cacheDir, 'go');
  const logFile = path.join(settings.cacheDir, 'logs', 'kube-control-plane-build.log');
  const startedAt = performance.now();
  progress(
    'kubernetes control plane',
    `building kube-apiserver, kube-controller-manager and kube-scheduler ${VERSIONS.kubernetes} with go build, about 11 minutes on 2 idle cores the first time (log: ${logFile})`,
  );
  const ticker = setInterval(
    () => progress('kubernetes control plane', `still building (${elapsed(startedAt)})`),
    60_000,
  );
  try {
    // flock: concurrent first runs (two test files, two commands) wait for one build instead of
    // racing several; the later ones then find every package in the Go build cache and only relink.
    await runCommand(
      'flock',
      [
        path.join(kubeDir(settings), '.build.lock'),
        'go',
        'build',
        '-trimpath',
        '-ldflags',
        `-s -w ${versionLdflags()}`,
        '-o',
        `${path.dirname(binaries.apiserver)}/`,
        ...Object.values(COMMANDS).map((command) => `k8s.io/kubernetes/cmd/${command}`),
      ],
      {
        cwd: srcDir,
        logFile,
        env: {
          ...process.env,
          CGO_ENABLED: '0',
          GOFLAGS: '-mod=mod',
          GOTOOLCHAIN: 'local',
          GOPATH: goDir,
          GOMODCACHE: path.join(goDir, 'mod'),
          GOCACHE: path.join(goDir, 'build'),
        },
      },
    );
  } catch (error) {
    throw new PrerequisiteError(
      `kubernetes ${VERSIONS.kubernetes}`,
      'could not build the Kubernetes control plane with go build',
      { cause: error },
    );
  } finally {
    clearInterval(ticker);
  }
  progress('kubernetes control plane', `built in ${elapsed(startedAt)}`);
  return binaries;
}
