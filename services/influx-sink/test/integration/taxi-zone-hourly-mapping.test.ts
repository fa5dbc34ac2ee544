import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';
import { BatchingProducer, defineTopic, TopicRegistry } from '@tributary/kafka';
import { readStackState } from '@tributary/local-stack';
import { influxQuery, testKafka, uniqueName, waitFor } from '@tributary/testing';
import { taxiZoneHourly, type ZoneHourly } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import { createDatabase, dropDatabase } from './support.ts';

const SINK = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const HOUR = '2014-03-03T17:00:00.000Z';

function hourly(
  zone: string,
  rides: number,
  final: boolean,
  zoneName = 'Midtown West / Times Square',
): ZoneHourly {
  return {
    zone,
    zoneName,
    borough: 'Manhattan',
    hourStart: HOUR,
    rides,
    pricedRides: rides,
    fareSum: rides * 10,
    avgFare: 10,
    final,
  };
}

describe('influx-sink: the taxi.zone-hourly mapping against the real InfluxDB', () => {
  let kafka: Kafka;
  let influxUrl: string;
  let sink: ServiceProcess | undefined;
  const db = uniqueName('zonehourly').replaceAll('.', '_');
  const name = uniqueName('zone-hourly');
  const topic = defineTopic({ ...taxiZoneHourly, name, deadLetterTopic: `${name}.dlq` });

  before(async () => {
    const stack = await readStackState();
    influxUrl = stack.influx.url;
    kafka = await testKafka(stack.kafka.brokers);
    await createDatabase(influxUrl, db);
    const admin = kafka.admin();
    await admin.connect();
    await new TopicRegistry([topic], { defaultReplicationFactor: 1 }).ensure(admin);
    await admin.disconnect();
    sink = new ServiceProcess('influx-sink', SINK, {
      TRIBUTARY_KAFKA_BROKERS: stack.kafka.brokers.join(','),
      INFLUX_URL: influxUrl,
      INFLUX_BUCKET: db,
      INFLUX_SINK_GROUP_ID: uniqueName('zone-hourly-sink'),
      INFLUX_SINK_TOPICS: `${taxiZoneHourly.name}=${topic.name}`,
    });
  });

  after(async () => {
    await sink?.stop();
    await dropDatabase(influxUrl, db);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic.name, topic.deadLetterTopic] }).catch(() => {});
    await admin.disconnect();
  });

  it('writes one point per zone-hour at the hour start, tags zone and borough, and an update overwrites it', async () => {
    const producer = new BatchingProducer(kafka);
    await producer.connect();
    const records = [
      hourly('midtown-west', 3, false),
      hourly('jfk-airport', 2, false, 'JFK Airport'),
      hourly('midtown-west', 5, true),
    ];
    await producer.send(
      topic,
      records.map((value) => ({ key: `${value.zone}|${value.hourStart}`, value })),
    );
    await producer.disconnect();
    const rows = await waitFor(
      'both zone-hours with the latest midtown count',
      async () => {
        const found = await influxQuery(
          influxUrl,
          db,
          'SELECT "rides", "priced_rides", "fare_sum", "avg_fare", "zone_name", "final", "zone", "borough" FROM "taxi_zone_hourly"',
        ).catch(() => []);
        const midtown = found.find((row) => row[7] === 'midtown-west');
        return found.length === 2 && midtown?.[1] === 5 ? found : undefined;
      },
      120_000,
      250,
    );
    const byZone = new Map(rows.map((row) => [row[7], row]));
    assert.deepEqual(byZone.get('midtown-west'), [
      Date.parse(HOUR),
      5,
      5,
      50,
      10,
      'Midtown West / Times Square',
      true,
      'midtown-west',
      'Manhattan',
    ]);
    assert.deepEqual(byZone.get('jfk-airport'), [
      Date.parse(HOUR),
      2,
      2,
      20,
      10,
      'JFK Airport',
      false,
      'jfk-airport',
      'Manhattan',
    ]);
  });
});
