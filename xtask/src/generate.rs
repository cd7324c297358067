//! A deterministic, realistic PostgreSQL migration history.
//!
//! The mix follows what long-lived applications accumulate: tables created with 5–15 columns of the
//! common types, columns added, indexes (often concurrently), foreign keys added later, enums and new
//! enum values, views, trigger functions with dollar-quoted bodies, comments, data backfills, and the
//! occasional `DO` block. The last ten migrations (the release under review) add, change and drop
//! things, including a few changes rollsafe must report.

use std::fmt::Write as _;
use std::path::Path;

/// xorshift64*: deterministic across platforms and runs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const NOUNS: &[&str] = &[
    "account",
    "invoice",
    "order",
    "shipment",
    "product",
    "customer",
    "payment",
    "refund",
    "coupon",
    "review",
    "session",
    "device",
    "address",
    "warehouse",
    "supplier",
    "category",
    "tag",
    "subscription",
    "plan",
    "event",
    "notification",
    "message",
    "team",
    "project",
];
const COLUMN_WORDS: &[&str] = &[
    "name",
    "title",
    "status",
    "amount",
    "currency",
    "note",
    "external_ref",
    "score",
    "priority",
    "quantity",
    "email",
    "phone",
    "country",
    "city",
    "zip",
    "color",
    "size",
    "weight",
    "price",
    "discount",
    "source",
    "channel",
    "locale",
    "timezone",
    "version",
    "checksum",
];
const TYPES: &[&str] = &[
    "text",
    "varchar(255)",
    "varchar(64)",
    "integer",
    "bigint",
    "smallint",
    "numeric(12,2)",
    "boolean",
    "timestamptz",
    "date",
    "jsonb",
    "uuid",
    "char(3)",
    "double precision",
    "text[]",
];

struct Table {
    name: String,
    columns: Vec<String>,
}

pub struct History {
    /// (file name, contents), in order.
    pub files: Vec<(String, String)>,
}

pub fn generate(migrations: usize, seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let mut tables: Vec<Table> = Vec::new();
    let mut enums: Vec<(String, usize)> = Vec::new();
    let mut files = Vec::with_capacity(migrations);
    let release_start = migrations.saturating_sub(10);
    for n in 1..=migrations {
        let mut sql = String::new();
        let name;
        if n <= release_start || tables.len() < 3 {
            name = format!("{n:04}_{}.sql", rng.pick(&["schema", "feature", "tables", "indexes", "backfill", "constraints"]));
            // About 3 KB per migration: a few statements of the common kinds.
            while sql.len() < 2600 {
                ordinary_statement(&mut rng, &mut sql, &mut tables, &mut enums, n);
            }
        } else {
            name = format!("{n:04}_release.sql");
            release_statement(&mut rng, &mut sql, &mut tables, n);
            while sql.len() < 2000 {
                ordinary_statement(&mut rng, &mut sql, &mut tables, &mut enums, n);
            }
        }
        files.push((name, sql));
    }
    History { files }
}

fn new_table(rng: &mut Rng, sql: &mut String, tables: &mut Vec<Table>, n: usize) {
    let name = format!("{}_{}", rng.pick(NOUNS), n * 10 + tables.len() % 10);
    let mut columns = Vec::new();
    let _ = writeln!(sql, "-- {name}: created for feature #{n}\nCREATE TABLE {name} (\n    id bigserial PRIMARY KEY,");
    let count = 5 + rng.below(11);
    for i in 0..count {
        let col = format!("{}_{i}", rng.pick(COLUMN_WORDS));
        let ty = rng.pick(TYPES);
        let constraint = match rng.below(8) {
            0 => " NOT NULL DEFAULT 0".replace(
                '0',
                if ty.contains("char") || ty == "text" {
                    "''"
                } else if ty == "boolean" {
                    "false"
                } else {
                    "0"
                },
            ),
            1 if ty == "text" || ty.starts_with("varchar") => " UNIQUE".to_string(),
            2 if ty == "integer" || ty == "bigint" => format!(" CHECK ({col} >= 0)"),
            _ => String::new(),
        };
        let constraint =
            if ty == "jsonb" || ty == "uuid" || ty == "timestamptz" || ty == "date" || ty == "text[]" || ty == "double precision" {
                if constraint.contains("DEFAULT") { " NOT NULL DEFAULT now()".to_string() } else { String::new() }
            } else {
                constraint
            };
        let constraint = if constraint.contains("now()") && ty != "timestamptz" { String::new() } else { constraint };
        let _ = writeln!(sql, "    {col} {ty}{constraint},");
        columns.push(col);
    }
    let _ = writeln!(sql, "    created_at timestamptz NOT NULL DEFAULT now(),\n    updated_at timestamptz\n);");
    let _ = writeln!(sql, "COMMENT ON TABLE {name} IS 'Stores {name} records for the product team';\n");
    columns.push("created_at".into());
    columns.push("updated_at".into());
    tables.push(Table { name, columns });
}

fn ordinary_statement(rng: &mut Rng, sql: &mut String, tables: &mut Vec<Table>, enums: &mut Vec<(String, usize)>, n: usize) {
    if tables.len() < 3 {
        new_table(rng, sql, tables, n);
        return;
    }
    let t = rng.below(tables.len());
    match rng.below(12) {
        0 | 1 => new_table(rng, sql, tables, n),
        2 | 3 => {
            let col = format!("{}_{}", rng.pick(COLUMN_WORDS), n);
            let ty = rng.pick(TYPES);
            let table = &mut tables[t];
            if !table.columns.contains(&col) {
                let _ = writeln!(sql, "ALTER TABLE {} ADD COLUMN {col} {ty};\n", table.name);
                table.columns.push(col);
            }
        }
        4 => {
            let table = &tables[t];
            let col = &table.columns[rng.below(table.columns.len())];
            let _ = writeln!(
                sql,
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS {}_{col}_{n}_idx ON {} USING btree ({col});\n",
                table.name, table.name
            );
        }
        5 => {
            let other = rng.below(tables.len());
            let col = format!("{}_id_{n}", tables[other].name);
            let parent = tables[other].name.clone();
            let table = &mut tables[t];
            let _ = writeln!(
                sql,
                "ALTER TABLE {table} ADD COLUMN {col} bigint;\nALTER TABLE {table} ADD CONSTRAINT {table}_{col}_fkey FOREIGN KEY ({col}) REFERENCES {parent} (id) ON DELETE SET NULL NOT VALID;\nALTER TABLE {table} VALIDATE CONSTRAINT {table}_{col}_fkey;\n",
                table = table.name
            );
            table.columns.push(col);
        }
        6 => {
            let name = format!("{}_kind_{n}", rng.pick(NOUNS));
            let _ = writeln!(sql, "CREATE TYPE {name} AS ENUM ('draft', 'active', 'archived');\n");
            enums.push((name, 3));
        }
        7 if !enums.is_empty() => {
            let e = rng.below(enums.len());
            enums[e].1 += 1;
            let _ = writeln!(sql, "ALTER TYPE {} ADD VALUE IF NOT EXISTS 'state_{}';\n", enums[e].0, enums[e].1);
        }
        8 => {
            let table = &tables[t];
            let cols: Vec<&str> = table.columns.iter().take(4).map(String::as_str).collect();
            let _ = writeln!(
                sql,
                "CREATE OR REPLACE VIEW {}_summary_{n} AS\n    SELECT id, {}\n    FROM {}\n    WHERE created_at > now() - interval '30 days';\n",
                table.name,
                cols.join(", "),
                table.name
            );
        }
        9 => {
            let table = &tables[t];
            let _ = writeln!(
                sql,
                "CREATE OR REPLACE FUNCTION {name}_touch_{n}() RETURNS trigger\n    LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.updated_at := now(); -- keep in sync; see runbook\n    RETURN NEW;\nEND;\n$$;\nCREATE TRIGGER {name}_touch_{n} BEFORE UPDATE ON {name} FOR EACH ROW EXECUTE FUNCTION {name}_touch_{n}();\n",
                name = table.name
            );
        }
        10 => {
            let table = &tables[t];
            let col = &table.columns[rng.below(table.columns.len())];
            let _ = writeln!(sql, "UPDATE {} SET updated_at = now() WHERE {col} IS NOT NULL AND updated_at IS NULL;\n", table.name);
        }
        _ => {
            let table = &tables[t];
            let _ = writeln!(sql, "ALTER TABLE {} ALTER COLUMN updated_at SET DEFAULT now();\nANALYZE {};\n", table.name, table.name);
        }
    }
}

/// The release under review: expand steps that are safe, and a few that are not.
fn release_statement(rng: &mut Rng, sql: &mut String, tables: &mut [Table], n: usize) {
    let t = rng.below(tables.len());
    let table = &mut tables[t];
    match n % 5 {
        0 => {
            if let Some(col) = table.columns.iter().find(|c| !c.ends_with("_at")).cloned() {
                let _ = writeln!(sql, "ALTER TABLE {} DROP COLUMN {col};\n", table.name);
                table.columns.retain(|c| *c != col);
            }
        }
        1 => {
            if let Some(col) = table.columns.iter().find(|c| !c.ends_with("_at")).cloned() {
                let _ = writeln!(sql, "ALTER TABLE {} RENAME COLUMN {col} TO {col}_v2;\n", table.name);
                table.columns.retain(|c| *c != col);
                table.columns.push(format!("{col}_v2"));
            }
        }
        2 => {
            let _ = writeln!(sql, "ALTER TABLE {} ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;\n", table.name);
            table.columns.push("tenant_id".into());
        }
        3 => {
            let _ = writeln!(sql, "ALTER TABLE {} ALTER COLUMN updated_at SET NOT NULL;\n", table.name);
        }
        _ => {
            let _ = writeln!(sql, "CREATE INDEX CONCURRENTLY {}_created_at_{n}_idx ON {} (created_at);\n", table.name, table.name);
        }
    }
}

/// Writes `dir/before` (all but the last ten migrations) and `dir/after` (all of them).
pub fn write_trees(dir: &Path, history: &History) -> Result<usize, String> {
    write_release(dir, history, 10)
}

/// Writes `dir/before` (all but the last `new` migrations) and `dir/after` (all of them); returns
/// the bytes of SQL in `after`.
pub fn write_release(dir: &Path, history: &History, new: usize) -> Result<usize, String> {
    let release = history.files.len().saturating_sub(new);
    let mut bytes = 0;
    for (tree, count) in [("before", release), ("after", history.files.len())] {
        let migrations = dir.join(tree).join("db/migrations");
        if migrations.exists() {
            std::fs::remove_dir_all(&migrations).map_err(|e| format!("{}: {e}", migrations.display()))?;
        }
        std::fs::create_dir_all(&migrations).map_err(|e| format!("{}: {e}", migrations.display()))?;
        for (name, sql) in &history.files[..count] {
            std::fs::write(migrations.join(name), sql).map_err(|e| format!("{name}: {e}"))?;
            if tree == "after" {
                bytes += sql.len();
            }
        }
    }
    Ok(bytes)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let dir = args.first().filter(|a| !a.starts_with("--")).ok_or("usage: cargo xtask gen-history DIR [--migrations N]")?;
    let migrations = crate::flag(args, "--migrations").map_or(Ok(1000), |m| m.parse().map_err(|_| "--migrations takes a number"))?;
    let history = generate(migrations, 0x5EED);
    let bytes = write_trees(Path::new(dir), &history)?;
    eprintln!("wrote {migrations} migrations ({:.2} MB) to {dir}/before and {dir}/after", bytes as f64 / 1e6);
    Ok(())
}
