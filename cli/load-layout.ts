import { fileURLToPath } from 'node:url';
import { loadLayoutFile, type GridLayout } from '../protocol/layout/index.ts';
import { UsageError } from './errors.ts';

export const DEFAULT_LAYOUT_PATH = fileURLToPath(new URL('../protocol/layout/default-facility.json', import.meta.url));

/** Reads and validates a layout file; every problem is reported, one per line. */
export async function loadLayout(path: string | undefined): Promise<GridLayout> {
  const result = await loadLayoutFile(path ?? DEFAULT_LAYOUT_PATH);
  if (!result.ok) throw new UsageError(`the layout is not valid:\n  ${result.errors.join('\n  ')}`);
  return result.layout;
}
