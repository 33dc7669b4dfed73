//! The floor of issue 12's speed targets, as a program `cargo xtask bench` can time and count
//! instructions of: read a file with `std::fs::read` and let quick-xml tokenize every event,
//! doing nothing with it (default configuration, so end-tag names are checked).
//!
//! `cargo run --release --example bare_pass -- FILE` prints the number of events.

fn main() {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: bare_pass FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).expect("the file can be read");
    let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("{e}"),
        }
    }
    println!("{events}");
}
