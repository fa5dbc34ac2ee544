export { runScript } from './run-script.ts';
export { type Exit, type LogLine, ServiceProcess } from './service-process.ts';
