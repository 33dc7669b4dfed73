//! Container formats built from the fuzz bytes. The first byte picks the container (bits 0-1:
//! configuration zip, xlsx, ods, xls) and the zip compression (bit 2: deflate); the rest is cut at
//! the part separator into the container's parts (see `lyncpair_fuzz::Container`), then a patch
//! list that damages the built container. The result goes through `import_bytes`, as a file would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lyncpair::import::{self, ImportOptions};
use lyncpair_fuzz::{Container, build_container, check_input_error, split_parts};

const DISPLAY: &str = "fuzz/container";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let kind = Container::ALL[usize::from(flags & 3)];
    let deflate = flags & 4 != 0;
    let parts = split_parts(rest, kind.content_parts() + 1);
    let bytes = build_container(kind, deflate, &parts);
    if let Err(e) = import::import_bytes(&bytes, DISPLAY, &ImportOptions::default()) {
        check_input_error(&e, DISPLAY);
    }
});
