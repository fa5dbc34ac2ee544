export { machineRegime, machineTemperature, RegimePrediction } from './machine-topics.ts';
