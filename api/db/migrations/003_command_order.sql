-- Commands written in one transaction share created_at; a sequence keeps them in the order the
-- ARC decided them (the reply before the request to track).
alter table device_commands add column seq bigserial;
create index device_commands_seq_idx on device_commands(device_id, seq) where delivered_at is null;
