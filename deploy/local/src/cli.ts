import { benchCommand } from './commands/bench.ts';
import { demoCommand } from './commands/demo.ts';
import { stackCommand } from './commands/stack.ts';
import { testCommand } from './commands/test.ts';
import { StackError, UsageError } from './errors.ts';
import { describeSettings, loadSettings } from './settings.ts';

const USAGE = `usage (from the repository root):
  pnpm stack up [--brokers 1|3]   start Kafka, PostgreSQL, InfluxDB and Prometheus in .stack/
                                  (brokers: as last formatted, else 1)
         [--kube]                 and a Kubernetes control plane without nodes (.stack/kube,
                                  kubeconfig .stack/kube/admin.kubeconfig) until \`stack down\`
  pnpm stack status [--json]      each component's address, pid and health (up, down, unhealthy)
  pnpm stack down                 stop everything the stack started
  pnpm test [files…]              run *.test.ts against the stack (started and stopped if not up)
  pnpm demo                       start the stack and run the demo
  pnpm bench <name> [args…]       run bench/<name>.ts against the stack

settings (environment variables):
${describeSettings().join('\n')}
  TRIBUTARY_CACHE (default ~/.cache/tributary): downloads and builds kept across clones`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'stack':
      return stackCommand(loadSettings(), args);
    case 'test':
      return testCommand(loadSettings(), args);
    case 'demo':
      return demoCommand(loadSettings(), args);
    case 'bench':
      return benchCommand(loadSettings(), args);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(USAGE);
      throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
  }
}

function report(error: unknown): void {
  if (!(error instanceof StackError)) {
    console.error(error);
    return;
  }
  console.error(`error [${error.code}]: ${error.message}`);
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause)
    console.error(`  caused by: ${cause.message}`);
}

/** node:util parseArgs rejects unknown options with its own error codes: treat them as usage errors. */
function asUsageError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
    ? new UsageError((error as Error).message)
    : error;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (thrown: unknown) => {
    const error = asUsageError(thrown);
    report(error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
