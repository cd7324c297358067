-- Release N adds a nullable column: v1.0.0 neither reads nor writes it, so it keeps working.
ALTER TABLE customers ADD COLUMN loyalty_tier text;
