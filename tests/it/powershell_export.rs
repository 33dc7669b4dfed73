//! The export script is read-only and writes what the importers detect.

use std::collections::BTreeSet;

use lyncpair::import::csv::{Kind, cmdlet_kind};
use lyncpair::import::inventory::normalize_header;

fn script() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("powershell/Export-LyncPairingData.ps1");
    std::fs::read_to_string(path).expect("powershell/Export-LyncPairingData.ps1 exists")
}

/// Every `Verb-CsNoun` command named in the script (comments included: help text must not
/// suggest changing cmdlets either).
fn cs_commands(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("-Cs") {
        let after = &text[i + 3..];
        if !after.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        let verb: String = text[..i]
            .chars()
            .rev()
            .take_while(char::is_ascii_alphabetic)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let noun: String = after
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        found.insert(format!("{verb}-Cs{noun}"));
    }
    found
}

#[test]
fn only_get_cmdlets_touch_the_deployment() {
    let text = script();
    let commands = cs_commands(&text);
    assert!(commands.len() >= 6, "{commands:?}");
    let changing: Vec<&String> = commands
        .iter()
        .filter(|c| !c.starts_with("Get-Cs"))
        .collect();
    assert!(
        changing.is_empty(),
        "the script must be read-only: {changing:?}"
    );
    for verb in [
        "Set-Cs",
        "New-Cs",
        "Remove-Cs",
        "Publish-Cs",
        "Enable-Cs",
        "Disable-Cs",
        "Invoke-Cs",
        "Move-Cs",
        "Grant-Cs",
        "Install-Cs",
        "Start-Cs",
        "Stop-Cs",
        "Import-Cs",
    ] {
        assert!(!text.contains(verb), "the script contains {verb}");
    }
}

#[test]
fn cs_command_scan_sees_changing_verbs() {
    let commands = cs_commands("Get-CsPool | x\n# Set-CsRegistrar -BackupRegistrar\n");
    assert_eq!(
        commands.into_iter().collect::<Vec<_>>(),
        ["Get-CsPool", "Set-CsRegistrar"]
    );
}

#[test]
fn exports_what_the_readme_promises() {
    let text = script();
    for needle in [
        "[CmdletBinding()]",
        "Set-StrictMode -Version Latest",
        "$ErrorActionPreference = 'Stop'",
        ".SYNOPSIS",
        ".DESCRIPTION",
        ".PARAMETER OutputFolder",
        ".PARAMETER IncludeUserPoolInfo",
        ".EXAMPLE",
        "[string] $OutputFolder",
        "[switch] $IncludeUserPoolInfo",
        "(Get-CsTopology -AsXml).ToString()",
        "System.Text.UTF8Encoding $true",
        "Get-CsService -Registrar",
        "Get-CsPool",
        "Get-CsSite",
        "Get-CsUser -ResultSize Unlimited",
        "Get-CsUserPoolInfo -Identity",
        "Get-CsPoolBackupRelationship -PoolFqdn $pool",
        "Export-Csv -LiteralPath $path -NoTypeInformation -Encoding UTF8",
        "-join ';'",
    ] {
        assert!(text.contains(needle), "the script lacks {needle:?}");
    }
}

/// The quoted names of `$<name> = @(...)` in the script.
fn column_list(text: &str, name: &str) -> BTreeSet<String> {
    let start = text
        .find(&format!("${name} = @("))
        .unwrap_or_else(|| panic!("${name} is defined"));
    let body = &text[start..];
    let body = &body[..body.find(')').unwrap()];
    body.split('\'')
        .skip(1)
        .step_by(2)
        .map(normalize_header)
        .collect()
}

#[test]
fn csv_columns_are_the_ones_the_importer_detects() {
    let text = script();
    for (list, kind) in [
        ("RegistrarColumns", Kind::Registrar),
        ("PoolColumns", Kind::Pool),
        ("SiteColumns", Kind::Site),
        ("UserColumns", Kind::User),
        ("UserPoolInfoColumns", Kind::UserPoolInfo),
        ("BackupRelationshipColumns", Kind::BackupRelationship),
    ] {
        let columns = column_list(&text, list);
        assert_eq!(
            cmdlet_kind(&columns, None),
            Some(kind),
            "{list}: {columns:?}"
        );
    }
    assert!(column_list(&text, "RegistrarColumns").contains("backupregistrar"));
    assert!(column_list(&text, "UserColumns").contains("registrarpool"));
}
