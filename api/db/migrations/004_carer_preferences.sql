-- The carer view: what each carer wants to be told, whether a wearer's carers may change the safe
-- zones, and which stored fixes belong to a device's current wearer.

-- Off by default: an administrator decides, with the wearer, that carers may draw safe zones.
alter table wearers add column carers_edit_safe_zones boolean not null default false;

-- One row per carer who changed the defaults (every kind of alarm, by email to the login address).
-- kinds: the groups of api/rules/carer-alarm-kinds.ts the carer wants to hear about.
create table carer_preferences (
  carer_id   uuid primary key references users(id) on delete cascade,
  channel    text not null default 'email' check (channel in ('email', 'sms')),
  phone      text,
  kinds      text[] not null,
  updated_at timestamptz not null default now(),
  check (channel <> 'sms' or phone is not null)
);

-- Pushes and notifications look links up by wearer.
create index carer_links_wearer_idx on carer_links(wearer_id);

-- A device given to another wearer keeps its stored fixes; the new wearer's carers must not see
-- where the previous wearer went (a domestic-abuse victim's old pendant, for one). Fixes with an
-- id above this mark were stored after the device got its current wearer. Sequence, not clock:
-- the ARC's clock and PostgreSQL's may differ, ids never go back.
alter table devices add column wearer_from_fix_id bigint not null default 0;

create function devices_mark_new_wearer() returns trigger language plpgsql as $$
begin
  if new.wearer_id is distinct from old.wearer_id then
    new.wearer_from_fix_id := nextval(pg_get_serial_sequence('fixes', 'id'));
  end if;
  return new;
end $$;

create trigger devices_new_wearer before update of wearer_id on devices
  for each row execute function devices_mark_new_wearer();
