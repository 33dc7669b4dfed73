//! Counters of a run's progress: files found and read, bytes read, estates found and audited.
//!
//! The importers and [`crate::audit::run`] only bump these counters, which costs one relaxed atomic
//! add; whether and how progress is shown is the caller's choice (the `lyncpair` binary draws it on
//! stderr for runs still busy after two seconds). They count for the whole process: a program that
//! runs several audits at once sees their sum.

use std::sync::atomic::{AtomicU64, Ordering};

static FILES_FOUND: AtomicU64 = AtomicU64::new(0);
static FILES_READ: AtomicU64 = AtomicU64::new(0);
static BYTES_READ: AtomicU64 = AtomicU64::new(0);
static ESTATES_FOUND: AtomicU64 = AtomicU64::new(0);
static ESTATES_DONE: AtomicU64 = AtomicU64::new(0);

/// The counters at one moment, since the process started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Files about to be imported.
    pub files_found: u64,
    /// Files imported or refused.
    pub files_read: u64,
    /// Bytes of the files read.
    pub bytes_read: u64,
    /// Estates about to be merged and checked.
    pub estates_found: u64,
    /// Estates merged and checked.
    pub estates_done: u64,
}

/// Read the counters (each on its own: a snapshot taken during a run may be a moment out of step).
pub fn snapshot() -> Snapshot {
    Snapshot {
        files_found: FILES_FOUND.load(Ordering::Relaxed),
        files_read: FILES_READ.load(Ordering::Relaxed),
        bytes_read: BYTES_READ.load(Ordering::Relaxed),
        estates_found: ESTATES_FOUND.load(Ordering::Relaxed),
        estates_done: ESTATES_DONE.load(Ordering::Relaxed),
    }
}

/// Files about to be imported.
pub(crate) fn files_found(n: usize) {
    FILES_FOUND.fetch_add(n as u64, Ordering::Relaxed);
}

/// One file imported (or refused), of `bytes` bytes.
pub(crate) fn file_read(bytes: u64) {
    FILES_READ.fetch_add(1, Ordering::Relaxed);
    BYTES_READ.fetch_add(bytes, Ordering::Relaxed);
}

pub(crate) fn estates_found(n: usize) {
    ESTATES_FOUND.fetch_add(n as u64, Ordering::Relaxed);
}

pub(crate) fn estate_done() {
    ESTATES_DONE.fetch_add(1, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counters_add_up() {
        // Other tests of this process import files too: compare before and after, at least.
        let before = snapshot();
        files_found(3);
        file_read(2_000_000);
        estates_found(1);
        estate_done();
        let after = snapshot();
        assert!(after.files_found >= before.files_found + 3);
        assert!(after.files_read > before.files_read);
        assert!(after.bytes_read >= before.bytes_read + 2_000_000);
        assert!(after.estates_found > before.estates_found);
        assert!(after.estates_done > before.estates_done);
    }
}
