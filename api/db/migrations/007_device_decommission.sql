-- Decommissioned devices: kept with their history (events, fixes, alarms), never supervised,
-- never connected again. An open amber session or lone-worker shift ends with the device.
alter table devices
  add column decommissioned_at timestamptz,
  add column decommissioned_reason text;

alter table amber_sessions drop constraint amber_sessions_end_reason_check;
alter table amber_sessions add constraint amber_sessions_end_reason_check
  check (end_reason in ('safe_pin', 'duress', 'expired', 'replaced', 'decommissioned'));
