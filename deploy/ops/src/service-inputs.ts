import { machineTemperature, tweetsRaw } from '@tributary/topics';

export interface ServiceInputs {
  readonly inputTopics: readonly string[];
  readonly consumerGroups: readonly string[];
}

/**
 * What each service consumes when it runs with its defaults (see each service's config.ts), for
 * Deployments without the tributary.io annotations. The annotations win: they follow the values.
 * influx-sink is absent on purpose: its default inputs are whatever mappings it was built with.
 */
const DEFAULT_INPUTS: Readonly<Record<string, ServiceInputs>> = {
  'regime-classifier': { inputTopics: [machineTemperature.name], consumerGroups: ['regime-classifier'] },
  'hashtag-counter': { inputTopics: [tweetsRaw.name], consumerGroups: ['hashtag-counter.extract'] },
};

export function defaultInputsOf(service: string): ServiceInputs | undefined {
  return DEFAULT_INPUTS[service];
}
