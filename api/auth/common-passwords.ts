// Passwords people choose first are the ones guessed first (issue 12, item 7): a length rule alone
// let "qwerty123456" and "password1234" through. Checked against a list shipped in the repository
// (no network at an ARC), as typed, and with the digits and symbols people pad a word with at
// either end taken off; a run of one short chunk repeated is refused too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LIST_FILE = fileURLToPath(new URL('./common-passwords.txt', import.meta.url));

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(LIST_FILE, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

/** Why this password is too easy to guess, or null when it is not on the list. */
export function commonPasswordReason(password: string): string | null {
  const lower = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lower)) return 'this password is one of the most common: choose another';
  const word = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '');
  if (word.length >= 4 && list.has(word))
    return `this password is a common one ("${word}") with digits or symbols added: choose another`;
  if (/^(.{1,6})\1+$/.test(lower)) return 'this password repeats a few characters: choose another';
  return null;
}
