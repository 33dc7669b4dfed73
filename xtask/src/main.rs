//! Project tasks: `cargo xtask <task>`.

mod fixtures;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("fixtures") => fixtures::run(),
        _ => Err("usage: cargo xtask fixtures".to_owned()),
    };
    if let Err(e) = result {
        eprintln!("xtask: {e}");
        std::process::exit(2);
    }
}
