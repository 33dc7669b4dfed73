//! The `lyncpair` command line: arguments, the pipeline of the library, text on standard output and
//! exit codes (CONTRACT.md). The library does the work and prints nothing; this binary prints.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
