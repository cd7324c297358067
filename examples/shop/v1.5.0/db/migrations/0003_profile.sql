-- Split full_name into parts and tighten emails.
ALTER TABLE users ADD COLUMN first_name text;
ALTER TABLE users ADD COLUMN last_name text;
UPDATE users SET first_name = split_part(full_name, ' ', 1), last_name = split_part(full_name, ' ', 2);
ALTER TABLE users DROP COLUMN full_name;

ALTER TABLE users ALTER COLUMN email TYPE varchar(100);
