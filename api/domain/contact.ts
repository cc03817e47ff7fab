// A wearer's contact: someone the response plan may call or message, in the order they are tried.
// The store keeps them (api/store/contact-store.ts); the plan rules read them; the console shows them.
import { z } from 'zod';

/** When a contact may be called: Europe/London local time, may wrap midnight. */
export const ContactHours = z.object({
  from: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time is HH:MM (00:00 to 23:59)'),
  to: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time is HH:MM (00:00 to 23:59)'),
});
export type ContactHours = z.infer<typeof ContactHours>;

export interface Contact {
  id: string;
  wearerId: string;
  /** 1..n with no gaps: a response plan's contactPosition N is the Nth contact. */
  position: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
  /** null = any time. */
  hours: ContactHours | null;
  /** Set when the contact is a carer with an ARC account. */
  carerId: string | null;
}
