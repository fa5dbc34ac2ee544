import { readFile } from 'node:fs/promises';

/** The last lines of a log, indented, to quote in an error message. */
export async function logTail(file: string, lines = 20): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .map((line) => `    ${line}`)
      .join('\n');
  } catch {
    return `    (no output in ${file})`;
  }
}
