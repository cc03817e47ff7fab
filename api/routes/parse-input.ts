// Parse at the edge, once (STYLE habit 6): a bad body, query or parameter is a 400 that says why.
import type { z } from 'zod';
import { ArcError } from '../errors.js';

export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; ');
  throw new ArcError('ARC_ERR_VALIDATION', `The request is not valid: ${summary}`, details);
}
