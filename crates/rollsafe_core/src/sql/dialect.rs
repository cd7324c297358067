//! Guessing a history's SQL dialect when neither the configuration nor the layout names it.
//!
//! Each dialect has spellings the others reject (backtick quoting and `ENGINE=` are MySQL,
//! `AUTOINCREMENT` and `PRAGMA` are SQLite, `$$` bodies and `::` casts are PostgreSQL). The dialect
//! with the most evidence across the history's files wins; without evidence, PostgreSQL.

use rollsafe_sql::Dialect;

const MYSQL: &[&str] = &[
    "`",
    "engine=",
    "engine =",
    "auto_increment",
    "unsigned",
    "default charset",
    "charset=",
    "collate=",
    "tinyint",
    "mediumtext",
    "longtext",
    "datetime(",
    "on update current_timestamp",
];
const SQLITE: &[&str] = &["autoincrement", "pragma ", "without rowid", ") strict", "sqlite_"];
const POSTGRES: &[&str] = &[
    "$$",
    "::",
    "serial",
    "jsonb",
    "timestamptz",
    "create extension",
    "using btree",
    "using gin",
    "concurrently",
    "plpgsql",
    "set search_path",
    "timestamp with time zone",
];

pub fn detect<'a>(dir: &str, heads: impl Iterator<Item = &'a str>) -> Dialect {
    let lower_dir = dir.to_ascii_lowercase();
    let mut scores = [0usize; 3];
    for segment in lower_dir.split('/') {
        match segment {
            s if s.contains("mysql") || s.contains("mariadb") => scores[1] += 5,
            s if s.contains("sqlite") => scores[2] += 5,
            s if s.contains("postgres") || s == "pg" => scores[0] += 5,
            _ => {}
        }
    }
    for head in heads {
        let lower = head.to_ascii_lowercase();
        let count = |needles: &[&str]| needles.iter().filter(|n| lower.contains(*n)).count();
        scores[0] += count(POSTGRES);
        scores[1] += count(MYSQL);
        scores[2] += count(SQLITE);
    }
    let best = (0..3).max_by_key(|&i| (scores[i], i == 0)).unwrap_or(0);
    if scores[best] == 0 {
        return Dialect::Postgres;
    }
    [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_evidence() {
        assert_eq!(detect("db", ["CREATE TABLE `a` (id int) ENGINE=InnoDB;"].into_iter()), Dialect::MySql);
        assert_eq!(detect("db", ["CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);"].into_iter()), Dialect::Sqlite);
        assert_eq!(detect("db", ["CREATE TABLE a (id serial);"].into_iter()), Dialect::Postgres);
        assert_eq!(detect("db", ["CREATE TABLE a (id int);"].into_iter()), Dialect::Postgres);
        assert_eq!(detect("migrations/sqlite", ["CREATE TABLE a (id int);"].into_iter()), Dialect::Sqlite);
    }
}
