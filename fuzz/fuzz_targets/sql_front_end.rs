//! Splitter, parser, lowering and replay on arbitrary bytes, in every dialect: never a panic, and every
//! range a statement reports lies on character boundaries inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rollsafe_sql::fuzzing::front_end(&String::from_utf8_lossy(data));
});
