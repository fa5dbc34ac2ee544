import path from 'node:path';
import { readStackState } from '@tributary/local-stack';
import { pino } from 'pino';
import { runMachinePipeline } from './machine-pipeline.ts';
import { pipelineHealthSummary, reportPipelineHealth } from './pipeline-health.ts';
import { roundTrip } from './round-trip.ts';
import { runTaxiPipeline } from './taxi-pipeline.ts';
import { runTweetsPipeline } from './tweets-pipeline.ts';

const logger = pino({ level: process.env.TRIBUTARY_LOG_LEVEL ?? 'warn' });
const stack = await readStackState();

console.log(`Tributary demo on the local stack (Kafka ${stack.kafka.brokers.join(', ')})\n`);

console.log('1. A round trip through the real broker and our Kafka layer');
const trip = await roundTrip(stack, logger, 20_000);
console.log(
  [
    `   produced       ${trip.produced} records (+${trip.malformed} malformed on purpose)`,
    `   consumed       ${trip.consumed} records in ${trip.seconds.toFixed(2)} s (${Math.round(trip.consumed / trip.seconds)}/s)`,
    `   dead-lettered  ${trip.deadLettered} records → demo.greetings.dlq (origin and reason in headers)`,
    `   latency        p50 ${trip.latencyMs.p50} ms, p99 ${trip.latencyMs.p99} ms (produce → consumed)`,
  ].join('\n'),
);

console.log('\n2. Machine temperatures: sensor-source → regime-classifier → influx-sink → InfluxDB');
const machines = await runMachinePipeline(stack, {
  machines: 20,
  readingsPerMachine: 1500,
  rate: 10_000,
  seed: 7,
  workDir: path.join(stack.root, 'demo', 'machine-regimes'),
});
const query = encodeURIComponent(
  'SELECT mean("temperature"), last("regime_id") FROM "machine_regime" WHERE time > now() - 30m GROUP BY time(1m), "machine"',
);
console.log(
  [
    `   readings       ${machines.produced} produced, ${machines.pointsInInflux} labelled points in InfluxDB (${machines.seconds.toFixed(1)} s)`,
    `   model          ${machines.modelDir}`,
    `   charts         ${path.join(machines.reportDir, 'elbow.svg')}, ${path.join(machines.reportDir, 'accuracy.svg')}`,
    `   InfluxDB       ${stack.influx.url}/query?db=${stack.influx.database}&q=${query}`,
    `   Grafana        dashboard JSON: deploy/grafana/dashboards/machine-regimes.json (provisioning: deploy/grafana/provisioning)`,
    `   Prometheus     ${stack.prometheus.url}/graph?g0.expr=${encodeURIComponent('sum by (job) (rate(tributary_messages_consumed_total[1m]))')}`,
    ...machines.services.map(
      (service) => `   ${service.name.padEnd(14)} metrics were at ${service.metrics} (stopped now)`,
    ),
  ].join('\n'),
);
console.log(
  '\n3. Taxi rides: taxi-replayer → taxi.rides → zone-aggregator (zones from PostgreSQL) → taxi.zone-hourly,\n   and taxi.rides → lake-writer → Delta table → lake-analytics',
);
const taxi = await runTaxiPipeline(stack, {
  workDir: path.join(stack.root, 'demo', 'taxi'),
  rate: 10_000,
  threshold: 50,
});
console.log(
  [
    `   replayed       ${taxi.replayed.produced} rides this run (${taxi.replayed.totalProduced} in all), ${taxi.replayed.deadLettered} bad rows → taxi.rides.dlq`,
    `   zone-hourly    ${taxi.ridesCounted} rides in ${taxi.zoneHours} zone-hours on taxi.zone-hourly (${taxi.seconds.toFixed(1)} s)`,
    ...taxi.topZones.map(
      (zone, index) =>
        `   top ${index + 1}          ${zone.zoneName} (${zone.borough}): ${zone.rides} rides, average fare $${zone.avgFare.toFixed(2)}`,
    ),
    `   report         ${taxi.reportJson}, ${taxi.reportSvg}`,
    ...taxi.servingLines,
    ...taxi.lakeLines,
  ].join('\n'),
);

console.log('\n4. Tweets: twitter-ingest (generator) → hashtag-counter → influx-sink → InfluxDB');
const tweets = await runTweetsPipeline(stack, { tweets: 12_000, rate: 100, seed: 42 });
const tagQuery = encodeURIComponent(
  'SELECT "hashtag", "count", "sentiment" FROM "hashtag_top" WHERE time > now() - 15m GROUP BY "rank"',
);
console.log(
  [
    `   ingested       ${tweets.produced} tweets, ${tweets.deadLettered} bad → tweets.raw.dlq; counted and in InfluxDB after ${tweets.seconds.toFixed(1)} s`,
    `   latest window  ${tweets.latestWindow ?? 'none'} (still open: the replay ends now)`,
    ...tweets.top.map(
      (entry, index) =>
        `   #${String(index + 1).padEnd(13)} ${entry.tag}: ${entry.count} tweets, sentiment ${entry.sentiment.toFixed(2)}`,
    ),
    `   InfluxDB       ${stack.influx.url}/query?db=${stack.influx.database}&q=${tagQuery}`,
    `   Grafana        dashboard JSON: deploy/grafana/dashboards/trending-hashtags.json`,
    `   live page      ${tweets.pageUrl} (hashtag-counter's page, stopped now; its top 10 for that window: ${tweets.pageTop.map((entry) => entry.tag).join(', ')})`,
    ...tweets.services.map(
      (service) => `   ${service.name.padEnd(14)} metrics were at ${service.metrics} (stopped now)`,
    ),
  ].join('\n'),
);

console.log(
  "\n5. Pipeline health: the Grafana dashboard's queries over the last 20 minutes (the runs above), from Prometheus",
);
const healthTo = Date.now();
const health = await reportPipelineHealth(stack, {
  from: healthTo - 20 * 60_000,
  to: healthTo,
  jobs: '.+',
  outDir: path.join(stack.root, 'demo', 'pipeline-health'),
});
console.log(pipelineHealthSummary(health).join('\n'));

console.log('\nThe stack stays up: `pnpm stack status`, `pnpm stack down`.');
