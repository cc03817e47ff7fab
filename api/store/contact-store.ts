// A wearer's contacts, in the order they are tried. Positions stay 1..n with no gaps (a response
// plan's contactPosition N is the Nth contact), so every insert, move and delete renumbers in one
// transaction, with the wearer's row locked so two editors cannot interleave.
import type { Sql, TransactionSql } from 'postgres';
import { ResponsePlan, missingContacts } from '../rules/response-plan.js';
import type { Contact, ContactHours } from '../domain/contact.js';
import { inTransaction } from './in-transaction.js';

// Defined in the core (api/domain/contact.ts); re-exported for the code that reads it from here.
export type { Contact };

export interface ContactFields {
  name?: string;
  relationship?: string;
  phone?: string | null;
  email?: string | null;
  hours?: ContactHours | null;
  carerId?: string | null;
}

const columns = (sql: Sql | TransactionSql) =>
  sql`id, wearer_id, position, name, relationship, phone, email, hours, carer_id`;

/** Column values, with hours as JSON (the driver would not guess jsonb for an object). */
function row(sql: Sql | TransactionSql, fields: ContactFields): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    values[key] = key === 'hours' && value !== null ? sql.json(value as never) : value;
  }
  return values;
}

const clamp = (wanted: number | undefined, highest: number) => Math.min(Math.max(wanted ?? highest, 1), highest);

/** Locks the wearer; false if there is no such wearer. */
async function lockWearer(tx: TransactionSql, wearerId: string): Promise<boolean> {
  return (await tx`select 1 from wearers where id = ${wearerId} for update`).length === 1;
}

async function countOf(tx: TransactionSql, wearerId: string): Promise<number> {
  const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from contacts where wearer_id = ${wearerId}`;
  return n;
}

export async function listContacts(sql: Sql | TransactionSql, wearerId: string): Promise<Contact[]> {
  return sql<
    Contact[]
  >`select ${columns(sql)} from contacts where wearer_id = ${wearerId} order by position, created_at`;
}

export async function getContact(sql: Sql | TransactionSql, id: string): Promise<Contact | null> {
  const [found] = await sql<Contact[]>`select ${columns(sql)} from contacts where id = ${id}`;
  return found ?? null;
}

/** Adds a contact at `position` (clamped to 1..n+1; default last); null if no such wearer. */
export async function insertContact(
  sql: Sql,
  wearerId: string,
  fields: ContactFields & { name: string },
  position?: number,
): Promise<Contact | null> {
  return inTransaction(sql, async (tx) => {
    if (!(await lockWearer(tx, wearerId))) return null;
    const at = clamp(position, (await countOf(tx, wearerId)) + 1);
    await tx`update contacts set position = position + 1 where wearer_id = ${wearerId} and position >= ${at}`;
    const [created] = await tx<Contact[]>`
      insert into contacts ${tx({ ...row(tx, fields), wearerId, position: at } as never)} returning ${columns(tx)}`;
    return created;
  });
}

/** Changes fields and moves the contact to `position` (clamped to 1..n); null if not found. */
export async function updateContact(
  sql: Sql,
  id: string,
  fields: ContactFields,
  position?: number,
): Promise<Contact | null> {
  return inTransaction(sql, async (tx) => {
    const [current] = await tx<{ wearerId: string }[]>`select wearer_id from contacts where id = ${id}`;
    if (!current || !(await lockWearer(tx, current.wearerId))) return null;
    const [locked] = await tx<{ position: number }[]>`select position from contacts where id = ${id}`;
    if (!locked) return null;
    if (position !== undefined) {
      const to = clamp(position, await countOf(tx, current.wearerId));
      const from = locked.position;
      if (to < from) {
        await tx`update contacts set position = position + 1
                 where wearer_id = ${current.wearerId} and position >= ${to} and position < ${from}`;
      } else if (to > from) {
        await tx`update contacts set position = position - 1
                 where wearer_id = ${current.wearerId} and position > ${from} and position <= ${to}`;
      }
      await tx`update contacts set position = ${to} where id = ${id}`;
    }
    const values = row(tx, fields);
    if (Object.keys(values).length) await tx`update contacts set ${tx(values as never)} where id = ${id}`;
    return getContact(tx, id);
  });
}

export type ContactRemoval =
  | { ok: true; contact: Contact }
  /** The wearer's own response plan names contact positions that would no longer exist. */
  | { ok: false; missing: { step: number; contactPosition: number }[] };

/** Removes a contact and closes the gap; null if not found. */
export async function deleteContact(sql: Sql, id: string): Promise<ContactRemoval | null> {
  return inTransaction(sql, async (tx) => {
    const [current] = await tx<{ wearerId: string }[]>`select wearer_id from contacts where id = ${id}`;
    if (!current || !(await lockWearer(tx, current.wearerId))) return null;
    const [{ responsePlan }] = await tx<
      { responsePlan: unknown }[]
    >`select response_plan from wearers where id = ${current.wearerId}`;
    const own = ResponsePlan.safeParse(responsePlan);
    if (own.success) {
      const missing = missingContacts(own.data, (await countOf(tx, current.wearerId)) - 1);
      if (missing.length) return { ok: false, missing };
    }
    const [removed] = await tx<Contact[]>`delete from contacts where id = ${id} returning ${columns(tx)}`;
    if (!removed) return null;
    await tx`update contacts set position = position - 1 where wearer_id = ${removed.wearerId} and position > ${removed.position}`;
    return { ok: true, contact: removed };
  });
}
