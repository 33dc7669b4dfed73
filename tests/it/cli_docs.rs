//! The README's usage lines are the real ones (issue 11): each command's `Usage:` line from
//! `--help` appears verbatim, and every option `--help` lists is in the README's Usage section.

use crate::common;

use common::{repo_root, run};

const COMMANDS: [&[&str]; 5] = [
    &["audit"],
    &["plan"],
    &["rules"],
    &["templates", "export"],
    &["completions"],
];

fn usage_section() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme.find("## Usage").expect("README has a Usage section");
    let end = readme[start..]
        .find("### Exit codes")
        .map_or(readme.len(), |e| start + e);
    readme[start..end].to_owned()
}

#[test]
fn the_readme_shows_every_commands_real_usage_and_options() {
    let usage = usage_section();
    for command in COMMANDS {
        let mut args: Vec<&str> = command.to_vec();
        args.push("--help");
        let help = run(&args).stdout;
        let line = help
            .lines()
            .find_map(|l| l.strip_prefix("Usage: "))
            .unwrap_or_else(|| panic!("no usage line in {help}"));
        assert!(usage.contains(line), "README lacks {line:?}");
        for option in help
            .split_whitespace()
            .filter(|w| w.starts_with("--") && *w != "--help")
        {
            let option = option.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            assert!(
                usage.contains(option),
                "README lacks {option} of {command:?}"
            );
        }
    }
}

#[test]
fn completions_are_printed_for_every_shell() {
    for (shell, marker) in [
        ("powershell", "Register-ArgumentCompleter"),
        ("bash", "complete -F"),
        ("zsh", "#compdef lyncpair"),
        ("fish", "complete -c lyncpair"),
    ] {
        let r = run(["completions", shell]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell}: {}", r.stdout);
        assert!(
            r.stdout.contains("audit") && r.stdout.contains("fail-on"),
            "{shell}"
        );
    }
    assert_eq!(run(["completions", "tcsh"]).code, 2);
}
