import type { TopicDrift } from '@tributary/kafka';
import type { ScaleResult } from './scale.ts';
import type { ReleaseStatus } from './status.ts';
import type { TopicsReport } from './topics.ts';

/** Columns padded to their widest cell, like kubectl's tables. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number | bigint)[])[],
): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatStatus(status: ReleaseStatus): string {
  const sections = [
    `release ${status.release} in namespace ${status.namespace}`,
    '',
    status.services.length === 0
      ? '(no Deployments with this release label)'
      : table(
          ['SERVICE', 'DEPLOYMENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'INPUT TOPICS', 'GROUPS'],
          status.services.map((s) => [
            s.service,
            s.deployment,
            `${s.ready}/${s.desired}`,
            s.updated,
            s.available,
            s.inputTopics.join(',') || '-',
            s.consumerGroups.join(',') || '-',
          ]),
        ),
    '',
    status.pods.length === 0
      ? '(no pods)'
      : table(
          ['POD', 'SERVICE', 'PHASE', 'READY', 'RESTARTS', 'REASON'],
          status.pods.map((p) => [p.pod, p.service, p.phase, p.ready ? 'yes' : 'no', p.restarts, p.reason]),
        ),
    '',
    status.lag.length === 0
      ? '(no consumer-group offsets)'
      : table(
          ['GROUP', 'TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG'],
          status.lag.map((l) => [l.group, l.topic, l.partition, l.committed ?? '-', l.end, l.lag]),
        ),
  ];
  return sections.join('\n');
}

export function formatScale(result: ScaleResult): string {
  const lines = result.grown.map((g) => `grew ${g.topic} from ${g.from} to ${g.to} partitions`);
  const partitions = Object.entries(result.partitions)
    .map(([topic, count]) => `${topic}: ${count}`)
    .join(', ');
  lines.push(
    `scaled ${result.service} (Deployment ${result.deployment}) from ${result.from} to ${result.to} replicas; partitions ${partitions}`,
  );
  for (const hpa of result.autoscalers) {
    lines.push(
      `note: HorizontalPodAutoscaler ${hpa.name} manages ${result.deployment} (${hpa.minReplicas}..${hpa.maxReplicas} replicas) and will set the replicas again; change its bounds (chart values) to make this last`,
    );
  }
  return lines.join('\n');
}

export function formatDrift(drift: readonly TopicDrift[]): string {
  if (drift.length === 0) return 'no drift: every declared topic exists as declared';
  return table(
    ['TOPIC', 'KIND', 'SETTING', 'DECLARED', 'ACTUAL'],
    drift.map((d) => [d.topic, d.kind, d.setting, d.declared, d.actual]),
  );
}

export function formatTopics(report: TopicsReport): string {
  const rows = report.topics.map(({ declared, actual }) => [
    declared.name,
    declared.partitions,
    actual ? actual.partitions.length : 'absent',
    actual ? Math.max(0, ...actual.partitions.map((p) => p.replicas.length)) : '-',
    actual ? actual.partitions.filter((p) => p.isr.length < p.replicas.length).length : '-',
    actual ? actual.partitions.reduce((sum, p) => sum + p.end, 0n) : '-',
    declared.cleanupPolicy,
  ]);
  return [
    table(
      [
        'TOPIC',
        'DECLARED PARTITIONS',
        'PARTITIONS',
        'REPLICAS',
        'UNDER-REPLICATED',
        'RECORDS (END)',
        'CLEANUP',
      ],
      rows,
    ),
    '',
    formatDrift(report.drift),
  ].join('\n');
}

/** JSON with bigints as numbers when exact, else as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) =>
      typeof item === 'bigint'
        ? item <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(item)
          : item.toString()
        : item,
    2,
  );
}
