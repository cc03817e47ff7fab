// Parse at the edge, once (STYLE habit 6): a bad body, query or parameter is a 400 that says why.
// Text PostgreSQL cannot hold (NUL, unpaired surrogates) is refused here, in every field and key,
// before any route writes anything (issue 12, items 5 and 6): it used to fail half-way through a
// change, after the first write, with a 500 and no audit entry.
import type { z } from 'zod';
import { storableString } from '../../protocol/storable-text.js';
import { ArcError } from '../errors.js';

/** The path of the first string (or key) in `value` that PostgreSQL cannot store; null if none. */
export function unstorableField(value: unknown): string | null {
  // A loop, not recursion: a body of "[[[[…" nests deep.
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (storableString(item) !== item) return path;
    } else if (Array.isArray(item)) {
      item.forEach((v, i) => pending.push([v, path ? `${path}.${i}` : String(i)]));
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, v] of Object.entries(item)) {
        const at = path ? `${path}.${key}` : key;
        if (storableString(key) !== key) return at;
        pending.push([v, at]);
      }
    }
  }
  return null;
}

export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const unstorable = unstorableField(value);
  if (unstorable !== null) {
    const message = 'contains a character that cannot be stored (NUL or an unpaired surrogate)';
    throw new ArcError(
      'ARC_ERR_VALIDATION',
      `The request is not valid: ${unstorable ? `${unstorable}: ` : ''}${message}`,
      [{ field: unstorable, message }],
    );
  }
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; ');
  throw new ArcError('ARC_ERR_VALIDATION', `The request is not valid: ${summary}`, details);
}
