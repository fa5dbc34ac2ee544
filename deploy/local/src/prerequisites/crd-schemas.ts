import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import type { Settings } from '../settings.ts';

/**
 * The CustomResourceDefinitions the chart renders when their APIs exist (KEDA, the Prometheus
 * Operator), taken from the projects' Go modules: the module proxy is reachable, their sites are not.
 */
const CRD_SOURCES = [
  {
    module: 'github.com/kedacore/keda/v2',
    version: 'v2.18.0',
    files: [
      'config/crd/bases/keda.sh_scaledobjects.yaml',
      'config/crd/bases/keda.sh_triggerauthentications.yaml',
    ],
  },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    files: [
      'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
    ],
  },
] as const;

export interface CrdSchemas {
  /** The CRD manifests, to install into an API server. */
  readonly crdFiles: readonly string[];
  /** For kubeconform: `<dir>/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`. */
  readonly schemasDir: string;
}

export function crdSchemas(settings: Settings): CrdSchemas {
  const dir = path.join(settings.cacheDir, 'chart-crds');
  return {
    crdFiles: CRD_SOURCES.flatMap((source) =>
      source.files.map((file) => path.join(dir, 'crds', path.basename(file))),
    ),
    schemasDir: path.join(dir, 'schemas'),
  };
}

type JsonSchema = { [key: string]: unknown };

/**
 * An OpenAPI v3 schema of a CRD as strict JSON Schema, as kubeconform's openapi2jsonschema does:
 * objects with declared properties refuse unknown ones unless the CRD preserves unknown fields.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value !== null && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [
          name,
          strictSchema(child),
        ]),
      );
    } else if (
      (key === 'items' || key === 'additionalProperties') &&
      value !== null &&
      typeof value === 'object'
    ) {
      out[key] = strictSchema(value as JsonSchema);
    } else if (!key.startsWith('x-kubernetes-')) {
      out[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (
    out.properties !== undefined &&
    out.additionalProperties === undefined &&
    schema['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema?: JsonSchema } }[];
  };
}

async function writeKubeconformSchemas(crdFile: string, schemasDir: string): Promise<void> {
  const crd = parse(await readFile(crdFile, 'utf8')) as Crd;
  const { group, names, versions } = crd.spec;
  await mkdir(path.join(schemasDir, group), { recursive: true });
  for (const version of versions) {
    const openApi = version.schema?.openAPIV3Schema;
    if (openApi === undefined) continue;
    const file = path.join(schemasDir, group, `${names.kind.toLowerCase()}_${version.name}.json`);
    await writeFile(file, JSON.stringify(strictSchema(openApi)));
  }
}

/** Downloads the two modules (once, into the shared Go module cache) and converts their CRDs. */
export async function ensureCrdSchemas(settings: Settings): Promise<CrdSchemas> {
  const result = crdSchemas(settings);
  const stamp = path.join(result.schemasDir, '.complete');
  if (existsSync(stamp)) {
    progress('crd schemas', 'cached');
    return result;
  }
  if (!(await commandSucceeds('go', ['version']))) {
    throw new PrerequisiteError(
      'go',
      'Go (go) not found, needed to fetch the KEDA and Prometheus Operator CRDs',
    );
  }
  const goDir = path.join(settings.cacheDir, 'go');
  const logFile = path.join(settings.cacheDir, 'logs', 'crd-schemas.log');
  const startedAt = performance.now();
  progress(
    'crd schemas',
    `fetching the KEDA and Prometheus Operator CRDs from the Go module proxy (log: ${logFile})`,
  );
  try {
    await rm(path.dirname(result.schemasDir), { recursive: true, force: true });
    await mkdir(path.dirname(result.crdFiles[0] ?? result.schemasDir), { recursive: true });
    for (const source of CRD_SOURCES) {
      await runCommand('go', ['mod', 'download', `${source.module}@${source.version}`], {
        logFile,
        env: { ...process.env, GOPATH: goDir, GOMODCACHE: path.join(goDir, 'mod') },
      });
      // The module cache escapes upper-case letters as !x; these module paths have none.
      const moduleDir = path.join(goDir, 'mod', `${source.module}@${source.version}`);
      for (const file of source.files) {
        const target = path.join(path.dirname(result.crdFiles[0] ?? ''), path.basename(file));
        await copyFile(path.join(moduleDir, file), target);
        await writeKubeconformSchemas(target, result.schemasDir);
      }
    }
    await writeFile(
      stamp,
      `${CRD_SOURCES.map((source) => `${source.module}@${source.version}`).join('\n')}\n`,
    );
  } catch (error) {
    throw new PrerequisiteError('crd schemas', 'could not fetch the KEDA and Prometheus Operator CRDs', {
      cause: error,
    });
  }
  progress('crd schemas', `ready in ${elapsed(startedAt)}`);
  return result;
}
