/** Event-time windows `[start, start + size)` starting every `slide` ms from the epoch. */
export interface WindowSpec {
  readonly sizeMs: number;
  readonly slideMs: number;
  /** A window is final once the watermark reaches its end plus this. */
  readonly allowedLatenessMs: number;
}

/** Starts of the windows holding `eventTime`, oldest first (size / slide of them, rounded up). */
export function windowStartsOf(eventTime: number, spec: WindowSpec): number[] {
  const newest = eventTime - mod(eventTime, spec.slideMs);
  const starts: number[] = [];
  for (let start = newest; start > eventTime - spec.sizeMs; start -= spec.slideMs) starts.unshift(start);
  return starts;
}

/** True once no tweet can enter the window any more: end + allowed lateness ≤ watermark. */
export function isFinal(windowStart: number, watermark: number, spec: WindowSpec): boolean {
  return windowStart + spec.sizeMs + spec.allowedLatenessMs <= watermark;
}

/** The windows of `eventTime` still open at `watermark`. */
export function openWindowStartsOf(eventTime: number, watermark: number, spec: WindowSpec): number[] {
  return windowStartsOf(eventTime, spec).filter((start) => !isFinal(start, watermark, spec));
}

/** Euclidean remainder: event times before 1970 still fall into the right window. */
function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
