export interface InfluxSeries {
  readonly name?: string;
  readonly tags?: Record<string, string>;
  readonly columns?: string[];
  readonly values?: unknown[][];
}

/** InfluxQL over the 1.x endpoint, for a test's own checks: the series of the first statement. */
export async function influxSeries(url: string, db: string, q: string): Promise<InfluxSeries[]> {
  const response = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`, {
    method: 'POST',
  });
  if (!response.ok) throw new Error(`InfluxQL ${q}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { results: { series?: InfluxSeries[]; error?: string }[] };
  const result = body.results[0];
  if (result?.error) throw new Error(`InfluxQL ${q}: ${result.error}`);
  return result?.series ?? [];
}

/** InfluxQL over the 1.x endpoint: the rows of every series of the first statement. */
export async function influxQuery(url: string, db: string, q: string): Promise<unknown[][]> {
  return (await influxSeries(url, db, q)).flatMap((series) => series.values ?? []);
}
