-- Per-organisation settings (issue 16, item 3): an organisation's own notification channels and
-- its default response plan per wearer profile. Each falls back to the ARC's (the configuration's
-- channels, api/rules/response-plan.ts DEFAULT_PLANS) when the organisation has not set its own.

alter table organisations
  -- Its own webhook for notifications about its wearers, signed with its own secret. The secret
  -- is needed to sign, so it is kept as given (like ARC_WEBHOOK_SECRET in the environment); the
  -- API never returns it, only whether one is set.
  add column webhook_url    text,
  add column webhook_secret text,
  -- The sender an SMS gateway is asked to show (an alphanumeric sender id or a number).
  add column sms_sender     text,
  -- The From of its emails ("Acme Care <alarms@acme.example>").
  add column email_sender   text,
  add constraint organisations_webhook_signed check ((webhook_url is null) = (webhook_secret is null));

-- A wearer without a plan of their own gets their organisation's default for their profile,
-- else the ARC's.
create table organisation_response_plans (
  organisation_id uuid not null references organisations(id) on delete cascade,
  profile         text not null check (profile in ('lone_worker', 'dementia', 'domestic_abuse', 'older_person', 'child')),
  plan            jsonb not null,
  updated_at      timestamptz not null,
  primary key (organisation_id, profile)
);
