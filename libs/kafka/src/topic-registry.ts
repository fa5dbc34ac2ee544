import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';
import { type AnyTopicSpec, deadLetterSpecOf } from './topic.ts';

// kafkajs is CommonJS and Node cannot see this export by name.
const { ConfigResourceTypes } = kafkajs;

export type DriftKind = 'missing' | 'partitions' | 'replication' | 'config';

/** A difference between a declared topic and the one on the cluster. The registry reports; it never alters. */
export interface TopicDrift {
  readonly topic: string;
  readonly kind: DriftKind;
  readonly setting: string;
  readonly declared: string;
  readonly actual: string;
}

export interface EnsureReport {
  readonly created: string[];
  readonly drift: TopicDrift[];
}

/**
 * The topics a service declares, each with its dead-letter topic. `ensure` creates the missing ones
 * as declared and reports how existing ones differ; changing partitions or configs of a live topic
 * is an operator's decision (`tributary topics`), never a side effect of a deploy.
 */
export class TopicRegistry {
  readonly #topics: Map<string, AnyTopicSpec>;
  readonly #defaultReplicationFactor: number;

  constructor(topics: readonly AnyTopicSpec[], options: { defaultReplicationFactor: number }) {
    const all = topics.flatMap((topic) => [topic, deadLetterSpecOf(topic)]);
    this.#topics = new Map(all.map((topic) => [topic.name, topic]));
    this.#defaultReplicationFactor = options.defaultReplicationFactor;
  }

  get topics(): AnyTopicSpec[] {
    return [...this.#topics.values()];
  }

  async ensure(admin: Admin): Promise<EnsureReport> {
    const existing = new Set(await admin.listTopics());
    const missing = this.topics.filter((topic) => !existing.has(topic.name));
    const created: string[] = [];
    if (missing.length > 0) {
      // Several instances may start at once; createTopics answers false for topics that exist.
      await admin.createTopics({
        topics: missing.map((topic) => this.#creation(topic)),
        waitForLeaders: true,
      });
      created.push(...missing.map((topic) => topic.name));
    }
    return { created, drift: await this.drift(admin) };
  }

  async drift(admin: Admin): Promise<TopicDrift[]> {
    const existing = new Set(await admin.listTopics());
    const drift: TopicDrift[] = [];
    const present = this.topics.filter((topic) => {
      if (existing.has(topic.name)) return true;
      drift.push({
        topic: topic.name,
        kind: 'missing',
        setting: 'topic',
        declared: 'present',
        actual: 'absent',
      });
      return false;
    });
    if (present.length === 0) return drift;

    const metadata = await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((topic) => ({ type: ConfigResourceTypes.TOPIC, name: topic.name })),
    });
    for (const topic of present) {
      const partitions = metadata.topics.find((t) => t.name === topic.name)?.partitions ?? [];
      const compare = (kind: DriftKind, setting: string, declared: string, actual: string) => {
        if (declared !== actual) drift.push({ topic: topic.name, kind, setting, declared, actual });
      };
      compare('partitions', 'partitions', String(topic.partitions), String(partitions.length));
      compare(
        'replication',
        'replication.factor',
        String(this.#replicationFactor(topic)),
        String(partitions[0]?.replicas.length ?? 0),
      );
      const entries =
        described.resources.find((resource) => resource.resourceName === topic.name)?.configEntries ?? [];
      const actual = new Map(entries.map((entry) => [entry.configName, entry.configValue]));
      for (const [name, value] of Object.entries(declaredConfig(topic))) {
        compare('config', name, value, actual.get(name) ?? '(unset)');
      }
    }
    return drift;
  }

  #replicationFactor(topic: AnyTopicSpec): number {
    return topic.replicationFactor ?? this.#defaultReplicationFactor;
  }

  #creation(topic: AnyTopicSpec): ITopicConfig {
    return {
      topic: topic.name,
      numPartitions: topic.partitions,
      replicationFactor: this.#replicationFactor(topic),
      configEntries: Object.entries(declaredConfig(topic)).map(([name, value]) => ({ name, value })),
    };
  }
}

function declaredConfig(topic: AnyTopicSpec): Record<string, string> {
  return {
    'cleanup.policy': topic.cleanupPolicy,
    ...(topic.retentionMs === undefined ? {} : { 'retention.ms': String(topic.retentionMs) }),
    ...topic.config,
  };
}
