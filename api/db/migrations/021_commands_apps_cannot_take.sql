-- Phones running another app (issue 11) take few or none of our commands: OwnTracks only a
-- request for a position (`locate` → reportLocation), Traccar Client nothing at all. Such a
-- command used to wait for delivery forever. Now it is closed as undeliverable, with the reason,
-- and the operator is told when they ask for one the device cannot take.
alter table device_commands add column undeliverable text;

-- The app a device was last heard through, when it is not our protocol: 'owntracks' or
-- 'osmand' (Traccar Client). Null for protocol v1 devices (the lone-worker app among them).
alter table devices add column app text check (app in ('owntracks', 'osmand'));
