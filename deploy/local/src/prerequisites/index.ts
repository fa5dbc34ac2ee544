import type { Settings } from '../settings.ts';
import { settleAll } from '../settle-all.ts';
import { ensureAptPackages } from './apt-packages.ts';
import { ensureChartTools } from './chart-tools.ts';
import { ensureInfluxd } from './influxdb-binary.ts';
import { ensureKafkaJars } from './kafka-jars.ts';
import { ensureKubeControlPlane } from './kube-control-plane.ts';
import { ensurePythonDeltalake } from './python-deltalake.ts';
import { ensureTfjsNode } from './tfjs-node.ts';

/** What a command needs: the stack and the demo run services; the tests also check charts and the lake. */
export type PrerequisiteScope = 'run' | 'test';

/**
 * Installs what is missing from the sources side by side (apt, Maven, Go, PyPI, and the optional
 * native TensorFlow backend); each skips when cached. `run` (stack, demo, bench) leaves out the
 * test-only tools, so a fresh `npm run demo` does not wait for helm and Kubernetes to build.
 */
export async function ensurePrerequisites(settings: Settings, scope: PrerequisiteScope): Promise<void> {
  const run = [
    ensureAptPackages(settings),
    ensureKafkaJars(settings),
    ensureInfluxd(settings),
    ensureTfjsNode(settings),
  ];
  const testOnly =
    scope === 'test'
      ? [ensurePythonDeltalake(settings), ensureChartTools(settings), ensureKubeControlPlane(settings)]
      : [];
  await settleAll<unknown>([...run, ...testOnly]);
}
