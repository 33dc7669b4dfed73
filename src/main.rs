fn main() {
    std::process::exit(lyncpair::cli::main());
}
