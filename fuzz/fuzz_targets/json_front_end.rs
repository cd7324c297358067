//! The JSON reader of the contract formats on arbitrary bytes: never a panic, every range on
//! character boundaries inside the text, and every value's own text parses back to it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rollsafe_json::fuzzing::front_end(&String::from_utf8_lossy(data));
});
