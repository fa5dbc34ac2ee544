import assert from 'node:assert/strict';

/** Runs Flux through /api/v2/query as Grafana does; returns the CSV's data rows as records. */
export async function flux(url: string, query: string): Promise<Record<string, string>[]> {
  const response = await fetch(`${url}/api/v2/query?org=-`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/csv' },
    body: JSON.stringify({ query, type: 'flux', dialect: { annotations: [], header: true } }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${query}\n→ ${text}`);
  const rows: Record<string, string>[] = [];
  let header: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      header = undefined;
      continue;
    }
    const cells = line.split(',');
    if (header === undefined) header = cells;
    else rows.push(Object.fromEntries(header.map((name, index) => [name, cells[index] ?? ''])));
  }
  assert.ok(!text.includes('"error"'), text);
  return rows;
}

/** Grafana's Flux macros, as it substitutes them for a dashboard time range of the last hour. */
export function substituteMacros(query: string, bucket: string, now = Date.now()): string {
  return substituteRange(query, bucket, {
    from: new Date(now - 3600_000).toISOString(),
    to: new Date(now + 60_000).toISOString(),
  });
}

/** Grafana's Flux macros for an absolute time range (RFC 3339), as a dashboard's `time` holds it. */
export function substituteRange(
  query: string,
  bucket: string,
  range: { readonly from: string; readonly to: string },
  windowPeriod = '10s',
): string {
  return query
    .replaceAll('v.timeRangeStart', range.from)
    .replaceAll('v.timeRangeStop', range.to)
    .replaceAll('v.windowPeriod', windowPeriod)
    .replaceAll('v.defaultBucket', JSON.stringify(bucket));
}
