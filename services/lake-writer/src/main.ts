import { runLakeWriter } from './lake-writer-service.ts';

await runLakeWriter();
