-- Shift handover notes: what the next shift must know, shown to staff when they log in.
create table handover_notes (
  id          bigserial primary key,
  author_id   uuid references users(id),
  author      text not null,
  text        text not null,
  created_at  timestamptz not null
);
create index handover_notes_created_idx on handover_notes(created_at desc);
