//! Project tasks: `cargo xtask <task>` (the alias is in .cargo/config.toml).

mod browser_check;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("browser-check") => browser_check::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\ntasks:\n  browser-check   render the HTML reports in headless Chromium, screenshot them, fail on console errors or an empty diagram"
            );
            2
        }
    };
    std::process::exit(code);
}
