import type { Settings } from '../settings.ts';
import { settleAll } from '../settle-all.ts';
import { ensureAptPackages } from './apt-packages.ts';
import { ensureInfluxd } from './influxdb-binary.ts';
import { ensureKafkaJars } from './kafka-jars.ts';

/** Installs what is missing from the three sources side by side (apt, Maven, Go); each skips when cached. */
export async function ensurePrerequisites(settings: Settings): Promise<void> {
  await settleAll<unknown>([ensureAptPackages(settings), ensureKafkaJars(settings), ensureInfluxd(settings)]);
}
