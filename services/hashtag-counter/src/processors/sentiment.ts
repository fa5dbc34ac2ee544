import vader from 'vader-sentiment';

/**
 * VADER's compound score (−1 … 1) as an integer number of 10⁻⁴: VADER is a lexicon and rule model
 * made for social media (emoticons, capitals, "!!!", slang), and an integer makes sums, and so the
 * window means, exact and independent of the order in which tweets are added.
 */
export function sentimentOf(text: string): number {
  const { compound } = vader.SentimentIntensityAnalyzer.polarity_scores(text);
  return Math.round(compound * 10_000);
}

/** The mean of summed {@link sentimentOf} scores, back on VADER's −1 … 1 scale. */
export function meanSentiment(sum: number, count: number): number {
  return count === 0 ? 0 : Math.round(sum / count) / 10_000;
}
