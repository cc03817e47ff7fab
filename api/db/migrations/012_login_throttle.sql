-- Login attempts are counted in PostgreSQL, before the password is checked (issue 12, item 2):
-- 500 parallel guesses used to read "0 failures" together and all be checked. One row per
-- bucket (an account, an account at an address it has logged in from, an address), bumped by
-- one atomic upsert that refuses when the bucket must wait; shared by every node of the ARC.
create table login_throttle (
  key       text primary key,
  attempts  integer not null,
  last_at   timestamptz not null
);

-- Addresses each account has logged in from: a colleague behind the same NAT as an attacker has
-- a bucket of their own there, and is not held by the address's throttle.
create table login_known_addresses (
  user_id        uuid not null references users(id) on delete cascade,
  address        text not null,
  last_login_at  timestamptz not null,
  primary key (user_id, address)
);

-- users.failed_logins and users.last_failed_login_at are no longer read or written (counted in
-- login_throttle now). Left in place for this release so that branches merged alongside still
-- migrate; a later migration drops them.
