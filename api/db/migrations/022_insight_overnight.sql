-- Insight, overnight (README "Insight", issue 17): night-time activity away from home counted
-- from the fixes, and the staff actually on a console hour by hour.

-- Per wearer and night: fixes taken in the night hours, and how many were wholly outside every
-- safe zone (api/rules/night-away.ts). Rows only for nights with a fix away. Built by the
-- overnight rollup (api/clock/insight-rollup-sweep.ts) once the night is closed, and kept after
-- the fixes themselves are purged (routine location history is kept 90 days by default; the
-- review compares a month with the year before it). Counts only: no position is kept here.
-- organisation_id: the wearer's organisation when the night was built (the zero uuid: none), as
-- in the other insight rollups. Keyed by zone and night hours: another setting builds its own.
create table insight_night_away (
  time_zone       text not null,
  night_hours     text not null,
  night_date      date not null,
  wearer_id       uuid not null references wearers(id) on delete cascade,
  organisation_id uuid not null,
  night_fixes     integer not null,
  away_fixes      integer not null,
  primary key (time_zone, night_hours, night_date, wearer_id)
);
create index insight_night_away_wearer_idx on insight_night_away(wearer_id, night_date);

-- How far the build of each night has got: wearers are taken in id order, a small batch per
-- pass; `after_wearer` is the last one done, `completed_at` set when all are.
create table insight_night_builds (
  time_zone    text not null,
  night_hours  text not null,
  night_date   date not null,
  after_wearer uuid,
  completed_at timestamptz,
  primary key (time_zone, night_hours, night_date)
);

-- Staff on a console (the operator feed's presence, all nodes), sampled once a minute of ARC
-- time: minutes present per user and UTC hour. last_minute makes a sample count once however
-- many nodes take it.
create table staff_presence_hours (
  hour_start  timestamptz not null,
  user_id     uuid not null references users(id) on delete cascade,
  minutes     smallint not null check (minutes between 0 and 60),
  last_minute timestamptz not null,
  primary key (hour_start, user_id)
);
