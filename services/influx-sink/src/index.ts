import { allMappings } from './mappings/index.ts';
import { runInfluxSink } from './sink-service.ts';

await runInfluxSink(allMappings);
