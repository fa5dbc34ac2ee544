import { fileURLToPath } from 'node:url';
import {
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { HashtagTop } from '@tributary/topics';
import type { TopView } from '../ranking/top-view.ts';
import { resolveWindow } from '../ranking/window-query.ts';

const PROTO = fileURLToPath(new URL('./hashtags.proto', import.meta.url));
export const HASHTAG_RANKING_SERVICE = 'tributary.hashtags.v1.HashtagRanking';

interface TopHashtagsRequest {
  window: string;
  n: number;
}

interface TopHashtagsResponse {
  windowStart: string;
  windowEnd: string;
  top: HashtagTop['top'];
  final: boolean;
}

/** The service definition, for the server and for clients (`makeGenericClientConstructor`). */
export function hashtagRankingDefinition(): ServiceDefinition {
  const definition = loadSync(PROTO, { keepCase: false, longs: Number, defaults: true })[
    HASHTAG_RANKING_SERVICE
  ];
  if (definition === undefined || !('TopHashtags' in definition))
    throw new Error(`${PROTO} does not define ${HASHTAG_RANKING_SERVICE}`);
  return definition as ServiceDefinition;
}

/** TopHashtags on the kit's gRPC server, answered from this instance's view of hashtags.top. */
export function hashtagRankingImplementation(
  view: TopView,
  onAnswered: (code: keyof typeof status) => void,
): UntypedServiceImplementation {
  return {
    TopHashtags(
      call: ServerUnaryCall<TopHashtagsRequest, TopHashtagsResponse>,
      callback: sendUnaryData<TopHashtagsResponse>,
    ) {
      const { window, n } = call.request;
      const found = resolveWindow(view, window);
      if (found.kind !== 'found') {
        const code = found.kind === 'invalid' ? 'INVALID_ARGUMENT' : 'NOT_FOUND';
        onAnswered(code);
        callback({ code: status[code], details: found.reason });
        return;
      }
      const { top } = found;
      onAnswered('OK');
      callback(null, {
        windowStart: top.windowStart,
        windowEnd: top.windowEnd,
        top: n > 0 ? top.top.slice(0, n) : top.top,
        final: top.final,
      });
    },
  };
}
