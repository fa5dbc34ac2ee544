import { TributaryError } from '@tributary/service-kit';

export type IngestErrorCode =
  /** 400/401/403/404 from the API: a bad token or request; reconnecting cannot fix it. */
  | 'TWITTER_API_REFUSED'
  /** The rules endpoint rejected rules from TWITTER_STREAM_RULES (invalid syntax, too many rules…). */
  | 'TWITTER_RULES_REJECTED'
  /** A rules request failed for another reason (network, 5xx, unexpected body). */
  | 'TWITTER_RULES_FAILED';

export class IngestError extends TributaryError<IngestErrorCode> {}
