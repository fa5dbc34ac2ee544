export {
  type ArticleOptions,
  DEFAULT_START_TIME,
  type GeneratorOptions,
  generateArticleReadings,
  generateReadings,
  machineId,
} from './generator.ts';
export { type LabelledReading, MachineReading, machineReadingCodec } from './machine-reading.ts';
export { createRandom, deriveSeed, mix32, type Random, shuffleInPlace } from './random.ts';
export {
  type BadLineAction,
  csvHeader,
  type FileReading,
  formatOfPath,
  ReadingFileError,
  type ReadingFileFormat,
  type ReadOptions,
  readCsvReadings,
  readJsonlReadings,
  readReadingFile,
  splitCsvLine,
  toCsvLine,
  toJsonlLine,
} from './reading-files.ts';
export {
  type CompiledRegimes,
  compileRegimes,
  DEFAULT_REGIMES,
  RegimeConfigError,
  type RegimeSpec,
} from './regimes.ts';
