// A wearer's contacts: who the response plan calls, texts or emails, in order. Supervisors and
// administrators change them; operators read them. Every change is audited against the wearer.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { ContactHours } from '../rules/response-plan.js';
import { audit } from '../store/audit-log.js';
import {
  deleteContact,
  getContact,
  insertContact,
  listContacts,
  updateContact,
  type ContactFields,
} from '../store/contact-store.js';
import { findUserById } from '../store/user-store.js';
import { getWearer } from '../store/wearer-store.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

// Loose on purpose: numbers are kept as the contact gave them, spaces and all.
const Phone = z
  .string()
  .trim()
  .min(6, 'a phone number is 6 to 20 characters')
  .max(20, 'a phone number is 6 to 20 characters')
  .regex(/^\+?[0-9][0-9 ]*$/, 'a phone number is digits and spaces, with an optional leading +');
const Hours = ContactHours.refine((h) => h.from !== h.to, {
  message: 'from and to must differ; leave hours out (null) for any time',
});

const ContactFieldsInput = z.object({
  name: z.string().trim().min(1).max(200),
  relationship: z.string().trim().max(100),
  phone: Phone.nullable(),
  email: z.email().max(254).nullable(),
  /** When they may be called, UK time; may wrap midnight ("20:00"–"08:00"); null = any time. */
  hours: Hours.nullable(),
  /** A carer account this contact belongs to. */
  carerId: z.uuid().nullable(),
  /** 1 = first; moves the others down. Past the end means last. */
  position: z.number().int().min(1).max(1000),
});
export const NewContact = ContactFieldsInput.partial().extend({ relationship: z.string().trim().max(100).default('') });
export const ContactUpdate = ContactFieldsInput.partial();
export const WearerParams = z.object({ id: z.uuid() });
export const ContactParams = z.object({ id: z.uuid() });

const noWayToReach = () =>
  new ArcError('ARC_ERR_VALIDATION', 'The request is not valid: a contact needs a phone number or an email address', [
    { field: 'phone', message: 'a contact needs a phone number or an email address' },
  ]);

async function carerNamed(deps: RouteDeps, carerId: string) {
  const carer = await findUserById(deps.sql, carerId);
  if (!carer || carer.role !== 'carer') throw new ArcError('ARC_ERR_USER_NOT_FOUND', 'No carer with that id');
  return carer;
}

export function contactRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  // Organisation managers too, for their own organisation's wearers (api/routes/tenant-scope.ts).
  const staff = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');
  const managers = deps.allow('administrator', 'supervisor', 'organisation_manager');

  app.get('/api/wearers/:id/contacts', { preHandler: staff }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    if (!(await getWearer(sql, id))) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    return { contacts: await listContacts(sql, id) };
  });

  app.get('/api/contacts/:id', { preHandler: staff }, async (request) => {
    const contact = await getContact(sql, parseInput(ContactParams, request.params).id);
    if (!contact) throw new ArcError('ARC_ERR_CONTACT_NOT_FOUND');
    return { contact };
  });

  app.post('/api/wearers/:id/contacts', { preHandler: managers }, async (request, reply) => {
    const { id } = parseInput(WearerParams, request.params);
    const { position, ...input } = parseInput(NewContact, request.body);
    // A carer with an account can be a contact: their name and login email fill any gaps.
    const carer = input.carerId ? await carerNamed(deps, input.carerId) : null;
    const name = input.name ?? carer?.name;
    if (!name) {
      throw new ArcError('ARC_ERR_VALIDATION', 'The request is not valid: name: a contact needs a name', [
        { field: 'name', message: 'a contact needs a name' },
      ]);
    }
    const fields = { ...input, name, ...(carer && input.email === undefined && { email: carer.email }) };
    if (!fields.phone && !fields.email) throw noWayToReach();
    const contact = await inTransaction(sql, async (tx) => {
      const created = await insertContact(tx, id, fields, position);
      if (!created) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      await audit(tx, actorOf(request), 'contact.created', id, {
        contactId: created.id,
        ...fields,
        position: created.position,
      });
      return created;
    });
    return reply.status(201).send({ contact, contacts: await listContacts(sql, id) });
  });

  app.patch('/api/contacts/:id', { preHandler: managers }, async (request) => {
    const { id } = parseInput(ContactParams, request.params);
    const { position, ...input } = parseInput(ContactUpdate, request.body);
    const current = await getContact(sql, id);
    if (!current) throw new ArcError('ARC_ERR_CONTACT_NOT_FOUND');
    if (input.carerId) await carerNamed(deps, input.carerId);
    const fields: ContactFields = input;
    const phone = fields.phone === undefined ? current.phone : fields.phone;
    const email = fields.email === undefined ? current.email : fields.email;
    if (!phone && !email) throw noWayToReach();
    const contact = await inTransaction(sql, async (tx) => {
      const updated = await updateContact(tx, id, fields, position);
      if (!updated) throw new ArcError('ARC_ERR_CONTACT_NOT_FOUND');
      await audit(tx, actorOf(request), 'contact.updated', updated.wearerId, {
        contactId: id,
        ...fields,
        ...(position !== undefined && { position: updated.position, from: current.position }),
      });
      return updated;
    });
    return { contact, contacts: await listContacts(sql, contact.wearerId) };
  });

  app.delete('/api/contacts/:id', { preHandler: managers }, async (request) => {
    const { id } = parseInput(ContactParams, request.params);
    const contact = await inTransaction(sql, async (tx) => {
      const removal = await deleteContact(tx, id);
      if (!removal) throw new ArcError('ARC_ERR_CONTACT_NOT_FOUND');
      if (!removal.ok) {
        const steps = removal.missing.map((m) => `step ${m.step} names contact ${m.contactPosition}`).join('; ');
        throw new ArcError(
          'ARC_ERR_VALIDATION',
          `The wearer's response plan would name a contact that no longer exists (${steps}): change the plan first`,
          removal.missing,
        );
      }
      const removed = removal.contact;
      await audit(tx, actorOf(request), 'contact.deleted', removed.wearerId, {
        contactId: id,
        name: removed.name,
        position: removed.position,
      });
      return removed;
    });
    return { contacts: await listContacts(sql, contact.wearerId) };
  });
}
