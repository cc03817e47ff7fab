-- Access information for responders (key safe code, door entry, pets, hazards): restricted. It is
-- written by managers, never listed, and shown only on an open alarm for the wearer, each
-- showing audited.
alter table wearers add column access_info text not null default '';
