/** Points of a measurement's field since a time, through InfluxDB's InfluxQL endpoint (1.x and 2.x v1 API). */
export async function countPoints(
  influx: { url: string; database: string },
  measurement: string,
  field: string,
  sinceMs: number,
): Promise<number> {
  const query = `SELECT count("${field}") FROM "${measurement}" WHERE time >= ${sinceMs}ms`;
  const url = `${influx.url}/query?db=${encodeURIComponent(influx.database)}&q=${encodeURIComponent(query)}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`InfluxDB answered ${response.status} to ${query}`);
  const body = (await response.json()) as { results?: { series?: { values?: [string, number][] }[] }[] };
  return body.results?.[0]?.series?.[0]?.values?.[0]?.[1] ?? 0;
}
