//! A deterministic fuzz smoke test of the SQL front-end: arbitrary bytes and shuffled SQL fragments
//! must never panic the splitter, the parser, the lowering or replay. (The coverage-guided targets
//! live in `fuzz/`; CI runs them briefly too.)

/// xorshift64*: small, deterministic, good enough to shake a parser.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "CREATE TABLE ",
    "ALTER TABLE ",
    "DROP ",
    "INDEX ",
    "CONCURRENTLY ",
    "users",
    "\"Users\"",
    "`t`",
    "[x]",
    " (",
    ")",
    ", ",
    "id bigint PRIMARY KEY",
    "email varchar(255) NOT NULL",
    "DEFAULT 'x'",
    "REFERENCES a(id)",
    "CHECK (a > 0)",
    ";",
    ";\n",
    "$$",
    "$tag$",
    "'",
    "\"",
    "--",
    "/*",
    "*/",
    "\\connect x\n",
    "DELIMITER //\n",
    "//",
    "BEGIN",
    "END",
    "CASE",
    "ATOMIC",
    "-- migrate:up\n",
    "-- migrate:down\n",
    "-- +goose StatementBegin\n",
    "-- +goose StatementEnd\n",
    "RENAME TO ",
    "RENAME COLUMN a TO b",
    "SET SCHEMA s",
    "ADD COLUMN ",
    "ALTER COLUMN a TYPE ",
    "SET NOT NULL",
    "DROP DEFAULT",
    "numeric(10,2)",
    "int[]",
    "CREATE TYPE m AS ENUM ('a')",
    "ALTER TYPE m ADD VALUE 'b' BEFORE 'a'",
    "CREATE VIEW v AS SELECT * FROM users",
    "DROP SCHEMA s CASCADE",
    "CREATE SEQUENCE s OWNED BY t.c",
    "é",
    "😀",
    "\u{0}",
    "\r\n",
    "-- rollsafe-allow: column-removed why\n",
    "PARTITION OF ",
    "DETACH PARTITION ",
    "LIKE x INCLUDING ALL",
];

#[test]
fn random_fragment_soup_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..rng.below(40) {
            text.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
        }
        rollsafe_sql::fuzzing::front_end(&text);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() >> 56) as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        rollsafe_sql::fuzzing::front_end(&text);
    }
}
