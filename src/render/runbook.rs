//! `pairing-runbook.ps1`: the post-pairing runbook of DOMAIN.md §8 for every pair the plan sets up.
//!
//! Per pair, in the documented order: the Topology Builder step (a comment: pairing is set there only),
//! `Remove-CsUserStoreBackupData` for a pool leaving a former partner, `Bootstrapper.exe` on every Front
//! End server of both pools, the Cumulative Update reminder, `Start-CsWindowsService -Name LYNCBACKUP`
//! on each Front End, `Invoke-CsBackupServiceSync` and `Get-CsBackupServiceStatus` for both pools.
//! Every command runs under `$PSCmdlet.ShouldProcess`, so `-WhatIf` shows the run without changing
//! anything, and `$ErrorActionPreference = 'Stop'` ends the script at the first error.
//!
//! Names come from exports: every value is put in a single-quoted PowerShell string with its quotes
//! doubled, and comment text is kept on one line, so no pool name can inject a command.

use crate::i18n::{self, Lang};
use crate::model::{Edition, Version};
use crate::plan::{BranchMove, BranchProcedure, PairSide, PairingPlan, PlannedPair};

/// The documented steps giving a branch registrar a new backing pool (DOMAIN.md §6, §7), in `lang`.
pub fn branch_steps(procedure: BranchProcedure, lang: Lang) -> Vec<&'static str> {
    let (prefix, n) = match procedure {
        BranchProcedure::Reassociate => ("branch.reassociate", 5),
        BranchProcedure::Lync2010Sba => ("branch.sba2010", 4),
    };
    (1..=n)
        .map(|i| i18n::t(lang, &format!("{prefix}.{i}")))
        .collect()
}

/// A PowerShell single-quoted string: the typographic single quotes PowerShell also accepts are doubled too.
pub fn ps_quote(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            s.push(c);
        }
        if c.is_control() {
            s.push(' ');
        } else {
            s.push(c);
        }
    }
    s.push('\'');
    s
}

/// Text for a `#` comment: one line whatever the input holds.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn bootstrapper_path(version: Version) -> &'static str {
    match version {
        Version::V2010 | Version::V2013 => {
            r"$env:ProgramFiles\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe"
        }
        Version::V2015 => {
            r"$env:ProgramFiles\Skype for Business Server 2015\Deployment\Bootstrapper.exe"
        }
        Version::V2019 => {
            r"$env:ProgramFiles\Skype for Business Server 2019\Deployment\Bootstrapper.exe"
        }
    }
}

struct Script {
    text: String,
}

impl Script {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    fn comment(&mut self, text: &str) {
        if text.is_empty() {
            self.line("#");
        } else {
            self.line(&format!("# {}", one_line(text)));
        }
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// `body` (already quoted PowerShell lines) runs only when ShouldProcess agrees.
    fn guarded(&mut self, target: &str, action: &str, body: &[String]) {
        self.line(&format!(
            "if ($PSCmdlet.ShouldProcess({}, {})) {{",
            ps_quote(target),
            ps_quote(action)
        ));
        for line in body {
            self.line(&format!("    {line}"));
        }
        self.line("}");
    }
}

pub fn render(plans: &[PairingPlan]) -> String {
    let mut s = Script {
        text: String::new(),
    };
    s.comment(&format!(
        "pairing-runbook.ps1: applies the 1:1 pool pairing plan made by lyncpair {}.",
        env!("CARGO_PKG_VERSION")
    ));
    s.comment("");
    for plan in plans {
        let o = plan.objective;
        s.comment(&format!("Estate: {}", plan.estate));
        for input in &plan.inputs {
            s.comment(&format!("  input: {input}"));
        }
        s.comment(&format!(
            "  plan: {} pair(s), {} cross-site, {} kept; {} pool(s) unpaired",
            o.pairs,
            o.cross_site,
            o.kept,
            plan.unpaired.len()
        ));
        let pinned: Vec<String> = plan
            .pairs
            .iter()
            .filter(|p| p.pinned)
            .map(|p| format!("{} <-> {}", p.sides[0].fqdn, p.sides[1].fqdn))
            .collect();
        if !pinned.is_empty() {
            s.comment(&format!("  pinned with --pin: {}", pinned.join(", ")));
        }
        let to_set_up: Vec<String> = plan
            .pairs
            .iter()
            .filter(|p| p.needs_setup())
            .map(|p| format!("{} <-> {}", p.sides[0].fqdn, p.sides[1].fqdn))
            .collect();
        s.comment(&format!(
            "  pairs to set up: {}",
            if to_set_up.is_empty() {
                "none".to_owned()
            } else {
                to_set_up.join(", ")
            }
        ));
    }
    s.comment("");
    s.comment(
        "How to use it (post-pairing runbook of Lync Server 2013 / Skype for Business Server):",
    );
    s.comment("  1. Do the Topology Builder step of each pair below and publish the topology: pairing is set there only.");
    s.comment("  2. Run this script in the Lync Server (or Skype for Business Server) Management Shell as a member of");
    s.comment("     CsAdministrator, with PowerShell remoting to every Front End server. Try it first with -WhatIf.");
    s.comment(
        "  3. It stops at the first error. Re-applying Cumulative Updates (step 4) is manual.",
    );
    s.comment("  Branch registrars to re-associate are manual steps, listed as comments at the end of each estate.");
    s.blank();
    s.line("[CmdletBinding(SupportsShouldProcess = $true)]");
    s.line("param()");
    s.blank();
    s.line("$ErrorActionPreference = 'Stop'");
    s.line("Set-StrictMode -Version Latest");
    for plan in plans {
        estate(&mut s, plan);
    }
    s.text
}

fn estate(s: &mut Script, plan: &PairingPlan) {
    s.blank();
    s.comment(&"=".repeat(100));
    s.comment(&format!("Estate: {}", plan.estate));
    s.comment(&"=".repeat(100));
    let setups: Vec<&PlannedPair> = plan.pairs.iter().filter(|p| p.needs_setup()).collect();
    for p in plan.pairs.iter().filter(|p| !p.needs_setup()) {
        s.comment(&format!(
            "{} <-> {}: already paired both ways today; nothing to do.",
            p.sides[0].fqdn, p.sides[1].fqdn
        ));
    }
    if setups.is_empty() {
        s.comment("No pair to set up in this estate.");
    }
    for (k, pair) in setups.iter().enumerate() {
        s.blank();
        pair_section(s, pair, k + 1, setups.len());
    }
    if !plan.unpaired.is_empty() {
        s.blank();
        s.comment("Not paired by this plan:");
        for u in &plan.unpaired {
            s.comment(&format!("  {}: {}", u.pool, u.reason));
        }
    }
    for m in &plan.branch_moves {
        s.blank();
        branch_section(s, m);
    }
}

fn pair_section(s: &mut Script, pair: &PlannedPair, k: usize, of: usize) {
    let [a, b] = &pair.sides;
    let kind = if pair.is_repair() {
        "re-pair"
    } else if pair.kept {
        "kept pair, made reciprocal"
    } else {
        "new pair"
    };
    let site = |p: &PairSide| p.site.clone().unwrap_or_else(|| "site unknown".to_owned());
    s.comment(&format!(
        "---- Pair {k} of {of}: {} ({}) <-> {} ({}), {kind} ----",
        a.fqdn,
        site(a),
        b.fqdn,
        site(b)
    ));

    s.comment("Step 1, Topology Builder (manual, before running this section):");
    for side in [a, b] {
        for former in &side.former_partners {
            s.comment(&format!(
                "  {} is paired with {former} today: unpair them first (clear its Associated Backup Pool).",
                side.fqdn
            ));
        }
    }
    s.comment(&format!(
        "  {} -> Edit Properties -> Resiliency -> Associated Backup Pool -> {}.",
        a.fqdn, b.fqdn
    ));
    s.comment(&format!(
        "  Tick \"Automatic failover and failback for Voice\" and keep or set the two intervals ({}).",
        intervals(a)
    ));
    s.comment(&format!(
        "  Configure one side only: {} shows the pairing too. Publish the topology.",
        b.fqdn
    ));
    if pair.is_repair() {
        for (side, other) in [(a, b), (b, a)] {
            if side.edition == Some(Edition::Standard) {
                s.comment(&format!(
                    "  {} is a Standard Edition pool: if {} holds the Central Management Store, install the \
                     CMS database on {} first.",
                    side.fqdn, other.fqdn, side.fqdn
                ));
            }
        }
    }

    let planned: Vec<&str> = [a, b]
        .iter()
        .filter(|p| p.planned)
        .map(|p| p.fqdn.as_str())
        .collect();
    // A pair with a pool still to be built (planned, or a successor the plan proposes) is a
    // checklist of Topology Builder steps: no command can run against a pool that does not exist.
    if !planned.is_empty() {
        s.comment(&format!(
            "Step 2: {} not deployed yet (planned or proposed): build {} in Topology Builder, publish, \
             deploy; the pairing takes effect with the deployment.",
            planned.join(" and "),
            if planned.len() == 2 { "them" } else { "it" }
        ));
        s.comment(&format!(
            "  Then, on every Front End server of both pools: Bootstrapper.exe, re-apply the Cumulative \
             Update, Start-CsWindowsService -Name LYNCBACKUP; Invoke-CsBackupServiceSync and \
             Get-CsBackupServiceStatus for {} and {}. Run this plan again once deployed for the commands.",
            a.fqdn, b.fqdn
        ));
        return;
    }
    if planned.is_empty() {
        s.comment(
            "Step 2: both pools are deployed, so the Backup Service is set up on them below.",
        );
    }

    for side in [a, b] {
        if side.former_partners.is_empty() {
            continue;
        }
        let formers = side.former_partners.join(", ");
        s.comment(&format!(
            "Re-pair: {} clears the user data it still keeps for its former partner {formers}.",
            side.fqdn
        ));
        s.guarded(
            &side.fqdn,
            &format!("Remove-CsUserStoreBackupData (data kept for {formers})"),
            &[format!(
                "Remove-CsUserStoreBackupData -PoolFqdn {}",
                ps_quote(&side.fqdn)
            )],
        );
    }

    s.comment("Step 3: Bootstrapper.exe on every Front End server of both pools (installs the Backup Service).");
    for side in [a, b] {
        no_servers_warning(s, side);
        for machine in &side.machines {
            s.guarded(
                machine,
                "Run Bootstrapper.exe",
                &[
                    format!(
                        "Invoke-Command -ComputerName {} -ScriptBlock {{",
                        ps_quote(machine)
                    ),
                    format!("    & \"{}\"", bootstrapper_path(side.version)),
                    "    if ($LASTEXITCODE -ne 0) { throw \"Bootstrapper.exe failed on $env:COMPUTERNAME (exit code $LASTEXITCODE)\" }"
                        .to_owned(),
                    "}".to_owned(),
                ],
            );
        }
    }

    s.comment("Step 4 (manual): re-apply every Cumulative Update these servers had, on each of them; otherwise");
    s.comment("  the Backup Service install can fail on a version mismatch.");

    s.comment("Step 5: start the Backup Service (LYNCBACKUP) on each Front End server.");
    for side in [a, b] {
        let restart = !side.former_partners.is_empty();
        if restart {
            s.comment(&format!(
                "  {} already ran the Backup Service for its former partner: restart it.",
                side.fqdn
            ));
        }
        for machine in &side.machines {
            let mut body = Vec::new();
            if restart {
                body.push(format!(
                    "Stop-CsWindowsService -Name LYNCBACKUP -ComputerName {}",
                    ps_quote(machine)
                ));
            }
            body.push(format!(
                "Start-CsWindowsService -Name LYNCBACKUP -ComputerName {}",
                ps_quote(machine)
            ));
            let action = if restart {
                "Restart the Backup Service (LYNCBACKUP)"
            } else {
                "Start the Backup Service (LYNCBACKUP)"
            };
            s.guarded(machine, action, &body);
        }
    }

    s.comment("Step 6: synchronise the Backup Service data of both pools.");
    for side in [a, b] {
        s.guarded(
            &side.fqdn,
            "Invoke-CsBackupServiceSync",
            &[format!(
                "Invoke-CsBackupServiceSync -PoolFqdn {}",
                ps_quote(&side.fqdn)
            )],
        );
    }

    s.comment("Step 7: check replication; repeat until both directions report steady state (\"steady\": changes");
    s.comment("  replicated within the sync interval; \"final\": nothing left to sync). Skipped under -WhatIf, since");
    s.comment("  nothing was set up then.");
    for side in [a, b] {
        s.guarded(
            &side.fqdn,
            "Get-CsBackupServiceStatus",
            &[format!(
                "Get-CsBackupServiceStatus -PoolFqdn {}",
                ps_quote(&side.fqdn)
            )],
        );
    }

    let enterprise: Vec<&PairSide> = [a, b]
        .into_iter()
        .filter(|p| p.edition == Some(Edition::Enterprise))
        .collect();
    if !enterprise.is_empty() {
        s.comment("Step 8 (Enterprise Edition): have three Front End servers of each pool running at the same time at");
        s.comment("  some point so the data syncs.");
        for p in enterprise {
            if p.machines.len() < 3 {
                s.comment(&format!(
                    "  {} has {} Front End server(s): at least three are recommended per Enterprise pool.",
                    p.fqdn,
                    p.machines.len()
                ));
            }
        }
    }
}

fn no_servers_warning(s: &mut Script, side: &PairSide) {
    if side.machines.is_empty() {
        s.comment(&format!(
            "  The inputs name no Front End server of {}: run Bootstrapper.exe and start LYNCBACKUP on each of \
             them by hand.",
            side.fqdn
        ));
        s.line(&format!(
            "Write-Warning {}",
            ps_quote(&format!(
                "No Front End server of {} is known: run Bootstrapper.exe and start LYNCBACKUP on each of them by hand.",
                side.fqdn
            ))
        ));
    }
}

fn intervals(p: &PairSide) -> String {
    let today = p
        .failover
        .and_then(|f| match (f.failure_detection_s, f.failback_s) {
            (Some(d), Some(b)) => Some(format!(
                "{} today: failure detection {d} s, failback {b} s; ",
                p.fqdn
            )),
            _ => None,
        })
        .unwrap_or_default();
    format!(
        "{today}Topology Builder defaults 120 s and 240 s; keep both at 120 s or more, failback above failure detection"
    )
}

fn branch_section(s: &mut Script, m: &BranchMove) {
    s.comment(&format!(
        "---- Branch registrar {} ({}): re-associate (manual) ----",
        m.branch,
        m.site.as_deref().unwrap_or("site unknown")
    ));
    s.comment(&format!("  Why: {}.", m.why));
    match &m.to {
        None => s.comment("  New backing pool: a paired front-end pool of Lync 2013 or later."),
        Some(to) => s.comment(&format!(
            "  New backing pool: {to} (its users then count toward that pool's capacity)."
        )),
    }
    for (i, step) in branch_steps(m.procedure, Lang::En).iter().enumerate() {
        s.comment(&format!("  {}. {step}", i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Estate, Pool};
    use crate::plan::{PlanRequest, plan};
    use crate::rules::test_support::{estate, fe};

    fn with_machines(mut p: Pool, machines: &[&str]) -> Pool {
        p.machines = machines.iter().map(|m| (*m).to_owned()).collect();
        p.servers = machines.len() as u32;
        p
    }

    /// a and b are paired today. The plan (b forbidden with a) pairs a with c — a re-pair — and b with d,
    /// also a re-pair; e and f are already reciprocal and need nothing.
    fn runbook_estate() -> Estate {
        estate(vec![
            with_machines(fe("a.t", "s1", Some("b.t")), &["a1.t", "a2.t", "a3.t"]),
            with_machines(fe("b.t", "s2", Some("a.t")), &["b1.t", "b2.t", "b3.t"]),
            with_machines(fe("c.t", "s2", None), &["c1.t", "c2.t"]),
            with_machines(fe("d.t", "s1", None), &["d1.t", "d2.t", "d3.t"]),
            with_machines(fe("e.t", "s1", Some("f.t")), &["e1.t"]),
            with_machines(fe("f.t", "s2", Some("e.t")), &["f1.t"]),
        ])
    }

    fn runbook(e: &Estate, forbids: &[(&str, &str)]) -> String {
        let req = PlanRequest {
            forbids: forbids
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            ..PlanRequest::default()
        };
        render(&plan(&[e], &req).unwrap())
    }

    /// Checks that (), {}, [] nest and strings close, skipping comments and string contents the way
    /// PowerShell reads them (no pwsh on the build machine to parse the script for real).
    fn assert_balanced(script: &str) {
        let mut stack = Vec::new();
        for (n, line) in script.lines().enumerate() {
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '#' => break,
                    '\'' => loop {
                        match chars.next() {
                            Some('\'') if chars.peek() == Some(&'\'') => {
                                chars.next();
                            }
                            Some('\'') => break,
                            Some(_) => {}
                            None => panic!("line {}: unclosed single quote: {line}", n + 1),
                        }
                    },
                    '"' => loop {
                        match chars.next() {
                            Some('`') => {
                                chars.next();
                            }
                            Some('"') => break,
                            Some(_) => {}
                            None => panic!("line {}: unclosed double quote: {line}", n + 1),
                        }
                    },
                    '(' | '{' | '[' => stack.push((c, n + 1)),
                    ')' | '}' | ']' => {
                        let open = match c {
                            ')' => '(',
                            '}' => '{',
                            _ => '[',
                        };
                        let top = stack.pop();
                        assert_eq!(
                            top.map(|t| t.0),
                            Some(open),
                            "line {}: {c} closes {top:?}",
                            n + 1
                        );
                    }
                    _ => {}
                }
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    fn count(text: &str, needle: &str) -> usize {
        text.matches(needle).count()
    }

    #[test]
    fn the_balance_check_catches_mistakes() {
        assert_balanced("if ($x) { 'a''b' } # ( not code\n\"x`\"y\"");
        for bad in ["if ($x) {", "'open", "\"open", "(]"] {
            assert!(
                std::panic::catch_unwind(|| assert_balanced(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn header_says_where_the_plan_comes_from_and_supports_whatif() {
        let mut e = runbook_estate();
        e.name = "contoso".into();
        e.inputs = vec![crate::model::Input {
            path: "exports/topology.xml".into(),
            format: crate::model::Format::TopologyXml,
            encoding: "utf-8".into(),
        }];
        let text = runbook(&e, &[("a.t", "b.t")]);
        assert!(text.contains(&format!("lyncpair {}", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("# Estate: contoso\n#   input: exports/topology.xml\n"));
        assert!(text.contains("#   plan: 3 pair(s), 3 cross-site, 1 kept; 0 pool(s) unpaired\n"));
        let preamble = "[CmdletBinding(SupportsShouldProcess = $true)]\nparam()\n\n\
                        $ErrorActionPreference = 'Stop'\nSet-StrictMode -Version Latest\n";
        assert!(text.contains(preamble));
        // Nothing but comments before the param block.
        let before = &text[..text.find("[CmdletBinding").unwrap()];
        assert!(before.lines().all(|l| l.is_empty() || l.starts_with('#')));
        assert_balanced(&text);
    }

    #[test]
    fn every_command_is_guarded_and_in_the_documented_order() {
        let text = runbook(&runbook_estate(), &[("a.t", "b.t")]);
        assert_balanced(&text);
        // Each command line sits directly inside a ShouldProcess block.
        let lines: Vec<&str> = text.lines().collect();
        let commands = [
            "Remove-CsUserStoreBackupData",
            "Invoke-Command",
            "Stop-CsWindowsService",
            "Start-CsWindowsService",
            "Invoke-CsBackupServiceSync",
            "Get-CsBackupServiceStatus",
        ];
        let mut guarded = 0;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if commands.iter().any(|c| t.starts_with(c)) {
                let opener = lines[..i]
                    .iter()
                    .rev()
                    .find(|l| !l.trim_start().starts_with("Stop-CsWindowsService"))
                    .unwrap();
                assert!(
                    opener.starts_with("if ($PSCmdlet.ShouldProcess("),
                    "not guarded: {line} after {opener}"
                );
                guarded += 1;
            }
        }
        assert!(guarded > 0);

        // Pair a–c: one Bootstrapper per machine of both pools, then the steps in order.
        let start = text
            .find("---- Pair 1 of 2: a.t (s1) <-> c.t (s2), re-pair")
            .unwrap();
        let end = text.find("---- Pair 2 of 2").unwrap();
        let section = &text[start..end];
        for m in ["a1.t", "a2.t", "a3.t", "c1.t", "c2.t"] {
            assert_eq!(
                count(
                    section,
                    &format!("Invoke-Command -ComputerName '{m}' -ScriptBlock {{")
                ),
                1,
                "{m}"
            );
            assert_eq!(
                count(
                    section,
                    &format!("Start-CsWindowsService -Name LYNCBACKUP -ComputerName '{m}'")
                ),
                1,
                "{m}"
            );
        }
        assert_eq!(count(section, "Bootstrapper.exe\"\n"), 5);
        assert_eq!(
            count(
                section,
                r#"& "$env:ProgramFiles\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe""#
            ),
            5
        );
        let at = |needle: &str| {
            section
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} missing"))
        };
        let order = [
            at("Associated Backup Pool -> c.t"),
            at("Remove-CsUserStoreBackupData -PoolFqdn 'a.t'"),
            at("Invoke-Command -ComputerName 'a1.t'"),
            at("Invoke-Command -ComputerName 'c2.t'"),
            at("re-apply every Cumulative Update"),
            at("Start-CsWindowsService -Name LYNCBACKUP -ComputerName 'a1.t'"),
            at("Start-CsWindowsService -Name LYNCBACKUP -ComputerName 'c2.t'"),
            at("Invoke-CsBackupServiceSync -PoolFqdn 'a.t'"),
            at("Invoke-CsBackupServiceSync -PoolFqdn 'c.t'"),
            at("Get-CsBackupServiceStatus -PoolFqdn 'a.t'"),
            at("Get-CsBackupServiceStatus -PoolFqdn 'c.t'"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        // a left b: its Backup Service is restarted; c is new and only started.
        assert_eq!(
            count(
                section,
                "Stop-CsWindowsService -Name LYNCBACKUP -ComputerName 'a"
            ),
            3
        );
        assert_eq!(
            count(
                section,
                "Stop-CsWindowsService -Name LYNCBACKUP -ComputerName 'c"
            ),
            0
        );
        // c has two servers: the three-servers advice names it.
        assert!(section.contains("c.t has 2 Front End server(s)"));
    }

    #[test]
    fn remove_cs_user_store_backup_data_only_for_re_pairs() {
        let text = runbook(&runbook_estate(), &[("a.t", "b.t")]);
        // a and b each leave the other; e–f are kept both ways and need nothing at all.
        assert_eq!(count(&text, "Remove-CsUserStoreBackupData -PoolFqdn"), 2);
        assert!(text.contains("Remove-CsUserStoreBackupData -PoolFqdn 'a.t'"));
        assert!(text.contains("Remove-CsUserStoreBackupData -PoolFqdn 'b.t'"));
        assert!(text.contains("e.t <-> f.t: already paired both ways today; nothing to do."));
        assert!(!text.contains("'e1.t'"));
        // Without the forbid the plan keeps a–b and e–f and pairs c with d: a new pair, no removal.
        let text = runbook(&runbook_estate(), &[]);
        assert_eq!(count(&text, "Remove-CsUserStoreBackupData"), 0);
        assert!(text.contains("c.t (s2) <-> d.t (s1), new pair"));
        assert_eq!(count(&text, "Invoke-Command -ComputerName"), 5);
        assert_balanced(&text);
    }

    #[test]
    fn bootstrapper_path_follows_the_version() {
        let mut a = with_machines(fe("a.t", "s1", None), &["a1.t"]);
        let mut b = with_machines(fe("b.t", "s2", None), &["b1.t"]);
        a.version = Some(Version::V2019);
        b.version = Some(Version::V2019);
        let text = runbook(&estate(vec![a, b]), &[]);
        assert_eq!(
            count(
                &text,
                r"\Skype for Business Server 2019\Deployment\Bootstrapper.exe"
            ),
            2
        );
        assert!(!text.contains("Lync Server 2013\\Deployment"));
    }

    #[test]
    fn pools_not_deployed_yet_get_no_commands() {
        let mut a = fe("a.t", "s1", None);
        let mut b = fe("b.t", "s2", None);
        a.planned = true;
        b.planned = true;
        let text = runbook(&estate(vec![a, b]), &[]);
        assert!(text.contains("a.t and b.t not deployed yet"), "{text}");
        assert!(!text.contains("ShouldProcess('"));
        assert_balanced(&text);
        // One pool still to be built (planned, or a proposed successor): a checklist, no commands.
        let mut c = fe("c.t", "s1", None);
        c.planned = true;
        let text = runbook(&estate(vec![c, fe("d.t", "s2", None)]), &[]);
        assert!(text.contains("c.t not deployed yet"), "{text}");
        assert!(!text.contains("ShouldProcess('"), "{text}");
        assert_balanced(&text);
    }

    #[test]
    fn names_cannot_inject_code() {
        assert_eq!(ps_quote("it's"), "'it''s'");
        assert_eq!(ps_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        let a = with_machines(fe("a.t", "s1", None), &["x'; Remove-Item C:\\ -Recurse; '"]);
        let mut b = with_machines(fe("b.t", "s2", None), &["b1.t"]);
        b.site = Some("s2\nRemove-Item C:\\".into());
        let text = runbook(&estate(vec![a, b]), &[]);
        assert_balanced(&text);
        assert!(text.contains("-ComputerName 'x''; Remove-Item C:\\ -Recurse; '''"));
        assert!(text.lines().all(|l| !l.starts_with("Remove-Item")));
    }
}
