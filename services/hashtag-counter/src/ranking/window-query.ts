import type { HashtagTop } from '@tributary/topics';
import type { TopView } from './top-view.ts';

export type WindowLookup =
  | { readonly kind: 'found'; readonly top: HashtagTop }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'missing'; readonly reason: string };

/**
 * The top asked for by gRPC or the page: `window` is a window start (ISO 8601 in any offset, or epoch
 * milliseconds), or empty for the view's current window (see {@link TopView.current}).
 */
export function resolveWindow(view: TopView, window: string): WindowLookup {
  const wanted = window.trim();
  if (wanted === '') {
    const top = view.current();
    return top === undefined
      ? { kind: 'missing', reason: 'no window has a top yet' }
      : { kind: 'found', top };
  }
  const ms = /^-?[0-9]+$/.test(wanted) ? Number(wanted) : Date.parse(wanted);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    return {
      kind: 'invalid',
      reason: `window '${wanted}' is neither an ISO 8601 timestamp nor epoch milliseconds`,
    };
  }
  const windowStart = new Date(ms).toISOString();
  const top = view.get(windowStart);
  return top === undefined
    ? { kind: 'missing', reason: `no top for the window starting at ${windowStart} (unknown or expired)` }
    : { kind: 'found', top };
}
