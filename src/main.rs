//! The `lyncpair` command line: arguments, the pipeline of the library, text on standard output and
//! exit codes (CONTRACT.md). The library does the work and prints nothing; this binary prints.

mod cli;

// mimalloc rather than the system allocator: see its line in Cargo.toml. Only the binary sets it;
// the library leaves the choice to whoever links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::main());
}
