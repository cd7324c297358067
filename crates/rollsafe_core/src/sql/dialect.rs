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

/// SQL dialects rollsafe does not model, by the words that give them away in folder names and files.
const UNSUPPORTED: &[(&str, &[&str], &[&str])] = &[
    ("ClickHouse", &["clickhouse"], &["mergetree", "lowcardinality(", "engine = log", "materialized view", "ttl "]),
    ("SQL Server", &["mssql", "sqlserver", "tsql"], &["nvarchar(max)", "[dbo].", "\ngo\n", "identity(1,1)"]),
    ("Oracle", &["oracle"], &["varchar2(", "number(", "nvarchar2("]),
    ("Snowflake", &["snowflake"], &["create or replace warehouse", " variant", "cluster by ("]),
    ("BigQuery", &["bigquery"], &["int64", "struct<", "partition by date("]),
    ("Cassandra", &["cassandra", "cql"], &["create keyspace", "with replication"]),
];

/// The name of an unsupported dialect the history is written in, if the folder or the SQL says so.
/// ClickHouse needs more than one give-away in the files (`materialized view` alone is PostgreSQL too).
pub fn unsupported<'a>(dir: &str, heads: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let lower_dir = dir.to_ascii_lowercase();
    for (name, dir_words, _) in UNSUPPORTED {
        if lower_dir.split('/').any(|seg| dir_words.iter().any(|w| seg.contains(w))) {
            return Some(name);
        }
    }
    let text: String = heads.map(str::to_ascii_lowercase).collect::<Vec<_>>().join("\n");
    UNSUPPORTED.iter().find(|(_, _, words)| words.iter().filter(|w| text.contains(*w)).count() >= 2).map(|(name, _, _)| *name)
}

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
    fn recognises_dialects_it_does_not_model() {
        assert_eq!(unsupported("db/clickhouse/migrations", std::iter::empty()), Some("ClickHouse"));
        let ch = "CREATE TABLE t (a LowCardinality(String)) ENGINE = MergeTree ORDER BY a;";
        assert_eq!(unsupported("db/migrations", [ch].into_iter()), Some("ClickHouse"));
        assert_eq!(unsupported("db/migrations", ["CREATE MATERIALIZED VIEW v AS SELECT 1;"].into_iter()), None);
    }

    #[test]
    fn detects_by_evidence() {
        assert_eq!(detect("db", ["CREATE TABLE `a` (id int) ENGINE=InnoDB;"].into_iter()), Dialect::MySql);
        assert_eq!(detect("db", ["CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);"].into_iter()), Dialect::Sqlite);
        assert_eq!(detect("db", ["CREATE TABLE a (id serial);"].into_iter()), Dialect::Postgres);
        assert_eq!(detect("db", ["CREATE TABLE a (id int);"].into_iter()), Dialect::Postgres);
        assert_eq!(detect("migrations/sqlite", ["CREATE TABLE a (id int);"].into_iter()), Dialect::Sqlite);
    }
}
