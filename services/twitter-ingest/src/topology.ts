import { defineTopic, type TopicSpec } from '@tributary/kafka';
import { type Tweet, tweetsRaw } from '@tributary/topics';

/**
 * source → tweets.raw (key = tweet id); input that is no tweet → tweets.raw.dlq, its bytes as read,
 * with origin (`<file>:<line>`, `stdin:<line>`, `stream#<n>:<line>`) and reason in headers.
 */
export function tweetsTopic(name: string): TopicSpec<string, Tweet> {
  return name === tweetsRaw.name
    ? tweetsRaw
    : defineTopic({ ...tweetsRaw, name, deadLetterTopic: `${name}.dlq` });
}
