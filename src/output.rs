//! Writing reports safely: the output folder is checked before any work starts, and every file is
//! written under a temporary name in its target folder, flushed to disk and renamed into place, so an
//! interrupted run never leaves a half-written report and an existing one is replaced only by a
//! complete one.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
pub fn prepare_out_dir(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(format!(
                "output folder {shown} is a file; name a folder (it is created if missing)"
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create output folder {shown}: {e}"))?;
        }
        Err(e) => return Err(format!("cannot use output folder {shown}: {e}")),
    }
    // Permissions alone do not tell (read-only mounts, ACLs): try it.
    let probe = temp_path(dir, "write-test");
    let created = OpenOptions::new().write(true).create_new(true).open(&probe);
    match created {
        Ok(file) => {
            drop(file);
            fs::remove_file(&probe)
                .map_err(|e| format!("cannot clean up {}: {e}", probe.display()))?;
            Ok(())
        }
        Err(e) => Err(format!(
            "cannot write into output folder {shown}: {e}; choose another folder with --out"
        )),
    }
}

/// Write `contents` to `dir/name` atomically: temporary file in `dir`, fsync, rename into place.
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<(), String> {
    let target = dir.join(name);
    let temp = temp_path(dir, name);
    let result = (|| -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, &target)?;
        // The rename itself is durable only once the folder entry is on disk; best effort, as
        // not every platform can open a folder for syncing.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        format!("cannot write {}: {e}", target.display())
    })
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
        assert!(err.contains("is a file"), "{err}");
    }

    #[cfg(unix)]
    #[test]
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
        if writable_anyway {
            return; // Running as root: permissions are not enforced, nothing to test.
        }
        let err = result.unwrap_err();
        assert!(err.contains("cannot write into output folder"), "{err}");
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
        assert!(err.contains("report.html"), "{err}");
        assert!(tmp.path().join("report.html/keep").exists());
        assert!(leftovers(tmp.path()).is_empty());
    }
}
