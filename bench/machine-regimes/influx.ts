type Series = { name?: string; tags?: Record<string, string>; values?: unknown[][] };

/** InfluxQL over the 1.x HTTP API: SELECTs by GET, everything else (CREATE/DROP DATABASE) by POST. */
export async function influxql(url: string, db: string, q: string): Promise<Series[]> {
  const query = `${url}/query?db=${encodeURIComponent(db)}&epoch=ms&q=${encodeURIComponent(q)}`;
  const response = await fetch(query, { method: q.startsWith('SELECT') ? 'GET' : 'POST' });
  if (response.status !== 200) throw new Error(`InfluxDB answered ${response.status} to ${q}`);
  const body = (await response.json()) as { results: { series?: Series[]; error?: string }[] };
  const result = body.results[0];
  if (result?.error) throw new Error(`InfluxDB: ${result.error} (${q})`);
  return result?.series ?? [];
}

export async function pointCount(url: string, db: string, since = 0): Promise<number> {
  const [series] = await influxql(
    url,
    db,
    `SELECT count("temperature") FROM "machine_regime" WHERE time >= ${since}ms`,
  );
  return Number(series?.values?.[0]?.[1] ?? 0);
}
