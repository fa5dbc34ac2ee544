import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import twitterText from 'twitter-text';
import { extractHashtags } from '../../src/processors/extract-hashtags.ts';

/** [text, tags]: the tricky cases of Twitter's hashtag rules. */
const TABLE: readonly (readonly [string, readonly string[]])[] = [
  ['#Hello world', ['hello']],
  ['mixed #CaSe and #case again', ['case']],
  ['#123', []],
  ['#2024 but #2024goals', ['2024goals']],
  ['#1a', ['1a']],
  ['#a_b', ['a_b']],
  ['#_', []],
  ['#_x_', ['_x_']],
  ['end of sentence #tag.', ['tag']],
  ['#tag, #tag2! #tag3? #tag4:', ['tag', 'tag2', 'tag3', 'tag4']],
  ['(#paren) "#quoted" [#bracket]', ['paren', 'quoted', 'bracket']],
  ['#ab-cd', ['ab']],
  ["#rock'n'roll", ['rock']],
  ['#x.y', ['x']],
  ['see https://example.org/#fragment', []],
  ['https://example.org/page#top and #real', ['real']],
  ['www.example.org/#top', []],
  ['example.org/docs#intro', []],
  ['a#b', []],
  ['l&#39;amour #amour', ['amour']],
  ['&#tag', []],
  ['＃ＦｕｌｌＷｉｄｔｈ', ['ｆｕｌｌｗｉｄｔｈ']],
  ['＃全角', ['全角']],
  ['#café', ['café']],
  ['#cafe\u0301 (decomposed)', ['café']],
  ['#Ünïcödé', ['ünïcödé']],
  ['#日本語 #한국어 #русский #مرحبا #עברית', ['日本語', '한국어', 'русский', 'مرحبا', 'עברית']],
  ['#Straße', ['straße']],
  ['🔥#fire🔥', ['fire']],
  ['#fire🔥x', ['fire']],
  ['#️⃣ keycap', []],
  ['#abc#def', []],
  ['##double', ['double']],
  ['#tag://x', []],
  ['x #a\u200db y', ['a\u200db']],
  ['no tags here', []],
  ['RT @user: #Retweeted text', ['retweeted']],
];

describe('hashtag extraction by Twitter rules', () => {
  for (const [text, expected] of TABLE) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(extractHashtags(text), expected);
    });
  }

  it('agrees with twitter-text (the reference implementation) on every case of the table, after case folding', () => {
    for (const [text] of TABLE) {
      const reference = [
        ...new Set(
          twitterText
            .extractHashtags(text)
            .map((tag: string) => tag.normalize('NFC').toLowerCase().normalize('NFC')),
        ),
      ];
      assert.deepEqual(extractHashtags(text), reference, JSON.stringify(text));
    }
  });
});
