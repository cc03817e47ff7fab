// A phone number as staff type it (a wearer's phone, a device's SIM): kept as typed, checked
// only for what a dialler can use. The console turns it into a call link (ARC_CALL_URI_TEMPLATE).
import { z } from 'zod';

export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{2,29}$/, 'a phone number is digits, spaces, ( ) and -, with an optional leading +');
