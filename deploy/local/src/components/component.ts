/** `down`: not running; `unhealthy`: running but not answering its health check. */
export type Health = 'up' | 'down' | 'unhealthy';

export interface ComponentStatus {
  component: string;
  address: string;
  pid: number | null;
  health: Health;
}

/** One part of the local stack. Every method is idempotent. */
export interface Component {
  readonly name: string;
  /** Starts it unless it runs, waits until healthy, then makes sure its fixtures (databases) exist. */
  up(): Promise<void>;
  /** One entry per process (Kafka has one per node). */
  status(): Promise<ComponentStatus[]>;
  down(): Promise<void>;
}
