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
