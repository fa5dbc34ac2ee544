import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import type { Settings } from '../settings.ts';

/** The PyPI wheel that ships Kubernetes' JSON schemas, one folder per release. */
const WHEEL = { name: 'kubernetes-validate', version: '1.37.0' } as const;
/** The Kubernetes release the chart is validated against (the control plane of the tests runs 1.34.4). */
export const KUBERNETES_SCHEMA_VERSION = '1.34.0';

/** Folder with `{{ .NormalizedKubernetesVersion }}-local-strict/<kind>-<group>-<version>.json` inside. */
export function kubernetesSchemasDir(settings: Settings): string {
  return path.join(settings.cacheDir, `${WHEEL.name}-${WHEEL.version}`, 'schemas');
}

const FOLDER = `v${KUBERNETES_SCHEMA_VERSION}-local-strict`;
const MEMBER_PREFIX = `kubernetes_validate/kubernetes-json-schema/${FOLDER}/`;

/**
 * The schemas carry `$id` and absolute `$ref: "/api/_definitions.json#…"`, which a validator reading
 * files resolves against the `$id` host (unreachable here): drop `$id`, make the refs file-relative.
 */
export function localizeSchema(text: string): string {
  const schema = JSON.parse(text.replaceAll('"/api/_definitions.json#', '"_definitions.json#')) as Record<
    string,
    unknown
  >;
  delete schema.$id;
  return JSON.stringify(schema);
}

/** Downloads the wheel with pip, extracts one release's strict schemas and rewrites them once. */
export async function ensureKubernetesSchemas(settings: Settings): Promise<string> {
  const dir = kubernetesSchemasDir(settings);
  const target = path.join(dir, FOLDER);
  const stamp = path.join(target, '.complete');
  if (existsSync(stamp)) {
    progress('kubernetes schemas', `${KUBERNETES_SCHEMA_VERSION} cached`);
    return dir;
  }
  for (const [command, hint] of [
    ['python3', 'install Python 3 (`apt-get install -y python3`)'],
    ['pip3', 'install pip (`apt-get install -y python3-pip`)'],
  ] as const) {
    if (!(await commandSucceeds(command, ['--version']))) {
      throw new PrerequisiteError(
        command,
        `${command} not found, needed to fetch the Kubernetes schemas: ${hint}`,
      );
    }
  }
  const logFile = path.join(settings.cacheDir, 'logs', 'kubernetes-schemas.log');
  const startedAt = performance.now();
  progress(
    'kubernetes schemas',
    `fetching ${WHEEL.name} ${WHEEL.version} from PyPI for the ${KUBERNETES_SCHEMA_VERSION} schemas (log: ${logFile})`,
  );
  const download = path.dirname(dir);
  await mkdir(download, { recursive: true });
  const unpacked = await mkdtemp(path.join(download, 'unpack-'));
  try {
    const wheel = path.join(download, `${WHEEL.name.replaceAll('-', '_')}-${WHEEL.version}-py3-none-any.whl`);
    if (!existsSync(wheel)) {
      await runCommand(
        'pip3',
        ['download', '--no-deps', '--only-binary=:all:', `${WHEEL.name}==${WHEEL.version}`, '-d', download],
        { logFile },
      );
    }
    const extract = `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2], [m for m in z.namelist() if m.startswith(sys.argv[3]) and m.endswith('.json')])`;
    await runCommand('python3', ['-c', extract, wheel, unpacked, MEMBER_PREFIX], { logFile });
    const source = path.join(unpacked, MEMBER_PREFIX);
    await rm(target, { recursive: true, force: true });
    await mkdir(target, { recursive: true });
    const files = await readdir(source);
    for (const file of files) {
      await writeFile(
        path.join(target, file),
        localizeSchema(await readFile(path.join(source, file), 'utf8')),
      );
    }
    await writeFile(stamp, `${files.length} schemas from ${WHEEL.name} ${WHEEL.version}\n`);
  } catch (error) {
    throw new PrerequisiteError(
      `${WHEEL.name} ${WHEEL.version}`,
      'could not fetch the Kubernetes JSON schemas',
      {
        cause: error,
      },
    );
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
  progress('kubernetes schemas', `ready in ${elapsed(startedAt)}`);
  return dir;
}
