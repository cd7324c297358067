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

/// What the first kilobytes of one file say about its dialect: votes for PostgreSQL, MySQL and
/// SQLite, and one bit for each give-away of an unsupported dialect it contains. Computed per file
/// (a query of its own), so that editing a file re-reads that file only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Evidence {
    votes: [u32; 3],
    unsupported_words: u64,
}

// One bit per unsupported give-away word.
const _: () = {
    let mut words = 0;
    let mut i = 0;
    while i < UNSUPPORTED.len() {
        words += UNSUPPORTED[i].2.len();
        i += 1;
    }
    assert!(words <= 64);
};

pub fn evidence(head: &str) -> Evidence {
    let lower = head.to_ascii_lowercase();
    let count = |needles: &[&str]| needles.iter().filter(|n| lower.contains(*n)).count() as u32;
    let words = UNSUPPORTED.iter().flat_map(|(_, _, words)| words.iter());
    let unsupported_words = words.enumerate().filter(|(_, w)| lower.contains(*w)).fold(0u64, |bits, (i, _)| bits | 1 << i);
    Evidence { votes: [count(POSTGRES), count(MYSQL), count(SQLITE)], unsupported_words }
}

/// The name of an unsupported dialect the history is written in, if the folder or the SQL says so.
/// ClickHouse needs more than one give-away in the files (`materialized view` alone is PostgreSQL too).
pub fn unsupported(dir: &str, files: impl Iterator<Item = Evidence>) -> Option<&'static str> {
    let lower_dir = dir.to_ascii_lowercase();
    for (name, dir_words, _) in UNSUPPORTED {
        if lower_dir.split('/').any(|seg| dir_words.iter().any(|w| seg.contains(w))) {
            return Some(name);
        }
    }
    let seen = files.fold(0u64, |bits, e| bits | e.unsupported_words);
    let mut first_bit = 0;
    for (name, _, words) in UNSUPPORTED {
        let mask = ((1u64 << words.len()) - 1) << first_bit;
        if (seen & mask).count_ones() >= 2 {
            return Some(name);
        }
        first_bit += words.len();
    }
    None
}

pub fn detect(dir: &str, files: impl Iterator<Item = Evidence>) -> Dialect {
    let lower_dir = dir.to_ascii_lowercase();
    let mut scores = [0u32; 3];
    for segment in lower_dir.split('/') {
        match segment {
            s if s.contains("mysql") || s.contains("mariadb") => scores[1] += 5,
            s if s.contains("sqlite") => scores[2] += 5,
            s if s.contains("postgres") || s == "pg" => scores[0] += 5,
            _ => {}
        }
    }
    for e in files {
        for (score, votes) in scores.iter_mut().zip(e.votes) {
            *score += votes;
        }
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

    fn of<'a>(heads: impl IntoIterator<Item = &'a str>) -> impl Iterator<Item = Evidence> {
        heads.into_iter().map(evidence).collect::<Vec<_>>().into_iter()
    }

    fn detect(dir: &str, heads: impl Iterator<Item = &'static str>) -> Dialect {
        super::detect(dir, of(heads))
    }

    #[test]
    fn recognises_dialects_it_does_not_model() {
        assert_eq!(unsupported("db/clickhouse/migrations", std::iter::empty()), Some("ClickHouse"));
        let ch = "CREATE TABLE t (a LowCardinality(String)) ENGINE = MergeTree ORDER BY a;";
        assert_eq!(unsupported("db/migrations", of([ch])), Some("ClickHouse"));
        assert_eq!(unsupported("db/migrations", of(["CREATE MATERIALIZED VIEW v AS SELECT 1;"])), None);
        // Give-aways add up across files, and each dialect counts only its own.
        assert_eq!(unsupported("db", of(["CREATE TABLE a (x Int64);", "CREATE TABLE b (y STRUCT<a INT64>);"])), Some("BigQuery"));
        assert_eq!(unsupported("db", of(["CREATE TABLE a (x varchar2(3));", "CREATE TABLE b (y int64);"])), None);
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
