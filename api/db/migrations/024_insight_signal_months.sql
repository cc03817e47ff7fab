-- The early-help review's alarm signals per wearer and local month (README "Insight", issue 17):
-- the review compares a month with the 12 before it, and counting each signal over a year of
-- the candidates' alarms took seconds at 10,000 wearers. The overnight rollup
-- (api/clock/insight-rollup-sweep.ts) builds closed months here, a batch of wearers per pass;
-- the review reads these rows for built months and counts the others (the current month) from
-- the alarms with the very same SELECT (api/store/signal-month-store.ts). A month is closed two
-- days after it ended when none of its alarms is still open (a closure code is then final).
-- Counts of a wearer's own alarms: personal data, so the rows go with the wearer (erasure:
-- on delete cascade) and are counted again when the retention sweep purges alarms of theirs.
-- Keyed by time zone: another ARC_INSIGHT_TIME_ZONE builds its own.
create table insight_signal_months (
  time_zone       text not null,
  month           date not null,
  wearer_id       uuid not null references wearers(id) on delete cascade,
  falls           integer not null,
  sos             integer not null,
  no_motion       integer not null,
  missed_checkins integer not null,
  false_alarms    integer not null,
  low_battery     integer not null,
  silent_device   integer not null,
  primary key (time_zone, month, wearer_id)
);
create index insight_signal_months_wearer_idx on insight_signal_months(wearer_id, month);

-- How far the build of each month has got: wearers in id order, a batch per pass; `after_wearer`
-- is the last one done, `completed_at` set when all are.
create table insight_signal_builds (
  time_zone    text not null,
  month        date not null,
  after_wearer uuid,
  completed_at timestamptz,
  primary key (time_zone, month)
);
