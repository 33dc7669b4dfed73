//! `pairing-runbook.ps1`: the post-pairing runbook of DOMAIN.md §8 for every pair the plan sets up.
//!
//! What the script does, in order (documented for the admin in its header too):
//! 1. Read-only checks before anything changes: for every selected pair, the published backup pool of
//!    both pools (`Get-CsPoolBackupRelationship`, 2013+, falling back to `Get-CsService -Registrar`)
//!    must be the planned partner; otherwise it stops and names the missing Topology Builder step.
//!    A pair with a pool that is only planned (not deployed) is skipped with a message; the others run.
//! 2. Per server (`-ThisServer`, run locally on each Front End server): `Bootstrapper.exe` unless the
//!    Backup Service (LYNCBACKUP) is already installed, then the Cumulative Update reminder.
//! 3. Per pair (no `-ThisServer`): stops if a server still lacks the Backup Service; skips a pair that is
//!    already set up (service running everywhere, steady state both ways); otherwise
//!    `Remove-CsUserStoreBackupData` for a pool leaving a former partner, (re)starts LYNCBACKUP where
//!    needed, `Invoke-CsBackupServiceSync` for both pools, then waits, bounded by `-TimeoutMinutes`,
//!    for steady state in both directions (`Get-CsBackupServiceStatus`).
//!
//! Bootstrapper runs locally, never through PowerShell remoting: under `Invoke-Command` it would run
//! with a network logon that cannot authenticate onwards to the Central Management store's SQL Server
//! or a file share (the Kerberos second hop), so it fails half-way or needs CredSSP. Microsoft's own
//! steps run it "from the deployment folder on a local machine" (DOMAIN.md S31). The other remote
//! calls (`Get-CsWindowsService`/`Start-CsWindowsService -ComputerName`) go to the service control
//! manager of one server, a single hop.
//!
//! `-Pair <fqdn>` limits a run to the pair holding that pool. Every changing command runs under
//! `$PSCmdlet.ShouldProcess`, so `-WhatIf` shows the run without changing anything, and
//! `$ErrorActionPreference = 'Stop'` ends the script at the first error.
//!
//! # Safe in any code page (issue 9)
//! Windows PowerShell 5.1 reads a file without BOM as the ANSI code page (cp1252 in the west), where the
//! UTF-8 bytes of `đ` (C4 91) read as `Ä‘`, and `‘` closes a single-quoted string: a name could end its
//! literal and run code. So the file is written with a UTF-8 BOM, and, in case it is re-saved without
//! one, everything outside `#` comments is printable ASCII: each value enters the code only through
//! [`ps_quote`], which writes ASCII in a single-quoted literal (quotes doubled) and every other
//! character as `[char]0xNNNN`. No byte of such code reads differently in cp1252 or UTF-8.
//! Comments keep non-ASCII text for the reader: a `#` comment ends only at CR or LF, which
//! `one_line` removes and which no byte of a UTF-8 multi-byte character decodes to in cp1252.

use std::fmt::Write as _;

use crate::i18n::Lang;
use crate::model::{CmsRole, Edition, Version};
use crate::plan::{BranchMove, PairSide, PairingPlan, PlannedPair};
use crate::render::view::{branch_steps, cms_text};

/// The one way a value enters the runbook's code: a PowerShell expression whose value is `value`,
/// in printable ASCII only.
///
/// Printable ASCII goes into a single-quoted (verbatim) literal with `'` doubled: no `$`, backtick or
/// `"` is special there. Any other character, including every typographic quote PowerShell also
/// treats as a quote (U+2018, U+2019, U+201A, U+201B, U+201C, U+201D, U+201E), dashes, line breaks and
/// control characters, becomes `[char]0xNNNN` (a UTF-16 code unit), concatenated with `+` inside
/// parentheses, e.g. `('pool-' + [char]0x0111 + '.test')`. Doubling the typographic quotes inside a
/// literal, as PowerShell allows, would be safe only in a UTF-8 reading; the `[char]` form is the same
/// in every code page, and it keeps a newline as a newline instead of dropping it.
pub fn ps_quote(value: &str) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut literal = String::new();
    let mut plain = true;
    for c in value.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            if c == '\'' {
                literal.push('\'');
            }
            literal.push(c);
            continue;
        }
        plain = false;
        if !literal.is_empty() || pieces.is_empty() {
            // An expression starting with a string keeps `+` a string concatenation.
            pieces.push(format!("'{literal}'"));
            literal.clear();
        }
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            pieces.push(format!("[char]0x{unit:04X}"));
        }
    }
    if plain {
        return format!("'{literal}'");
    }
    if !literal.is_empty() {
        pieces.push(format!("'{literal}'"));
    }
    format!("({})", pieces.join(" + "))
}

/// Text for a `#` comment: one line whatever the input holds (C0/C1 controls, DEL, and the Unicode
/// line and paragraph separators become spaces).
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The product folder under `$env:ProgramFiles` holding `Deployment\Bootstrapper.exe`.
fn product_folder(version: Version) -> &'static str {
    match version {
        Version::V2010 | Version::V2013 => "Microsoft Lync Server 2013",
        Version::V2015 => "Skype for Business Server 2015",
        Version::V2019 => "Skype for Business Server 2019",
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
}

/// Read-only helpers. Property names of the Lync objects are read through `PSObject.Properties`, so
/// a name Microsoft does not document (marked inferred) gives `$null` under strict mode, never an error.
const HELPERS: &str = r#"# A property of a cmdlet's output object, or $null when the object lacks it.
function Get-PropertyValue {
    param($InputObject, [string] $Name)
    if ($null -eq $InputObject) { return $null }
    $property = $InputObject.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

# Whether -Pair selects this pair (no -Pair: every pair).
function Test-PairSelected {
    param($Entry)
    if (-not $Pair) { return $true }
    foreach ($side in $Entry.Sides) {
        if ($side.Fqdn -eq $Pair) { return $true }
    }
    return $false
}

# The backup pool the published topology gives a pool, '' for none. Get-CsPoolBackupRelationship
# (2013+) first: its output type (BackupRelation) documents no property names, so BackupPoolFqdn is
# inferred; then Get-CsService -Registrar, whose BackupRegistrar reads 'Registrar:<fqdn>'.
function Get-PublishedBackupPool {
    param([string] $PoolFqdn)
    $relation = Get-CsPoolBackupRelationship -PoolFqdn $PoolFqdn -ErrorAction SilentlyContinue
    foreach ($item in @($relation)) {
        $backup = Get-PropertyValue -InputObject $item -Name 'BackupPoolFqdn'
        if ($backup) { return ([string]$backup).ToLowerInvariant() }
    }
    foreach ($item in @(Get-CsService -Registrar -PoolFqdn $PoolFqdn)) {
        $backup = Get-PropertyValue -InputObject $item -Name 'BackupRegistrar'
        if ($backup) { return (([string]$backup) -replace '^Registrar:', '').ToLowerInvariant() }
    }
    return ''
}

# Stops the run when the published topology does not pair the pool with its planned partner.
function Assert-PairPublished {
    param([string] $PoolFqdn, [string] $Partner, [string] $MissingStep)
    $published = Get-PublishedBackupPool -PoolFqdn $PoolFqdn
    if ($published -ne $Partner.ToLowerInvariant()) {
        if (-not $published) { $published = 'no backup pool' }
        throw ('{0}: the published topology gives {1}, the plan {2}. Nothing was changed. Missing Topology Builder step: {3}' -f $PoolFqdn, $published, $Partner, $MissingStep)
    }
    Write-Host ('{0}: the published backup pool is {1}, as planned.' -f $PoolFqdn, $Partner)
}

# The Front End servers of a pool as the published topology lists them (Get-CsPool), compared with
# the number the plan counted.
function Get-FrontEndServers {
    param([string] $PoolFqdn, [int] $Expected)
    $pool = Get-CsPool -Identity $PoolFqdn
    $servers = @(Get-PropertyValue -InputObject $pool -Name 'Computers' | Where-Object { $null -ne $_ } | ForEach-Object { ([string]$_).ToLowerInvariant() })
    if ($servers.Count -ne $Expected) {
        Write-Warning ('{0}: Get-CsPool lists {1} Front End server(s), the plan counted {2}; the servers Get-CsPool lists are used.' -f $PoolFqdn, $servers.Count, $Expected)
    }
    return $servers
}

# 'Missing' when the Backup Service (LYNCBACKUP) is not installed on a server, else its status.
function Get-BackupServiceState {
    param([string] $Computer)
    $service = Get-CsWindowsService -Name LYNCBACKUP -ComputerName $Computer -ErrorAction SilentlyContinue
    if ($null -eq $service) { return 'Missing' }
    return [string](Get-PropertyValue -InputObject $service -Name 'Status')
}

# Steady state from a pool to its backup pool: every backup module exports in SteadyState or
# FinalState and imports in NormalState; CentralMgmt.CMSMaster stays NotInitialized on the pool that
# is not the active master. Module and state names are inferred from Microsoft's Lync team blog
# ("What does the status reported by Get-CsBackupServiceStatus mean?"), not from the cmdlet reference.
function Test-BackupSteady {
    param([string] $PoolFqdn)
    $status = Get-CsBackupServiceStatus -PoolFqdn $PoolFqdn -ErrorAction SilentlyContinue
    $modules = @(Get-PropertyValue -InputObject $status -Name 'BackupModules' | Where-Object { $null -ne $_ })
    if ($modules.Count -eq 0) { return $false }
    foreach ($module in $modules) {
        $name = [string](Get-PropertyValue -InputObject $module -Name 'Identity')
        $exportState = [string](Get-PropertyValue -InputObject $module -Name 'ExportStatus')
        $importState = [string](Get-PropertyValue -InputObject $module -Name 'ImportStatus')
        if ($importState -ne 'NormalState') { return $false }
        if ($exportState -eq 'SteadyState' -or $exportState -eq 'FinalState') { continue }
        if ($name -eq 'CentralMgmt.CMSMaster' -and $exportState -eq 'NotInitialized') { continue }
        return $false
    }
    return $true
}

# Polls Get-CsBackupServiceStatus once a minute until both directions are steady, at most $Minutes.
function Wait-BackupSteady {
    param([string[]] $Pools, [int] $Minutes)
    $deadline = (Get-Date).AddMinutes($Minutes)
    while ($true) {
        $pending = @($Pools | Where-Object { -not (Test-BackupSteady -PoolFqdn $_) })
        if ($pending.Count -eq 0) {
            Write-Host ('Steady state in both directions: {0}.' -f ($Pools -join ' <-> '))
            return
        }
        if ((Get-Date) -ge $deadline) {
            throw ('No steady state after {0} minute(s) from {1}: look at Get-CsBackupServiceStatus -PoolFqdn <pool>, then run this script again.' -f $Minutes, ($pending -join ', '))
        }
        Write-Host ('Waiting for the Backup Service to reach steady state from {0} ...' -f ($pending -join ', '))
        Start-Sleep -Seconds 60
    }
}

# The pool of the active Central Management store, '' when Get-CsService does not say.
function Get-CmsPoolFqdn {
    foreach ($service in @(Get-CsService -CentralManagement)) {
        $pool = Get-PropertyValue -InputObject $service -Name 'PoolFqdn'
        if ($pool) { return ([string]$pool).ToLowerInvariant() }
    }
    return ''
}

# The extra steps Microsoft documents for a pair whose pool holds the Central Management store.
function Write-CmsSteps {
    param($Side)
    Write-Warning ('{0} holds the Central Management store: pairing it makes {1} the standby Central Management store, kept in sync by the Backup Service.' -f $Side.Fqdn, $Side.Partner)
    if ($Side.PartnerStandard) {
        Write-Warning ('{0} is a Standard Edition server: install the Central Management store database on it before the Backup Service steps: Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn {0} -SqlInstanceName rtc' -f $Side.Partner)
    }
    Write-Warning ('If {0} fails, fail the Central Management store over first (Invoke-CsManagementServerFailover; in a disaster with -BackupSqlServerFqdn, -BackupSqlInstanceName and -Force), then the pool (Invoke-CsPoolFailOver -PoolFqdn {0} -DisasterMode). It need not fail back.' -f $Side.Fqdn)
}

function Get-LocalFqdn {
    return ([System.Net.Dns]::GetHostEntry($env:COMPUTERNAME).HostName).ToLowerInvariant()
}

function Test-BackupServiceInstalled {
    return ($null -ne (Get-Service -Name LYNCBACKUP -ErrorAction SilentlyContinue))
}
"#;

/// The steps, driven by `$Pairs`. Changing commands stay at script level, where `$PSCmdlet` is the
/// script's own (with `-WhatIf`).
const STEPS: &str = r#"$selected = @($Pairs | Where-Object { Test-PairSelected -Entry $_ })
if ($Pair -and $selected.Count -eq 0) {
    throw ('No pair of this runbook holds the pool {0}; run it without -Pair to see every pair.' -f $Pair)
}

# 1. Read-only checks: nothing changes unless every selected pair is published as planned.
$ready = @()
foreach ($entry in $selected) {
    Write-Host $entry.Title
    if ($entry.Skip) {
        Write-Warning $entry.Skip
        continue
    }
    foreach ($side in $entry.Sides) {
        Assert-PairPublished -PoolFqdn $side.Fqdn -Partner $side.Partner -MissingStep $entry.TopologyStep
    }
    $ready += $entry
}
$cmsPool = ''
if ($ready.Count -gt 0) { $cmsPool = Get-CmsPoolFqdn }

# 2. On this server only (-ThisServer): Bootstrapper.exe, once.
if ($ThisServer) {
    $local = Get-LocalFqdn
    $here = $false
    foreach ($entry in $ready) {
        foreach ($side in $entry.Sides) {
            $servers = @(Get-FrontEndServers -PoolFqdn $side.Fqdn -Expected $side.Servers)
            if ($servers -notcontains $local) { continue }
            $here = $true
            if (Test-BackupServiceInstalled) {
                Write-Host ('{0}: the Backup Service (LYNCBACKUP) is installed; Bootstrapper.exe is not run again.' -f $local)
                continue
            }
            $bootstrapper = Join-Path $env:ProgramFiles ($side.Product + '\Deployment\Bootstrapper.exe')
            if ($PSCmdlet.ShouldProcess($local, 'Run ' + $bootstrapper)) {
                & $bootstrapper
                if ($LASTEXITCODE -ne 0) {
                    throw ('Bootstrapper.exe failed on {0} (exit code {1}).' -f $local, $LASTEXITCODE)
                }
                Write-Warning ('Re-apply every Cumulative Update {0} had, then run this script without -ThisServer: otherwise the Backup Service can fail on a version mismatch.' -f $local)
            }
        }
    }
    if (-not $here) {
        Write-Warning ('{0} is no Front End server of a selected pair: nothing to do here.' -f $local)
    }
    return
}

# 3. Per pair, from any Management Shell.
foreach ($entry in $ready) {
    Write-Host ('Backup Service steps: ' + $entry.Title)
    foreach ($side in $entry.Sides) {
        # What the Management Shell says wins over the inputs, which may be older.
        if ($side.Fqdn -eq $cmsPool -or ($side.HoldsCms -and -not $cmsPool)) { Write-CmsSteps -Side $side }
    }
    $servers = @{}
    $missing = @()
    $notRunning = @()
    foreach ($side in $entry.Sides) {
        $list = @(Get-FrontEndServers -PoolFqdn $side.Fqdn -Expected $side.Servers)
        $servers[$side.Fqdn] = $list
        foreach ($computer in $list) {
            $state = Get-BackupServiceState -Computer $computer
            if ($state -eq 'Missing') { $missing += $computer } elseif ($state -ne 'Running') { $notRunning += $computer }
        }
    }
    if ($missing.Count -gt 0) {
        $message = ('Bootstrapper.exe has not run on {0}. On each of them, in a local Management Shell, run: .\pairing-runbook.ps1 -Pair {1} -ThisServer; re-apply its Cumulative Update; then run this script again.' -f ($missing -join ', '), $entry.Sides[0].Fqdn)
        if ($WhatIfPreference) {
            Write-Warning $message
            continue
        }
        throw $message
    }
    $fqdns = @($entry.Sides | ForEach-Object { $_.Fqdn })
    $steady = @($fqdns | Where-Object { Test-BackupSteady -PoolFqdn $_ })
    if ($notRunning.Count -eq 0 -and $steady.Count -eq $fqdns.Count) {
        Write-Host 'Already set up: the Backup Service runs on every Front End server and both directions are in steady state; nothing to do.'
        continue
    }
    foreach ($side in $entry.Sides) {
        if ($side.FormerPartners.Count -eq 0) { continue }
        $formers = $side.FormerPartners -join ', '
        if ($PSCmdlet.ShouldProcess($side.Fqdn, 'Remove-CsUserStoreBackupData (user data kept for ' + $formers + ')')) {
            Remove-CsUserStoreBackupData -PoolFqdn $side.Fqdn
        }
    }
    foreach ($side in $entry.Sides) {
        foreach ($computer in $servers[$side.Fqdn]) {
            $state = Get-BackupServiceState -Computer $computer
            if ($state -eq 'Running' -and $side.FormerPartners.Count -gt 0) {
                # It still backs up the former partner until restarted.
                if ($PSCmdlet.ShouldProcess($computer, 'Restart the Backup Service (LYNCBACKUP)')) {
                    Stop-CsWindowsService -Name LYNCBACKUP -ComputerName $computer
                    Start-CsWindowsService -Name LYNCBACKUP -ComputerName $computer
                }
            } elseif ($state -ne 'Running') {
                if ($PSCmdlet.ShouldProcess($computer, 'Start the Backup Service (LYNCBACKUP)')) {
                    Start-CsWindowsService -Name LYNCBACKUP -ComputerName $computer
                }
            }
        }
    }
    foreach ($side in $entry.Sides) {
        if ($PSCmdlet.ShouldProcess($side.Fqdn, 'Invoke-CsBackupServiceSync')) {
            Invoke-CsBackupServiceSync -PoolFqdn $side.Fqdn
        }
    }
    if ($WhatIfPreference) {
        Write-Host 'WhatIf: not waiting for steady state, as nothing was changed.'
    } else {
        Wait-BackupSteady -Pools $fqdns -Minutes $TimeoutMinutes
        if ($fqdns -contains $cmsPool) {
            Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus | Format-List | Out-String | Write-Host
        }
    }
    foreach ($advice in $entry.Advice) { Write-Warning $advice }
}
"#;

/// `pairing-runbook.ps1` for `plans`: UTF-8 with BOM, every value quoted into printable ASCII.
pub fn render(plans: &[PairingPlan]) -> String {
    let mut s = Script {
        // UTF-8 with BOM: Windows PowerShell 5.1 reads a file without one as the ANSI code page.
        text: String::from("\u{feff}"),
    };
    header(&mut s, plans);
    s.blank();
    s.line("[CmdletBinding(SupportsShouldProcess = $true)]");
    s.line("param(");
    s.line("    # Run only the pair that holds this pool (either of its two FQDNs).");
    s.line("    [string] $Pair = '',");
    s.line("    # Run the per-server steps on this Front End server (Bootstrapper.exe).");
    s.line("    [switch] $ThisServer,");
    s.line(
        "    # How long to wait for the Backup Service to reach steady state in both directions.",
    );
    s.line("    [int] $TimeoutMinutes = 60");
    s.line(")");
    s.blank();
    s.line("$ErrorActionPreference = 'Stop'");
    s.line("Set-StrictMode -Version Latest");
    s.blank();
    s.text.push_str(HELPERS);
    s.blank();
    let total: usize = plans
        .iter()
        .map(|p| p.pairs.iter().filter(|p| p.needs_setup()).count())
        .sum();
    let mut entries = Vec::new();
    let mut k = 0;
    for plan in plans {
        estate_comments(&mut s, plan);
        for pair in plan.pairs.iter().filter(|p| p.needs_setup()) {
            k += 1;
            s.blank();
            pair_comments(&mut s, pair, k, total);
            entries.push(pair_entry(plan, pair, k, total));
        }
    }
    s.blank();
    s.comment("The pairs this runbook sets up (data only; the steps below read it).");
    if entries.is_empty() {
        s.line("$Pairs = @()");
    } else {
        s.line("$Pairs = @(");
        for e in entries {
            s.text.push_str(&e);
        }
        s.line(")");
    }
    s.blank();
    s.text.push_str(STEPS);
    s.text
}

fn header(s: &mut Script, plans: &[PairingPlan]) {
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
    for line in [
        "",
        "How to use it (post-pairing runbook of Lync Server 2013 / Skype for Business Server), per pair:",
        "  1. Topology Builder (by hand): set the Associated Backup Pool as written for the pair below and publish.",
        "  2. Copy this file to each Front End server of both pools and run there, in a local Lync Server /",
        "     Skype for Business Server Management Shell as administrator:  .\\pairing-runbook.ps1 -Pair <pool> -ThisServer",
        "     It runs Bootstrapper.exe there unless the Backup Service is installed. Then re-apply every",
        "     Cumulative Update that server had (manual).",
        "  3. Once, from a Management Shell (member of RTCUniversalServerAdmins):  .\\pairing-runbook.ps1 -Pair <pool>",
        "     It removes the backup data of a former partner, starts the Backup Service (LYNCBACKUP) on every",
        "     Front End server, synchronises both pools and waits for steady state (-TimeoutMinutes, default 60).",
        "  Without -Pair every pair is worked on. Every run first checks that the published topology pairs the",
        "  pools as planned and stops, changing nothing, if not. Steps already done are detected and skipped, so",
        "  the script can be run again after an error. Try it with -WhatIf first. It stops at the first error.",
        "  Why no remoting: Bootstrapper.exe under Invoke-Command cannot authenticate onwards to the Central",
        "  Management store's SQL Server or a file share (the Kerberos second hop), so it runs locally per server.",
        "  Branch registrars to re-associate are manual steps, listed as comments below.",
    ] {
        s.comment(line);
    }
}

fn estate_comments(s: &mut Script, plan: &PairingPlan) {
    s.blank();
    s.comment(&"=".repeat(100));
    s.comment(&format!("Estate: {}", plan.estate));
    s.comment(&"=".repeat(100));
    for p in plan.pairs.iter().filter(|p| !p.needs_setup()) {
        s.comment(&format!(
            "{} <-> {}: already paired both ways today; nothing to do.",
            p.sides[0].fqdn, p.sides[1].fqdn
        ));
    }
    // A pair holding the Central Management store: say so, whatever else the runbook does with it.
    for p in &plan.pairs {
        if let Some(text) = cms_text(p, Lang::En) {
            s.comment(&format!(
                "{} <-> {}: {text}; fail it over with Invoke-CsManagementServerFailover before taking the active pool down.",
                p.sides[0].fqdn, p.sides[1].fqdn
            ));
        }
    }
    if plan.pairs.iter().all(|p| !p.needs_setup()) {
        s.comment("No pair to set up in this estate.");
    }
    if !plan.unpaired.is_empty() {
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

fn kind(pair: &PlannedPair) -> &'static str {
    if pair.is_repair() {
        "re-pair"
    } else if pair.kept {
        "kept pair, made reciprocal"
    } else {
        "new pair"
    }
}

fn site(p: &PairSide) -> String {
    p.site.clone().unwrap_or_else(|| "site unknown".to_owned())
}

fn title(pair: &PlannedPair, k: usize, of: usize) -> String {
    let [a, b] = &pair.sides;
    format!(
        "Pair {k} of {of}: {} ({}) <-> {} ({}), {}",
        a.fqdn,
        site(a),
        b.fqdn,
        site(b),
        kind(pair)
    )
}

fn topology_step(pair: &PlannedPair) -> String {
    let [a, b] = &pair.sides;
    let mut step = String::new();
    for side in [a, b] {
        for former in &side.former_partners {
            let _ = write!(
                step,
                "unpair {} from {former} (clear its Associated Backup Pool); ",
                side.fqdn
            );
        }
    }
    let _ = write!(
        step,
        "{} -> Edit Properties -> Resiliency -> Associated Backup Pool -> {}, tick Automatic failover and failback for Voice, then publish the topology",
        a.fqdn, b.fqdn
    );
    step
}

/// "4 Front End server(s): a1, a2" or, when the inputs name none, where the script finds them.
fn servers_text(p: &PairSide) -> String {
    if p.machines.is_empty() {
        format!(
            "{} has {} Front End server(s); the inputs do not name them: the script reads them from Get-CsPool -Identity {}",
            p.fqdn, p.servers, p.fqdn
        )
    } else {
        format!(
            "{} has {} Front End server(s): {}",
            p.fqdn,
            p.servers,
            p.machines.join(", ")
        )
    }
}

fn pair_comments(s: &mut Script, pair: &PlannedPair, k: usize, of: usize) {
    let [a, b] = &pair.sides;
    s.comment(&format!("---- {} ----", title(pair, k, of)));
    s.comment("Step 1, Topology Builder (by hand, before running this script):");
    s.comment(&format!("  {}.", topology_step(pair)));
    s.comment(&format!(
        "  Keep or set the two voice intervals ({}). Configure one side only: {} shows the pairing too.",
        intervals(a),
        b.fqdn
    ));
    let planned: Vec<&str> = [a, b]
        .iter()
        .filter(|p| p.planned)
        .map(|p| p.fqdn.as_str())
        .collect();
    // A pair with a pool still to be built (planned, or a successor the plan proposes) is a
    // checklist of Topology Builder steps: no command can run against a pool that does not exist.
    if !planned.is_empty() {
        s.comment(&format!("Step 2: {}", skip_message(pair)));
        s.comment(&format!(
            "  Checklist: build {} in Topology Builder (Resiliency: backup pool {} / {}), publish, deploy;",
            planned.join(" and "),
            a.fqdn,
            b.fqdn
        ));
        s.comment(
            "  then run this plan again: the new runbook holds the commands for the deployed pools.",
        );
        return;
    }
    s.comment(&format!(
        "Step 2, per server: on each Front End server listed here run .\\pairing-runbook.ps1 -Pair {} -ThisServer,",
        a.fqdn
    ));
    s.comment("  then re-apply every Cumulative Update that server had:");
    for side in [a, b] {
        s.comment(&format!("  {}", servers_text(side)));
    }
    s.comment(&format!(
        "Step 3, once: .\\pairing-runbook.ps1 -Pair {} (published check, {}Backup Service start, sync, steady state).",
        a.fqdn,
        if pair.is_repair() {
            "Remove-CsUserStoreBackupData, "
        } else {
            ""
        }
    ));
    for (side, partner) in [(a, b), (b, a)] {
        match side.cms {
            Some(CmsRole::Active) => s.comment(&format!(
                "  {} holds the Central Management store: {} becomes its standby. The script prints the extra steps{}.",
                side.fqdn,
                partner.fqdn,
                if partner.edition == Some(Edition::Standard) {
                    " (Standard Edition partner: Install-CsDatabase -CentralManagementDatabase on it first)"
                } else {
                    ""
                }
            )),
            Some(CmsRole::Standby) => s.comment(&format!(
                "  {} holds a standby Central Management store today; after this pairing the standby is on the partner of the active one.",
                side.fqdn
            )),
            None => {}
        }
    }
}

fn skip_message(pair: &PlannedPair) -> String {
    let [a, b] = &pair.sides;
    match (a.planned, b.planned) {
        (true, true) => format!(
            "Skipped: neither {} nor {} is deployed yet. Deploy them; the pairing takes effect with the deployment, so nothing more is run for this pair.",
            a.fqdn, b.fqdn
        ),
        (true, false) | (false, true) => {
            let p = if a.planned { a } else { b };
            format!(
                "Skipped: {} is not deployed yet (only an inventory names it). Deploy it, then run this script again with -Pair {}.",
                p.fqdn, p.fqdn
            )
        }
        (false, false) => String::new(),
    }
}

/// Warnings printed after a pair is set up: numbers the plan knows and the script cannot check.
fn advice(pair: &PlannedPair) -> Vec<String> {
    let [a, b] = &pair.sides;
    let mut out = Vec::new();
    for p in [a, b] {
        if p.edition == Some(Edition::Enterprise) && p.servers < 3 {
            out.push(format!(
                "{} has {} Front End server(s): an Enterprise pool needs three running at the same time at some point so its data syncs; at least three are recommended.",
                p.fqdn, p.servers
            ));
        }
    }
    if [a, b]
        .iter()
        .any(|p| p.edition == Some(Edition::Enterprise))
        && out.is_empty()
    {
        out.push(
            "Enterprise Edition: have three Front End servers of each pool running at the same time at some point so the data syncs."
                .to_owned(),
        );
    }
    out
}

fn ps_bool(b: bool) -> &'static str {
    if b { "$true" } else { "$false" }
}

fn ps_array(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| ps_quote(i)).collect();
    format!("@({})", quoted.join(", "))
}

/// One `$Pairs` element: everything the steps need, each value through [`ps_quote`].
fn pair_entry(plan: &PairingPlan, pair: &PlannedPair, k: usize, of: usize) -> String {
    let mut e = String::new();
    e.push_str("    @{\n");
    let _ = writeln!(e, "        Estate = {}", ps_quote(&plan.estate));
    let _ = writeln!(e, "        Title = {}", ps_quote(&title(pair, k, of)));
    let _ = writeln!(
        e,
        "        TopologyStep = {}",
        ps_quote(&topology_step(pair))
    );
    let _ = writeln!(e, "        Skip = {}", ps_quote(&skip_message(pair)));
    let _ = writeln!(e, "        Advice = {}", ps_array(&advice(pair)));
    e.push_str("        Sides = @(\n");
    let [a, b] = &pair.sides;
    for (side, partner) in [(a, b), (b, a)] {
        let _ = writeln!(
            e,
            "            @{{ Fqdn = {}; Partner = {}; Servers = {}; Product = {}; FormerPartners = {}; PartnerStandard = {}; HoldsCms = {} }}",
            ps_quote(&side.fqdn),
            ps_quote(&partner.fqdn),
            side.servers,
            ps_quote(product_folder(side.version)),
            ps_array(&side.former_partners),
            ps_bool(partner.edition == Some(Edition::Standard)),
            ps_bool(side.cms == Some(CmsRole::Active)),
        );
    }
    e.push_str("        )\n");
    e.push_str("    }\n");
    e
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
    // The runbook is English throughout (PowerShell comments for the operator).
    s.comment(&format!("  Why: {}.", m.why.render(crate::i18n::Lang::En)));
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

    /// Names that broke or could break a PowerShell literal in some reading (issue 9).
    pub(crate) const HOSTILE: &[&str] = &[
        "it's",
        "a\u{2018}b\u{2019}c\u{201A}d\u{201B}e",
        "say \"hi\" \u{201C}x\u{201D} \u{201E}y",
        "$(calc)",
        "`$(calc)`",
        "two\nlines\r\n",
        "đ+$(calc))){#",
        "x'; Remove-Item C:\\ -Recurse; '",
        "\u{1b}[31mred\u{7f}\u{85}",
        "emoji \u{1F600} \u{2013}dash",
        "",
    ];

    /// Reads back what [`ps_quote`] wrote: `'…'` literals and `[char]0xNNNN` joined by ` + `.
    fn unquote(expr: &str) -> String {
        let inner = expr
            .strip_prefix('(')
            .and_then(|e| e.strip_suffix(')'))
            .unwrap_or(expr);
        let mut units: Vec<u16> = Vec::new();
        let mut rest = inner;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("[char]0x") {
                let hex: String = r.chars().take_while(char::is_ascii_hexdigit).collect();
                units.push(u16::from_str_radix(&hex, 16).unwrap());
                rest = &r[hex.len()..];
            } else {
                let r = rest.strip_prefix('\'').expect("a literal");
                let mut end = 0;
                let bytes = r.as_bytes();
                loop {
                    if bytes[end] == b'\'' {
                        if bytes.get(end + 1) == Some(&b'\'') {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end += 1;
                }
                units.extend(r[..end].replace("''", "'").encode_utf16());
                rest = &r[end + 1..];
            }
            rest = rest.strip_prefix(" + ").unwrap_or(rest);
        }
        String::from_utf16(&units).unwrap()
    }

    #[test]
    fn quoting_is_ascii_and_reads_back_to_the_value() {
        assert_eq!(ps_quote("pool-a.contoso.test"), "'pool-a.contoso.test'");
        assert_eq!(ps_quote("it's"), "'it''s'");
        assert_eq!(ps_quote("$x `n \"y\""), "'$x `n \"y\"'");
        assert_eq!(ps_quote(""), "''");
        assert_eq!(ps_quote("a\u{2019}b"), "('a' + [char]0x2019 + 'b')");
        assert_eq!(ps_quote("\u{111}x"), "('' + [char]0x0111 + 'x')");
        assert_eq!(ps_quote("a\n"), "('a' + [char]0x000A)");
        assert_eq!(ps_quote("\u{1F600}"), "('' + [char]0xD83D + [char]0xDE00)");
        for name in HOSTILE {
            let q = ps_quote(name);
            assert!(q.chars().all(|c| c == ' ' || c.is_ascii_graphic()), "{q:?}");
            assert_eq!(unquote(&q), *name, "{q}");
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(one_line("a\nb\r\u{2028}c\u{85}d\u{1b}"), "a b  c d ");
    }

    fn with_machines(mut p: Pool, machines: &[&str]) -> Pool {
        p.machines = machines.iter().map(|m| (*m).to_owned()).collect();
        p.servers = u32::try_from(machines.len()).expect("a few machines");
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

    /// The code lines: not blank, not a `#` comment.
    fn code(text: &str) -> Vec<&str> {
        text.lines()
            .map(|l| l.trim_start_matches('\u{feff}'))
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .collect()
    }

    fn count(text: &str, needle: &str) -> usize {
        text.matches(needle).count()
    }

    #[test]
    fn header_bom_and_parameters() {
        let mut e = runbook_estate();
        e.name = "contoso".into();
        e.inputs = vec![crate::model::Input {
            path: "exports/topology.xml".into(),
            format: crate::model::Format::TopologyXml,
            encoding: "utf-8".into(),
        }];
        let text = runbook(&e, &[("a.t", "b.t")]);
        assert!(text.starts_with("\u{feff}# pairing-runbook.ps1"));
        assert!(text.contains(&format!("lyncpair {}", env!("CARGO_PKG_VERSION"))));
        assert!(text.contains("# Estate: contoso\n#   input: exports/topology.xml\n"));
        assert!(text.contains("#   plan: 3 pair(s), 3 cross-site, 1 kept; 0 pool(s) unpaired\n"));
        assert!(text.contains(
            "[CmdletBinding(SupportsShouldProcess = $true)]\nparam(\n    # Run only the pair that holds this pool"
        ));
        for p in [
            "[string] $Pair = '',",
            "[switch] $ThisServer,",
            "[int] $TimeoutMinutes = 60",
        ] {
            assert!(text.contains(p), "{p}");
        }
        assert!(text.contains("$ErrorActionPreference = 'Stop'\nSet-StrictMode -Version Latest\n"));
        // Nothing but comments before the param block.
        let before = &text[..text.find("[CmdletBinding").unwrap()];
        assert!(
            before
                .lines()
                .all(|l| l.is_empty() || l.trim_start_matches('\u{feff}').starts_with('#'))
        );
    }

    #[test]
    fn pairs_are_data_with_the_right_numbers_and_steps() {
        let text = runbook(&runbook_estate(), &[("a.t", "b.t")]);
        // Pairs a–c and b–d are set up; e–f needs nothing.
        assert_eq!(count(&text, "        Estate = 'test'\n"), 2);
        assert!(text.contains("e.t <-> f.t: already paired both ways today; nothing to do."));
        assert!(!text.contains("'e.t'"));
        assert!(text.contains("Title = 'Pair 1 of 2: a.t (s1) <-> c.t (s2), re-pair'\n"));
        assert!(text.contains(
            "@{ Fqdn = 'a.t'; Partner = 'c.t'; Servers = 3; Product = 'Microsoft Lync Server 2013'; FormerPartners = @('b.t'); PartnerStandard = $false; HoldsCms = $false }"
        ));
        assert!(text.contains(
            "@{ Fqdn = 'c.t'; Partner = 'a.t'; Servers = 2; Product = 'Microsoft Lync Server 2013'; FormerPartners = @(); PartnerStandard = $false; HoldsCms = $false }"
        ));
        // The Topology Builder step names the unpairing and the new partner.
        assert!(text.contains(
            "TopologyStep = 'unpair a.t from b.t (clear its Associated Backup Pool); a.t -> Edit Properties -> Resiliency -> Associated Backup Pool -> c.t, tick"
        ));
        // c has two servers: the three-servers advice names it.
        assert!(text.contains("'c.t has 2 Front End server(s): an Enterprise pool needs three"));
        // The per-server step list names every machine.
        assert!(text.contains("#   a.t has 3 Front End server(s): a1.t, a2.t, a3.t\n"));
        assert!(text.contains("# Step 2, per server: on each Front End server listed here run .\\pairing-runbook.ps1 -Pair a.t -ThisServer,"));
    }

    #[test]
    fn server_counts_come_from_the_merged_estate() {
        // An inventory counted four servers and named none: the runbook says four, not zero.
        let mut a = fe("syd.t", "s1", None);
        a.servers = 4;
        let b = with_machines(fe("mel.t", "s2", None), &["m1.t", "m2.t", "m3.t"]);
        let text = runbook(&estate(vec![a, b]), &[]);
        assert!(
            text.contains("syd.t has 4 Front End server(s); the inputs do not name them: the script reads them from Get-CsPool -Identity syd.t"),
            "{text}"
        );
        assert!(text.contains("Fqdn = 'syd.t'; Partner = 'mel.t'; Servers = 4;"));
        assert!(!text.contains("0 Front End"));
    }

    #[test]
    fn the_published_pairing_is_checked_before_any_change() {
        let steps = code(STEPS).join("\n");
        let check = steps.find("Assert-PairPublished -PoolFqdn").unwrap();
        let changing = [
            "Remove-CsUserStoreBackupData",
            "Start-CsWindowsService",
            "Stop-CsWindowsService",
            "Invoke-CsBackupServiceSync -PoolFqdn",
            "& $bootstrapper",
        ];
        for c in changing {
            let at = steps.find(c).unwrap_or_else(|| panic!("{c}"));
            assert!(check < at, "{c} before the published check");
        }
        // Every changing command sits directly inside a ShouldProcess block.
        let lines = code(STEPS);
        let mut guarded = 0;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if changing.iter().any(|c| t.starts_with(c)) {
                let opener = lines[..i]
                    .iter()
                    .rev()
                    .find(|l| !changing.iter().any(|c| l.trim_start().starts_with(c)))
                    .unwrap();
                assert!(
                    opener
                        .trim_start()
                        .starts_with("if ($PSCmdlet.ShouldProcess("),
                    "not guarded: {line} after {opener}"
                );
                guarded += 1;
            }
        }
        assert_eq!(guarded, 6);
        // Bounded wait, idempotent steps.
        assert!(HELPERS.contains("$deadline = (Get-Date).AddMinutes($Minutes)"));
        assert!(STEPS.contains("if (Test-BackupServiceInstalled) {"));
        assert!(
            STEPS.contains("Already set up: the Backup Service runs on every Front End server")
        );
    }

    #[test]
    fn a_pool_holding_the_central_management_store_is_named() {
        let mut a = with_machines(fe("a.t", "s1", None), &["a1.t"]);
        let mut b = with_machines(fe("b.t", "s2", None), &["b1.t"]);
        a.cms = Some(CmsRole::Active);
        a.edition = Some(Edition::Standard);
        b.edition = Some(Edition::Standard);
        let text = runbook(&estate(vec![a, b]), &[]);
        assert!(text.contains(
            "#   a.t holds the Central Management store: b.t becomes its standby. The script prints the extra steps (Standard Edition partner: Install-CsDatabase -CentralManagementDatabase on it first).\n"
        ), "{text}");
        assert!(text.contains("@{ Fqdn = 'a.t'; Partner = 'b.t'; Servers = 1; Product = 'Microsoft Lync Server 2013'; FormerPartners = @(); PartnerStandard = $true; HoldsCms = $true }"));
        assert!(text.contains("HoldsCms = $false }"));
        // The steps Microsoft documents for it.
        for step in [
            "Install-CsDatabase -CentralManagementDatabase -SqlServerFqdn {0} -SqlInstanceName rtc",
            "Invoke-CsManagementServerFailover",
            "Invoke-CsPoolFailOver -PoolFqdn {0} -DisasterMode",
        ] {
            assert!(HELPERS.contains(step), "{step}");
        }
        assert!(
            STEPS.contains("Get-CsManagementStoreReplicationStatus -CentralManagementStoreStatus")
        );
    }

    #[test]
    fn bootstrapper_folder_follows_the_version() {
        let mut a = with_machines(fe("a.t", "s1", None), &["a1.t"]);
        let mut b = with_machines(fe("b.t", "s2", None), &["b1.t"]);
        a.version = Some(Version::V2019);
        b.version = Some(Version::V2019);
        let text = runbook(&estate(vec![a, b]), &[]);
        assert_eq!(
            count(&text, "Product = 'Skype for Business Server 2019'"),
            2
        );
        assert!(!text.contains("Product = 'Microsoft Lync Server 2013'"));
    }

    #[test]
    fn pairs_with_a_pool_not_deployed_are_skipped_with_a_message() {
        let mut a = fe("a.t", "s1", None);
        let b = fe("b.t", "s2", None);
        let mut c = fe("c.t", "s1", None);
        let mut d = fe("d.t", "s2", None);
        a.planned = true;
        c.planned = true;
        d.planned = true;
        let text = runbook(&estate(vec![a, b, c, d]), &[]);
        assert!(text.contains(
            "Skip = 'Skipped: a.t is not deployed yet (only an inventory names it). Deploy it, then run this script again with -Pair a.t.'"
        ), "{text}");
        assert!(text.contains("Skip = 'Skipped: neither c.t nor d.t is deployed yet."));
        // The loop skips such a pair and goes on with the next one.
        assert!(STEPS.contains(
            "    if ($entry.Skip) {\n        Write-Warning $entry.Skip\n        continue\n    }"
        ));
    }

    #[test]
    fn names_cannot_inject_code() {
        let mut pools = Vec::new();
        for (i, name) in HOSTILE.iter().enumerate() {
            let mut p = with_machines(fe(&format!("p{i}.t{name}"), name, None), &[name]);
            p.site = Some((*name).to_owned());
            pools.push(p);
        }
        let mut e = estate(pools);
        e.name = HOSTILE.join("|");
        let text = runbook(&e, &[]);
        for line in code(&text) {
            assert!(
                line.chars().all(|c| c == ' ' || c.is_ascii_graphic()),
                "non-ASCII or control character in code: {line:?}"
            );
        }
        assert!(text.contains(&format!("Estate = {}", ps_quote(&e.name))));
        assert!(text.contains(r"Fqdn = 'p7.tx''; Remove-Item C:\ -Recurse; ''';"));
        assert!(
            code(&text)
                .iter()
                .all(|l| !l.trim_start().starts_with("Remove-Item"))
        );
    }
}
