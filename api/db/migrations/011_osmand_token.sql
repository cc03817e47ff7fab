-- Traccar Client (OsmAnd protocol) has no password: the identifier it sends is a per-device
-- secret token issued at provisioning. Only its SHA-256 is kept: the token is 256 random bits,
-- so a fast hash is as safe as a slow one and lets a request find its device by an index.
alter table devices add column osmand_token_hash text;
create unique index devices_osmand_token_hash on devices (osmand_token_hash) where osmand_token_hash is not null;
