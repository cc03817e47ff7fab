-- The first schema of the ARC. Times are timestamptz; device times are kept as bigint epoch ms
-- exactly as the device sent them (spec: "Times (ts) are integers").

create table users (
  id            uuid primary key default gen_random_uuid(),
  email         text not null unique,
  name          text not null,
  role          text not null check (role in ('administrator', 'supervisor', 'operator', 'carer')),
  password_hash text not null,
  disabled      boolean not null default false,
  failed_logins integer not null default 0,
  last_failed_login_at timestamptz,
  created_at    timestamptz not null default now()
);

create table sessions (
  token_hash  text primary key,
  user_id     uuid not null references users(id) on delete cascade,
  created_at  timestamptz not null default now(),
  expires_at  timestamptz not null
);
create index sessions_user_idx on sessions(user_id);

create table wearers (
  id              uuid primary key default gen_random_uuid(),
  name            text not null,
  profile         text not null default 'lone_worker'
                  check (profile in ('lone_worker', 'dementia', 'domestic_abuse', 'older_person', 'child')),
  notes           text not null default '',
  safe_pin_hash   text,
  duress_pin_hash text,
  created_at      timestamptz not null default now()
);

create table carer_links (
  carer_id  uuid not null references users(id) on delete cascade,
  wearer_id uuid not null references wearers(id) on delete cascade,
  primary key (carer_id, wearer_id)
);

create table devices (
  id            text primary key check (id ~ '^[A-Za-z0-9_-]{3,64}$'),
  label         text not null default '',
  wearer_id     uuid references wearers(id) on delete set null,
  enabled       boolean not null default true,
  heartbeat_s   integer not null default 300 check (heartbeat_s between 10 and 86400),
  secret_hash   text not null,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz,
  -- health from the newest status message
  status_ts     bigint,
  batt          real,
  charging      boolean,
  rssi          real,
  fw            text,
  -- current position: the fix with the newest device ts, not the last received (spec)
  fix_ts        bigint,
  fix_lat       double precision,
  fix_lon       double precision,
  fix_acc       real
);
create index devices_wearer_idx on devices(wearer_id);

create table fixes (
  id          bigserial primary key,
  device_id   text not null references devices(id) on delete cascade,
  ts          bigint not null,
  received_at timestamptz not null default now(),
  lat         double precision not null,
  lon         double precision not null,
  acc         real,
  alt         real,
  speed       real,
  heading     real,
  batt        real,
  src         text,
  extra       jsonb
);
create index fixes_device_ts_idx on fixes(device_id, ts desc);

create table alarms (
  id            uuid primary key default gen_random_uuid(),
  device_id     text not null references devices(id),
  wearer_id     uuid references wearers(id),
  type          text not null,
  priority      smallint not null check (priority between 1 and 5),
  status        text not null default 'raised' check (status in ('raised', 'accepted', 'resolved')),
  -- the ARC's receive time: every age and SLA figure counts from it, never the device clock
  received_at   timestamptz not null,
  lat           double precision,
  lon           double precision,
  acc           real,
  discreet      boolean not null default false,
  flags         jsonb not null default '{}',
  accepted_by   uuid references users(id),
  accepted_at   timestamptz,
  resolved_by   uuid references users(id),
  resolved_at   timestamptz,
  closure_code  text
);
create index alarms_open_idx on alarms(status) where status <> 'resolved';
create index alarms_device_idx on alarms(device_id, received_at desc);

create table events (
  id          bigserial primary key,
  device_id   text not null references devices(id) on delete cascade,
  -- the device's event id (or one the ARC derived): the idempotency key (spec guarantee 2)
  event_key   text not null,
  type        text not null,
  ts          bigint not null,
  received_at timestamptz not null,
  payload     jsonb not null,
  warnings    text[] not null default '{}',
  alarm_id    uuid references alarms(id),
  unique (device_id, event_key)
);

-- Commands to devices, written in the same transaction as the decision that caused them and
-- sent after commit; delivered_at is set when the device acknowledges (PUBACK).
create table device_commands (
  id           text primary key,
  device_id    text not null references devices(id) on delete cascade,
  body         jsonb not null,
  created_at   timestamptz not null default now(),
  delivered_at timestamptz
);
create index device_commands_pending_idx on device_commands(device_id, created_at) where delivered_at is null;

create table audit_log (
  id        bigserial primary key,
  at        timestamptz not null default now(),
  actor_id  uuid references users(id),
  actor     text not null,
  action    text not null,
  target    text,
  detail    jsonb not null default '{}'
);
create index audit_log_at_idx on audit_log(at desc);
