import { IngestError } from '../errors.ts';

/** A filtered-stream rule as configured: its query and an optional tag (a label the API echoes back). */
export interface StreamRule {
  readonly value: string;
  readonly tag?: string;
}

interface LiveRule extends StreamRule {
  readonly id: string;
}

interface RulesApiError {
  readonly value?: string;
  readonly id?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly details?: readonly string[];
}

export interface RuleSyncReport {
  readonly kept: readonly StreamRule[];
  readonly added: readonly StreamRule[];
  readonly deleted: readonly StreamRule[];
}

/**
 * TWITTER_STREAM_RULES: rules separated by ';', each `value` or `value|tag`. Not `value:tag`:
 * colons belong to the rule language itself (`lang:en`, `has:hashtags`).
 */
export function parseStreamRules(raw: string): StreamRule[] {
  const rules = raw
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const bar = entry.lastIndexOf('|');
      if (bar < 0) return { value: entry };
      const value = entry.slice(0, bar).trim();
      const tag = entry.slice(bar + 1).trim();
      if (value === '') throw new Error(`rule ${JSON.stringify(entry)} has a tag but no value`);
      return tag === '' ? { value } : { value, tag };
    });
  if (rules.length === 0) throw new Error('no rule given');
  return rules;
}

const sameRule = (a: StreamRule, b: StreamRule) => a.value === b.value && (a.tag ?? '') === (b.tag ?? '');

/**
 * Makes the stream's rules equal the configured ones: adds the missing, deletes the others, keeps
 * the rest untouched (so a restart does not churn rule ids). A rejected rule stops start-up with
 * the API's own words for each (`Invalid Rule: … `); DuplicateRule is harmless and ignored.
 */
export async function syncStreamRules(
  baseUrl: string,
  token: string,
  wanted: readonly StreamRule[],
): Promise<RuleSyncReport> {
  const url = new URL('/2/tweets/search/stream/rules', baseUrl).toString();
  const live = ((await rulesRequest(url, token, 'GET')).data ?? []) as LiveRule[];
  const deleted = live.filter((rule) => !wanted.some((want) => sameRule(rule, want)));
  const kept = live.filter((rule) => wanted.some((want) => sameRule(rule, want)));
  const added = wanted.filter((want) => !live.some((rule) => sameRule(rule, want)));
  if (deleted.length > 0) {
    const body = await rulesRequest(url, token, 'POST', { delete: { ids: deleted.map((rule) => rule.id) } });
    throwOnRuleErrors(body.errors, 'delete');
  }
  if (added.length > 0) {
    const body = await rulesRequest(url, token, 'POST', {
      add: added.map((rule) =>
        rule.tag === undefined ? { value: rule.value } : { value: rule.value, tag: rule.tag },
      ),
    });
    throwOnRuleErrors(body.errors, 'add');
  }
  const plain = (rule: StreamRule): StreamRule =>
    rule.tag === undefined ? { value: rule.value } : { value: rule.value, tag: rule.tag };
  return { kept: kept.map(plain), added, deleted: deleted.map(plain) };
}

function throwOnRuleErrors(errors: readonly RulesApiError[] | undefined, action: string): void {
  const real = (errors ?? []).filter((error) => error.title !== 'DuplicateRule');
  if (real.length === 0) return;
  const lines = real.map(
    (error) =>
      `${error.value ?? error.id ?? '?'}: ${error.title ?? 'error'}${error.details ? ` (${error.details.join('; ')})` : ''}${error.detail ? ` ${error.detail}` : ''}`,
  );
  throw new IngestError(
    'TWITTER_RULES_REJECTED',
    `the API rejected stream rules (${action}): ${lines.join(' | ')}`,
    {
      context: { errors: real },
    },
  );
}

async function rulesRequest(
  url: string,
  token: string,
  method: 'GET' | 'POST',
  body?: unknown,
): Promise<{ data?: unknown[]; errors?: RulesApiError[] }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new IngestError(
      'TWITTER_RULES_FAILED',
      `stream rules ${method} ${url}: ${(error as Error).message}`,
      {
        cause: error,
        retriable: true,
      },
    );
  }
  const text = await response.text();
  let parsed: { data?: unknown[]; errors?: RulesApiError[]; title?: string; detail?: string } = {};
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    // Not JSON: the status and raw text below say enough.
  }
  if (!response.ok) {
    const code =
      response.status >= 400 && response.status < 500 && response.status !== 429
        ? 'TWITTER_API_REFUSED'
        : 'TWITTER_RULES_FAILED';
    const what = parsed.detail ?? parsed.title ?? text.slice(0, 300);
    throw new IngestError(code, `stream rules ${method}: HTTP ${response.status}: ${what}`, {
      retriable: code === 'TWITTER_RULES_FAILED',
      context: { status: response.status },
    });
  }
  return parsed;
}
