//! The files and estates of a run are imported and audited in parallel (rayon): the result must be
//! byte for byte what one thread produces, whatever the number of threads.

use std::path::PathBuf;

use lyncpair::import::ImportOptions;

/// Every committed fixture and test input at once: many estates, good and broken files.
fn inputs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    vec![root.join("fixtures"), root.join("tests").join("data")]
}

fn audit_json_on(threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        let audit = lyncpair::audit::run(&inputs(), &ImportOptions::default());
        lyncpair::render::json::render(&audit)
    })
}

#[test]
fn parallel_batches_match_the_sequential_run_byte_for_byte() {
    let sequential = audit_json_on(1);
    // Enough estates and errors that a change of order would show.
    assert!(sequential.matches("\"name\"").count() > 10, "{sequential}");
    assert!(sequential.contains("\"errors\""));
    for threads in [2, 4, 8] {
        assert!(
            audit_json_on(threads) == sequential,
            "{threads} threads gave a different audit than one"
        );
    }
}
