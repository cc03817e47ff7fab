-- Alarm handling: the operator side and the condition of an alarm, actions, response plans,
-- contacts, amber sessions, check-in shifts, device supervision, geofences, test mode, and the
-- notification outbox. Every pending deadline is a due_at column here (the "clock" sweeps them),
-- so a restarted ARC finds them all and fires each once.

-- Operator side (status: raised → accepted → resolved) apart from the condition (STYLE habit 5).
alter table alarms
  add column condition      text not null default 'active' check (condition in ('active', 'cleared')),
  add column cleared_at     timestamptz,
  add column verified       text check (verified in ('genuine', 'false')),
  add column cancelled_by_wearer_at timestamptz,
  add column is_test        boolean not null default false,
  add column activations    integer not null default 1,
  add column linked_to      uuid references alarms(id),
  add column session_note   text,
  add column accept_due_at  timestamptz,
  add column escalation_level smallint not null default 0 check (escalation_level between 0 and 2),
  add column escalated_at   timestamptz,
  add column plan           jsonb,
  add column plan_step      integer not null default 0,
  add column step_due_at    timestamptz,
  add column resolution_note text,
  add column late_fired     boolean not null default false;
create index alarms_accept_due_idx on alarms(accept_due_at) where status = 'raised';
create index alarms_step_due_idx on alarms(step_due_at) where status <> 'resolved';
create index alarms_wearer_open_idx on alarms(wearer_id) where status <> 'resolved';

-- Everything done to an alarm, by whom and when; the alarm's history.
create table alarm_actions (
  id        bigserial primary key,
  alarm_id  uuid not null references alarms(id) on delete cascade,
  at        timestamptz not null,
  actor_id  uuid references users(id),
  actor     text not null,
  kind      text not null,
  detail    jsonb not null default '{}'
);
create index alarm_actions_alarm_idx on alarm_actions(alarm_id, id);

alter table wearers
  add column medical_notes text not null default '',
  add column urn text,
  add column police_withdrawn boolean not null default false,
  add column police_withdrawn_reason text,
  add column response_plan jsonb,
  add column low_battery_percent integer not null default 20 check (low_battery_percent between 1 and 99);

-- A wearer's contacts, in the order they are tried. hours: null = any time, else {from, to} "HH:MM".
create table contacts (
  id           uuid primary key default gen_random_uuid(),
  wearer_id    uuid not null references wearers(id) on delete cascade,
  position     integer not null,
  name         text not null,
  relationship text not null default '',
  phone        text,
  email        text,
  hours        jsonb,
  carer_id     uuid references users(id) on delete set null,
  created_at   timestamptz not null default now()
);
create index contacts_wearer_idx on contacts(wearer_id, position);

-- Device supervision and test mode.
alter table devices
  add column in_use boolean not null default true,
  add column comm_alarm_id uuid references alarms(id),
  add column battery_low_alarm_at timestamptz,
  add column test_until timestamptz,
  add column test_reason text,
  add column test_by uuid references users(id);

-- Amber sessions: "expect me out in 45 minutes".
create table amber_sessions (
  id           uuid primary key default gen_random_uuid(),
  device_id    text not null references devices(id) on delete cascade,
  wearer_id    uuid references wearers(id),
  start_event_key text not null,
  note         text,
  started_at   timestamptz not null,
  due_at       timestamptz not null,
  ended_at     timestamptz,
  end_reason   text check (end_reason in ('safe_pin', 'duress', 'expired', 'replaced')),
  alarm_id     uuid references alarms(id)
);
create unique index amber_sessions_open_idx on amber_sessions(device_id) where ended_at is null;
create index amber_sessions_due_idx on amber_sessions(due_at) where ended_at is null;

-- Lone-worker shifts with a check-in interval.
create table checkin_shifts (
  id           uuid primary key default gen_random_uuid(),
  device_id    text not null references devices(id) on delete cascade,
  wearer_id    uuid references wearers(id),
  interval_s   integer not null check (interval_s between 60 and 86400),
  grace_s      integer not null check (grace_s between 0 and 3600),
  started_at   timestamptz not null,
  started_by   text not null,
  last_checkin_at timestamptz not null,
  due_at       timestamptz not null,
  ended_at     timestamptz,
  missed_alarm_id uuid references alarms(id)
);
create unique index checkin_shifts_open_idx on checkin_shifts(device_id) where ended_at is null;
create index checkin_shifts_due_idx on checkin_shifts(due_at) where ended_at is null;

-- Geofences: shape {type:'circle', lat, lon, radiusM} or {type:'polygon', points:[[lat,lon],…]};
-- active_hours null = always, else {from, to} "HH:MM" (may wrap midnight).
create table geofences (
  id           uuid primary key default gen_random_uuid(),
  wearer_id    uuid not null references wearers(id) on delete cascade,
  name         text not null,
  kind         text not null check (kind in ('safe', 'exclusion')),
  shape        jsonb not null,
  active_hours jsonb,
  enabled      boolean not null default true,
  created_at   timestamptz not null default now()
);
create index geofences_wearer_idx on geofences(wearer_id);

create table geofence_states (
  geofence_id uuid not null references geofences(id) on delete cascade,
  device_id   text not null references devices(id) on delete cascade,
  inside      boolean not null,
  fix_ts      bigint not null,
  primary key (geofence_id, device_id)
);

-- The notification outbox: written in the transaction of the decision that caused it, sent by
-- a worker with retries; delivery or final failure is recorded and shown on the alarm.
create table notifications (
  id              bigserial primary key,
  alarm_id        uuid references alarms(id) on delete set null,
  channel         text not null check (channel in ('webhook', 'email', 'sms')),
  recipient       text not null,
  audience        text not null check (audience in ('contact', 'carer', 'supervisor', 'organisation')),
  subject         text not null default '',
  body            text not null,
  payload         jsonb not null default '{}',
  created_at      timestamptz not null,
  next_attempt_at timestamptz not null,
  attempts        integer not null default 0,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  last_error      text
);
create index notifications_due_idx on notifications(next_attempt_at) where delivered_at is null and failed_at is null;
create index notifications_alarm_idx on notifications(alarm_id);
