ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL;
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;
ALTER TABLE orders RENAME COLUMN note TO customer_note;
ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
