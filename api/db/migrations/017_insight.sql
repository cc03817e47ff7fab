-- Demand and prevention insight (README "Insight"): the periods read are a year of alarms, so
-- the alarms are reached by when they came in, and by wearer and month for the review list.
create index alarms_received_idx on alarms(received_at);
create index alarms_wearer_received_idx on alarms(wearer_id, received_at) where wearer_id is not null;

-- What a reviewer decided about a wearer on the early-help review list, for the month reviewed.
-- The list prompts a person; this row is the person's decision, kept with what they were shown.
create table early_help_reviews (
  id          bigserial primary key,
  wearer_id   uuid not null references wearers(id) on delete cascade,
  month       date not null,
  outcome     text not null check (outcome in ('no_action', 'call_made', 'referred_early_help', 'plan_changed')),
  note        text not null default '',
  -- The signals the list showed when the outcome was recorded.
  shown       jsonb not null default '[]',
  reviewed_by uuid references users(id),
  reviewer    text not null,
  reviewed_at timestamptz not null
);
create index early_help_reviews_wearer_idx on early_help_reviews(wearer_id, month, reviewed_at desc);

-- Rollups of closed days (README "Insight"): a year of alarms read row by row is seconds; these
-- hold the same counts per local day and hour, built by the first read that needs a day once
-- that day is closed (two days past, no alarm of it still open) and kept. Days not yet closed
-- are counted from the alarms at each read. Keyed by time zone: another ARC_INSIGHT_TIME_ZONE
-- builds its own. organisation_id is the wearer's organisation when the day was built ('none':
-- the zero uuid).
create table insight_rollup_days (
  time_zone  text not null,
  local_date date not null,
  built_at   timestamptz not null,
  primary key (time_zone, local_date)
);

create table insight_hour_rollup (
  time_zone       text not null,
  local_date      date not null,
  local_hour      smallint not null,
  organisation_id uuid not null,
  type            text not null,
  arrivals        integer not null,
  within10        integer not null,
  within40        integer not null,
  within60        integer not null,
  within180       integer not null,
  handled         integer not null,
  handle_sum_s    double precision not null,
  primary key (time_zone, local_date, local_hour, organisation_id, type)
);

create table insight_profile_rollup (
  time_zone       text not null,
  local_date      date not null,
  local_hour      smallint not null,
  organisation_id uuid not null,
  profile         text not null,
  arrivals        integer not null,
  primary key (time_zone, local_date, local_hour, organisation_id, profile)
);

create table insight_operator_rollup (
  time_zone       text not null,
  local_date      date not null,
  local_hour      smallint not null,
  organisation_id uuid not null,
  -- distinct operators who accepted an alarm of this organisation in the hour
  operators       integer not null,
  primary key (time_zone, local_date, local_hour, organisation_id)
);

-- Histograms per day and type, as {bucket: count}: time to accept in 1 s steps (bucket b holds
-- (b−1, b] s, 0 holds 0, 121 everything over 120 s), handling in 30 s steps (bucket b holds
-- (30(b−1), 30b] s, 145 everything over 72 minutes).
create table insight_time_rollup (
  time_zone       text not null,
  local_date      date not null,
  organisation_id uuid not null,
  type            text not null,
  measure         text not null check (measure in ('accept', 'handle')),
  histogram       jsonb not null,
  max_s           double precision not null,
  primary key (time_zone, local_date, organisation_id, type, measure)
);
