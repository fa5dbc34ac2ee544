#!/usr/bin/env -S node --import tsx
// tributary-ops: wiring only. Kubernetes from the kubeconfig, Kafka from TRIBUTARY_KAFKA_*.
import { ConfigError, loadConfig } from '@tributary/config';
import { createKafka, type KafkaAdmin } from '@tributary/kafka';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { OpsError } from './errors.ts';
import { formatDrift, formatScale, formatStatus, formatTopics, toJson } from './format.ts';
import { kubeClients } from './kube/kube-clients.ts';
import { restartService } from './restart.ts';
import { scaleService } from './scale.ts';
import { opsSettings } from './settings.ts';
import { releaseStatus } from './status.ts';
import { createDeclaredTopics, declaredTopics, describeDeclaredTopics, topicRegistry } from './topics.ts';

interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  release: string;
  json?: boolean;
}

const settings = () => loadConfig(opsSettings);

async function withAdmin<T>(use: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const { kafka, logLevel } = settings();
  const logger = pino({ base: { tool: 'tributary-ops' }, level: logLevel }, pino.destination(2));
  const admin = createKafka(kafka, logger).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

function print(options: GlobalOptions, value: unknown, text: string): void {
  process.stdout.write(`${options.json ? toJson(value) : text}\n`);
}

function kube(options: GlobalOptions) {
  const { kubeconfig, kubernetesServiceHost } = settings();
  return kubeClients({
    environmentProvidesConfig: kubeconfig !== undefined || kubernetesServiceHost !== undefined,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
}

function replicasArgument(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError('expected a whole number of replicas (0 or more)');
  }
  return value;
}

/** Declared topics without their codecs, for --json. */
function plainTopic(topic: ReturnType<typeof declaredTopics>[number]) {
  const { name, doc, partitions, replicationFactor, cleanupPolicy, retentionMs, config, deadLetterTopic } =
    topic;
  return { name, doc, partitions, replicationFactor, cleanupPolicy, retentionMs, config, deadLetterTopic };
}

// commander: subcommands with their own arguments, options and generated --help, and option/argument
// validation hooks; node:util parseArgs has no subcommands, which this tool is made of.
const program = new Command('tributary-ops')
  .description('Operate a Tributary release: its Deployments on Kubernetes and its topics on Kafka')
  .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)')
  .option('--context <name>', 'kubeconfig context (default: the current one)')
  .option('-n, --namespace <namespace>', "namespace (default: the context's, else default)")
  .option('-r, --release <name>', 'Helm release name (label app.kubernetes.io/instance)', 'tributary')
  .option('--json', 'print JSON instead of tables')
  .addHelpText(
    'after',
    '\nKafka is reached with TRIBUTARY_KAFKA_BROKERS (and the other TRIBUTARY_KAFKA_* variables).',
  )
  .showHelpAfterError();

program
  .command('status')
  .description('Deployments and pods of the release with readiness, and consumer lag per group and partition')
  .option('-g, --group <group...>', 'also report these consumer groups')
  .action(async (local: { group?: string[] }, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const status = await withAdmin((admin) =>
      releaseStatus(kube(options), admin, { release: options.release, extraGroups: local.group ?? [] }),
    );
    print(options, status, formatStatus(status));
  });

program
  .command('scale')
  .description("Set a consumer service's replicas; refused beyond its input topic's partitions")
  .argument('<service>', 'service name (label app.kubernetes.io/name)')
  .argument('<replicas>', 'number of replicas', replicasArgument)
  .option('--add-partitions', 'grow input topics with fewer partitions to <replicas> first')
  .action(async (service: string, replicas: number, local: { addPartitions?: boolean }, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const result = await withAdmin((admin) =>
      scaleService(kube(options), admin, {
        release: options.release,
        service,
        replicas,
        addPartitions: local.addPartitions ?? false,
      }),
    );
    print(options, result, formatScale(result));
  });

program
  .command('restart')
  .description('Rolling restart of a service (as kubectl rollout restart)')
  .argument('<service>', 'service name (label app.kubernetes.io/name)')
  .action(async (service: string, _local: unknown, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const result = await restartService(kube(options), { release: options.release, service });
    print(
      options,
      result,
      `restarting ${result.service}: Deployment ${result.deployment} rolls its pods (restartedAt ${result.restartedAt})`,
    );
  });

const topics = program
  .command('topics')
  .description('The topics declared in @tributary/topics (and their dead-letter topics) against the cluster');
const registryOf = (names: string[]) =>
  topicRegistry(declaredTopics(), { replicationFactor: settings().kafka.replicationFactor, only: names });

topics
  .command('describe', { isDefault: true })
  .description('declared and actual partitions, replicas, records and drift')
  .argument('[topics...]', 'only these declared topics')
  .action(async (names: string[], _local: unknown, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const report = await withAdmin((admin) => describeDeclaredTopics(admin, registryOf(names)));
    const json = {
      ...report,
      topics: report.topics.map((t) => ({ declared: plainTopic(t.declared), actual: t.actual })),
    };
    print(options, json, formatTopics(report));
  });

topics
  .command('create')
  .description('create missing declared topics as declared; existing ones are compared, never altered')
  .argument('[topics...]', 'only these declared topics')
  .action(async (names: string[], _local: unknown, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const report = await withAdmin((admin) => createDeclaredTopics(admin, registryOf(names)));
    const created =
      report.created.length === 0 ? 'nothing to create' : `created ${report.created.join(', ')}`;
    print(options, report, `${created}\n${formatDrift(report.drift)}`);
  });

topics
  .command('drift')
  .description('how existing topics differ from their declarations (exit 3 when they do)')
  .argument('[topics...]', 'only these declared topics')
  .action(async (names: string[], _local: unknown, command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const drift = await withAdmin((admin) => registryOf(names).drift(admin));
    print(options, drift, formatDrift(drift));
    if (drift.length > 0) process.exitCode = 3;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 78;
  } else if (error instanceof OpsError) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
