-- Organisations: BS 8484 lets the police issue a URN per wearer or per organisation (a lone
-- worker's employer, a housing provider). A wearer's own URN wins; without one, the
-- organisation's is quoted (api/rules/police-urn.ts decides).

create table organisations (
  id                      uuid primary key default gen_random_uuid(),
  name                    text not null unique,
  -- Exactly as the force issued it, like wearers.urn.
  urn                     text,
  police_withdrawn        boolean not null default false,
  police_withdrawn_reason text,
  created_at              timestamptz not null default now()
);

alter table wearers add column organisation_id uuid references organisations(id) on delete set null;
-- Counting an organisation's wearers, and the "set null" when one is deleted.
create index wearers_organisation_idx on wearers(organisation_id) where organisation_id is not null;
