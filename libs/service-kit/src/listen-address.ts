/** Where a server listens; `port` is the one bound, which differs from the configured one when that is 0. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}
