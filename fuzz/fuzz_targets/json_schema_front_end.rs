//! The JSON Schema reader and comparison on arbitrary bytes: never a panic, every range inside the
//! text, and a schema always compatible with itself (whatever its `$ref` loops and `anyOf`s).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rollsafe_core::jsonschema::fuzzing::self_compatible(&String::from_utf8_lossy(data));
});
