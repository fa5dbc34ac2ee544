/** A check that does not pass yet, and why, as /readyz reports it. */
export interface FailingCheck {
  readonly check: string;
  readonly reason: string;
}

const NOT_REPORTED = 'not reported yet';

/**
 * One condition the service needs before it takes traffic. Whoever knows flips it, e.g. a consumer
 * passes on joining its group and fails on a rebalance; pushing (not polling) lets gRPC health
 * watchers hear about a change at once.
 */
export class ReadinessCheck {
  readonly name: string;
  #reason: string | undefined = NOT_REPORTED;
  readonly #changed: () => void;

  constructor(name: string, changed: () => void) {
    this.name = name;
    this.#changed = changed;
  }

  get passing(): boolean {
    return this.#reason === undefined;
  }

  /** Why it fails; undefined while it passes. */
  get reason(): string | undefined {
    return this.#reason;
  }

  pass(): void {
    this.#set(undefined);
  }

  fail(reason: string): void {
    this.#set(reason);
  }

  #set(reason: string | undefined): void {
    if (this.#reason === reason) return;
    this.#reason = reason;
    this.#changed();
  }
}

/** The service is ready when every registered check passes. */
export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #listeners = new Set<(ready: boolean) => void>();
  #ready = true;

  /** Adds a check, failing until its owner reports otherwise. */
  register(name: string): ReadinessCheck {
    if (this.#checks.has(name)) throw new TypeError(`readiness check '${name}' is already registered`);
    const check = new ReadinessCheck(name, () => this.#update());
    this.#checks.set(name, check);
    this.#update();
    return check;
  }

  get ready(): boolean {
    return this.#ready;
  }

  failing(): FailingCheck[] {
    return [...this.#checks.values()].flatMap(({ name, reason }) =>
      reason === undefined ? [] : [{ check: name, reason }],
    );
  }

  /** Calls `listener` whenever `ready` flips. */
  onChange(listener: (ready: boolean) => void): void {
    this.#listeners.add(listener);
  }

  #update(): void {
    const ready = [...this.#checks.values()].every((check) => check.passing);
    if (ready === this.#ready) return;
    this.#ready = ready;
    for (const listener of this.#listeners) listener(ready);
  }
}
