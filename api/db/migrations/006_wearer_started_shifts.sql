-- Lone-worker shifts started from the device: the protocol has no "start shift" event, so the
-- shift pattern agreed with the worker's manager (check-in interval, shift length) is kept on
-- the device, and a check-in while no shift is running starts one. Shifts may have a planned
-- end (those started from the device always do); the clock closes them when nothing is owed.
alter table devices
  add column shift_interval_s integer check (shift_interval_s between 60 and 86400),
  add column shift_length_s integer check (shift_length_s between 600 and 86400),
  add column shift_grace_s integer check (shift_grace_s between 0 and 3600),
  add constraint devices_shift_pattern_whole
    check ((shift_interval_s is null) = (shift_length_s is null) and (shift_interval_s is null) = (shift_grace_s is null));

alter table checkin_shifts add column planned_end_at timestamptz;
create index checkin_shifts_planned_end_idx on checkin_shifts(planned_end_at) where ended_at is null and planned_end_at is not null;
create index checkin_shifts_device_ended_idx on checkin_shifts(device_id, ended_at desc);
