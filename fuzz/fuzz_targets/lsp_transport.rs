//! The language server's transport guard on arbitrary client bytes: never a panic, every frame it
//! passes on is a whole JSON-RPC message, every answer is framed, and memory stays bounded whatever
//! the headers claim.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rollsafe_server::fuzzing::guard_frames(data);
});
