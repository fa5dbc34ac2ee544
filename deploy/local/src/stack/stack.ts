import type { Component, ComponentStatus } from '../components/component.ts';
import { influxdbComponent } from '../components/influxdb.ts';
import { formattedBrokerCount, kafkaComponent, kafkaStackLayout } from '../components/kafka.ts';
import { kubeComponent, kubeInStack } from '../components/kube.ts';
import { postgresComponent } from '../components/postgres.ts';
import { prometheusComponent } from '../components/prometheus.ts';
import type { BrokerCount } from '../kafka/layout.ts';
import { elapsed, progress } from '../progress.ts';
import type { Settings } from '../settings.ts';
import { settleAll } from '../settle-all.ts';
import { buildStackState, removeStackState, type StackState, writeStackState } from './state.ts';

/** The broker count asked for, else the one Kafka was formatted for (no needless reformat), else 1. */
async function brokerCount(settings: Settings, requested?: BrokerCount): Promise<BrokerCount> {
  return requested ?? (await formattedBrokerCount(settings)) ?? 1;
}

function components(settings: Settings, brokers: BrokerCount, kube = kubeInStack(settings)): Component[] {
  return [
    kafkaComponent(settings, brokers),
    postgresComponent(settings),
    influxdbComponent(settings),
    prometheusComponent(settings),
    // Optional (`stack up --kube`); once started it belongs to the stack until `stack down`.
    ...(kube ? [kubeComponent(settings)] : []),
  ];
}

/** Starts what is not running and waits for all of it; a running stack is only checked. */
export async function stackUp(
  settings: Settings,
  requestedBrokers?: BrokerCount,
  options: { kube?: boolean } = {},
): Promise<StackState> {
  const startedAt = performance.now();
  const brokers = await brokerCount(settings, requestedBrokers);
  const kube = (options.kube ?? false) || kubeInStack(settings);
  await settleAll(components(settings, brokers, kube).map((component) => component.up()));
  const state = buildStackState(settings, kafkaStackLayout(settings, brokers));
  await writeStackState(settings, state);
  progress('stack', `up in ${elapsed(startedAt)}`);
  return state;
}

/** Stops every component (SIGKILL past each one's deadline); a stopped stack is fine. */
export async function stackDown(settings: Settings): Promise<void> {
  const startedAt = performance.now();
  await removeStackState(settings);
  // Kafka stops whatever shape it runs in, so the broker count here does not matter.
  await settleAll(components(settings, 1, true).map((component) => component.down()));
  progress('stack', `down in ${elapsed(startedAt)}`);
}

export async function stackStatus(settings: Settings): Promise<ComponentStatus[]> {
  const list = components(settings, await brokerCount(settings));
  return (await Promise.all(list.map((component) => component.status()))).flat();
}

export async function stackIsUp(settings: Settings): Promise<boolean> {
  return (await stackStatus(settings)).every((status) => status.health === 'up');
}
