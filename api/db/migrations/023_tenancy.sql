-- Organisations as tenants (issue 16, items 1 and 2): every wearer and device belongs to one
-- organisation, and through them their contacts, zones, plans, fixes and events; alarms carry the
-- organisation they were raised in, so scoping the queue, the reports and the live feed is one
-- indexed column. Today's data moves into one default organisation. Who may see which
-- organisation is decided in api/routes/tenant-scope.ts (docs: organisations.md).

alter table organisations add column is_default boolean not null default false;
-- At most one default: where wearers, devices and carers go when nobody names an organisation.
create unique index organisations_one_default on organisations(is_default) where is_default;

-- The default organisation: an existing one of that name becomes it (the name is unique).
insert into organisations (name, is_default) values ('Default organisation', true)
  on conflict (name) do update set is_default = true;

create function default_organisation() returns uuid language sql stable as
  $$ select id from organisations where is_default $$;

-- Wearers ------------------------------------------------------------------------------------
update wearers set organisation_id = default_organisation() where organisation_id is null;
alter table wearers drop constraint wearers_organisation_id_fkey;
alter table wearers alter column organisation_id set not null,
  add constraint wearers_organisation_id_fkey foreign key (organisation_id) references organisations(id);
-- The target of devices' (wearer_id, organisation_id) foreign key below.
alter table wearers add constraint wearers_id_organisation_key unique (id, organisation_id);
drop index wearers_organisation_idx;
create index wearers_organisation_idx on wearers(organisation_id);

-- A wearer created or changed without an organisation (the API before this one, bulk
-- provisioning, organisationId: null) belongs to the default one rather than failing.
create function wearers_default_organisation() returns trigger language plpgsql as $$
begin
  if new.organisation_id is null then new.organisation_id := default_organisation(); end if;
  return new;
end $$;
create trigger wearers_default_organisation before insert or update of organisation_id on wearers
  for each row execute function wearers_default_organisation();

-- Devices ------------------------------------------------------------------------------------
alter table devices add column organisation_id uuid references organisations(id);
update devices d set organisation_id = coalesce((select w.organisation_id from wearers w where w.id = d.wearer_id), default_organisation());
alter table devices alter column organisation_id set not null;
create index devices_organisation_idx on devices(organisation_id);

-- A device worn by someone is in the wearer's organisation: given a wearer it takes theirs (so
-- an administrator giving a device to another organisation's wearer moves it; the API refuses
-- that to anyone who does not serve both); given none it keeps its own, or the default.
create function devices_organisation() returns trigger language plpgsql as $$
begin
  if new.wearer_id is not null then
    select organisation_id into new.organisation_id from wearers where id = new.wearer_id;
  end if;
  if new.organisation_id is null then new.organisation_id := default_organisation(); end if;
  return new;
end $$;
create trigger devices_organisation before insert or update of wearer_id, organisation_id on devices
  for each row execute function devices_organisation();

-- The rule above, kept by the database: a device and its wearer are never in two organisations.
-- A wearer moved to another organisation takes their devices along (on update cascade); a wearer
-- deleted leaves the device in its organisation, unworn.
alter table devices add constraint devices_wearer_organisation_fkey
  foreign key (wearer_id, organisation_id) references wearers(id, organisation_id)
  on update cascade on delete set null (wearer_id);

-- Alarms -------------------------------------------------------------------------------------
-- Stamped when raised, from the wearer (or the device when none): the organisation the alarm
-- happened in stays its organisation, for its reports and its retention, whatever moves later.
alter table alarms add column organisation_id uuid references organisations(id);
update alarms a set organisation_id = coalesce(
  (select w.organisation_id from wearers w where w.id = a.wearer_id),
  (select d.organisation_id from devices d where d.id = a.device_id));
alter table alarms alter column organisation_id set not null;
create index alarms_organisation_received_idx on alarms(organisation_id, received_at);

create function alarms_organisation() returns trigger language plpgsql as $$
begin
  if new.organisation_id is null then
    new.organisation_id := coalesce(
      (select organisation_id from wearers where id = new.wearer_id),
      (select organisation_id from devices where id = new.device_id));
  end if;
  return new;
end $$;
create trigger alarms_organisation before insert on alarms
  for each row execute function alarms_organisation();

-- Users --------------------------------------------------------------------------------------
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check
  check (role in ('administrator', 'supervisor', 'operator', 'carer', 'organisation_manager'));
-- Organisation managers and carers belong to one organisation; ARC staff to none (they serve
-- the organisations in staff_organisations, or all when they have no row there).
alter table users add column organisation_id uuid references organisations(id);
update users u set organisation_id = coalesce(
  (select min(w.organisation_id::text)::uuid from carer_links l join wearers w on w.id = l.wearer_id where l.carer_id = u.id),
  default_organisation())
  where role = 'carer';
alter table users add constraint users_organisation_by_role
  check ((role in ('carer', 'organisation_manager')) = (organisation_id is not null));
create index users_organisation_idx on users(organisation_id) where organisation_id is not null;

create function users_organisation() returns trigger language plpgsql as $$
begin
  -- A carer created without an organisation (as before this migration) is the default one's (the
  -- API names one for an organisation manager); staff given another role drop theirs, so the
  -- check above holds through a role change.
  if new.role in ('carer', 'organisation_manager') and new.organisation_id is null then new.organisation_id := default_organisation(); end if;
  if new.role not in ('carer', 'organisation_manager') then new.organisation_id := null; end if;
  return new;
end $$;
create trigger users_organisation before insert or update of role, organisation_id on users
  for each row execute function users_organisation();

create table staff_organisations (
  user_id         uuid not null references users(id) on delete cascade,
  organisation_id uuid not null references organisations(id) on delete cascade,
  primary key (user_id, organisation_id)
);

-- The audit log ------------------------------------------------------------------------------
-- Each entry names the organisation it is about, worked out once when it is written (from its
-- target, the wearer or device in its detail, or else the acting user's own organisation), so an
-- organisation manager's audit screen is one indexed filter and survives the wearer's erasure.
alter table audit_log add column organisation_id uuid references organisations(id) on delete set null;

create function audit_organisation(target text, detail jsonb, actor_id uuid) returns uuid language plpgsql stable as $$
declare
  found uuid;
  uuid_pattern constant text := '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
begin
  if target ~ uuid_pattern then
    select organisation_id into found from wearers where id = target::uuid;
    if found is null then select organisation_id into found from alarms where id = target::uuid; end if;
    if found is null then select organisation_id into found from users where id = target::uuid; end if;
    if found is null then select id into found from organisations where id = target::uuid; end if;
    if found is null then select w.organisation_id into found from contacts c join wearers w on w.id = c.wearer_id where c.id = target::uuid; end if;
    if found is null then select w.organisation_id into found from geofences g join wearers w on w.id = g.wearer_id where g.id = target::uuid; end if;
  elsif target is not null then
    select organisation_id into found from devices where id = target;
  end if;
  if found is null and detail->>'wearerId' ~ uuid_pattern then
    select organisation_id into found from wearers where id = (detail->>'wearerId')::uuid;
  end if;
  if found is null and detail->>'deviceId' is not null then
    select organisation_id into found from devices where id = detail->>'deviceId';
  end if;
  if found is null and actor_id is not null then
    select organisation_id into found from users where id = actor_id;
  end if;
  return found;
end $$;

update audit_log set organisation_id = audit_organisation(target, detail, actor_id);
create index audit_log_organisation_idx on audit_log(organisation_id, id) where organisation_id is not null;

create function audit_log_organisation() returns trigger language plpgsql as $$
begin
  if new.organisation_id is null then new.organisation_id := audit_organisation(new.target, new.detail, new.actor_id); end if;
  return new;
end $$;
create trigger audit_log_organisation before insert on audit_log
  for each row execute function audit_log_organisation();
