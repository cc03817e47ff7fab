// Every phone number on the console is a click-to-call link: `tel:` by default, or the ARC's
// softphone URI (ARC_CALL_URI_TEMPLATE, e.g. sip:{number}@pbx.example.org) from GET /api/console-config.
import { el } from './element.js';

let template = 'tel:{number}';

/** Set once from the console config. */
export function useCallTemplate(next: string | null | undefined): void {
  if (next && next.includes('{number}')) template = next;
}

/** The number as a dialler takes it: digits and a leading +. */
export const dialable = (number: string) => number.replace(/[^+\d]/g, '').replace(/(?!^)\+/g, '');

/** Digits and one leading +: nothing in it needs escaping in a URI. */
export const callHref = (number: string) => template.replaceAll('{number}', dialable(number));

export function callLink(number: string, text: string = number): HTMLAnchorElement {
  return el('a', { className: 'call-link', attrs: { href: callHref(number), title: `Call ${number}` }, text });
}
