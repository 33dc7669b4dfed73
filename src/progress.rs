//! Progress of a long run on stderr: files read out of those found, megabytes read, estates audited.
//!
//! Shown only when a run is still busy after [`DELAY`], stderr is a terminal, `NO_COLOR` is unset
//! and `TERM` is not `dumb`, and never when the caller says stdout carries JSON (a terminal that
//! shows both would interleave them). The importers only bump counters; whether and how anything is
//! drawn is decided here, on a thread of its own.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Runs shorter than this show nothing.
pub const DELAY: Duration = Duration::from_secs(2);

static FILES_FOUND: AtomicU64 = AtomicU64::new(0);
static FILES_READ: AtomicU64 = AtomicU64::new(0);
static BYTES_READ: AtomicU64 = AtomicU64::new(0);
static ESTATES_FOUND: AtomicU64 = AtomicU64::new(0);
static ESTATES_DONE: AtomicU64 = AtomicU64::new(0);

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

/// Whether progress may be drawn at all, from the environment and the output format.
pub fn wanted(json_on_stdout: bool) -> bool {
    !json_on_stdout
        && std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// Draws progress until dropped (if [`wanted`]); dropping it clears the line.
pub struct Progress {
    stop: &'static AtomicBool,
    thread: Option<JoinHandle<()>>,
}

/// One progress display per process (the CLI runs one command).
static STOP: AtomicBool = AtomicBool::new(false);

impl Progress {
    pub fn start(show: bool) -> Progress {
        STOP.store(false, Ordering::Relaxed);
        let thread = show.then(|| std::thread::spawn(draw));
        Progress {
            stop: &STOP,
            thread,
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw() {
    let started = Instant::now();
    while started.elapsed() < DELAY {
        if STOP.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    while !STOP.load(Ordering::Relaxed) {
        bar.set_message(message());
        bar.tick();
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}

fn message() -> String {
    let found = FILES_FOUND.load(Ordering::Relaxed);
    let read = FILES_READ.load(Ordering::Relaxed);
    let mb = BYTES_READ.load(Ordering::Relaxed) as f64 / 1e6;
    let estates = ESTATES_FOUND.load(Ordering::Relaxed);
    let done = ESTATES_DONE.load(Ordering::Relaxed);
    if estates == 0 {
        format!("reading files: {read}/{found}, {mb:.0} MB")
    } else {
        format!("{read}/{found} files, {mb:.0} MB read; estates audited: {done}/{estates}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_drawn_for_json_on_stdout_or_off_a_terminal() {
        assert!(!wanted(true));
        // `cargo test` captures stderr, which is then not a terminal.
        if !std::io::stderr().is_terminal() {
            assert!(!wanted(false));
        }
    }

    #[test]
    fn the_message_counts_files_megabytes_and_estates() {
        files_found(3);
        file_read(2_000_000);
        let m = message();
        assert!(m.contains("files") && m.contains("MB"), "{m}");
    }
}
