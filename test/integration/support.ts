import { fileURLToPath } from 'node:url';
import { ServiceProcess } from '@tributary/demo';

/** A fixture service of this folder run as a real process (see ServiceProcess in deploy/demo). */
export function startFixtureService(fixture: string, env: Record<string, string>): ServiceProcess {
  return new ServiceProcess(
    fixture,
    fileURLToPath(new URL(`./fixtures/${fixture}.ts`, import.meta.url)),
    env,
  );
}

/** Reads one sample of a Prometheus text exposition, matching every given label. */
export function sample(
  exposition: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
