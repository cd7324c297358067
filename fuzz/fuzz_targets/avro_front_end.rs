//! The Avro schema reader on arbitrary bytes: never a panic, and every range it reports lies on
//! character boundaries inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rollsafe_avro::fuzzing::front_end(&String::from_utf8_lossy(data));
});
