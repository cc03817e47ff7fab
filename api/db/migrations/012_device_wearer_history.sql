-- Fixes belong to the wearer who had the device when they were stored (issue 12, item 9). Migration
-- 004 kept one mark per device (fixes above it are the current wearer's), so the carers of a
-- wearer whose device went to someone else lost that device's earlier fixes of their own person.
-- Chosen over a wearer_id column on fixes: this table is written only when a device changes hands,
-- so the intake (the busiest insert in the ARC, batched) does no extra join and keeps one index.
-- A period holds the fixes with from_fix_id < id < until_fix_id (until open while it is current);
-- the marks are the ones migration 004's trigger takes from the fixes' sequence.
create table device_wearer_periods (
  device_id     text not null references devices(id) on delete cascade,
  wearer_id     uuid not null references wearers(id) on delete cascade,
  from_fix_id   bigint not null,
  until_fix_id  bigint,
  primary key (device_id, from_fix_id)
);
create index device_wearer_periods_wearer_idx on device_wearer_periods(wearer_id);

-- What is known today: each device's current wearer since its mark (earlier hands are not known).
insert into device_wearer_periods (device_id, wearer_id, from_fix_id)
select id, wearer_id, wearer_from_fix_id from devices where wearer_id is not null;

create function devices_record_wearer_period() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' then
    if new.wearer_id is not distinct from old.wearer_id then
      return null;
    end if;
    update device_wearer_periods set until_fix_id = new.wearer_from_fix_id
    where device_id = new.id and until_fix_id is null;
  end if;
  if new.wearer_id is not null then
    insert into device_wearer_periods (device_id, wearer_id, from_fix_id) values (new.id, new.wearer_id, new.wearer_from_fix_id);
  end if;
  return null;
end $$;

-- After the BEFORE trigger of migration 004 has taken the new mark.
create trigger devices_wearer_period after insert or update of wearer_id on devices
  for each row execute function devices_record_wearer_period();
