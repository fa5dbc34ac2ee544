/**
 * Splits a byte stream into lines as the filtered stream frames them ("\r\n" after each JSON
 * object; a bare "\r\n" is a keep-alive). Chunks may cut a line, or a UTF-8 character, anywhere:
 * the decoder and the carried-over remainder join them again.
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  #rest = '';

  /** The complete lines in `chunk` (after what earlier chunks left), without their line ends. */
  push(chunk: Uint8Array): string[] {
    const text = this.#rest + this.#decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.#rest = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** What is left of an unterminated line when the stream ends (a cut tweet: never complete). */
  get remainder(): string {
    return this.#rest;
  }
}
