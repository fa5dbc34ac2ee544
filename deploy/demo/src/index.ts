export {
  type HealthPanel,
  type PipelineHealthReport,
  panelPeak,
  pipelineHealthSummary,
  reportPipelineHealth,
} from './pipeline-health.ts';
export { runScript } from './run-script.ts';
export { type Exit, type LogLine, ServiceProcess } from './service-process.ts';
