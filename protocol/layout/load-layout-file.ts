import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseLayout, type ParseLayoutResult } from './parse-layout.ts';

/**
 * Reads and parses a layout file: the only IO of the layout contract. A file that cannot be
 * read is reported like any other layout error (errors are prefixed with the file name).
 */
export async function loadLayoutFile(path: string): Promise<ParseLayoutResult> {
  const name = basename(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, errors: [`${name}: cannot read ${path}: ${(error as Error).message}`] };
  }
  return parseLayout(text, name);
}
