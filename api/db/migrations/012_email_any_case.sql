-- An email is one account whatever its case (issue 12, item 7): "Ann@x.org" and "ann@x.org" were
-- two accounts, and a login (which compares lower(email)) reached whichever came first.
-- Accounts made before this that clash keep working: the oldest keeps its email, each later one
-- gets "+duplicate-<id>" in its local part (an administrator can see and sort them out: audited).
with ranked as (
  select id, email, row_number() over (partition by lower(email) order by created_at, id) as n
  from users
), renamed as (
  update users u
  set email = regexp_replace(r.email, '@', '+duplicate-' || left(r.id::text, 8) || '@')
  from ranked r
  where u.id = r.id and r.n > 1
  returning u.id, r.email as was, u.email as now
)
insert into audit_log (actor_id, actor, action, target, detail)
select null, 'system', 'user.email_deduplicated', id::text, jsonb_build_object('was', was, 'now', now) from renamed;

create unique index users_email_lower_idx on users (lower(email));
