/**
 * Hashtag extraction by Twitter's rules, as twitter-text (the reference implementation) applies them,
 * written as one regular expression with Unicode property escapes instead of depending on twitter-text
 * itself (its npm package is unmaintained since 2019 and pulls in core-js 2 and Babel's runtime).
 *
 * - A tag starts with `#` or the full-width `＃`, not preceded by a letter, mark, digit, `_` or `&`
 *   (so `a#b` and the entity `&#39;` are not tags) and not followed by U+FE0F / U+20E3 (the keycap
 *   emoji #️⃣).
 * - It continues with letters, marks, decimal digits, `_` and the few joiners twitter-text allows
 *   (ZWNJ, ZWJ, Hebrew geresh/gershayim, the middle dot, Japanese prolonged marks …), and must hold
 *   at least one letter or mark: `#123` is not a tag, `#1a` is.
 * - Anything else ends it: punctuation, whitespace, emoji (emoji are symbols, not letters).
 * - A match directly followed by `#`, `＃` or `://` is dropped whole, as twitter-text does
 *   (`#a#b`, `#http://…`).
 * - `#` inside a URL (`https://x.org/#fragment`, `www.x.org/#top`, `x.org/page#top`) is not a tag.
 *
 * Tags are NFC-normalised and lower-cased with the locale-independent mapping, so every instance agrees
 * whatever its locale (`toLowerCase`, not `toLocaleLowerCase` with the host's default).
 */

const ALPHA = '\\p{L}\\p{M}';
const ALPHANUMERIC = `${ALPHA}\\p{Nd}_\\u200c\\u200d\\ua67e\\u05be\\u05f3\\u05f4\\uff5e\\u301c\\u309b\\u309c\\u30a0\\u30fb\\u3003\\u0f0b\\u0f0c\\u00b7`;

// `(?=(…+))\1` is an atomic group: the run of tag characters is taken whole, so the trailing check
// cannot make the engine backtrack into a shorter tag (`#abc#d` must not yield `ab`).
const HASHTAG = new RegExp(
  `(?<![${ALPHANUMERIC}&])[#＃](?![\\ufe0f\\u20e3])(?=([${ALPHANUMERIC}]+))\\1(?![#＃]|:\\/\\/)`,
  'gu',
);
const HAS_LETTER = new RegExp(`[${ALPHA}]`, 'u');

/**
 * URLs whose `#fragment` must not be read as a tag: with a scheme, starting with www., or a bare
 * domain followed by a path. Replaced by spaces of the same length before matching.
 */
const URL = /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[a-z]{2,}\/)\S*/giu;

/** The distinct tags of a text, case-folded, in order of first appearance. */
export function extractHashtags(text: string): string[] {
  if (!text.includes('#') && !text.includes('＃')) return [];
  const withoutUrls = text.replace(URL, (url) => ' '.repeat(url.length));
  const tags: string[] = [];
  for (const match of withoutUrls.matchAll(HASHTAG)) {
    const body = match[1];
    if (body === undefined || !HAS_LETTER.test(body)) continue;
    const tag = normaliseTag(body);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/** NFC, then the locale-independent lower case (NFC again: lower-casing can denormalise). */
export function normaliseTag(tag: string): string {
  return tag.normalize('NFC').toLowerCase().normalize('NFC');
}
