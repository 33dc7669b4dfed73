//! Writing report files into `--out DIR`: the folder is checked before any work, and every file is
//! replaced atomically (temporary file in the same folder, then rename), so a reader never sees half a
//! report and an interrupted run leaves the previous file in place.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinguishes temporary files of one process; with the process id, of concurrent runs too.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_name(name: &str) -> String {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.{}.{n}.tmp", std::process::id())
}

/// Make sure `dir` is a folder lyncpair can write into: create it when missing; refuse a path that
/// is an existing file or a folder that does not accept new files. Called before inputs are read.
pub fn prepare_out_dir(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    match fs::metadata(dir) {
        Ok(m) if !m.is_dir() => {
            return Err(format!(
                "--out {shown}: this is a file, not a folder; name a folder (it is created when missing)"
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir)
                .map_err(|e| format!("--out {shown}: cannot create the folder: {e}"))?;
        }
        Err(e) => return Err(format!("--out {shown}: cannot use this folder: {e}")),
    }
    // Permissions say too little (ACLs, read-only mounts): try what the writes will do.
    let probe = dir.join(temp_name("write-check"));
    let created = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe);
    match created {
        Ok(file) => {
            drop(file);
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!(
            "--out {shown}: lyncpair cannot write into this folder: {e}"
        )),
    }
}

/// Write `contents` to `dir/name` atomically: a temporary file in `dir`, flushed to disk, then
/// renamed over the target. On failure the temporary file is removed and the old file stays.
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<(), String> {
    let target = dir.join(name);
    let temp = dir.join(temp_name(name));
    let written = (|| -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, &target)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        format!("cannot write {}: {e}", target.display())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn creates_a_missing_folder_and_leaves_no_probe() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a").join("b");
        prepare_out_dir(&out).unwrap();
        assert!(out.is_dir());
        assert!(entries(&out).is_empty());
    }

    #[test]
    fn refuses_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("plan.json");
        fs::write(&file, "x").unwrap();
        let err = prepare_out_dir(&file).unwrap_err();
        assert!(err.contains("is a file, not a folder"), "{err}");
    }

    #[test]
    fn replaces_a_file_and_leaves_no_temporary_file() {
        let tmp = tempfile::tempdir().unwrap();
        write_atomic(tmp.path(), "plan.json", b"old").unwrap();
        write_atomic(tmp.path(), "plan.json", b"new").unwrap();
        assert_eq!(fs::read(tmp.path().join("plan.json")).unwrap(), b"new");
        assert_eq!(entries(tmp.path()), ["plan.json"]);
    }

    #[test]
    fn a_failed_write_names_the_file_and_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        // The target is a folder, so the rename fails after the temporary file was written.
        fs::create_dir(tmp.path().join("plan.json")).unwrap();
        fs::write(tmp.path().join("plan.json").join("keep"), "x").unwrap();
        let err = write_atomic(tmp.path(), "plan.json", b"new").unwrap_err();
        assert!(err.contains("plan.json"), "{err}");
        assert_eq!(entries(tmp.path()), ["plan.json"]);
    }
}
