import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ManagedProcess } from '../process/managed-process.ts';
import { type Settings, settingVariable } from '../settings.ts';
import type { Component } from './component.ts';
import { ensureRunning, processStatus } from './ensure-running.ts';
import { httpAnswers } from './http-health.ts';

export function prometheusUrl(settings: Settings): string {
  return `http://127.0.0.1:${settings.prometheusPort}`;
}

/** Services started by tests and the demo drop file_sd JSON files here (see registerScrapeTarget). */
export function scrapeTargetsDir(settings: Settings): string {
  return path.join(settings.stackDir, 'prometheus', 'targets');
}

/**
 * Written as JSON, which is valid YAML, so that no hand-made YAML quoting can go wrong.
 * A 2 s interval lets tests see a fresh sample quickly; the timeout may not exceed it.
 */
function renderConfig(settings: Settings): string {
  const config = {
    global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s' },
    // The pipeline-health alerts, so that they can be seen firing locally (/api/v1/alerts).
    rule_files: [path.join(settings.repoRoot, 'deploy', 'prometheus', 'alerts.yaml')],
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${settings.prometheusPort}`] }] },
      {
        job_name: 'influxdb',
        metrics_path: '/metrics',
        static_configs: [{ targets: [`127.0.0.1:${settings.influxPort}`] }],
      },
      {
        job_name: 'tributary',
        file_sd_configs: [
          { files: [path.join(scrapeTargetsDir(settings), '*.json')], refresh_interval: '2s' },
        ],
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function prometheusComponent(settings: Settings): Component {
  const dir = path.join(settings.stackDir, 'prometheus');
  const configFile = path.join(dir, 'prometheus.yml');
  const proc = new ManagedProcess({
    name: 'prometheus',
    command: '/usr/bin/prometheus',
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${settings.prometheusPort}`,
    ],
    dir,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 15_000,
  });
  const healthy = () => httpAnswers(`${prometheusUrl(settings)}/-/ready`);
  return {
    name: 'prometheus',
    up: () =>
      ensureRunning(proc, {
        healthy,
        port: settings.prometheusPort,
        portSetting: settingVariable('prometheusPort'),
        async prepare() {
          await mkdir(scrapeTargetsDir(settings), { recursive: true });
          await writeFile(configFile, renderConfig(settings));
        },
        startTimeoutMs: 30_000,
      }),
    async status() {
      return [await processStatus(proc, `127.0.0.1:${settings.prometheusPort}`, healthy)];
    },
    down: () => proc.stop(),
  };
}
