// Text a device sends, made storable (issue 10). PostgreSQL holds no NUL in text and refuses
// "\u0000" and unpaired surrogate escapes in jsonb, so one such character anywhere in a payload
// would fail the message's transaction: no PUBACK, the device resends it on every reconnect, and
// its next alarm waits behind it for ever (spec guarantee 4). Every string, in every nested field
// and key, gets U+FFFD in place of each such character, and the caller flags the message.
//
// Both can only come from a `\u` escape: a raw control character is not valid JSON, and bytes that
// are not UTF-8 already decode to U+FFFD. So text without a backslash-u is passed as it is,
// which is nearly every message, without walking it.

export const REPLACEMENT_CHARACTER = '\uFFFD';

// NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with every character PostgreSQL cannot hold replaced by U+FFFD. */
export function storableString(text: string): string {
  return text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}

export interface StorableValue {
  value: unknown;
  /** True when some character had to be replaced: the caller flags the message. */
  replaced: boolean;
}

/**
 * The parsed JSON of a payload, made storable. `sourceText` is the text it was parsed from: when
 * it holds no `\u` escape nothing can need replacing and the value is returned untouched.
 */
export function makeStorable(value: unknown, sourceText: string): StorableValue {
  if (!sourceText.includes('\\u')) return { value, replaced: false };
  let replaced = false;
  const fix = (text: string) => {
    const storable = storableString(text);
    if (storable !== text) replaced = true;
    return storable;
  };
  if (typeof value === 'string') return { value: fix(value), replaced };
  // A loop, not recursion: 16 KiB of "[[[[…" nests eight thousand deep.
  const containers: unknown[] = [value];
  while (containers.length) {
    const container = containers.pop();
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const v = container[i];
        if (typeof v === 'string') container[i] = fix(v);
        else if (typeof v === 'object' && v !== null) containers.push(v);
      }
    } else if (typeof container === 'object' && container !== null) {
      const object = container as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        const v = object[key];
        const storableKey = fix(key);
        const storable = typeof v === 'string' ? fix(v) : v;
        if (storableKey !== key) delete object[key];
        // defineProperty, not assignment: a key "__proto__" stays a plain field.
        if (storableKey !== key || storable !== v) {
          Object.defineProperty(object, storableKey, {
            value: storable,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        if (typeof v === 'object' && v !== null) containers.push(v);
      }
    }
  }
  return { value, replaced };
}
