/** The first value of an InfluxQL query's first series (1.x and 2.x v1 API); 0 when there is none. */
async function firstValue(influx: { url: string; database: string }, query: string): Promise<number> {
  const url = `${influx.url}/query?db=${encodeURIComponent(influx.database)}&q=${encodeURIComponent(query)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`InfluxDB answered ${response.status} to ${query}`);
  const body = (await response.json()) as { results?: { series?: { values?: [string, number][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
}

/** Points of a measurement's field since a time, through InfluxDB's InfluxQL endpoint (1.x and 2.x v1 API). */
export async function countPoints(
  influx: { url: string; database: string },
  measurement: string,
  field: string,
  sinceMs: number,
): Promise<number> {
  return firstValue(influx, `SELECT count("${field}") FROM "${measurement}" WHERE time >= ${sinceMs}ms`);
}

/** Sum of a numeric field over every point of a measurement (whatever its time). */
export async function sumField(
  influx: { url: string; database: string },
  measurement: string,
  field: string,
): Promise<number> {
  return firstValue(influx, `SELECT sum("${field}") FROM "${measurement}"`);
}

/**
 * Deletes a measurement's points from a time on (InfluxQL DELETE, a POST), so a run's count is its
 * own: an earlier demo run's points can lie in the same event-time range.
 */
export async function deletePointsSince(
  influx: { url: string; database: string },
  measurement: string,
  sinceMs: number,
): Promise<void> {
  const query = `DELETE FROM "${measurement}" WHERE time >= ${sinceMs}ms`;
  const response = await fetch(`${influx.url}/query?db=${encodeURIComponent(influx.database)}`, {
    method: 'POST',
    body: new URLSearchParams({ q: query }),
  });
  if (!response.ok) throw new Error(`InfluxDB answered ${response.status} to ${query}`);
}
