-- The shop's first schema.
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    full_name text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id),
    status order_status NOT NULL DEFAULT 'new',
    total_cents integer NOT NULL,
    note text
);
