-- A fix that carries its own id is stored once per device (issue 11): Traccar Client resends a
-- position it believes failed, OwnTracks resends its queue, the lone-worker app resends its
-- outbox; each resend of the same fix used to be a second row. The id is the device's (the
-- lone-worker app's), or derived at the edge from device, time and position (OsmAnd, OwnTracks).
-- Fixes without one (protocol v1 devices need not send it) are stored as before, and this partial
-- index costs their inserts nothing. Rows stored before keep any id they had in `extra` and are
-- not indexed: nothing already stored is removed.
alter table fixes add column device_fix_id text;
create unique index fixes_device_fix_id on fixes (device_id, device_fix_id) where device_fix_id is not null;
