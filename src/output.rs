//! Writing reports safely: the output folder is checked before any work starts, and every file is
//! written under a temporary name in its target folder, flushed to disk and renamed into place, so an
//! interrupted run never leaves a half-written report and an existing one is replaced only by a
//! complete one.
//!
//! A run's files are written together ([`write_run`]): each file is synced once, and each folder
//! once after its renames (not per file: 500 estates write 2,000 files); the files are written
//! and synced from several threads, and renamed only once all of them are on disk. The output folder keeps a
//! manifest ([`MANIFEST`]) of what each command wrote, so the next run of that command removes
//! its files that are no longer produced, and nothing else; temporary files an interrupted run
//! left behind are removed too.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use std::collections::{BTreeMap, BTreeSet, HashSet};

pub use crate::estate::MANIFEST;

const MANIFEST_SCHEMA: &str = "lyncpair/manifest/v1";

/// Why the output folder cannot be used or a report not written; the text is what the user reads.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder is a file.
    #[error("output folder {} is a file; name a folder (it is created if missing)", .dir.display())]
    NotAFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// The output folder is missing and cannot be created.
    #[error("cannot create output folder {}: {source}", .dir.display())]
    CannotCreate {
        /// The folder.
        dir: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The output folder cannot be looked at.
    #[error("cannot use output folder {}: {source}", .dir.display())]
    CannotUse {
        /// The folder.
        dir: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The write test's probe file could not be removed again.
    #[error("cannot clean up {}: {source}", .path.display())]
    CannotCleanUp {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Nothing can be written into the output folder.
    #[error("cannot write into output folder {}: {source}; choose another folder with --out", .dir.display())]
    NotWritable {
        /// The folder.
        dir: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A report cannot be written.
    #[error("cannot write {}: {source}", .path.display())]
    CannotWrite {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The manifest cannot be encoded.
    #[error("{0}")]
    Manifest(#[from] serde_json::Error),
}

/// Distinguishes temporary files of one process (several writes may target one folder).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_path(dir: &Path, purpose: &str) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        ".lyncpair-{purpose}-{}-{n}.tmp",
        std::process::id()
    ))
}

/// Make sure `dir` exists, is a folder, and can be written to; creates it (and its parents) if missing.
pub fn prepare_out_dir(dir: &Path) -> Result<(), OutputError> {
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(OutputError::NotAFolder {
                dir: dir.to_path_buf(),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|source| OutputError::CannotCreate {
                dir: dir.to_path_buf(),
                source,
            })?;
        }
        Err(source) => {
            return Err(OutputError::CannotUse {
                dir: dir.to_path_buf(),
                source,
            });
        }
    }
    // Permissions alone do not tell (read-only mounts, ACLs): try it.
    let probe = temp_path(dir, "write-test");
    let created = OpenOptions::new().write(true).create_new(true).open(&probe);
    match created {
        Ok(file) => {
            drop(file);
            fs::remove_file(&probe).map_err(|source| OutputError::CannotCleanUp {
                path: probe.clone(),
                source,
            })?;
            Ok(())
        }
        Err(source) => Err(OutputError::NotWritable {
            dir: dir.to_path_buf(),
            source,
        }),
    }
}

/// Write `contents` to `dir/name` atomically: temporary file in `dir`, fsync, rename into place,
/// fsync of the folder.
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<(), OutputError> {
    write_synced(dir, name, contents)?;
    sync_dir(dir);
    Ok(())
}

/// Whether a file name is one of this module's temporary files, and of which process.
fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(".lyncpair-")?.strip_suffix(".tmp")?;
    // `<purpose>-<pid>-<n>`: the purpose may hold dashes, the last two fields are numbers.
    let mut parts = rest.rsplitn(3, '-');
    parts.next()?.parse::<u64>().ok()?;
    parts.next()?.parse::<u32>().ok()
}

/// Remove the temporary files an interrupted earlier run left in `dir` (issue 9), and only those:
/// names this module makes, of another process that is no longer running (or, where that cannot
/// be told, older than an hour).
fn remove_orphaned_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = temp_owner(&name) else {
            continue;
        };
        if pid == std::process::id() || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let gone = if cfg!(target_os = "linux") {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 3600))
        };
        if gone {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// What the manifest says each command wrote: paths relative to the output folder, `/`-separated.
fn read_manifest(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let Ok(text) = fs::read_to_string(dir.join(MANIFEST)) else {
        return BTreeMap::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return BTreeMap::new();
    };
    if doc["schema"] != MANIFEST_SCHEMA {
        return BTreeMap::new();
    }
    let mut out = BTreeMap::new();
    if let Some(runs) = doc["runs"].as_object() {
        for (command, files) in runs {
            let files: BTreeSet<String> = files
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str())
                .filter(|f| safe_relative(f))
                .map(str::to_owned)
                .collect();
            out.insert(command.clone(), files);
        }
    }
    out
}

/// A manifest entry is only ever a plain path below the output folder: an edited manifest cannot
/// make lyncpair delete anything outside it.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains(':')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Write a run's files (`relative path` → bytes, `/`-separated, at most one folder deep) into
/// `dir` for `command` ("audit" or "plan"): each atomically, then the folders synced, then the
/// files this command wrote last time and no longer writes removed (an emptied subfolder too),
/// then the manifest. Returns the paths written.
pub fn write_run(dir: &Path, command: &str, files: &[(String, &[u8])]) -> Result<(), OutputError> {
    remove_orphaned_temps(dir);
    // The folders in the order first seen; a hash set tells which were: keeping them in a
    // `BTreeSet` compared whole paths component by component, 40 M instructions for a batch's
    // 2,000 files on the one thread the others wait for.
    let mut folders: Vec<PathBuf> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut targets: Vec<Target<'_>> = Vec::with_capacity(files.len());
    for (relative, bytes) in files {
        let target = dir.join(relative);
        let folder = target.parent().unwrap_or(dir).to_path_buf();
        if seen.insert(folder.clone()) {
            if folder != dir {
                prepare_subfolder(&folder)?;
            }
            folders.push(folder.clone());
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        targets.push(Target {
            folder,
            name,
            contents: bytes,
        });
    }
    write_all(&targets)?;
    on_sync_threads(&folders, |folder| sync_dir(folder));
    let mut manifest = read_manifest(dir);
    let now: BTreeSet<String> = files.iter().map(|(r, _)| r.clone()).collect();
    if let Some(before) = manifest.get(command) {
        let written_by_others: BTreeSet<&String> = manifest
            .iter()
            .filter(|(c, _)| c.as_str() != command)
            .flat_map(|(_, f)| f)
            .collect();
        for stale in before.difference(&now) {
            if written_by_others.contains(stale) {
                continue;
            }
            let path = dir.join(stale);
            if path.symlink_metadata().is_ok_and(|m| m.is_file()) {
                let _ = fs::remove_file(&path);
            }
            if let Some(parent) = path.parent().filter(|p| *p != dir) {
                // Only an empty folder goes: remove_dir refuses anything else.
                let _ = fs::remove_dir(parent);
            }
        }
    }
    manifest.insert(command.to_owned(), now);
    let doc = serde_json::json!({
        "schema": MANIFEST_SCHEMA,
        "runs": manifest,
    });
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    write_atomic(dir, MANIFEST, text.as_bytes())
}

/// A subfolder of the output folder (an estate's, in a batch) made ready for a run's files.
///
/// One this run creates is empty and this process's own: nothing to clean up, and no probe file
/// to write and remove (in a batch of 500 estates, 500 more files created and deleted, on a file
/// system where creating files is most of the kernel's time). A folder that is already there, or
/// cannot be created directly, is checked as the output folder is, with the same errors.
fn prepare_subfolder(folder: &Path) -> Result<(), OutputError> {
    if fs::create_dir(folder).is_ok() {
        return Ok(());
    }
    prepare_out_dir(folder)?;
    remove_orphaned_temps(folder);
    Ok(())
}

/// Temporary file, one fsync, rename; the folder is synced by the caller.
fn write_synced(dir: &Path, name: &str, contents: &[u8]) -> Result<(), OutputError> {
    let target = dir.join(name);
    let temp = write_temp(dir, name, contents)?;
    fs::rename(&temp, &target).map_err(|source| {
        let _ = fs::remove_file(&temp);
        OutputError::CannotWrite {
            path: target,
            source,
        }
    })
}

/// `contents` in a new temporary file beside `dir/name`, synced to disk; its path. On failure
/// the temporary file is removed and the error names the target.
fn write_temp(dir: &Path, name: &str, contents: &[u8]) -> Result<PathBuf, OutputError> {
    let temp = temp_path(dir, name);
    let result = (|| -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(contents)?;
        // The data and what reading it back needs (its length, where it lies): for a new file
        // that is all `sync_all` would write too, apart from the timestamps.
        file.sync_data()
    })();
    match result {
        Ok(()) => Ok(temp),
        Err(source) => {
            let _ = fs::remove_file(&temp);
            Err(OutputError::CannotWrite {
                path: dir.join(name),
                source,
            })
        }
    }
}

/// One file of a run: its folder (already prepared), its name there and what it holds.
struct Target<'a> {
    folder: PathBuf,
    name: String,
    contents: &'a [u8],
}

/// Write a run's files, each atomically: every file to a synced temporary file (on several
/// threads), then each renamed into place in order. When any file cannot be written, no file is
/// replaced, the temporary files are removed, and the error is that of the first such file.
fn write_all(targets: &[Target<'_>]) -> Result<(), OutputError> {
    let mut temps: Vec<PathBuf> = Vec::with_capacity(targets.len());
    let mut first_error = None;
    for written in on_sync_threads(targets, |t| write_temp(&t.folder, &t.name, t.contents)) {
        match written {
            Ok(temp) => temps.push(temp),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        for temp in &temps {
            let _ = fs::remove_file(temp);
        }
        return Err(e);
    }
    for (k, (target, temp)) in targets.iter().zip(&temps).enumerate() {
        if let Err(source) = fs::rename(temp, target.folder.join(&target.name)) {
            for later in &temps[k..] {
                let _ = fs::remove_file(later);
            }
            return Err(OutputError::CannotWrite {
                path: target.folder.join(&target.name),
                source,
            });
        }
    }
    Ok(())
}

/// How many threads sync files at once: see [`on_sync_threads`]. A model of a batch's 2,000 files
/// in Python, 7 alternating rounds on the test machine (load 3–5): written and synced from 8
/// threads 0.98–1.29 s, from 16 0.72–1.13 s, from 32 0.76–0.96 s, from 64 0.72–0.90 s.
const SYNC_THREADS: usize = 32;

/// `job` on every item, from [`SYNC_THREADS`] threads at once; the results in the order of `items`.
///
/// Why threads for waiting on the disk: a journaling file system commits its journal for each
/// fsync, and fsyncs issued at the same time share one commit; without a journal (the test
/// machine's ext4 has none) each fsync writes the file, its inode and its new folder entries
/// itself, and several such writes are in flight at once. A batch of 500 estates
/// writes 2,000 reports: synced one after another they took 8–10 s on the 2-core test machine
/// under load, from 8 threads 1.2–3 s. These are waits, not CPU work, so they get their own
/// threads rather than rayon's, which are one per core.
fn on_sync_threads<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 {
        return items.iter().map(job).collect();
    }
    let chunk = items.len().div_ceil(SYNC_THREADS);
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&job).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// The renames into `dir` are durable only once the folder entry is on disk; best effort, as not
/// every platform can open a folder for syncing.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn creates_missing_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a/b");
        prepare_out_dir(&out).unwrap();
        assert!(out.is_dir());
        assert!(leftovers(&out).is_empty());
    }

    #[test]
    fn a_file_is_not_an_output_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("report.html");
        fs::write(&file, "x").unwrap();
        let err = prepare_out_dir(&file).unwrap_err();
        assert!(matches!(err, OutputError::NotAFolder { .. }), "{err}");
        assert!(err.to_string().contains("is a file"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    // The library denies printing; this test says on stderr what it could not check.
    #[allow(clippy::print_stderr)]
    fn a_read_only_folder_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let ro = tmp.path().join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        let writable_anyway = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(ro.join("root-probe"))
            .is_ok();
        let result = prepare_out_dir(&ro);
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
        if !writable_anyway {
            let err = result.unwrap_err();
            assert!(
                err.to_string().contains("cannot write into output folder"),
                "{err}"
            );
            return;
        }
        // Root ignores permissions, and CI runs as root. A folder no one can write into tests the
        // same probe there: /proc takes no new files, whoever asks.
        if cfg!(target_os = "linux") && Path::new("/proc/self").is_dir() {
            let err = prepare_out_dir(Path::new("/proc")).unwrap_err();
            assert!(matches!(err, OutputError::NotWritable { .. }), "{err}");
            assert!(
                err.to_string().contains("cannot write into output folder"),
                "{err}"
            );
        } else {
            // Visible in `cargo test -- --nocapture`.
            eprintln!(
                "a_read_only_folder_is_refused: running as root without /proc, the write probe is not tested"
            );
        }
    }

    /// A folder that cannot be created, even by root: its parent is a file.
    #[test]
    fn a_folder_under_a_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("not-a-folder");
        fs::write(&file, "x").unwrap();
        let err = prepare_out_dir(&file.join("reports")).unwrap_err();
        assert!(err.to_string().contains("output folder"), "{err}");
        assert!(file.is_file(), "the file in the way is left alone");
    }

    #[test]
    fn replaces_an_existing_file_and_leaves_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("report.md"), "old").unwrap();
        write_atomic(tmp.path(), "report.md", b"new").unwrap();
        assert_eq!(
            fs::read_to_string(tmp.path().join("report.md")).unwrap(),
            "new"
        );
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn a_failed_write_keeps_the_old_report() {
        let tmp = tempfile::tempdir().unwrap();
        // A folder where the report should go: the rename fails, the folder stays, no temp is left.
        fs::create_dir(tmp.path().join("report.html")).unwrap();
        fs::write(tmp.path().join("report.html/keep"), "x").unwrap();
        let err = write_atomic(tmp.path(), "report.html", b"new").unwrap_err();
        assert!(err.to_string().contains("report.html"), "{err}");
        assert!(tmp.path().join("report.html/keep").exists());
        assert!(leftovers(tmp.path()).is_empty());
    }

    fn run(dir: &Path, command: &str, names: &[&str]) {
        let files: Vec<(String, &[u8])> = names
            .iter()
            .map(|n| ((*n).to_owned(), b"x".as_slice()))
            .collect();
        write_run(dir, command, &files).unwrap();
    }

    #[test]
    fn the_next_run_removes_what_it_no_longer_writes_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        fs::write(d.join("notes.txt"), "mine").unwrap();
        run(
            d,
            "audit",
            &[
                "audit.json",
                "index.html",
                "wien/report.html",
                "graz/report.html",
            ],
        );
        run(d, "plan", &["plan.json"]);
        assert!(d.join("wien/report.html").is_file() && d.join(MANIFEST).is_file());
        // One estate now: the index and the estate folders go, the user's file and the plan stay.
        fs::write(d.join("graz/keep.txt"), "mine").unwrap();
        run(d, "audit", &["audit.json", "report.html"]);
        assert!(!d.join("index.html").exists());
        assert!(!d.join("wien").exists(), "an emptied estate folder goes");
        assert!(!d.join("graz/report.html").exists());
        assert!(
            d.join("graz/keep.txt").is_file(),
            "a folder with the user's file stays"
        );
        assert!(d.join("notes.txt").is_file() && d.join("plan.json").is_file());
        assert!(d.join("report.html").is_file() && d.join("audit.json").is_file());
        assert!(leftovers(d).is_empty());
    }

    #[test]
    fn an_edited_manifest_cannot_delete_outside_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(tmp.path().join("precious"), "x").unwrap();
        fs::write(
            out.join(MANIFEST),
            r#"{"schema":"lyncpair/manifest/v1","runs":{"audit":["../precious","/etc/x"]}}"#,
        )
        .unwrap();
        run(&out, "audit", &["audit.json"]);
        assert!(tmp.path().join("precious").is_file());
    }

    #[test]
    fn subfolders_are_created_or_checked_and_cleaned() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        fs::create_dir(d.join("old")).unwrap();
        let orphan = ".lyncpair-report.html-0-3.tmp";
        fs::write(d.join("old").join(orphan), "x").unwrap();
        fs::write(d.join("in-the-way"), "x").unwrap();
        run(d, "audit", &["old/report.html", "new/report.html"]);
        assert!(d.join("old/report.html").is_file() && d.join("new/report.html").is_file());
        if cfg!(target_os = "linux") {
            assert!(leftovers(&d.join("old")).is_empty());
        }
        assert!(leftovers(&d.join("new")).is_empty());
        let files: Vec<(String, &[u8])> = vec![("in-the-way/report.html".into(), b"x")];
        let err = write_run(d, "audit", &files).unwrap_err();
        assert!(matches!(err, OutputError::NotAFolder { .. }), "{err}");
    }

    #[test]
    fn orphaned_temporaries_of_earlier_runs_are_removed_and_only_those() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        // pid 0 is no user process: an interrupted run of long ago.
        let orphan = ".lyncpair-report.html-0-3.tmp";
        let mine = format!(".lyncpair-x-{}-99.tmp", std::process::id());
        for name in [orphan, mine.as_str(), ".lyncpair-notes.tmp", "user-0-1.tmp"] {
            fs::write(d.join(name), "x").unwrap();
        }
        run(d, "audit", &["audit.json"]);
        let left: BTreeSet<String> = leftovers(d).into_iter().collect();
        let expected: BTreeSet<String> =
            [mine, ".lyncpair-notes.tmp".into(), "user-0-1.tmp".into()].into();
        if cfg!(target_os = "linux") {
            assert_eq!(left, expected);
        }
    }
}
