//! `cargo xtask bench-hostile`: adversarial but legal inputs, each through `rollsafe check` (human
//! and JSON output): the time, the peak memory and the size of the output must stay bounded (linear
//! in the input, never quadratic, never an output many times the input).
//!
//! - 30,000 `ADD COLUMN` on one table (a table is modelled column by column up to 4,096 columns);
//! - 4,000 `DROP COLUMN` of one table: 4,000 findings in one file;
//! - a 50 MB file on one line: 5,000,000 statements, then a breaking one at column 50,000,001;
//! - one 50 MB token that no parser understands (its parse error used to be echoed in full);
//! - a column whose name is 1 MB long, dropped.

use crate::bench::{ms, run_once};
use std::path::Path;
use std::process::{Command, Stdio};

struct Case {
    name: &'static str,
    before: String,
    after: String,
}

const CASES: [&str; 5] = [
    "30,000 ADD COLUMN on one table",
    "4,000 DROP COLUMN (4,000 findings)",
    "50 MB on one line (5,000,000 statements)",
    "one 50 MB token",
    "a 1 MB column name, dropped",
];

/// One case at a time: the benchmark's own memory must be freed before rollsafe starts (a forked
/// child counts its parent's pages until it executes).
fn case(i: usize) -> Case {
    let init = "CREATE TABLE t (id int, x int);\n".to_string();
    let (before, after) = match i {
        0 => (init, (0..30_000).map(|i| format!("ALTER TABLE t ADD COLUMN c{i} int;\n")).collect()),
        1 => {
            let wide: String = (0..4_000).map(|i| format!("ALTER TABLE t ADD COLUMN c{i} int;\n")).collect();
            (format!("{init}{wide}"), (0..4_000).map(|i| format!("ALTER TABLE t DROP COLUMN c{i};\n")).collect())
        }
        2 => (init, format!("{}ALTER TABLE t DROP COLUMN x;", "SELECT 1; ".repeat(5_000_000))),
        3 => (init, format!("FROBNICATE {} x;\n", "a".repeat(50_000_000))),
        _ => {
            let long_name = "n".repeat(1 << 20);
            (format!("CREATE TABLE t (id int, \"{long_name}\" int);\n"), format!("ALTER TABLE t DROP COLUMN \"{long_name}\";\n"))
        }
    };
    Case { name: CASES[i], before, after }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::create_dir_all(path.parent().ok_or("no parent")?).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(_args: &[String]) -> Result<(), String> {
    let root = crate::workspace_root();
    let bin = crate::bench::build_release(&root)?;
    println!("| input | size | format | time | peak RSS | output |");
    println!("|---|---:|---|---:|---:|---:|");
    for i in 0..CASES.len() {
        let dir = root.join("target/bench/hostile");
        let _ = std::fs::remove_dir_all(&dir);
        let case = case(i);
        write(&dir.join("before/migrations/0001_init.sql"), &case.before)?;
        write(&dir.join("after/migrations/0001_init.sql"), &case.before)?;
        write(&dir.join("after/migrations/0002_hostile.sql"), &case.after)?;
        let (name, size) = (case.name, case.after.len());
        drop(case);
        let output = dir.join("output");
        for format in ["human", "json"] {
            let file = std::fs::File::create(&output).map_err(|e| e.to_string())?;
            let mut cmd = Command::new(&bin);
            cmd.args(["check", "--against", "../before", "--format", format])
                .current_dir(dir.join("after"))
                .stdout(file)
                .stderr(Stdio::null());
            let (elapsed, code, peak_kb) = run_once(&mut cmd)?;
            if !(0..=1).contains(&code) {
                return Err(format!("{name}: rollsafe exited with {code}"));
            }
            let out_bytes = std::fs::metadata(&output).map_err(|e| e.to_string())?.len();
            println!(
                "| {name} | {:.1} MB | {format} | {} | {:.0} MB | {:.0} KB |",
                size as f64 / 1e6,
                ms(elapsed),
                peak_kb as f64 / 1024.0,
                out_bytes as f64 / 1e3
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
