import { parseArgs } from 'node:util';
import type { ComponentStatus } from '../components/component.ts';
import { UsageError } from '../errors.ts';
import type { BrokerCount } from '../kafka/layout.ts';
import { ensurePrerequisites } from '../prerequisites/index.ts';
import type { Settings } from '../settings.ts';
import { stackDown, stackStatus, stackUp } from '../stack/stack.ts';

function parseBrokers(value: string | undefined): BrokerCount | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '3') return Number(value) as BrokerCount;
  throw new UsageError(`--brokers ${value}: expected 1 or 3`);
}

function formatTable(statuses: ComponentStatus[]): string {
  const rows = [
    ['component', 'health', 'pid', 'address'],
    ...statuses.map((s) => [s.component, s.health, String(s.pid ?? '-'), s.address]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `stack up [--brokers 1|3] [--kube] | down | status [--json]` */
export async function stackCommand(settings: Settings, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { brokers: { type: 'string' }, json: { type: 'boolean' }, kube: { type: 'boolean' } },
  });
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (values.brokers !== undefined && action !== 'up')
    throw new UsageError('--brokers goes with `stack up` only');
  if (values.kube !== undefined && action !== 'up') throw new UsageError('--kube goes with `stack up` only');
  if (values.json !== undefined && action !== 'status')
    throw new UsageError('--json goes with `stack status` only');
  switch (action) {
    case 'up': {
      const brokers = parseBrokers(values.brokers);
      const kube = values.kube ?? false;
      await ensurePrerequisites(settings, kube ? 'test' : 'run');
      const state = await stackUp(settings, brokers, { kube });
      console.log(formatTable(await stackStatus(settings)));
      console.log(
        `\nstate: ${state.root}/state.json (readStackState())\nnext: pnpm test | pnpm demo | pnpm stack down`,
      );
      return 0;
    }
    case 'down':
      await stackDown(settings);
      return 0;
    case 'status': {
      const statuses = await stackStatus(settings);
      console.log(values.json ? JSON.stringify(statuses, null, 2) : formatTable(statuses));
      return 0;
    }
    default:
      throw new UsageError(`stack ${action ?? ''}: expected up, down or status`);
  }
}
