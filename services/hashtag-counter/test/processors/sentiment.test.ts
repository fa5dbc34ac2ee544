import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { meanSentiment, sentimentOf } from '../../src/processors/sentiment.ts';

/** VADER's own examples (its README) with the compound scores the reference implementation gives. */
const EXAMPLES: readonly (readonly [string, number])[] = [
  ['VADER is smart, handsome, and funny.', 0.8316],
  ['VADER is smart, handsome, and funny!', 0.8439],
  ['VADER is very smart, handsome, and funny.', 0.8545],
  ['VADER is VERY SMART, handsome, and FUNNY.', 0.9227],
  ['VADER is VERY SMART, handsome, and FUNNY!!!', 0.9342],
  ['VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!', 0.9469],
  ['VADER is not smart, handsome, nor funny.', -0.7424],
  ['The book was good.', 0.4404],
  ['At least it isnt a horrible book.', 0.431],
  ['The book was only kind of good.', 0.3832],
  ['The plot was good, but the characters are uncompelling and the dialog is not great.', -0.7042],
  ['Today SUX!', -0.5461],
  ['Make sure you :) or :D today!', 0.8633],
  ['', 0],
];

describe('sentiment (VADER compound, in 10⁻⁴)', () => {
  for (const [text, compound] of EXAMPLES) {
    it(`${JSON.stringify(text)} → ${compound}`, () => {
      assert.equal(sentimentOf(text), Math.round(compound * 10_000));
    });
  }

  it('averages integer scores exactly, whatever the order, back on the −1…1 scale', () => {
    const scores = [8316, -5461, 4404, 1];
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    assert.equal(meanSentiment(sum(scores), 4), meanSentiment(sum([...scores].reverse()), 4));
    assert.equal(meanSentiment(sum(scores), 4), 0.1815);
    assert.equal(meanSentiment(0, 0), 0);
  });
});
