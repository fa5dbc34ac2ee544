import type { Settings } from '../settings.ts';
import { settleAll } from '../settle-all.ts';
import { ensureAptPackages } from './apt-packages.ts';
import { ensureChartTools } from './chart-tools.ts';
import { ensureInfluxd } from './influxdb-binary.ts';
import { ensureKafkaJars } from './kafka-jars.ts';
import { ensureKubeControlPlane } from './kube-control-plane.ts';
import { ensurePythonDeltalake } from './python-deltalake.ts';
import { ensureTfjsNode } from './tfjs-node.ts';

/**
 * Installs what is missing from the sources side by side (apt, Maven, Go, and the optional native
 * TensorFlow backend); each skips when cached.
 */
export async function ensurePrerequisites(settings: Settings): Promise<void> {
  await settleAll<unknown>([
    ensureAptPackages(settings),
    ensureKafkaJars(settings),
    ensureInfluxd(settings),
    ensureTfjsNode(settings),
    ensurePythonDeltalake(settings),
    ensureChartTools(settings),
    ensureKubeControlPlane(settings),
  ]);
}
