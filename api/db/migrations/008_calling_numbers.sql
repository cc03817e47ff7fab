-- Numbers to call: the wearer's own phone, and the SIM number of a device that takes calls.
alter table wearers add column phone text;
alter table devices add column sim_number text;
