import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PrerequisiteError } from '../errors.ts';
import { commandSucceeds, runCommand } from '../process/run-command.ts';
import { elapsed, progress } from '../progress.ts';
import { type Settings, VERSIONS } from '../settings.ts';

/** What it takes to run a Kafka class: the jar folder and the log4j2 configuration. */
export interface KafkaRuntime {
  libsDir: string;
  log4jConfig: string;
}

/**
 * Kafka's jars resolved from Maven Central through deploy/local/kafka/pom.xml. A stamp holding the
 * pom's hash marks a complete copy, so an interrupted or outdated one is redone.
 */
export function kafkaRuntime(settings: Settings): KafkaRuntime {
  return {
    libsDir: path.join(settings.cacheDir, `kafka-${VERSIONS.kafka}`, 'libs'),
    log4jConfig: path.join(settings.repoRoot, 'deploy', 'local', 'kafka', 'log4j2.properties'),
  };
}

export async function ensureKafkaJars(settings: Settings): Promise<KafkaRuntime> {
  const pom = path.join(settings.repoRoot, 'deploy', 'local', 'kafka', 'pom.xml');
  const runtime = kafkaRuntime(settings);
  const stamp = path.join(path.dirname(runtime.libsDir), '.resolved');
  const pomHash = createHash('sha256')
    .update(await readFile(pom))
    .digest('hex');
  if ((await readFile(stamp, 'utf8').catch(() => '')) === pomHash) {
    progress('kafka jars', `${VERSIONS.kafka} cached`);
    return runtime;
  }
  if (!(await commandSucceeds('java', ['-version']))) {
    throw new PrerequisiteError(
      'java',
      'Java 17+ (java) not found: `apt-get install -y openjdk-17-jre-headless`',
    );
  }
  if (!(await commandSucceeds('mvn', ['-v']))) {
    throw new PrerequisiteError(
      'maven',
      'Maven (mvn) not found, needed to fetch Kafka: `apt-get install -y maven`',
    );
  }
  const logFile = path.join(settings.cacheDir, 'logs', 'kafka-jars.log');
  const startedAt = performance.now();
  progress('kafka jars', `resolving Kafka ${VERSIONS.kafka} from Maven Central (log: ${logFile})`);
  await rm(runtime.libsDir, { recursive: true, force: true });
  await runCommand(
    'mvn',
    [
      '-B',
      '-f',
      pom,
      `-Dmaven.repo.local=${path.join(settings.cacheDir, 'm2')}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${runtime.libsDir}`,
      '-DincludeScope=runtime',
    ],
    { logFile },
  ).catch((error: unknown) => {
    throw new PrerequisiteError(
      `kafka ${VERSIONS.kafka} jars`,
      'could not resolve Kafka from Maven Central',
      {
        cause: error,
      },
    );
  });
  await writeFile(stamp, pomHash);
  progress('kafka jars', `resolved in ${elapsed(startedAt)}`);
  return runtime;
}
