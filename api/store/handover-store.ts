// Shift handover notes: written by staff, read by the next shift.
import type { Sql } from 'postgres';
import type { HandoverNote } from '../domain/handover-note.js';

// Defined in the core (api/domain/handover-note.ts); re-exported for the code that reads it from here.
export type { HandoverNote };

export async function insertHandoverNote(
  sql: Sql,
  note: { authorId: string; author: string; text: string; at: Date },
): Promise<HandoverNote> {
  const [row] = await sql<HandoverNote[]>`
    insert into handover_notes (author_id, author, text, created_at) values (${note.authorId}, ${note.author}, ${note.text}, ${note.at})
    returning id::text, author, text, created_at`;
  return row;
}

/** Notes written since `since`, newest first (at most 50). */
export async function recentHandoverNotes(sql: Sql, since: Date): Promise<HandoverNote[]> {
  return sql<HandoverNote[]>`
    select id::text, author, text, created_at from handover_notes where created_at >= ${since} order by created_at desc, id desc limit 50`;
}
