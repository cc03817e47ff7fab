-- Data protection (issue 16, items 5 and 3): how long each organisation's data is kept, and the
-- indexes that let the retention sweep (api/clock/retention-sweep.ts) find what is due cheaply.
-- Wearers without an organisation get the same defaults (api/rules/retention-rules.ts).

alter table organisations
  -- Routine location history (fixes not tied to an alarm, events with no alarm).
  add column location_retention_days integer not null default 90 check (location_retention_days between 1 and 3650),
  -- Alarms with their actions, events, notifications and trail; 7 years by default.
  add column alarm_retention_days integer not null default 2557 check (alarm_retention_days between 365 and 36500),
  -- The audit log (ARC-wide until entries belong to organisations: the longest setting applies).
  add column audit_retention_days integer not null default 2557 check (audit_retention_days between 365 and 36500);

-- BRIN, not B-tree: fixes and events are appended in receive order, so a BRIN index is a few
-- pages, costs the intake (the busiest insert of the ARC) next to nothing, and still lets the
-- sweep skip everything newer than the cut-off.
create index fixes_received_brin on fixes using brin (received_at);
create index events_received_brin on events using brin (received_at);

-- The audit screen filters by action (and lists the actions there are); newest first within one.
create index audit_log_action_idx on audit_log(action, id);
