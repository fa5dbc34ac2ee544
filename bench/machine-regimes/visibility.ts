import { influxql } from './influx.ts';

/**
 * Samples when points become queryable in InfluxDB. Every `pollMs` it asks for the points newer
 * than the newest it has seen, per machine; a point first returned by poll k became visible after
 * poll k-1 was sent and before poll k answered, so its latency lies in
 * (send time of k-1 − event time, answer time of k − event time]. Both bounds are kept.
 */
export class VisibilitySampler {
  readonly upper: number[] = [];
  readonly lower: number[] = [];
  readonly #url: string;
  readonly #db: string;
  readonly #pollMs: number;
  readonly #newest = new Map<string, number>();
  #since: number;
  #running = false;
  #loop: Promise<void> | undefined;
  polls = 0;

  constructor(url: string, db: string, options: { since: number; pollMs: number }) {
    this.#url = url;
    this.#db = db;
    this.#since = options.since;
    this.#pollMs = options.pollMs;
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async #run(): Promise<void> {
    let previousSent = Date.now();
    while (this.#running) {
      const sent = Date.now();
      const series = await influxql(
        this.#url,
        this.#db,
        `SELECT "temperature" FROM "machine_regime" WHERE time > ${this.#since}ms GROUP BY "machine"`,
      );
      const answered = Date.now();
      this.polls++;
      for (const { tags, values } of series) {
        const machine = tags?.machine ?? '';
        let newest = this.#newest.get(machine) ?? this.#since;
        for (const row of values ?? []) {
          const eventTime = Number(row[0]);
          if (eventTime <= newest) continue;
          // Points seen by the first poll may have been visible for a while: no lower bound for them.
          if (this.polls > 1) this.lower.push(previousSent - eventTime);
          this.upper.push(answered - eventTime);
          newest = eventTime;
        }
        this.#newest.set(machine, newest);
      }
      if (this.#newest.size > 0) this.#since = Math.min(...this.#newest.values());
      previousSent = sent;
      const wait = this.#pollMs - (Date.now() - sent);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
