-- Release N drops a column v1.0.0 still reads: a rollback to v1.0.0 would fail.
ALTER TABLE customers DROP COLUMN phone;
