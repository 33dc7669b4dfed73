//! Progress of a long run on stderr: files read out of those found, megabytes read, estates audited.
//!
//! Shown only when a run is still busy after [`DELAY`], stderr is a terminal, `NO_COLOR` is unset
//! and `TERM` is not `dumb`, and never when stdout carries JSON (a terminal that shows both would
//! interleave them). The library only bumps counters ([`lyncpair::progress`]); whether and how
//! anything is drawn is decided here, on a thread of its own.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lyncpair::progress::{Snapshot, snapshot};

/// Runs shorter than this show nothing.
const DELAY: Duration = Duration::from_secs(2);

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
        bar.set_message(message(&snapshot()));
        bar.tick();
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}

fn message(now: &Snapshot) -> String {
    let (found, read) = (now.files_found, now.files_read);
    let mb = now.bytes_read as f64 / 1e6;
    let (estates, done) = (now.estates_found, now.estates_done);
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
        let reading = Snapshot {
            files_found: 3,
            files_read: 1,
            bytes_read: 2_000_000,
            ..Snapshot::default()
        };
        assert_eq!(message(&reading), "reading files: 1/3, 2 MB");
        let auditing = Snapshot {
            estates_found: 4,
            estates_done: 1,
            ..reading
        };
        assert_eq!(
            message(&auditing),
            "1/3 files, 2 MB read; estates audited: 1/4"
        );
    }
}
