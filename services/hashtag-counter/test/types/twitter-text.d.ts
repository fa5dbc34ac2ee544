// twitter-text ships no types; the tests compare with its extractHashtags only.
declare module 'twitter-text' {
  const twitterText: { extractHashtags(text: string): string[] };
  export default twitterText;
}
