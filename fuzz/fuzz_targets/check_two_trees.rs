//! The whole analysis on two arbitrary migration trees (the input split in two at the first NUL):
//! never a panic, whatever the N-1 and N files contain.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollsafe_core::{Analysis, Config, WorkspaceInput};
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (old, new) = text.split_once('\0').unwrap_or((&text, ""));
    let mut input = WorkspaceInput { baseline_label: "v1".into(), config: Config::default(), ..WorkspaceInput::default() };
    input.baseline.insert("migrations/0001_init.sql".into(), Arc::from(old));
    input.current.insert("migrations/0001_init.sql".into(), Arc::from(old));
    input.current.insert("migrations/0002_change.sql".into(), Arc::from(new));
    let _ = Analysis::new(input).findings();
});
