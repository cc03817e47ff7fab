-- The wearer's home, for saying where a position is in words ("320 m NE of Home"), offline.
alter table wearers
  add column home_lat double precision check (home_lat between -90 and 90),
  add column home_lon double precision check (home_lon between -180 and 180),
  add constraint wearers_home_both check ((home_lat is null) = (home_lon is null));
