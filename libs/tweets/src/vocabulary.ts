/** A hashtag of the generator's vocabulary, as people write it, and the language it goes with. */
export interface VocabularyTag {
  /** The usual spelling, without '#'; case variants are derived from it. */
  readonly tag: string;
  /** BCP 47 language of the tweets that carry it; undefined: any. */
  readonly lang: string | undefined;
}

// Ordered by popularity: index 0 is Zipf rank 1. Unicode tags are NFC and avoid letters whose case
// mapping does not round-trip (ß, final sigma, dotted İ), so lower-casing any variant gives one tag.
const COMMON = [
  'ether',
  'Bitcoin',
  'AI',
  'crypto',
  'WorldCup',
  'JavaScript',
  'NFT',
  'climate',
  'Kafka',
  'ChatGPT',
  'café',
  'Olympics',
  'Web3',
  '日本',
  'Python',
  'NBA',
  'Привет',
  'OpenSource',
  'Netflix',
  'TypeScript',
  'SpaceX',
  'election2024',
  'München',
  'gaming',
  'Rust',
  'F1',
  'coffee',
  'travel',
  'COVID19',
  'DeFi',
  '東京',
  'Marvel',
  'España',
  'photography',
  'Tesla',
  'mental_health',
  'KPop',
  'Москва',
  'BlackFriday',
  'DataEngineering',
  'niño',
  'ラーメン',
  'MachineLearning',
  '100DaysOfCode',
  'remote_work',
  'Ελλάδα',
  'São_Paulo',
  '한국',
  'Zürich',
  '北京',
  'crème_brûlée',
  'القاهرة',
  'anime',
  'fitness',
  'books',
  'science',
  'foodie',
  'Halloween',
  'tbt',
  'OOTD',
  'TaylorSwift',
  'Oscars',
  'stocks',
  'blockchain',
] as const;

const LANG_OF: Readonly<Record<string, string>> = {
  café: 'fr',
  crème_brûlée: 'fr',
  日本: 'ja',
  東京: 'ja',
  ラーメン: 'ja',
  Привет: 'ru',
  Москва: 'ru',
  München: 'de',
  Zürich: 'de',
  España: 'es',
  niño: 'es',
  São_Paulo: 'pt',
  한국: 'ko',
  北京: 'zh',
  Ελλάδα: 'el',
  القاهرة: 'ar',
};

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'zu', 'shi', 'no', 've', 'da', 'qu', 'ix', 'bo', 'ne', 'ty'];

/** The long tail: made-up but pronounceable tags (some with digits or '_'), stable for a given index. */
function tailTag(index: number): string {
  const parts: string[] = [];
  let rest = index;
  do {
    parts.push(SYLLABLES[rest % SYLLABLES.length] as string);
    rest = Math.floor(rest / SYLLABLES.length);
  } while (rest > 0);
  parts.push(SYLLABLES[(index * 7 + 3) % SYLLABLES.length] as string);
  const word = parts.join('');
  if (index % 11 === 0) return `${word}_${index % 100}`;
  if (index % 7 === 0) return `${word}${index % 10}`;
  return index % 3 === 0 ? word[0]?.toUpperCase() + word.slice(1) : word;
}

/**
 * The first `size` tags by popularity: the common ones, then a made-up tail. Tags are distinct once
 * case-folded, so a count per folded tag is a count per vocabulary entry.
 */
export function tagVocabulary(size: number): VocabularyTag[] {
  if (!(Number.isSafeInteger(size) && size >= 1)) throw new RangeError('vocabulary size must be ≥ 1');
  const tags: VocabularyTag[] = [];
  const seen = new Set<string>();
  const add = (tag: string) => {
    const folded = tag.toLowerCase();
    if (seen.has(folded)) return;
    seen.add(folded);
    tags.push({ tag: tag.normalize('NFC'), lang: LANG_OF[tag] });
  };
  for (const tag of COMMON) {
    if (tags.length === size) return tags;
    add(tag);
  }
  for (let index = 0; tags.length < size; index++) add(tailTag(index));
  return tags;
}

/** Words around the tags; the positive and negative ones give a lexicon sentiment model something to score. */
export const WORDS = {
  neutral: {
    en: [
      'just',
      'saw',
      'the',
      'new',
      'update',
      'about',
      'today',
      'thinking',
      'everyone',
      'talking',
      'tonight',
      'again',
      'check',
      'this',
      'out',
      'what',
      'happened',
      'with',
      'people',
      'market',
    ],
    es: ['hoy', 'el', 'nuevo', 'todos', 'hablan', 'de', 'esto', 'mira'],
    fr: ['aujourd’hui', 'le', 'nouveau', 'tout', 'le', 'monde', 'parle', 'de'],
    de: ['heute', 'das', 'neue', 'alle', 'reden', 'über'],
    pt: ['hoje', 'o', 'novo', 'todo', 'mundo', 'fala', 'disso'],
    ja: ['今日', 'は', 'みんな', 'の', '話題'],
    ru: ['сегодня', 'все', 'говорят', 'про', 'это'],
    ko: ['오늘', '모두', '이야기'],
    zh: ['今天', '大家', '都在', '说'],
    el: ['σήμερα', 'όλοι', 'μιλούν', 'για'],
    ar: ['اليوم', 'الجميع', 'يتحدث', 'عن'],
  } as Readonly<Record<string, readonly string[]>>,
  positive: [
    'love',
    'great',
    'amazing',
    'awesome',
    'happy',
    'excited',
    'best',
    'beautiful',
    'wonderful',
    'win',
    '😍',
    '🎉',
  ],
  negative: [
    'hate',
    'terrible',
    'awful',
    'worst',
    'sad',
    'angry',
    'broken',
    'fail',
    'disappointed',
    'scam',
    '😡',
    '😢',
  ],
} as const;
