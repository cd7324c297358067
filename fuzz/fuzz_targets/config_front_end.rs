//! `rollsafe.toml` from arbitrary text: the configuration parser and the code that locates a
//! problem's line and key never panic, and every refusal is one line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(message) = rollsafe_core::parse_config(text) {
        assert!(!message.contains('\n'), "a refusal is one line: {message}");
        assert!(message.chars().count() < 600, "a refusal is bounded: {message}");
    }
});
