import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startKubeControlPlane } from '../kube/control-plane.ts';
import {
  controlPlaneStatus,
  hasControlPlane,
  readEndpoints,
  stopControlPlane,
} from '../kube/control-plane-endpoints.ts';
import { progress } from '../progress.ts';
import type { Settings } from '../settings.ts';
import type { Component } from './component.ts';

export function kubeStackDir(settings: Settings): string {
  return path.join(settings.stackDir, 'kube');
}

/** Whether `stack up --kube` started a control plane that is still meant to run. */
export function kubeInStack(settings: Settings): boolean {
  return hasControlPlane(kubeStackDir(settings));
}

/**
 * The optional control plane of `pnpm stack up --kube` (no nodes), in `.stack/kube`. Each start is
 * a fresh cluster with new certificates and ports: `stack down` discards its objects.
 */
export function kubeComponent(settings: Settings): Component {
  const dir = kubeStackDir(settings);
  return {
    name: 'kubernetes',
    async up() {
      const statuses = await controlPlaneStatus(dir);
      if (statuses.length > 0 && statuses.every((status) => status.health === 'up')) {
        progress(
          'kubernetes control plane',
          `already up (kubeconfig ${(await readEndpoints(dir))?.kubeconfigPath})`,
        );
        return;
      }
      await stopControlPlane(dir);
      await rm(dir, { recursive: true, force: true });
      await startKubeControlPlane({ dir });
    },
    status: () => controlPlaneStatus(dir),
    down: () => stopControlPlane(dir),
  };
}
