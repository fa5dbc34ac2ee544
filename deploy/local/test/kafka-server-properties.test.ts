import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kafkaClusterLayout } from '../src/kafka/layout.ts';
import { renderServerProperties } from '../src/kafka/server-properties.ts';

const tls = { caFile: '/tls/ca.crt', keystoreFile: '/tls/server.pem' };

function render(brokers: 1 | 3, nodeIndex = 0): Map<string, string> {
  const layout = kafkaClusterLayout({ brokers, dir: '/cluster', basePort: 30_000 });
  const node = layout.nodes[nodeIndex];
  assert.ok(node);
  const text = renderServerProperties(layout, node, tls);
  return new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
}

test('a single node is broker and controller with a dynamic quorum and replication factor 1', () => {
  const props = render(1);
  assert.equal(props.get('process.roles'), 'broker,controller');
  assert.equal(props.get('controller.quorum.bootstrap.servers'), '127.0.0.1:30002');
  assert.equal(props.has('controller.quorum.voters'), false);
  assert.equal(props.get('default.replication.factor'), '1');
  assert.equal(props.get('min.insync.replicas'), '1');
});

test('three nodes share a static voter list, replication factor 3 and min.insync.replicas 2', () => {
  const props = render(3, 1);
  assert.equal(props.get('node.id'), '2');
  assert.equal(
    props.get('controller.quorum.voters'),
    '1@127.0.0.1:30002,2@127.0.0.1:30012,3@127.0.0.1:30022',
  );
  assert.equal(props.get('listeners')?.includes('PLAINTEXT://127.0.0.1:30010'), true);
  for (const key of [
    'default.replication.factor',
    'offsets.topic.replication.factor',
    'transaction.state.log.replication.factor',
  ]) {
    assert.equal(props.get(key), '3', key);
  }
  assert.equal(props.get('min.insync.replicas'), '2');
  assert.equal(props.get('transaction.state.log.min.isr'), '2');
});

test('clients get SCRAM over SASL_PLAINTEXT and SASL_SSL while brokers talk PLAINTEXT and topics are never auto-created', () => {
  const props = render(1);
  assert.equal(props.get('inter.broker.listener.name'), 'PLAINTEXT');
  assert.equal(props.get('sasl.enabled.mechanisms'), 'SCRAM-SHA-256,SCRAM-SHA-512');
  assert.equal(
    props.get('advertised.listeners'),
    'PLAINTEXT://127.0.0.1:30000,SASL_PLAINTEXT://127.0.0.1:30001,SASL_SSL://127.0.0.1:30003',
  );
  assert.equal(props.get('listener.name.sasl_ssl.ssl.keystore.type'), 'PEM');
  assert.equal(props.get('auto.create.topics.enable'), 'false');
});
