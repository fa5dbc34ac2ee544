export { type Exit, type LogLine, ServiceProcess } from './service-process.ts';
