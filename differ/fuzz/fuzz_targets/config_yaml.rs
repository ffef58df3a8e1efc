#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| differ_fuzz::config(data));
