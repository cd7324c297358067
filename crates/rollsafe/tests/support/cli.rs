//! Running the `rollsafe` binary as users and CI scripts do, and reading what it said.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// `rollsafe ARGS` in `dir`, outside CI (the `CI` variable of the test run is removed), without
/// colour.
pub fn rollsafe(dir: &Path, args: &[&str]) -> Output {
    rollsafe_with(dir, args, &[])
}

/// `rollsafe ARGS` in `dir` with extra environment variables.
pub fn rollsafe_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rollsafe"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env_remove("CLICOLOR_FORCE").env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("rollsafe runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts a failure is exit 2 with exactly one line on stderr, no panic or backtrace.
pub fn assert_input_error(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stdout: {}\nstderr: {err}", stdout(out));
    assert_eq!(err.trim_end().lines().count(), 1, "one line expected: {err}");
    assert!(err.contains(needle), "`{needle}` not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The JSON document of `rollsafe check --format json`.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}
