import { loadSettings, type Settings } from '../settings.ts';
import { settleAll } from '../settle-all.ts';
import { type CrdSchemas, crdSchemas, ensureCrdSchemas } from './crd-schemas.ts';
import { ensureGoTool, type GoTool, goToolBinary } from './go-install.ts';
import { ensureKubernetesSchemas, kubernetesSchemasDir } from './kubernetes-schemas.ts';

/** The Kubernetes minor the tools are built for (the test control plane runs 1.34). */
const KUBE = { major: '1', minor: '34' } as const;

/**
 * A plain `go install` of helm reports Kubernetes 1.20 to charts (`.Capabilities.KubeVersion`) and to
 * lint's deprecation rules: stamp the version we target at link time instead.
 */
const HELM: GoTool = {
  name: 'helm',
  version: '3.19.0',
  target: 'helm.sh/helm/v3/cmd/helm@v3.19.0',
  ldflags: ['helm.sh/helm/v3/pkg/chartutil', 'helm.sh/helm/v3/pkg/lint/rules']
    .flatMap((pkg) => [`-X ${pkg}.k8sVersionMajor=${KUBE.major}`, `-X ${pkg}.k8sVersionMinor=${KUBE.minor}`])
    .join(' '),
  // helm's go.mod needs updating against the proxy's versions of its dependencies.
  env: { GOFLAGS: '-mod=mod' },
  expectedDuration: 'about 4 minutes',
};

const KUBECONFORM: GoTool = {
  name: 'kubeconform',
  version: '0.8.0',
  target: 'github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0',
  expectedDuration: 'about a minute',
};

export interface ChartTools {
  readonly helm: string;
  readonly kubeconform: string;
  /** For kubeconform's `-schema-location`; holds `v<k8s>-local-strict/`. */
  readonly schemasDir: string;
  /** KEDA's and the Prometheus Operator's CRDs and their kubeconform schemas. */
  readonly crds: CrdSchemas;
}

export function chartTools(settings: Settings = loadSettings()): ChartTools {
  return {
    helm: goToolBinary(settings, HELM),
    kubeconform: goToolBinary(settings, KUBECONFORM),
    schemasDir: kubernetesSchemasDir(settings),
    crds: crdSchemas(settings),
  };
}

/** What the chart tests need: helm, kubeconform and the Kubernetes schemas for offline validation. */
export async function ensureChartTools(settings: Settings = loadSettings()): Promise<ChartTools> {
  await settleAll<unknown>([
    ensureGoTool(settings, HELM),
    ensureGoTool(settings, KUBECONFORM),
    ensureKubernetesSchemas(settings),
    ensureCrdSchemas(settings),
  ]);
  return chartTools(settings);
}
