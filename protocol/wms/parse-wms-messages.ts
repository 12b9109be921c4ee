import { describeZodIssues, readableErrorMap } from '../layout/describe-zod-issues.ts';
import type { z } from 'zod';
import { wmsEventSchema, type WmsEvent } from './event-schemas.ts';
import { wmsReplySchema, type WmsReply } from './reply-schemas.ts';

/** Result of validating a controller message on the client side; never thrown. */
export type ParseResult<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly errors: string[] };

export function parseWmsReply(text: string): ParseResult<WmsReply> {
  return parseWith(wmsReplySchema, text, 'reply');
}

export function parseWmsEvent(text: string): ParseResult<WmsEvent> {
  return parseWith(wmsEventSchema, text, 'event');
}

/** Parses JSON text against a schema, turning every problem into `path message` lines. */
export function parseWith<T>(schema: z.ZodType<T>, text: string, what: string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`${what} is not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = schema.safeParse(json, { error: readableErrorMap });
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, errors: describeZodIssues(parsed.error.issues).map((i) => `${i.path === '' ? what : i.path} ${i.message}`) };
}
