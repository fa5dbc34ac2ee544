// Bad values stop helm with a message that names the value: values.schema.json for what a schema
// can say, the chart's validation template for what needs two values compared (replicas against
// partitions).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { chartTools, helmTemplate, named, podSpecs, render } from './chart.ts';

before(async () => {
  await chartTools();
});

async function rejected(set: string[]): Promise<string> {
  const result = await helmTemplate({ set });
  assert.notEqual(result.code, 0, `helm template accepted ${set.join(' ')}`);
  return result.stderr;
}

describe('values.schema.json', () => {
  test('kafka.enabled=false without externalKafka.bootstrapServers names the missing value', async () => {
    const message = await rejected(['kafka.enabled=false']);
    assert.match(message, /values don't meet the specifications of the schema/);
    assert.match(message, /at '\/externalKafka\/bootstrapServers': minLength: got 0, want 1/);
  });

  test('a bootstrap list that is not host:port is rejected', async () => {
    const message = await rejected(['kafka.enabled=false', 'externalKafka.bootstrapServers=kafka.example']);
    assert.match(message, /at '\/externalKafka\/bootstrapServers'/);
  });

  test('a SASL mechanism outside the enum lists the allowed ones', async () => {
    const message = await rejected([
      'kafka.enabled=false',
      'externalKafka.bootstrapServers=kafka:9092',
      'externalKafka.sasl.mechanism=gssapi',
    ]);
    assert.match(
      message,
      /at '\/externalKafka\/sasl\/mechanism': value must be one of 'none', 'plain', 'scram-sha-256', 'scram-sha-512'/,
    );
  });

  test('SASL without the Secret that holds its credentials is rejected', async () => {
    const message = await rejected([
      'kafka.enabled=false',
      'externalKafka.bootstrapServers=kafka:9092',
      'externalKafka.sasl.mechanism=scram-sha-512',
    ]);
    assert.match(message, /at '\/externalKafka\/sasl\/existingSecret': minLength: got 0, want 1/);
  });

  test('a service kind outside the enum, zero brokers and an unknown key are each named', async () => {
    const message = await rejected(['services.influx-sink.kind=batch', 'kafka.brokers=0', 'kafka.nodes=3']);
    assert.match(message, /at '\/services\/influx-sink\/kind': value must be one of 'consumer', 'producer'/);
    assert.match(message, /at '\/kafka\/brokers': minimum: got 0, want 1/);
    assert.match(message, /at '\/kafka': additional properties 'nodes' not allowed/);
  });

  test('a consumer without an input topic is rejected', async () => {
    const message = await rejected(['services.new-consumer.kind=consumer']);
    assert.match(message, /at '\/services\/new-consumer': missing properties 'inputTopic', 'consumerGroup'/);
  });
});

describe('replicas against partitions (validated when rendering)', () => {
  test('replicas above the input topic partitions fail with what to change', async () => {
    const message = await rejected(['services.regime-classifier.replicas=7']);
    assert.match(
      message,
      /services\.regime-classifier\.replicas=7 exceeds the 6 partitions of its input topic machine\.temperature: the extra consumers would sit idle\. Lower replicas, add partitions \(and set topics\.machine\.temperature\.partitions\), or set services\.regime-classifier\.force=true/,
    );
  });

  test('an autoscaling maximum above the partitions fails too', async () => {
    const message = await rejected([
      'services.influx-sink.autoscaling.enabled=true',
      'services.influx-sink.autoscaling.maxReplicas=8',
    ]);
    assert.match(message, /services\.influx-sink\.autoscaling\.maxReplicas=8 exceeds the 6 partitions/);
  });

  test('every problem is reported at once', async () => {
    const message = await rejected([
      'services.regime-classifier.replicas=7',
      'services.hashtag-counter.replicas=9',
    ]);
    assert.match(message, /regime-classifier\.replicas=7/);
    assert.match(message, /hashtag-counter\.replicas=9/);
  });

  test('force=true accepts more replicas than partitions', async () => {
    const { objects } = await render({
      set: ['services.regime-classifier.replicas=7', 'services.regime-classifier.force=true'],
    });
    const deployment = objects.find(
      (object) => object.kind === 'Deployment' && object.metadata.name === 'tributary-regime-classifier',
    );
    assert.equal(deployment?.spec?.replicas, 7);
  });

  test('more partitions in the topics table allow more replicas', async () => {
    await render({
      set: ['services.regime-classifier.replicas=12', 'topics.machine\\.temperature.partitions=12'],
    });
  });

  test('an input topic missing from the topics table is named', async () => {
    const message = await rejected([
      'services.regime-classifier.inputTopic=machine.vibration',
      'services.regime-classifier.replicas=1',
    ]);
    assert.match(message, /services\.regime-classifier\.inputTopic="machine\.vibration" is not in `topics`/);
  });

  test('a replication factor above the broker count is refused', async () => {
    const message = await rejected(['kafka.brokers=1', 'kafka.replicationFactor=3']);
    assert.match(message, /kafka\.replicationFactor=3 exceeds kafka\.brokers=1/);
  });
});

describe('serviceDefaults', () => {
  test("a service's false, 0 and [] win over the defaults; maps are filled in key by key", async () => {
    const { objects } = await render({
      set: [
        'serviceDefaults.force=true',
        'services.regime-classifier.replicas=7',
        'services.regime-classifier.force=true',
        'services.influx-sink.podDisruptionBudget.maxUnavailable=0',
        'services.regime-classifier.resources.requests.cpu=2',
      ],
      valueFiles: [],
    });
    const find = (kind: string, name: string) =>
      objects.find((object) => object.kind === kind && object.metadata.name === name);
    assert.equal(find('PodDisruptionBudget', 'tributary-influx-sink')?.spec?.maxUnavailable, 0);
    const classifier = JSON.stringify(find('Deployment', 'tributary-regime-classifier'));
    // requests.cpu from the service, requests.memory and limits still from its own resources entry.
    assert.match(classifier, /"requests":\{"cpu":2,"memory":"384Mi"\}/);
    const rejectedMessage = await rejected([
      'serviceDefaults.force=true',
      'services.hashtag-counter.force=false',
      'services.hashtag-counter.replicas=7',
    ]);
    assert.match(rejectedMessage, /services\.hashtag-counter\.replicas=7 exceeds the 6 partitions/);
  });

  test("initContainers: [] drops the classifier's training init container", async () => {
    const trained = await render();
    const without = await render({ valueFiles: [], set: ['services.regime-classifier.initContainers=null'] });
    const initOf = (objects: typeof trained.objects) => {
      const [pod] = podSpecs([named(objects, 'Deployment', 'tributary-regime-classifier')]);
      return pod?.spec.initContainers;
    };
    assert.deepEqual(
      initOf(trained.objects)?.map((container) => container.name),
      ['train'],
    );
    assert.equal(initOf(without.objects), undefined);
  });
});
