//! Every label of the reports and of the terminal output, in English and German, in one table.
//!
//! Data (pool, site and file names, finding messages) stays as exported; only the words around it
//! change. Templates reach the table through the Tera function `t(key=..., n=..., ...)`
//! (see [`crate::render::templates`]); Rust code through [`t`] and [`tf`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::rules::Code;

/// Language of labels (`--lang`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// German.
    De,
}

impl Lang {
    /// The language code (`en`, `de`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }
}

/// key, English, German. A key ending in `.one` is the singular form of the key without it, used
/// when the argument `n` is 1. `{name}` is replaced by the argument `name`.
static LABELS: &[(&str, &str, &str)] = &[
    // Report frame.
    (
        "report.title",
        "Backup registrar and pool pairing audit",
        "Prüfung der Sicherungspools und Pool-Paarungen",
    ),
    ("report.estate", "Estate", "Umgebung"),
    (
        "report.no_estate",
        "No estate could be read from the inputs.",
        "Aus den Eingaben konnte keine Umgebung gelesen werden.",
    ),
    ("report.back_to_index", "All estates", "Alle Umgebungen"),
    ("report.contents", "Contents", "Inhalt"),
    ("meta.generated", "Generated", "Erstellt"),
    ("meta.tool", "Tool", "Programm"),
    ("meta.paths", "Input paths", "Eingabepfade"),
    // Summary and verdict.
    ("summary.title", "Summary", "Zusammenfassung"),
    (
        "summary.verdict",
        "Verdict for a migration to Lync Server 2013 or later",
        "Bewertung für die Migration auf Lync Server 2013 oder neuer",
    ),
    (
        "verdict.ready",
        "Ready for the migration",
        "Bereit für die Migration",
    ),
    (
        "verdict.warnings",
        "Ready for the migration, with warnings",
        "Bereit für die Migration mit Warnungen",
    ),
    (
        "verdict.blocked",
        "Blocked: {n} errors",
        "Blockiert: {n} Fehler",
    ),
    (
        "verdict.blocked.one",
        "Blocked: 1 error",
        "Blockiert: 1 Fehler",
    ),
    (
        "verdict.ready.help",
        "No backup relationship stands in the way of Lync 2013 pool pairing.",
        "Keine Sicherungsbeziehung steht der Pool-Paarung unter Lync 2013 im Weg.",
    ),
    (
        "verdict.warnings.help",
        "Nothing blocks the migration, but the warnings below should be reviewed before it starts.",
        "Nichts blockiert die Migration, die Warnungen unten sollten aber vorher geprüft werden.",
    ),
    (
        "verdict.blocked.help",
        "Some backup relationships break the Lync 2013 rules; they must be redesigned before or during the migration.",
        "Einige Sicherungsbeziehungen verstoßen gegen die Regeln ab Lync 2013; sie müssen vor oder während der Migration neu geplant werden.",
    ),
    (
        "summary.unread",
        "{n} inputs could not be read: the verdict covers only what was read.",
        "{n} Eingaben konnten nicht gelesen werden: Die Bewertung gilt nur für das Gelesene.",
    ),
    (
        "summary.unread.one",
        "1 input could not be read: the verdict covers only what was read.",
        "1 Eingabe konnte nicht gelesen werden: Die Bewertung gilt nur für das Gelesene.",
    ),
    ("count.errors", "Errors", "Fehler"),
    ("count.warnings", "Warnings", "Warnungen"),
    ("count.infos", "Information", "Hinweise"),
    ("count.pools", "Pools", "Pools"),
    ("count.sites", "Sites", "Standorte"),
    // How to read.
    (
        "howto.title",
        "How to read this report",
        "So lesen Sie diesen Bericht",
    ),
    (
        "howto.scope",
        "lyncpair read the exports listed under “Inputs” and checked every backup registrar relationship against the rules that apply from Lync Server 2013 on: a Front End pool has exactly one backup pool, and the two pools back each other up (1:1 and reciprocal). Branch appliances (SBA/SBS) may still share one backup pool.",
        "lyncpair hat die unter „Eingaben“ aufgeführten Exporte gelesen und jede Sicherungsbeziehung gegen die Regeln geprüft, die ab Lync Server 2013 gelten: Ein Front-End-Pool hat genau einen Sicherungspool, und beide Pools sichern sich gegenseitig (1:1 und wechselseitig). Zweigstellen-Registrare (SBA/SBS) dürfen sich weiterhin einen Sicherungspool teilen.",
    ),
    (
        "howto.severity",
        "Errors break a 2013 rule and block the migration until the design changes. Warnings are allowed but risky or against Microsoft's recommendations. Information needs no action.",
        "Fehler verstoßen gegen eine Regel von Lync 2013 und blockieren die Migration, bis die Planung geändert ist. Warnungen sind zulässig, aber riskant oder entgegen den Empfehlungen von Microsoft. Hinweise erfordern kein Handeln.",
    ),
    (
        "howto.diagram",
        "The diagram shows each site as a frame, each pool as a box and each backup relationship as an arrow from a pool to its backup pool; a line with two arrowheads is a mutual 1:1 pair. Red marks the pools and relationships involved in an error, amber those with a warning.",
        "Das Diagramm zeigt jeden Standort als Rahmen, jeden Pool als Kasten und jede Sicherungsbeziehung als Pfeil von einem Pool zu seinem Sicherungspool; eine Linie mit zwei Pfeilspitzen ist ein gegenseitiges 1:1-Paar. Rot markiert Pools und Beziehungen mit einem Fehler, Gelb solche mit einer Warnung.",
    ),
    (
        "howto.sources",
        "Each rule links to the Microsoft documentation it rests on. Pool and site names are shown exactly as exported; each finding names the file and line it comes from.",
        "Jede Regel verweist auf die Microsoft-Dokumentation, auf der sie beruht. Pool- und Standortnamen erscheinen genau wie exportiert; jeder Befund nennt die Datei und Zeile, aus der er stammt.",
    ),
    // Estate by site.
    (
        "estate.title",
        "The estate by site",
        "Die Umgebung nach Standorten",
    ),
    ("site.central", "central site", "zentraler Standort"),
    ("site.branch", "branch site", "Zweigstelle"),
    (
        "site.branch_of",
        "branch site of {parent}",
        "Zweigstelle von {parent}",
    ),
    ("site.none", "(no site)", "(kein Standort)"),
    ("site.unknown", "Not in the inputs", "Nicht in den Eingaben"),
    (
        "site.no_pools",
        "No pools in this site.",
        "An diesem Standort gibt es keine Pools.",
    ),
    ("col.pool", "Pool", "Pool"),
    ("col.role", "Role", "Rolle"),
    ("col.edition", "Edition", "Edition"),
    ("col.version", "Version", "Version"),
    ("col.servers", "Servers", "Server"),
    ("col.users", "Users", "Benutzer"),
    ("col.backup", "Backup pool", "Sicherungspool"),
    ("col.failover", "Voice failover", "Sprach-Failover"),
    ("col.severity", "Severity", "Schweregrad"),
    ("col.rule", "Rule", "Regel"),
    ("col.pools", "Pools", "Pools"),
    ("col.finding", "Finding", "Befund"),
    ("col.sources", "Found in", "Fundstelle"),
    ("col.file", "File", "Datei"),
    ("col.format", "Format", "Format"),
    ("col.encoding", "Encoding", "Zeichenkodierung"),
    ("col.line", "Line", "Zeile"),
    ("col.problem", "Problem", "Problem"),
    ("col.estate", "Estate", "Umgebung"),
    ("col.worst", "Most severe finding", "Schwerster Befund"),
    ("col.verdict", "Verdict", "Bewertung"),
    ("col.report", "Report", "Bericht"),
    ("role.front-end", "front-end", "Front-End"),
    ("role.director", "director", "Director"),
    ("role.branch", "branch", "Zweigstelle"),
    ("role.edge", "edge", "Edge"),
    ("role.mediation", "mediation", "Vermittlung"),
    ("role.other", "other", "Sonstige"),
    ("edition.enterprise", "enterprise", "Enterprise"),
    ("edition.standard", "standard", "Standard"),
    ("value.unknown", "unknown", "unbekannt"),
    ("value.none", "none", "keiner"),
    ("value.planned", "planned", "geplant"),
    ("value.virtual", "virtual", "virtuell"),
    ("value.physical", "physical", "physisch"),
    ("failover.on", "automatic", "automatisch"),
    ("failover.off", "manual", "manuell"),
    (
        "failover.timers",
        "detection {detect} s, failback {back} s",
        "Erkennung {detect} s, Failback {back} s",
    ),
    (
        "pool.also_names",
        "also names {pools}",
        "nennt außerdem {pools}",
    ),
    // Diagram.
    (
        "diagram.title",
        "Backup relationships",
        "Sicherungsbeziehungen",
    ),
    ("diagram.now", "Today", "Heute"),
    (
        "diagram.after",
        "Target design: after the migration and the suggested plan",
        "Zielbild: nach der Migration und dem Planvorschlag",
    ),
    (
        "diagram.mermaid",
        "The same graph as a Mermaid flowchart:",
        "Derselbe Graph als Mermaid-Flussdiagramm:",
    ),
    (
        "diagram.overview",
        "Sites at a glance",
        "Standorte im Überblick",
    ),
    (
        "diagram.overview_help",
        "The estate has too many pools to draw each one legibly. Each box is a site; a line joins two sites whose pools back each other up, with the number of relationships, coloured by the worst finding. The diagrams below show each finding and each site in detail; the tables list every pool.",
        "Die Umgebung hat zu viele Pools, um jeden lesbar zu zeichnen. Jedes Kästchen ist ein Standort; eine Linie verbindet zwei Standorte, deren Pools einander sichern, mit der Zahl der Beziehungen, gefärbt nach dem schwersten Befund. Die Diagramme darunter zeigen jeden Befund und jeden Standort im Einzelnen; die Tabellen nennen jeden Pool.",
    ),
    ("diagram.focus", "In detail", "Im Einzelnen"),
    (
        "diagram.focus.finding",
        "{codes}: {n} pools",
        "{codes}: {n} Pools",
    ),
    (
        "diagram.focus.site",
        "{site}: its {n} pools and their partners",
        "{site}: seine {n} Pools und ihre Partner",
    ),
    (
        "diagram.focus.site.one",
        "{site}: its pool and its partners",
        "{site}: sein Pool und seine Partner",
    ),
    ("diagram.site_pools", "{n} pools", "{n} Pools"),
    ("diagram.site_pools.one", "1 pool", "1 Pool"),
    (
        "diagram.site_inside",
        "{n} backups inside",
        "{n} Sicherungen intern",
    ),
    (
        "diagram.site_inside.one",
        "1 backup inside",
        "1 Sicherung intern",
    ),
    (
        "legend.site_box",
        "Site (coloured by its worst pool)",
        "Standort (gefärbt nach seinem schwersten Pool)",
    ),
    (
        "legend.site_link",
        "Backups between two sites, with their number",
        "Sicherungen zwischen zwei Standorten, mit ihrer Zahl",
    ),
    ("legend.title", "Legend", "Legende"),
    ("legend.site", "Site", "Standort"),
    ("legend.pool", "Pool without findings", "Pool ohne Befund"),
    ("legend.pool_error", "Pool with an error", "Pool mit Fehler"),
    (
        "legend.pool_warning",
        "Pool with a warning",
        "Pool mit Warnung",
    ),
    (
        "legend.pool_other",
        "Pool without registrar (Edge, Mediation, other)",
        "Pool ohne Registrar (Edge, Vermittlung, Sonstige)",
    ),
    (
        "legend.pool_unknown",
        "Named as backup, but not in the inputs",
        "Als Sicherung genannt, aber nicht in den Eingaben",
    ),
    (
        "legend.backup",
        "A names B as its backup pool",
        "A nennt B als Sicherungspool",
    ),
    ("legend.pair", "Mutual 1:1 pair", "Gegenseitiges 1:1-Paar"),
    (
        "legend.edge_error",
        "Breaks a 2013 rule (error)",
        "Verstößt gegen eine Regel von 2013 (Fehler)",
    ),
    ("legend.edge_warning", "Warning", "Warnung"),
    (
        "legend.edge_planned",
        "Pair suggested by the plan",
        "Vom Plan vorgeschlagenes Paar",
    ),
    (
        "legend.pool_paired",
        "Pool in a suggested pair",
        "Pool in einem vorgeschlagenen Paar",
    ),
    (
        "legend.pair_planned",
        "Suggested 1:1 pair",
        "Vorgeschlagenes 1:1-Paar",
    ),
    (
        "legend.pool_unpaired",
        "Pool left without a partner",
        "Pool ohne Partner",
    ),
    (
        "legend.pool_migrate",
        "Lync 2010 pool: migrate first, never paired",
        "Pool von Lync 2010: zuerst migrieren, nie gepaart",
    ),
    (
        "legend.backup_stays",
        "Backup relationship that stays",
        "Sicherungsbeziehung, die bleibt",
    ),
    (
        "legend.edge_move",
        "Branch registrar to re-associate",
        "Neu zuzuordnender Zweigstellen-Registrar",
    ),
    // Findings.
    ("findings.title", "Findings by rule", "Befunde nach Regel"),
    (
        "findings.none",
        "No findings: every backup relationship follows the 2013 rules.",
        "Keine Befunde: Alle Sicherungsbeziehungen entsprechen den Regeln ab Lync 2013.",
    ),
    ("findings.basis", "Basis", "Grundlage"),
    (
        "findings.docs",
        "Microsoft documentation",
        "Microsoft-Dokumentation",
    ),
    // Retired: finding messages are translated now. Kept empty so that a custom template that
    // still asks for it renders nothing instead of failing.
    ("findings.messages_en", "", ""),
    ("severity.error", "error", "Fehler"),
    ("severity.warning", "warning", "Warnung"),
    ("severity.info", "info", "Hinweis"),
    // Plan.
    ("plan.title", "Suggested plan", "Planvorschlag"),
    (
        "plan.objective",
        "{pairs} pairs, {cross} of them across sites, {kept} kept from today's design.",
        "{pairs} Paare, davon {cross} standortübergreifend und {kept} aus der heutigen Planung übernommen.",
    ),
    ("plan.pair", "Pair", "Paar"),
    ("plan.kept", "kept", "beibehalten"),
    ("plan.new", "new", "neu"),
    ("plan.cross_site", "across sites", "standortübergreifend"),
    ("plan.same_site", "same site", "gleicher Standort"),
    (
        "plan.unpaired",
        "Pools left without a partner",
        "Pools ohne Partner",
    ),
    ("plan.reason", "Reason", "Grund"),
    ("plan.status", "Status", "Status"),
    ("plan.placement", "Placement", "Lage"),
    (
        "plan.intro",
        "The plan pairs the Front End pools of Lync 2013 or later 1:1 and both ways, within the hard limits (same version and edition, same platform and operating system, combined users within capacity). It makes as many pairs as possible, then prefers pairs across sites, then keeps as many of today's relationships as it can.",
        "Der Plan paart die Front-End-Pools ab Lync 2013 im Verhältnis 1:1 und gegenseitig, innerhalb der festen Grenzen (gleiche Version und Edition, gleiche Plattform und gleiches Betriebssystem, gemeinsame Benutzerzahl innerhalb der Kapazität). Er bildet möglichst viele Paare, bevorzugt dann Paare über Standorte hinweg und behält so viele der heutigen Beziehungen wie möglich bei.",
    ),
    // Retired: plan reasons are translated now; empty for custom templates that still ask.
    ("plan.reasons_en", "", ""),
    (
        "plan.diagram_help",
        "After the plan: green boxes joined by a green line with two arrowheads are the suggested pairs; amber dashed boxes are pools left without a partner; blue dashed boxes are successors of Lync 2010 pools that the plan proposes (they do not exist yet). Other arrows are backup relationships that stay; an amber dashed arrow is a branch registrar whose backup pool must change.",
        "Nach dem Plan: Grüne Kästen, verbunden durch eine grüne Linie mit zwei Pfeilspitzen, sind die vorgeschlagenen Paare; gelb gestrichelte Kästen sind Pools ohne Partner, blau gestrichelte von der Planung vorgeschlagene Nachfolger von Lync-2010-Pools (es gibt sie noch nicht). Die übrigen Pfeile sind Sicherungsbeziehungen, die bleiben; ein gelb gestrichelter Pfeil führt von einem Zweigstellen-Registrar, dessen Sicherungspool sich ändern muss.",
    ),
    ("plan.tile.pairs", "Pairs", "Paare"),
    ("plan.tile.cross", "Across sites", "Standortübergreifend"),
    ("plan.tile.kept", "Kept from today", "Beibehalten"),
    ("plan.tile.setup", "To set up", "Einzurichten"),
    ("plan.tile.unpaired", "Without a partner", "Ohne Partner"),
    ("plan.pairs", "Pairs", "Paare"),
    (
        "plan.no_pairs",
        "No pair can be formed in this estate.",
        "In dieser Umgebung lässt sich kein Paar bilden.",
    ),
    ("plan.sites", "Sites", "Standorte"),
    ("plan.today", "Today", "Heute"),
    ("plan.action", "What to do", "Was zu tun ist"),
    ("plan.pinned", "pinned with --pin", "mit --pin festgelegt"),
    (
        "plan.today.paired",
        "paired both ways today",
        "heute schon gegenseitig gepaart",
    ),
    (
        "plan.today.kept",
        "kept: one pool names the other today",
        "beibehalten: ein Pool nennt den anderen heute schon",
    ),
    ("plan.today.new", "new pair", "neues Paar"),
    ("plan.action.none", "Nothing to do.", "Nichts zu tun."),
    (
        "plan.action.setup",
        "Pair them in Topology Builder and publish, then run the runbook steps for this pair.",
        "Im Topologie-Generator paaren und veröffentlichen, dann die Schritte des Runbooks für dieses Paar ausführen.",
    ),
    (
        "plan.action.repair",
        "Re-pair: {leaving}. Unpair first, then pair them in Topology Builder and publish; the runbook also clears the backup data kept for the former partner.",
        "Neupaarung: {leaving}. Zuerst die alte Paarung lösen, dann im Topologie-Generator paaren und veröffentlichen; das Runbook löscht zusätzlich die für den früheren Partner gehaltenen Sicherungsdaten.",
    ),
    (
        "plan.leaves",
        "{pool} leaves {formers}",
        "{pool} trennt sich von {formers}",
    ),
    (
        "plan.not_deployed",
        "not deployed yet",
        "noch nicht bereitgestellt",
    ),
    (
        "plan.unpaired_intro",
        "Each reason says what stands in the way; fix it (or accept it) before the migration.",
        "Jeder Grund nennt, was im Weg steht; das sollte vor der Migration behoben (oder bewusst hingenommen) werden.",
    ),
    (
        "plan.migrate.title",
        "Lync 2010 pools to migrate first",
        "Zuerst zu migrierende Pools von Lync 2010",
    ),
    (
        "plan.migrate.intro",
        "Lync 2010 has no pool pairing, so these pools are never paired: their users move to their successors, the branch registrars they back are re-associated, then the pools and their backup relationships are retired.",
        "Lync 2010 kennt keine Pool-Paarung, daher werden diese Pools nie gepaart: Ihre Benutzer ziehen auf ihre Nachfolger um, die von ihnen gesicherten Zweigstellen-Registrare werden neu zugeordnet, dann werden die Pools samt ihren Sicherungsbeziehungen außer Betrieb genommen.",
    ),
    ("plan.site", "Site", "Standort"),
    ("plan.site_unknown", "site unknown", "Standort unbekannt"),
    (
        "plan.relations_today",
        "Backup relationships today",
        "Heutige Sicherungsbeziehungen",
    ),
    (
        "plan.mf.backup",
        "backup pool: {pool}",
        "Sicherungspool: {pool}",
    ),
    ("plan.mf.no_backup", "no backup pool", "kein Sicherungspool"),
    (
        "plan.mf.backup_of",
        "backup pool for {pools}",
        "Sicherungspool für {pools}",
    ),
    (
        "plan.mf.branches",
        "backs the branch registrars {pools}",
        "sichert die Zweigstellen-Registrare {pools}",
    ),
    (
        "plan.changes.title",
        "Changes from today",
        "Änderungen gegenüber heute",
    ),
    (
        "plan.changes.none",
        "Nothing changes.",
        "Es ändert sich nichts.",
    ),
    ("plan.change", "Change", "Änderung"),
    ("plan.relationship", "Relationship", "Beziehung"),
    ("plan.explanation", "Explanation", "Erläuterung"),
    ("change.remove", "remove", "entfernen"),
    ("change.add", "add", "hinzufügen"),
    ("change.keep", "keep", "beibehalten"),
    (
        "change.add.note",
        "New pair, set up in Topology Builder.",
        "Neues Paar, im Topologie-Generator einzurichten.",
    ),
    (
        "change.keep.reciprocal",
        "Already paired both ways; nothing to do.",
        "Bereits gegenseitig gepaart; nichts zu tun.",
    ),
    (
        "change.keep.one_sided",
        "One pool names the other today; pairing them in Topology Builder makes it mutual.",
        "Ein Pool nennt den anderen heute schon; die Paarung im Topologie-Generator macht die Beziehung gegenseitig.",
    ),
    (
        "change.repair",
        "Re-pair: the backup data kept for the former partner is cleared.",
        "Neupaarung: Die für den früheren Partner gehaltenen Sicherungsdaten werden gelöscht.",
    ),
    ("change.remove.note", "Dropped:", "Entfällt:"),
    (
        "plan.moves.title",
        "Branch registrars to re-associate",
        "Neu zuzuordnende Zweigstellen-Registrare",
    ),
    (
        "plan.moves.intro",
        "A branch registrar (SBA/SBS) may share its backup pool with other branches, but that pool must be a central-site Front End pool that stays. These branch registrars lose theirs and need a new one, with the documented procedure below.",
        "Ein Zweigstellen-Registrar (SBA/SBS) darf seinen Sicherungspool mit anderen Zweigstellen teilen, dieser muss aber ein Front-End-Pool eines zentralen Standorts sein, der bestehen bleibt. Diese Zweigstellen-Registrare verlieren ihren Sicherungspool und brauchen nach dem unten beschriebenen Verfahren einen neuen.",
    ),
    (
        "plan.moves.to",
        "Recommended backup pool: {pool} (the branch users count toward its capacity).",
        "Empfohlener Sicherungspool: {pool} (die Benutzer der Zweigstelle zählen zu dessen Kapazität).",
    ),
    (
        "plan.moves.no_candidate",
        "No backup pool to recommend: the plan pairs no pool yet.",
        "Kein Sicherungspool zu empfehlen: Der Plan paart noch keinen Pool.",
    ),
    ("plan.moves.from", "Backup today", "Heutige Sicherung"),
    ("plan.moves.none_today", "none", "keine"),
    ("plan.moves.steps", "Procedure", "Vorgehen"),
    ("plan.users", "{n} users", "{n} Benutzer"),
    (
        "plan.not_planned",
        "Never paired (directors, branch registrars, Edge, Mediation and other pools):",
        "Nie gepaart (Directors, Zweigstellen-Registrare, Edge-, Vermittlungs- und sonstige Pools):",
    ),
    ("plan.apply.title", "Applying the plan", "Den Plan umsetzen"),
    (
        "plan.apply.report",
        "“lyncpair plan --out DIR” writes this plan with pairing-runbook.ps1, a PowerShell script with the documented steps for every pair to set up: the Topology Builder step, Bootstrapper.exe on every Front End server, starting and synchronising the Backup Service, and checking its status.",
        "„lyncpair plan --out DIR“ schreibt diesen Plan zusammen mit pairing-runbook.ps1, einem PowerShell-Skript mit den dokumentierten Schritten für jedes einzurichtende Paar: der Schritt im Topologie-Generator, Bootstrapper.exe auf jedem Front-End-Server, Start und Synchronisierung des Sicherungsdienstes und die Prüfung seines Status.",
    ),
    (
        "plan.apply.doc",
        "pairing-runbook.ps1, which “lyncpair plan --out DIR” writes next to this plan, holds the documented steps for every pair to set up: the Topology Builder step (by hand), Bootstrapper.exe on every Front End server of both pools, starting the Backup Service (LYNCBACKUP), Invoke-CsBackupServiceSync and Get-CsBackupServiceStatus, and Remove-CsUserStoreBackupData when a pool is re-paired.",
        "pairing-runbook.ps1, das „lyncpair plan --out DIR“ neben diesen Plan schreibt, enthält die dokumentierten Schritte für jedes einzurichtende Paar: den Schritt im Topologie-Generator (von Hand), Bootstrapper.exe auf jedem Front-End-Server beider Pools, den Start des Sicherungsdienstes (LYNCBACKUP), Invoke-CsBackupServiceSync und Get-CsBackupServiceStatus sowie Remove-CsUserStoreBackupData, wenn ein Pool neu gepaart wird.",
    ),
    (
        "plan.apply.run",
        "Run it in the Lync Server Management Shell after publishing the topology, first with -WhatIf; it stops at the first error. Branch registrars are re-associated by hand, as described above.",
        "Das Skript nach dem Veröffentlichen der Topologie in der Lync Server-Verwaltungsshell ausführen, zuerst mit -WhatIf; es bricht beim ersten Fehler ab. Zweigstellen-Registrare werden wie oben beschrieben von Hand neu zugeordnet.",
    ),
    (
        "plan.docs.pairing",
        "Deploying paired Front End pools (Microsoft documentation)",
        "Gepaarte Front-End-Pools bereitstellen (Microsoft-Dokumentation)",
    ),
    (
        "plan.docs.branch",
        "Managing a Survivable Branch Appliance (Microsoft documentation)",
        "Verwalten einer Survivable Branch Appliance (Microsoft-Dokumentation)",
    ),
    (
        "plan.docs.sba2010",
        "Lync Server 2010 branch appliances in a 2013 topology (Microsoft documentation)",
        "Zweigstellen-Appliances von Lync Server 2010 in einer Topologie von 2013 (Microsoft-Dokumentation)",
    ),
    // Branch registrar procedures (DOMAIN.md §6 and §7); the runbook uses the English ones.
    (
        "branch.reassociate.1",
        "Move the branch users to another pool.",
        "Die Benutzer der Zweigstelle auf einen anderen Pool verschieben.",
    ),
    (
        "branch.reassociate.2",
        "Stop the branch registrar.",
        "Den Zweigstellen-Registrar beenden.",
    ),
    (
        "branch.reassociate.3",
        "Topology Builder: branch registrar -> Edit Properties -> Resiliency -> \"Associated User service and backup Registrar pool\" -> the new pool; publish the topology.",
        "Im Topologie-Generator: Zweigstellen-Registrar -> Edit Properties (Eigenschaften bearbeiten) -> Resiliency -> „Associated User service and backup Registrar pool“ auf den neuen Pool setzen; die Topologie veröffentlichen.",
    ),
    (
        "branch.reassociate.4",
        "Restart the branch registrar.",
        "Den Zweigstellen-Registrar wieder starten.",
    ),
    (
        "branch.reassociate.5",
        "Move the branch users back.",
        "Die Benutzer der Zweigstelle zurückverschieben.",
    ),
    (
        "branch.sba2010.1",
        "Move the SBA's users to another pool.",
        "Die Benutzer der SBA auf einen anderen Pool verschieben.",
    ),
    (
        "branch.sba2010.2",
        "Delete the SBA from the Lync Server 2010 topology.",
        "Die SBA aus der Topologie von Lync Server 2010 löschen.",
    ),
    (
        "branch.sba2010.3",
        "Add it under the branch site's \"Lync Server 2010\" node of the 2013 topology, with the new 2013+ front-end pool as backup Registrar; publish the topology.",
        "Sie in der Topologie von 2013 unter dem Knoten „Lync Server 2010“ der Zweigstelle neu anlegen, mit dem neuen Front-End-Pool (2013 oder neuer) als Sicherungsregistrar; die Topologie veröffentlichen.",
    ),
    (
        "branch.sba2010.4",
        "Move the users back. (A 2010 SBA can only use a 2010 Monitoring store.)",
        "Die Benutzer zurückverschieben. (Eine SBA von 2010 kann nur einen Überwachungsspeicher von 2010 nutzen.)",
    ),
    // Plan document (`plan --format md|html`, plan.html, plan.md).
    (
        "plandoc.title",
        "Pool pairing plan",
        "Plan für die Pool-Paarung",
    ),
    ("plandoc.objective", "Result", "Ergebnis"),
    // Plan on the terminal.
    ("planh.estate", "Plan for estate", "Plan für Umgebung"),
    ("planh.objective", "Objective:", "Ergebnis:"),
    (
        "planh.objective_line",
        "{pairs} pair(s), {cross} cross-site, {kept} kept",
        "{pairs} Paar(e), {cross} standortübergreifend, {kept} beibehalten",
    ),
    ("planh.pairs", "Pairs", "Paare"),
    ("planh.none", "(none)", "(keine)"),
    ("planh.site_unknown", "site unknown", "Standort unbekannt"),
    ("planh.cross_site", "cross-site", "standortübergreifend"),
    (
        "planh.same_site",
        "same or unknown site",
        "gleicher oder unbekannter Standort",
    ),
    ("planh.kept", "kept", "beibehalten"),
    ("planh.pinned", "pinned", "mit --pin"),
    ("planh.already_paired", "already paired", "bereits gepaart"),
    ("planh.repair", "re-pair", "Neupaarung"),
    ("planh.to_set_up", "to set up", "einzurichten"),
    ("planh.unpaired", "Unpaired", "Ohne Partner"),
    (
        "planh.migrate_first",
        "Migrate first (Lync 2010 front-end pools, never paired)",
        "Zuerst migrieren (Front-End-Pools von Lync 2010, nie gepaart)",
    ),
    (
        "planh.backup_today",
        "backup today: {pool}",
        "heutige Sicherung: {pool}",
    ),
    (
        "planh.no_backup_today",
        "no backup today",
        "heute keine Sicherung",
    ),
    (
        "planh.backup_of",
        "backup of {pools}",
        "Sicherung für {pools}",
    ),
    (
        "planh.backs_branches",
        "backs branch registrars {pools}",
        "sichert die Zweigstellen-Registrare {pools}",
    ),
    (
        "planh.not_planned",
        "Not planned (directors, branch registrars, Edge and other pools are never paired)",
        "Nicht geplant (Directors, Zweigstellen-Registrare, Edge- und sonstige Pools werden nie gepaart)",
    ),
    (
        "planh.changes",
        "Changes from today",
        "Änderungen gegenüber heute",
    ),
    ("planh.remove", "remove", "entfernen"),
    ("planh.add", "add", "hinzufügen"),
    ("planh.keep", "keep", "beibehalten"),
    ("planh.backup_tag", "(backup today)", "(heutige Sicherung)"),
    (
        "planh.repair_note",
        " (re-pair: clear the former partner's data)",
        " (Neupaarung: Daten des früheren Partners löschen)",
    ),
    (
        "planh.reciprocal_note",
        " (already reciprocal, nothing to do)",
        " (bereits gegenseitig, nichts zu tun)",
    ),
    (
        "planh.one_sided_note",
        " (one side names the other today; pairing in Topology Builder sets both)",
        " (eine Seite nennt die andere heute schon; die Paarung im Topologie-Generator setzt beide)",
    ),
    (
        "planh.branch_moves",
        "Branch registrars to re-associate",
        "Neu zuzuordnende Zweigstellen-Registrare",
    ),
    (
        "planh.no_candidate",
        "(no pool is paired in the plan yet)",
        "(im Plan ist noch kein Pool gepaart)",
    ),
    (
        "planh.summary_line",
        "{pairs} pair(s), {unpaired} pool(s) unpaired in {n} estate(s); {inputs}",
        "{pairs} Paar(e), {unpaired} Pool(s) ohne Partner in {n} Umgebung(en); {inputs}",
    ),
    (
        "planh.all_read",
        "every input was read",
        "alle Eingaben gelesen",
    ),
    (
        "planh.unreadable",
        "{n} input(s) could not be read (listed on standard error)",
        "{n} Eingabe(n) nicht lesbar (auf der Standardfehlerausgabe aufgeführt)",
    ),
    // Inputs.
    ("inputs.title", "Inputs", "Eingaben"),
    (
        "inputs.unreadable",
        "Inputs that could not be read",
        "Nicht lesbare Eingaben",
    ),
    (
        "inputs.all_read",
        "Every input of this run could be read.",
        "Alle Eingaben dieses Laufs konnten gelesen werden.",
    ),
    (
        "inputs.notes",
        "Kept but not understood",
        "Übernommen, aber nicht ausgewertet",
    ),
    // Index.
    (
        "index.title",
        "Audit of {n} estates",
        "Prüfung von {n} Umgebungen",
    ),
    (
        "index.title.one",
        "Audit of 1 estate",
        "Prüfung von 1 Umgebung",
    ),
    ("index.open", "open", "öffnen"),
    ("index.total", "Total", "Gesamt"),
    ("index.no_findings", "no findings", "keine Befunde"),
    // Footer.
    (
        "footer.generated",
        "Generated by lyncpair {version} at {time}.",
        "Erstellt von lyncpair {version} am {time}.",
    ),
    // Terminal output.
    ("human.estate", "Estate", "Umgebung"),
    ("human.input", "input", "Eingabe"),
    (
        "human.findings",
        "Findings: {e} error(s), {w} warning(s), {i} info(s)",
        "Befunde: {e} Fehler, {w} Warnung(en), {i} Hinweis(e)",
    ),
    ("human.errors", "Errors", "Fehler"),
    ("human.warnings", "Warnings", "Warnungen"),
    ("human.infos", "Information", "Hinweise"),
    (
        "human.accepted",
        "Accepted (shown, not counted; --accept)",
        "Akzeptiert (angezeigt, nicht gezählt; --accept)",
    ),
    ("accepted.title", "Accepted findings", "Akzeptierte Befunde"),
    (
        "accepted.intro",
        "An entry of the --accept file accepts these findings until the date shown: they are not counted in the verdict, the totals or --fail-on.",
        "Ein Eintrag der --accept-Datei akzeptiert diese Befunde bis zum genannten Datum: Sie zählen nicht für die Bewertung, die Summen und --fail-on.",
    ),
    (
        "accepted.line",
        "accepted until {until}: {reason}",
        "akzeptiert bis {until}: {reason}",
    ),
    (
        "accepted.line_by",
        "accepted until {until} by {by}: {reason}",
        "akzeptiert bis {until} von {by}: {reason}",
    ),
    // lyncpair diff.
    (
        "diff.title",
        "Changes between two snapshots",
        "Änderungen zwischen zwei Ständen",
    ),
    ("diff.old", "Before", "Vorher"),
    ("diff.new", "After", "Nachher"),
    (
        "diff.only_old",
        "only in the before snapshot",
        "nur im vorherigen Stand",
    ),
    (
        "diff.only_new",
        "only in the after snapshot",
        "nur im neuen Stand",
    ),
    (
        "diff.no_change",
        "No change to pools, backup relationships or findings.",
        "Keine Änderung an Pools, Sicherungsbeziehungen oder Befunden.",
    ),
    (
        "diff.no_estate",
        "Neither snapshot holds an estate.",
        "Keiner der beiden Stände enthält eine Umgebung.",
    ),
    ("diff.pools_added", "Pools added", "Neue Pools"),
    ("diff.pools_removed", "Pools removed", "Entfernte Pools"),
    (
        "diff.facts",
        "Pool facts changed",
        "Geänderte Pool-Eigenschaften",
    ),
    (
        "diff.backups_added",
        "Backup relationships added",
        "Neue Sicherungsbeziehungen",
    ),
    (
        "diff.backups_removed",
        "Backup relationships removed",
        "Entfernte Sicherungsbeziehungen",
    ),
    ("diff.findings_new", "New findings", "Neue Befunde"),
    (
        "diff.findings_resolved",
        "Resolved findings",
        "Behobene Befunde",
    ),
    (
        "diff.findings_unchanged",
        "Unchanged findings: {n}",
        "Unveränderte Befunde: {n}",
    ),
    ("diff.status.new", "new", "neu"),
    ("diff.status.unchanged", "unchanged", "unverändert"),
    (
        "diff.progress",
        "Progress against the plan",
        "Fortschritt gegenüber dem Plan",
    ),
    ("diff.set_up", "Pairs set up", "Eingerichtete Paare"),
    (
        "diff.to_do",
        "Pairs still to do",
        "Noch einzurichtende Paare",
    ),
    (
        "diff.not_in_plan",
        "Relationships not in the plan",
        "Beziehungen, die der Plan nicht vorsieht",
    ),
    (
        "diff.no_plan_estate",
        "The plan has no estate of this name.",
        "Der Plan enthält keine Umgebung dieses Namens.",
    ),
    (
        "diff.diagram_before",
        "Backup relationships before",
        "Sicherungsbeziehungen vorher",
    ),
    (
        "diff.diagram_after",
        "Backup relationships after",
        "Sicherungsbeziehungen nachher",
    ),
    (
        "diff.summary_line",
        "{e} new error(s), {w} new warning(s), {i} new info(s); {r} resolved, {u} unchanged, {a} accepted; {n} estate(s)",
        "{e} neue Fehler, {w} neue Warnungen, {i} neue Hinweise; {r} behoben, {u} unverändert, {a} akzeptiert; {n} Umgebung(en)",
    ),
    ("col.fact", "Fact", "Eigenschaft"),
    ("col.status", "Status", "Status"),
    ("col.reason", "Reason", "Begründung"),
    ("col.until", "Until", "Bis"),
    ("col.by", "Accepted by", "Akzeptiert von"),
    ("human.at", "at", "in"),
    (
        "human.more_sources",
        "and {n} more (see --format json)",
        "und {n} weitere (siehe --format json)",
    ),
    (
        "human.notes",
        "Notes (kept, not understood)",
        "Hinweise (übernommen, nicht ausgewertet)",
    ),
    (
        "human.unreadable",
        "Inputs that could not be read",
        "Nicht lesbare Eingaben",
    ),
    (
        "human.estate_size",
        "({pools} pools, {sites} sites, {inputs} inputs)",
        "({pools} Pools, {sites} Standorte, {inputs} Eingaben)",
    ),
    ("human.more_findings", "… and {n} more", "… und {n} weitere"),
    (
        "human.verbose_hint",
        "Every finding and the pools by site: --verbose; every source: the reports or --format json.",
        "Alle Befunde und die Pools nach Standort: --verbose; alle Quellen: die Berichte oder --format json.",
    ),
    (
        "human.note_count",
        "{n}× (first at {first}):",
        "{n}× (zuerst in {first}):",
    ),
    ("human.summary", "Summary:", "Zusammenfassung:"),
    (
        "human.summary_line",
        "{e} error(s), {w} warning(s), {i} info(s) in {n} estate(s); {u} input(s) could not be read",
        "{e} Fehler, {w} Warnung(en), {i} Hinweis(e) in {n} Umgebung(en); {u} Eingabe(n) nicht lesbar",
    ),
    ("human.servers", "{n} server(s)", "{n} Server"),
    ("human.users", "{n} users", "{n} Benutzer"),
    ("human.backup", "backup {pool}", "Sicherung {pool}"),
    ("human.no_backup", "no backup", "keine Sicherung"),
    (
        "plan.cms",
        "holds the Central Management store ({which})",
        "hält den zentralen Verwaltungsspeicher ({which})",
    ),
    ("plan.cms.active", "active on {pool}", "aktiv auf {pool}"),
    (
        "plan.cms.standby",
        "standby on {pool}",
        "Standby auf {pool}",
    ),
    (
        "human.backup_service",
        "Backup Service syncs with {pool}",
        "Sicherungsdienst synchronisiert mit {pool}",
    ),
    (
        "cms.active",
        "active Central Management store",
        "aktiver zentraler Verwaltungsspeicher",
    ),
    (
        "cms.standby",
        "standby Central Management store",
        "zentraler Verwaltungsspeicher (Standby)",
    ),
    (
        "human.written",
        "reports written to {dir}: {files}",
        "Berichte in {dir} geschrieben: {files}",
    ),
    // Migration plan (issue 10).
    ("planh.proposed", "proposed", "vorgeschlagen"),
    ("planh.declared", "declared", "angegeben"),
    (
        "planh.not_deployed",
        "not deployed yet",
        "noch nicht bereitgestellt",
    ),
    (
        "planh.target_design",
        "Target design (after the migration, successors of version {version})",
        "Zielbild (nach der Migration, Nachfolger in Version {version})",
    ),
    ("planh.successors", "Successors", "Nachfolger"),
    ("planh.replaces", "replaces", "ersetzt"),
    (
        "planh.users_unknown",
        "users unknown",
        "Benutzerzahl unbekannt",
    ),
    (
        "planh.migration_order",
        "Migration order (Lync 2010 pools and where their users go)",
        "Migrationsreihenfolge (Pools von Lync 2010 und wohin ihre Benutzer gehen)",
    ),
    (
        "planh.paired_with",
        "paired with {pool}",
        "gepaart mit {pool}",
    ),
    (
        "planh.successor_unpaired",
        "successor not paired",
        "Nachfolger ohne Partner",
    ),
    ("planh.no_backup", "(no backup)", "(keine Sicherung)"),
    (
        "plan.capacity.checked",
        "capacity checked: {a} + {b} = {total} users after a failover",
        "Kapazität geprüft: {a} + {b} = {total} Benutzer nach einem Failover",
    ),
    (
        "plan.capacity.unchecked",
        "capacity not checked: the users of {pools} are unknown",
        "Kapazität nicht geprüft: Die Benutzerzahl von {pools} ist unbekannt",
    ),
    ("plan.proposed", "proposed", "vorgeschlagen"),
    ("plan.capacity", "Capacity", "Kapazität"),
    ("plan.target.title", "Target design", "Zielbild"),
    (
        "plan.target.intro",
        "After the migration every Lync 2010 front-end pool is replaced by a successor of Lync {version} or later. A successor named in an inventory (column Replaces) is declared; any other is proposed by the plan as successor-of-<pool>, in the same site and edition: it does not exist yet.",
        "Nach der Migration ist jeder Front-End-Pool von Lync 2010 durch einen Nachfolger ab Lync {version} ersetzt. Ein in einem Inventar genannter Nachfolger (Spalte Ersetzt) ist angegeben; jeden anderen schlägt der Plan als successor-of-<Pool> am selben Standort und in derselben Edition vor: Er existiert noch nicht.",
    ),
    ("plan.successors", "Successors", "Nachfolger"),
    ("plan.successor", "Successor", "Nachfolger"),
    ("plan.replaces", "Replaces", "Ersetzt"),
    ("plan.kind", "Kind", "Art"),
    ("plan.declared", "declared", "angegeben"),
    ("plan.users_col", "Users", "Benutzer"),
    ("plan.unknown", "unknown", "unbekannt"),
    (
        "plan.order.title",
        "Migration order",
        "Migrationsreihenfolge",
    ),
    (
        "plan.order.intro",
        "Move the users of each Lync 2010 pool to its successor, those whose successor is paired first; then re-associate the branch registrars and retire the pool.",
        "Die Benutzer jedes Pools von Lync 2010 auf seinen Nachfolger verschieben, zuerst die mit gepaartem Nachfolger; dann die Zweigstellen-Registrare neu zuordnen und den Pool außer Betrieb nehmen.",
    ),
    ("plan.order.step", "Step", "Schritt"),
    ("plan.order.users_go", "Users go to", "Benutzer gehen nach"),
    (
        "plan.order.partner",
        "Successor's partner",
        "Partner des Nachfolgers",
    ),
    (
        "legend.pool_proposed",
        "Successor proposed by the plan (does not exist yet)",
        "Vom Plan vorgeschlagener Nachfolger (existiert noch nicht)",
    ),
    // Finding messages (built by the rules as crate::i18n::Message, rendered at output time).
    ("verbatim", "{text}", "{text}"),
    (
        "msg.backup_missing.planned",
        "{pool} is a planned pool with no backup pool yet; the pairing plan gives it a partner",
        "{pool} ist ein geplanter Pool noch ohne Sicherungspool; der Paarungsplan gibt ihm einen Partner",
    ),
    (
        "msg.backup_missing",
        "{pool} has no backup pool: no pool failover and no registrar resiliency",
        "{pool} hat keinen Sicherungspool: kein Pool-Failover und keine Ausfallsicherheit der Registrierung",
    ),
    (
        "msg.backup_self",
        "{pool} names itself as its backup pool",
        "{pool} nennt sich selbst als Sicherungspool",
    ),
    (
        "msg.backup_unknown_pool",
        "{pool} names {target} as backup, but no input of this estate defines that pool",
        "{pool} nennt {target} als Sicherungspool, aber keine Eingabe dieser Umgebung enthält diesen Pool",
    ),
    (
        "msg.backup_invalid_target",
        "{pool} names {target} as backup, but that is a {role} pool; only front-end pools can back up front-end pools",
        "{pool} nennt {target} als Sicherungspool, das ist aber ein Pool der Rolle {role}; nur Front-End-Pools können Front-End-Pools sichern",
    ),
    (
        "msg.backup_not_reciprocal",
        "{pool} names {target} as backup, but {target} {what}; 2013+ pairs must back each other up",
        "{pool} nennt {target} als Sicherungspool, aber {target} {what}; ab Lync 2013 müssen sich die Pools eines Paares gegenseitig sichern",
    ),
    (
        "msg.names_no_backup",
        "names no backup",
        "nennt keinen Sicherungspool",
    ),
    ("msg.names_other", "names {other}", "nennt {other}"),
    (
        "msg.backup_many_to_one",
        "{hub} is the backup of {count} front-end pools ({pools}); from Lync 2013 on a pool has exactly one partner",
        "{hub} ist Sicherungspool von {count} Front-End-Pools ({pools}); ab Lync 2013 hat ein Pool genau einen Partner",
    ),
    (
        "msg.pair_version_mismatch",
        "{a} ({va}) is paired with {b} ({vb}): {why}",
        "{a} ({va}) ist mit {b} ({vb}) gepaart: {why}",
    ),
    (
        "msg.version.lync2010",
        "Lync 2010 has no pool pairing; pair only pools of one version",
        "Lync 2010 kennt keine Pool-Paarung; nur Pools einer Version paaren",
    ),
    (
        "msg.version.2019",
        "a Skype for Business Server 2019 pool pairs only with another 2019 pool",
        "ein Pool von Skype for Business Server 2019 wird nur mit einem anderen Pool von 2019 gepaart",
    ),
    (
        "msg.version.upgrade",
        "disaster-mode failover is lost until both pools run the same version",
        "das Failover im Notfallmodus fehlt, bis beide Pools dieselbe Version haben",
    ),
    (
        "msg.pair_mismatch",
        "{a} ({va}) is paired with {b} ({vb})",
        "{a} ({va}) ist mit {b} ({vb}) gepaart",
    ),
    (
        "msg.pair_same_site",
        "{a} and {b} back each other up from the same site ({site})",
        "{a} und {b} sichern sich gegenseitig vom selben Standort aus ({site})",
    ),
    (
        "msg.pair_os_mismatch",
        "{a} runs {oa} but its partner {b} runs {ob}",
        "{a} läuft unter {oa}, sein Partner {b} aber unter {ob}",
    ),
    (
        "msg.pair_capacity",
        "after a failover one pool carries {users} users (branch users included): {problems}",
        "nach einem Failover trägt ein Pool {users} Benutzer (mit den Benutzern der Zweigstellen): {problems}",
    ),
    (
        "msg.capacity.enterprise_max",
        "{pool} (Enterprise) can carry at most {max}",
        "{pool} (Enterprise) trägt höchstens {max}",
    ),
    (
        "msg.capacity.standard_max",
        "{pool} (Standard) can carry at most {max}",
        "{pool} (Standard) trägt höchstens {max}",
    ),
    (
        "msg.capacity.servers",
        "{pool} has {servers} front-end servers but needs {needed} to carry them",
        "{pool} hat {servers} Front-End-Server, braucht aber {needed}, um sie zu tragen",
    ),
    (
        "msg.branch_backup_missing",
        "branch registrar {pool} has no backup registrar pool: its users lose service when it fails",
        "Zweigstellen-Registrar {pool} hat keinen Sicherungspool: Fällt er aus, verlieren seine Benutzer den Dienst",
    ),
    (
        "msg.branch_backup_invalid",
        "branch registrar {pool} is backed by {target}, {what}; it must be a central-site front-end pool",
        "Zweigstellen-Registrar {pool} wird von {target} gesichert, {what}; es muss ein Front-End-Pool eines zentralen Standorts sein",
    ),
    (
        "msg.branch.role",
        "a {role} pool",
        "einem Pool der Rolle {role}",
    ),
    (
        "msg.branch.in_branch_site",
        "a front-end pool in a branch site",
        "einem Front-End-Pool an einer Zweigstelle",
    ),
    (
        "msg.branch_no_dr",
        "users homed on branch registrar {pool} get no pool disaster recovery: if its backing pool {target} fails they stay in resiliency mode",
        "Benutzer auf Zweigstellen-Registrar {pool} erhalten keine Notfallwiederherstellung des Pools: Fällt sein Sicherungspool {target} aus, bleiben sie im Ausfallsicherheitsmodus",
    ),
    (
        "timer.failure_detection",
        "failure detection",
        "Ausfallerkennung",
    ),
    ("timer.failback", "failback", "Failback"),
    (
        "msg.timer_out_of_range",
        "{pool}: {timer} interval {value} s is outside the allowed {min}..{max} s",
        "{pool}: Intervall {timer} von {value} s liegt außerhalb der zulässigen {min}..{max} s",
    ),
    (
        "msg.timer_below_recommended",
        "{pool}: {timer} interval {value} s is below the recommended {min} s; a busy primary may trigger needless failovers",
        "{pool}: Intervall {timer} von {value} s liegt unter den empfohlenen {min} s; ein ausgelasteter primärer Pool kann unnötige Failovers auslösen",
    ),
    (
        "msg.timer_order",
        "{pool}: failback interval {back} s is not longer than failure detection {detect} s (Topology Builder defaults: 120 s and 240 s)",
        "{pool}: Failback-Intervall {back} s ist nicht länger als die Ausfallerkennung {detect} s (Vorgaben des Topologie-Generators: 120 s und 240 s)",
    ),
    // What the importers noticed (`export-lossy`, `topology-unpublished-change`, notes).
    (
        "msg.lossy.pool_fqdn",
        "pool FQDN \"{fqdn}\" contains '?' (characters lost by an ASCII export)",
        "Pool-FQDN „{fqdn}“ enthält '?' (Zeichen, die ein ASCII-Export verloren hat)",
    ),
    (
        "msg.lossy.site_name",
        "site name \"{name}\" contains '?' (characters lost by an ASCII export)",
        "Standortname „{name}“ enthält '?' (Zeichen, die ein ASCII-Export verloren hat)",
    ),
    (
        "msg.lossy.type_name_csv",
        "column \"{column}\" holds the .NET type name \"{type_name}\" instead of values: Export-Csv wrote a collection; join it with ';' before exporting (powershell/Export-LyncPairingData.ps1 does)",
        "Spalte „{column}“ enthält den .NET-Typnamen „{type_name}“ statt der Werte: Export-Csv hat eine Sammlung geschrieben; sie vor dem Export mit ';' verbinden (powershell/Export-LyncPairingData.ps1 tut das)",
    ),
    (
        "msg.lossy.type_name_inventory",
        "column \"{column}\" holds the .NET type name \"{type_name}\" instead of values: the exporter wrote a collection; join it with ';' before exporting",
        "Spalte „{column}“ enthält den .NET-Typnamen „{type_name}“ statt der Werte: Der Export hat eine Sammlung geschrieben; sie vor dem Export mit ';' verbinden",
    ),
    (
        "msg.pending.adds",
        "NewTopology adds pool {pool}, which OldTopology does not have",
        "NewTopology fügt den Pool {pool} hinzu, den OldTopology nicht enthält",
    ),
    (
        "msg.pending.drops",
        "NewTopology drops pool {pool}, which OldTopology has",
        "NewTopology entfernt den Pool {pool}, den OldTopology enthält",
    ),
    (
        "msg.pending.changes",
        "NewTopology changes pool {pool}: {fact} is {now}, was {before} in OldTopology",
        "NewTopology ändert den Pool {pool}: {fact} ist {now}, war {before} in OldTopology",
    ),
    (
        "where.sheet_row",
        "sheet \"{sheet}\" row {row}",
        "Blatt „{sheet}“ Zeile {row}",
    ),
    ("where.line", "line {row}", "Zeile {row}"),
    ("note.at", "{place}: {text}", "{place}: {text}"),
    (
        "note.not_a_pool_fqdn",
        "\"{raw}\" is not a pool FQDN; the row is skipped",
        "„{raw}“ ist kein Pool-FQDN; die Zeile wird übersprungen",
    ),
    (
        "note.registrar_roles_unknown",
        "Get-CsService -Registrar does not say whether a Registrar pool is a front-end pool or a branch appliance (SBA/SBS); their roles come from the topology, Get-CsPool or an inventory",
        "Get-CsService -Registrar sagt nicht, ob ein Registrar-Pool ein Front-End-Pool oder eine Zweigstellen-Appliance (SBA/SBS) ist; die Rollen kommen aus der Topologie, aus Get-CsPool oder aus einem Inventar",
    ),
    (
        "note.unused_columns",
        "inventory columns not used by lyncpair: {columns}",
        "Inventarspalten, die lyncpair nicht verwendet: {columns}",
    ),
    (
        "note.unused_columns.sheet",
        "inventory columns not used by lyncpair (sheet \"{sheet}\"): {columns}",
        "Inventarspalten, die lyncpair nicht verwendet (Blatt „{sheet}“): {columns}",
    ),
    (
        "note.other_sheets",
        "sheet \"{sheet}\" is read; sheet(s) {others} look like inventories too and are not read (choose one with --sheet)",
        "Blatt „{sheet}“ wird gelesen; Blatt/Blätter {others} sehen ebenfalls wie Inventare aus und werden nicht gelesen (eines mit --sheet wählen)",
    ),
    (
        "note.inv.role",
        "{fqdn}: role \"{raw}\" is not front-end, director, branch (SBA/SBS), edge or mediation; read as other",
        "{fqdn}: Rolle „{raw}“ ist weder Front-End, Director, Zweigstelle (SBA/SBS), Edge noch Vermittlung; als Sonstige gelesen",
    ),
    (
        "note.inv.edition",
        "{fqdn}: edition \"{raw}\" is neither Enterprise nor Standard; left unknown",
        "{fqdn}: Edition „{raw}“ ist weder Enterprise noch Standard; bleibt unbekannt",
    ),
    (
        "note.inv.version",
        "{fqdn}: version \"{raw}\" {why}; left unknown",
        "{fqdn}: Version „{raw}“ {why}; bleibt unbekannt",
    ),
    (
        "note.inv.target_version",
        "{fqdn}: target version \"{raw}\" {why}; ignored",
        "{fqdn}: Zielversion „{raw}“ {why}; ignoriert",
    ),
    (
        "note.inv.target_differs",
        "{fqdn}: target version {target} differs from the current version {current}; the current one is audited",
        "{fqdn}: Zielversion {target} weicht von der aktuellen Version {current} ab; geprüft wird die aktuelle",
    ),
    (
        "note.inv.target_used",
        "{fqdn}: no current version; the target version {target} is used (a pool still to be built)",
        "{fqdn}: keine aktuelle Version; die Zielversion {target} wird verwendet (ein Pool, der noch gebaut wird)",
    ),
    (
        "note.inv.servers",
        "{fqdn}: server count \"{raw}\" is not a whole number; left unknown",
        "{fqdn}: Serveranzahl „{raw}“ ist keine ganze Zahl; bleibt unbekannt",
    ),
    (
        "note.inv.users",
        "{fqdn}: user count \"{raw}\" is not a whole number; left unknown",
        "{fqdn}: Benutzerzahl „{raw}“ ist keine ganze Zahl; bleibt unbekannt",
    ),
    (
        "note.inv.virtual",
        "{fqdn}: \"{raw}\" does not say physical or virtual; left unknown",
        "{fqdn}: „{raw}“ sagt weder physisch noch virtuell; bleibt unbekannt",
    ),
    (
        "note.inv.backup",
        "{fqdn}: backup \"{raw}\" is not a pool FQDN; ignored",
        "{fqdn}: Sicherungspool „{raw}“ ist kein Pool-FQDN; ignoriert",
    ),
    (
        "note.inv.replaces",
        "{fqdn}: replaces \"{raw}\", which is not a pool FQDN; ignored",
        "{fqdn}: ersetzt „{raw}“, das ist aber kein Pool-FQDN; ignoriert",
    ),
    (
        "note.version.bare_number",
        "is a bare number: ServiceVersion 6 means 2013 but build 6.x means 2015, so it is ambiguous",
        "ist eine bloße Zahl: ServiceVersion 6 bedeutet 2013, Build 6.x aber 2015, also ist sie mehrdeutig",
    ),
    (
        "note.version.unknown_build",
        "is a build number of no known Lync or Skype for Business release",
        "ist die Buildnummer keiner bekannten Version von Lync oder Skype for Business",
    ),
    (
        "note.version.no_release",
        "names no Lync or Skype for Business Server release (2010, 2013, 2015, 2019)",
        "nennt keine Version von Lync oder Skype for Business Server (2010, 2013, 2015, 2019)",
    ),
    (
        "note.version.several_releases",
        "names more than one release",
        "nennt mehr als eine Version",
    ),
    (
        "note.csv.no_usable_row",
        "this {cmdlet} export holds no row lyncpair could use",
        "dieser Export von {cmdlet} enthält keine Zeile, die lyncpair verwenden kann",
    ),
    (
        "note.csv.registrar_without_pool",
        "a Registrar row without PoolFqdn or Identity is skipped",
        "eine Registrar-Zeile ohne PoolFqdn oder Identity wird übersprungen",
    ),
    (
        "note.csv.version",
        "{fqdn}: Version \"{raw}\" is not 5, 6, 7 or 8; version left unknown",
        "{fqdn}: Version „{raw}“ ist nicht 5, 6, 7 oder 8; die Version bleibt unbekannt",
    ),
    (
        "note.csv.no_backup_pool_fqdn",
        "{fqdn}: Get-CsPoolBackupRelationship gave no BackupPoolFqdn (the column name is inferred); it returned: {seen}",
        "{fqdn}: Get-CsPoolBackupRelationship lieferte kein BackupPoolFqdn (der Spaltenname ist erschlossen); geliefert wurde: {seen}",
    ),
    (
        "note.csv.unreadable",
        "{fqdn}: {column} \"{raw}\" cannot be read; left unknown",
        "{fqdn}: {column} „{raw}“ ist nicht lesbar; bleibt unbekannt",
    ),
    (
        "note.csv.role_undecided",
        "Get-CsPool lists a Registrar but no user services for {pools}: a Director or a branch appliance (SBA/SBS); the role comes from the topology or another input",
        "Get-CsPool nennt für {pools} einen Registrar, aber keine Benutzerdienste: ein Director oder eine Zweigstellen-Appliance (SBA/SBS); die Rolle kommt aus der Topologie oder einer anderen Eingabe",
    ),
    (
        "note.csv.site_type",
        "site \"{name}\": SiteType \"{raw}\" is neither central nor branch; read as central",
        "Standort „{name}“: SiteType „{raw}“ ist weder zentral noch Zweigstelle; als zentral gelesen",
    ),
    (
        "note.csv.users_backups",
        "{fqdn}: its users name different backup pools: {all}; {backup} is used",
        "{fqdn}: seine Benutzer nennen verschiedene Sicherungspools: {all}; verwendet wird {backup}",
    ),
    (
        "note.csv.users_without_pool",
        "{n} user row(s) name no {column} and are not counted",
        "{n} Benutzerzeile(n) nennen kein {column} und werden nicht gezählt",
    ),
    (
        "note.zip.empty_topology",
        "an empty <Topology/> element holds no sites or pools",
        "ein leeres <Topology/>-Element enthält keine Standorte und keine Pools",
    ),
    (
        "note.zip.further_doc_item_set",
        "the archive holds a further {other}; only {read} was read",
        "das Archiv enthält ein weiteres {other}; gelesen wurde nur {read}",
    ),
    (
        "note.dependency_usage",
        "{fqdn}: dependency of {service} on {target} has Usage=\"{usage}\" (only \"Default\" is known); kept as is",
        "{fqdn}: Abhängigkeit von {service} auf {target} hat Usage=\"{usage}\" (bekannt ist nur \"Default\"); unverändert übernommen",
    ),
    (
        "note.dependency_missing",
        "{fqdn}: {service} depends on service {target}, which is not in the file; the dependency is ignored",
        "{fqdn}: {service} hängt vom Dienst {target} ab, der nicht in der Datei steht; die Abhängigkeit wird ignoriert",
    ),
    (
        "note.several_backups",
        "{fqdn}: Registrar {registrar} has {n} Backup elements; a Registrar has one backup, so the first (line {line}) is used and the others are ignored",
        "{fqdn}: Registrar {registrar} hat {n} Backup-Elemente; ein Registrar hat einen Sicherungspool, daher gilt das erste (Zeile {line}) und die übrigen werden ignoriert",
    ),
    // Facts of a pool, as `source-conflict` names them (the keys of `Pool::provenance`).
    ("fact.site", "site", "Standort"),
    ("fact.role", "role", "Rolle"),
    ("fact.edition", "edition", "Edition"),
    ("fact.version", "version", "Version"),
    ("fact.servers", "servers", "Serveranzahl"),
    ("fact.users", "users", "Benutzerzahl"),
    ("fact.virtual", "virtual", "virtuell"),
    ("fact.os", "os", "Betriebssystem"),
    ("fact.backup", "backup", "Sicherungspool"),
    ("fact.backup_service", "backup_service", "Sicherungsdienst"),
    ("fact.cms", "cms", "zentraler Verwaltungsspeicher"),
    (
        "msg.source_conflict",
        "{pool}: {fact} is \"{used}\" in {used_source} but \"{other}\" in {other_source}; \"{used}\" is used",
        "{pool}: {fact} ist „{used}“ in {used_source}, aber „{other}“ in {other_source}; „{used}“ wird verwendet",
    ),
    (
        "msg.acceptance_unused",
        "the acceptance of {code} for {pools} (\"{reason}\", until {until}) matches no finding: remove it, or correct its code or pools",
        "die Akzeptanz von {code} für {pools} („{reason}“, bis {until}) passt zu keinem Befund: entfernen oder Code bzw. Pools korrigieren",
    ),
    (
        "msg.acceptance_expired",
        "the acceptance of {code} for {pools} (\"{reason}\") ended on {until}: the finding counts again; fix it or renew the entry",
        "die Akzeptanz von {code} für {pools} („{reason}“) endete am {until}: Der Befund zählt wieder; beheben oder den Eintrag verlängern",
    ),
    // Fix texts (crate::rules::fix), keyed by rule code.
    (
        "fix.lync2010",
        "Nothing to repair in Lync 2010: this relationship disappears with the migration, when the users of {pools} move to a successor of Lync 2013 or later that is paired 1:1. Run `lyncpair plan` for the successors, their pairs and the new backups of branch registrars.",
        "In Lync 2010 ist nichts zu reparieren: Diese Beziehung entfällt mit der Migration, wenn die Benutzer von {pools} auf einen 1:1 gepaarten Nachfolger ab Lync 2013 umziehen. `lyncpair plan` zeigt die Nachfolger, ihre Paare und die neuen Sicherungspools der Zweigstellen-Registrare.",
    ),
    (
        "fix.backup-many-to-one",
        "Give every pool one partner: pair the hub with one of the pools naming it (Topology Builder: Edit Properties > Resiliency > Associated Backup Pool) and the others with other pools; `lyncpair plan` suggests the pairs.",
        "Jedem Pool genau einen Partner geben: den Hub mit einem der Pools paaren, die ihn nennen (Topologie-Generator: Eigenschaften bearbeiten > Resilienz > Zugeordneter Sicherungspool), und die übrigen mit anderen Pools; `lyncpair plan` schlägt die Paare vor.",
    ),
    (
        "fix.backup-not-reciprocal",
        "Make the pair mutual: set the partner's Associated Backup Pool to this pool in Topology Builder (configuring one side sets both), or choose other partners for both; publish.",
        "Das Paar gegenseitig machen: im Topologie-Generator den zugeordneten Sicherungspool des Partners auf diesen Pool setzen (eine Seite einzurichten setzt beide) oder für beide andere Partner wählen; veröffentlichen.",
    ),
    (
        "fix.backup-self",
        "Choose another front-end pool as backup in Topology Builder (Resiliency) and publish.",
        "Im Topologie-Generator (Resilienz) einen anderen Front-End-Pool als Sicherungspool wählen und veröffentlichen.",
    ),
    (
        "fix.backup-unknown-pool",
        "Add the export that defines the named pool to the inputs; if that pool was removed, choose an existing backup pool in Topology Builder and publish.",
        "Den Export, der den genannten Pool enthält, zu den Eingaben hinzufügen; wurde der Pool entfernt, im Topologie-Generator einen vorhandenen Sicherungspool wählen und veröffentlichen.",
    ),
    (
        "fix.backup-invalid-target",
        "Choose a front-end pool as backup: Directors, branch registrars, Edge and other pools cannot be backup pools.",
        "Einen Front-End-Pool als Sicherungspool wählen: Director, Zweigstellen-Registrare, Edge- und sonstige Pools können keine Sicherungspools sein.",
    ),
    (
        "fix.backup-missing.planned",
        "Nothing to do yet: `lyncpair plan` gives this planned pool a partner.",
        "Noch nichts zu tun: `lyncpair plan` gibt diesem geplanten Pool einen Partner.",
    ),
    (
        "fix.backup-missing",
        "Pair the pool with a compatible front-end pool in another central site (Topology Builder: Resiliency > Associated Backup Pool); `lyncpair plan` suggests one.",
        "Den Pool mit einem kompatiblen Front-End-Pool an einem anderen zentralen Standort paaren (Topologie-Generator: Resilienz > Zugeordneter Sicherungspool); `lyncpair plan` schlägt einen vor.",
    ),
    (
        "fix.pair-edition-mismatch",
        "Pair pools of the same edition: Enterprise with Enterprise, Standard with Standard.",
        "Pools derselben Edition paaren: Enterprise mit Enterprise, Standard mit Standard.",
    ),
    (
        "fix.pair-platform-mismatch",
        "Pair physical pools with physical pools and virtual with virtual.",
        "Physische Pools mit physischen paaren und virtuelle mit virtuellen.",
    ),
    (
        "fix.pair-os-mismatch",
        "Bring both pools to the same Windows Server version, or pair each with a pool of its own.",
        "Beide Pools auf dieselbe Version von Windows Server bringen oder jeden mit einem passenden Pool paaren.",
    ),
    (
        "fix.pair-version-mismatch",
        "Upgrade both pools of the pair back to back, without unpairing them, or pair pools of one version.",
        "Beide Pools des Paares direkt nacheinander aktualisieren, ohne das Paar aufzulösen, oder Pools einer Version paaren.",
    ),
    (
        "fix.pair-same-site",
        "Pair with a pool in another central site, so that one disaster cannot take out both.",
        "Mit einem Pool an einem anderen zentralen Standort paaren, damit ein einziger Ausfall nicht beide trifft.",
    ),
    (
        "fix.pair-capacity",
        "Add front-end servers (one per 6,660 users, up to 12), move users or branch registrars to other pools, or pair with a smaller pool.",
        "Front-End-Server hinzufügen (einen je 6 660 Benutzer, höchstens 12), Benutzer oder Zweigstellen-Registrare auf andere Pools verschieben oder mit einem kleineren Pool paaren.",
    ),
    (
        "fix.branch-backup-invalid",
        "Associate the branch registrar with a central-site front-end pool as its backup Registrar (Topology Builder: the branch's Resiliency settings).",
        "Den Zweigstellen-Registrar einem Front-End-Pool eines zentralen Standorts als Sicherungs-Registrar zuordnen (Topologie-Generator: Resilienz-Einstellungen der Zweigstelle).",
    ),
    (
        "fix.branch-backup-missing",
        "Associate the branch registrar with a central-site front-end pool as its backup Registrar.",
        "Den Zweigstellen-Registrar einem Front-End-Pool eines zentralen Standorts als Sicherungs-Registrar zuordnen.",
    ),
    (
        "fix.branch-no-dr",
        "Nothing to change: branch users keep voice resiliency through the backup pool but get no pool failover; plan their continuity separately.",
        "Nichts zu ändern: Benutzer der Zweigstelle behalten die Sprach-Ausfallsicherheit über den Sicherungspool, erhalten aber kein Pool-Failover; ihre Kontinuität gesondert planen.",
    ),
    (
        "fix.timer-out-of-range",
        "Set both intervals between 30 and 86,400 seconds (Topology Builder: Resiliency; defaults 120 s and 240 s).",
        "Beide Intervalle zwischen 30 und 86 400 Sekunden setzen (Topologie-Generator: Resilienz; Vorgaben 120 s und 240 s).",
    ),
    (
        "fix.timer-below-recommended",
        "Raise the interval to 120 seconds or more (Topology Builder defaults: 120 s failure detection, 240 s failback).",
        "Das Intervall auf 120 Sekunden oder mehr erhöhen (Vorgaben des Topologie-Generators: 120 s Ausfallerkennung, 240 s Failback).",
    ),
    (
        "fix.timer-order",
        "Set the failback interval above the failure-detection interval (defaults 120 s and 240 s).",
        "Das Failback-Intervall länger als das Intervall der Ausfallerkennung setzen (Vorgaben 120 s und 240 s).",
    ),
    (
        "fix.source-conflict",
        "Check which input is current and correct or remove the stale one; meanwhile the more authoritative input is used.",
        "Prüfen, welche Eingabe aktuell ist, und die veraltete korrigieren oder entfernen; bis dahin gilt die maßgeblichere Eingabe.",
    ),
    (
        "fix.export-lossy",
        "Export again without losing characters: Get-CsTopology -AsXml | Out-File -Encoding Unicode, and Export-Csv -Encoding UTF8 with expanded properties.",
        "Erneut ohne Zeichenverlust exportieren: Get-CsTopology -AsXml | Out-File -Encoding Unicode, und Export-Csv -Encoding UTF8 mit aufgelösten Eigenschaften.",
    ),
    (
        "fix.topology-unpublished-change",
        "Publish the Topology Builder changes (or discard them), then export the topology again.",
        "Die Änderungen im Topologie-Generator veröffentlichen (oder verwerfen), dann die Topologie erneut exportieren.",
    ),
    (
        "fix.acceptance-expired",
        "Fix the finding, or renew the entry in the --accept file with a new date and reason.",
        "Den Befund beheben oder den Eintrag in der --accept-Datei mit neuem Datum und Grund verlängern.",
    ),
    (
        "fix.acceptance-unused",
        "Remove the entry from the --accept file, or correct its code or pools.",
        "Den Eintrag aus der --accept-Datei entfernen oder seinen Code oder seine Pools korrigieren.",
    ),
    // Plan reasons (crate::plan), built as messages.
    (
        "reason.diff.version",
        "version ({a} vs {b})",
        "Version ({a} gegenüber {b})",
    ),
    (
        "reason.diff.edition",
        "edition ({a} vs {b})",
        "Edition ({a} gegenüber {b})",
    ),
    (
        "reason.diff.platform",
        "platform ({a} vs {b})",
        "Plattform ({a} gegenüber {b})",
    ),
    (
        "reason.diff.os",
        "operating system ({a} vs {b})",
        "Betriebssystem ({a} gegenüber {b})",
    ),
    (
        "reason.differs_in",
        "differs in {diffs}",
        "unterscheidet sich in {diffs}",
    ),
    (
        "reason.over_capacity",
        "over capacity ({problem})",
        "über der Kapazität ({problem})",
    ),
    (
        "reason.forbidden",
        "forbidden (--forbid)",
        "verboten (--forbid)",
    ),
    (
        "reason.inelig.lync2010",
        "it is a Lync 2010 pool, which has no pool pairing; migrate it first",
        "es ist ein Pool von Lync 2010, das keine Pool-Paarung kennt; zuerst migrieren",
    ),
    (
        "reason.inelig.version_unknown",
        "its version is unknown; state it (topology ServiceVersion, the cmdlet Version column or the inventory) so it can be planned",
        "seine Version ist unbekannt; sie angeben (ServiceVersion der Topologie, Spalte Version des Cmdlet-Exports oder das Inventar), damit er geplant werden kann",
    ),
    (
        "reason.inelig.branch",
        "it is a branch registrar (SBA/SBS): it is backed by a pool but never paired",
        "es ist ein Zweigstellen-Registrar (SBA/SBS): Er wird von einem Pool gesichert, aber nie gepaart",
    ),
    (
        "reason.inelig.role",
        "it is a {role} pool; only front-end pools are paired",
        "es ist ein Pool der Rolle {role}; gepaart werden nur Front-End-Pools",
    ),
    (
        "reason.not_eligible_2010",
        "not eligible: Lync 2010, migrate first to {successor} ({today})",
        "nicht planbar: Lync 2010, zuerst nach {successor} migrieren ({today})",
    ),
    (
        "reason.not_eligible",
        "not eligible: {why}",
        "nicht planbar: {why}",
    ),
    (
        "reason.edition_unknown",
        "no compatible partner: its edition is unknown and pools pair only with the same edition; state it (Standard or Enterprise) in an inventory or cmdlet export",
        "kein kompatibler Partner: seine Edition ist unbekannt, und Pools werden nur mit derselben Edition gepaart; sie (Standard oder Enterprise) in einem Inventar oder Cmdlet-Export angeben",
    ),
    (
        "reason.only_pool",
        "no compatible partner: it is the only front-end pool of Lync 2013 or later in the estate",
        "kein kompatibler Partner: er ist der einzige Front-End-Pool ab Lync 2013 in der Umgebung",
    ),
    (
        "reason.blocked_with",
        "{why} with {names}",
        "{why} mit {names}",
    ),
    (
        "reason.no_compatible",
        "no compatible partner: {parts}",
        "kein kompatibler Partner: {parts}",
    ),
    (
        "reason.taken",
        "{pool} with {partner}",
        "{pool} mit {partner}",
    ),
    (
        "reason.taken_pin",
        "{pool} with {partner} by --pin",
        "{pool} mit {partner} per --pin",
    ),
    (
        "reason.taken_none",
        "{pool} (unpaired)",
        "{pool} (ohne Partner)",
    ),
    (
        "reason.odd_one_out",
        "odd one out: every compatible partner is paired with another pool ({names})",
        "übrig geblieben: Jeder kompatible Partner ist mit einem anderen Pool gepaart ({names})",
    ),
    (
        "reason.names_more",
        "{names} and {count} more",
        "{names} und {count} weitere",
    ),
    (
        "reason.today.backup",
        "backup today: {pool}",
        "Sicherung heute: {pool}",
    ),
    (
        "reason.today.no_backup",
        "no backup today",
        "heute keine Sicherung",
    ),
    (
        "reason.today.backup_of",
        "backup of {pools}",
        "Sicherung für {pools}",
    ),
    (
        "reason.today.branches",
        "backs branch registrars {pools}",
        "sichert die Zweigstellen-Registrare {pools}",
    ),
    (
        "reason.fate.paired",
        "{pool} is paired with {other}",
        "{pool} wird mit {other} gepaart",
    ),
    (
        "reason.fate.unpaired",
        "{pool} stays unpaired",
        "{pool} bleibt ohne Partner",
    ),
    (
        "reason.retired",
        "{pool} is a Lync 2010 pool, retired by the migration: its users move to {successor} ({fate})",
        "{pool} ist ein Pool von Lync 2010, den die Migration außer Betrieb nimmt: Seine Benutzer ziehen nach {successor} um ({fate})",
    ),
    (
        "reason.unknown_version",
        "{pool} is of unknown version and not planned",
        "{pool} hat eine unbekannte Version und wird nicht geplant",
    ),
    (
        "reason.names_itself",
        "it names itself",
        "er nennt sich selbst",
    ),
    (
        "reason.not_in_estate",
        "{pool} is not a pool of the estate",
        "{pool} ist kein Pool der Umgebung",
    ),
    (
        "reason.not_front_end",
        "{pool} is a {role} pool, not a front-end pool",
        "{pool} ist ein Pool der Rolle {role}, kein Front-End-Pool",
    ),
    (
        "reason.pair.reciprocal",
        "already paired both ways today",
        "heute schon gegenseitig gepaart",
    ),
    (
        "reason.pair.kept",
        "one pool names the other today, made reciprocal",
        "ein Pool nennt den anderen heute schon, wird gegenseitig",
    ),
    ("reason.pair.new", "a new pair", "ein neues Paar"),
    (
        "reason.leaves",
        "{pool} leaves its former partner {former}",
        "{pool} verlässt seinen bisherigen Partner {former}",
    ),
    (
        "reason.successor.proposed",
        "{pool} is the proposed successor of {pools}",
        "{pool} ist der vorgeschlagene Nachfolger von {pools}",
    ),
    (
        "reason.successor.declared",
        "{pool} is the declared successor of {pools}",
        "{pool} ist der angegebene Nachfolger von {pools}",
    ),
    (
        "reason.not_deployed",
        "{pool} is not deployed yet",
        "{pool} ist noch nicht bereitgestellt",
    ),
    (
        "reason.move.no_backup",
        "it has no backup Registrar",
        "er hat keinen Sicherungs-Registrar",
    ),
    (
        "reason.move.self",
        "it names itself as backup",
        "er nennt sich selbst als Sicherung",
    ),
    (
        "reason.move.unknown",
        "its backup {backup} is not a pool of the estate",
        "seine Sicherung {backup} ist kein Pool der Umgebung",
    ),
    (
        "reason.move.lync2010",
        "its backup {backup} is a Lync 2010 pool, retired by the migration",
        "seine Sicherung {backup} ist ein Pool von Lync 2010, den die Migration außer Betrieb nimmt",
    ),
    (
        "reason.move.cannot",
        "its backup {backup} cannot back it: {why}",
        "seine Sicherung {backup} kann ihn nicht sichern: {why}",
    ),
    (
        "reason.move.successor_paired",
        "{cause}; its successor {successor} is paired with {partner}",
        "{cause}; sein Nachfolger {successor} wird mit {partner} gepaart",
    ),
    (
        "reason.move.nothing",
        "{cause}; the plan pairs no pool, so there is nothing to recommend yet",
        "{cause}; der Plan paart keinen Pool, daher gibt es noch keine Empfehlung",
    ),
    (
        "reason.move.successor_unpaired",
        "{cause}; its successor {successor} is not paired; {how}",
        "{cause}; sein Nachfolger {successor} ist nicht gepaart; {how}",
    ),
    (
        "reason.spare.before",
        "{spare} users of spare capacity before",
        "vorher {spare} Benutzer freie Kapazität",
    ),
    (
        "reason.spare.short",
        "only {spare} users of spare capacity, so its pair goes over capacity by {over}",
        "nur {spare} Benutzer freie Kapazität, sein Paar überschreitet die Kapazität daher um {over}",
    ),
    (
        "reason.spare.unknown",
        "capacity not checked: users unknown",
        "Kapazität nicht geprüft: Benutzerzahl unbekannt",
    ),
    (
        "reason.users.unknown",
        "its users (count unknown)",
        "seine Benutzer (Zahl unbekannt)",
    ),
    (
        "reason.users",
        "its {users} users",
        "seine {users} Benutzer",
    ),
    (
        "reason.parent_pool",
        "{pool} is a paired pool of its parent central site {parent} ({spare}; {users} count toward it)",
        "{pool} ist ein gepaarter Pool seines zentralen Standorts {parent} ({spare}; {users} zählen zu ihm)",
    ),
    (
        "reason.most_spare",
        "{pool} is the paired pool with the most spare capacity ({spare}; {users} count toward it)",
        "{pool} ist der gepaarte Pool mit der meisten freien Kapazität ({spare}; {users} zählen zu ihm)",
    ),
    (
        "reason.parent_no_room",
        "no paired pool of its parent central site {parent} has room; {rest}",
        "kein gepaarter Pool seines zentralen Standorts {parent} hat Platz; {rest}",
    ),
    ("rules.basis", "basis", "Grundlage"),
    ("rules.source", "source", "Quelle"),
    ("finding.fix", "Fix", "Behebung"),
    ("human.fix", "Fix:", "Behebung:"),
];

/// German rule explanations; the English ones are [`crate::rules::CATALOGUE`]'s `summary` and `source`.
static RULES_DE: &[(Code, &str, &str)] = &[
    (
        Code::BackupManyToOne,
        "Ein Front-End-Pool ist Sicherungspool für mehr als einen Front-End-Pool; ab Lync 2013 hat ein Pool genau einen Partner.",
        "Nicht unterstützt (neue verhindert der Topologie-Generator)",
    ),
    (
        Code::BackupNotReciprocal,
        "Pool P nennt Q als Sicherungspool, Q aber keinen oder einen anderen Pool; ab Lync 2013 sichern sich die Pools eines Paares gegenseitig.",
        "Nicht unterstützt",
    ),
    (
        Code::BackupSelf,
        "Ein Pool ist als sein eigener Sicherungspool eingetragen.",
        "Abgeleitet",
    ),
    (
        Code::BackupUnknownPool,
        "Die Sicherung verweist auf einen Pool (FQDN oder Dienstkennung), den keine Eingabe dieser Umgebung enthält: Die Eingaben sind unvollständig oder veraltet.",
        "Projektregel",
    ),
    (
        Code::BackupInvalidTarget,
        "Der Sicherungspool eines Front-End-Pools ist ein Director, ein Zweigstellen-Registrar, ein Edge- oder ein sonstiger Pool; gepaart werden nur Front-End-Pools.",
        "Abgeleitet",
    ),
    (
        Code::BackupMissing,
        "Ein Front-End-Pool hat keinen Sicherungspool: kein Pool-Failover und keine Ausfallsicherheit der Registrierung (nur ein Hinweis bei einem geplanten Pool, dem der Plan einen Partner gibt).",
        "Empfehlung",
    ),
    (
        Code::PairEditionMismatch,
        "Ein Pool der Enterprise Edition ist mit einem Server der Standard Edition gepaart.",
        "Nicht unterstützt, vom Topologie-Generator nicht verhindert",
    ),
    (
        Code::PairPlatformMismatch,
        "Ein physischer Pool ist mit einem virtualisierten gepaart.",
        "Nicht unterstützt, vom Topologie-Generator nicht verhindert",
    ),
    (
        Code::PairOsMismatch,
        "Die gepaarten Pools laufen auf unterschiedlichen Betriebssystemen.",
        "Nicht unterstützt, vom Topologie-Generator nicht verhindert",
    ),
    (
        Code::PairVersionMismatch,
        "Die gepaarten Pools haben verschiedene Produktversionen: ein Fehler, wenn einer Lync 2010 ist (dort gibt es keine Paarung) oder einer 2019 und der andere nicht, eine Warnung für 2013 mit 2015 (das Zeitfenster des direkten Upgrades).",
        "Abgeleitet",
    ),
    (
        Code::PairSameSite,
        "Beide Pools eines Paares stehen am selben Standort; ein einziger Ausfall kann beide treffen.",
        "Empfehlung",
    ),
    (
        Code::PairCapacity,
        "Nach einem Failover kann ein Pool die Benutzer beider Pools nicht tragen (80 000 je Enterprise-Pool, 5 000 je Standard-Server, ein Front-End-Server je 6 660 Benutzer, höchstens 12).",
        "Empfehlung",
    ),
    (
        Code::BranchBackupInvalid,
        "Ein Zweigstellen-Registrar (SBA/SBS) wird nicht von einem Front-End-Pool eines zentralen Standorts gesichert.",
        "Vom Topologie-Generator verhindert (abgeleitet aus der Hilfe)",
    ),
    (
        Code::BranchBackupMissing,
        "Ein Zweigstellen-Registrar (SBA/SBS) hat keinen Sicherungspool.",
        "Empfehlung",
    ),
    (
        Code::BranchNoDr,
        "Benutzer auf einem Zweigstellen-Registrar erhalten keine Notfallwiederherstellung des Pools: Fällt ihr Sicherungspool aus, bleiben sie im Ausfallsicherheitsmodus.",
        "Für SBAs dokumentiert; für SBSs abgeleitet",
    ),
    (
        Code::TimerOutOfRange,
        "Ein Intervall für Ausfallerkennung oder Failback liegt außerhalb von 30 bis 86 400 Sekunden.",
        "Dokumentierter Wertebereich der Cmdlet-Parameter",
    ),
    (
        Code::TimerBelowRecommended,
        "Ein Failover-Intervall liegt unter 120 Sekunden; ein kurz überlasteter primärer Pool kann unnötige Failovers auslösen.",
        "Empfehlung",
    ),
    (
        Code::TimerOrder,
        "Das Failback-Intervall ist nicht länger als das Intervall der Ausfallerkennung (Vorgaben des Topologie-Generators: 120 s und 240 s).",
        "Abgeleitet aus den Vorgaben des Topologie-Generators",
    ),
    (
        Code::SourceConflict,
        "Zwei Eingaben widersprechen sich bei einer Angabe zu einem Pool (Edition, Version, Standort, Sicherung, Benutzer, Virtualisierung, Betriebssystem); der Bericht zeigt den verwendeten Wert.",
        "Projektregel",
    ),
    (
        Code::ExportLossy,
        "Ein Export hat Informationen verloren: „?“ anstelle von Zeichen in Namen (ASCII-Export) oder .NET-Auflistungstypen in CSV-Zellen.",
        "Projektregel: ein ASCII-Export oder Export-Csv verliert, was er nicht schreiben kann",
    ),
    (
        Code::TopologyUnpublishedChange,
        "Ein Topology-Builder-Dokument ändert einen Pool gegenüber der Topologie, mit der es heruntergeladen wurde (NewTopology gegenüber OldTopology); geprüft wird die noch nicht veröffentlichte NewTopology.",
        "Projektregel: eine Datei des Topologie-Generators enthält nicht veröffentlichte Änderungen",
    ),
    (
        Code::AcceptanceExpired,
        "Ein Eintrag der --accept-Datei passt zu diesem Befund, sein Datum ist aber abgelaufen: Der Befund zählt wieder, bis der Eintrag verlängert oder die Ursache behoben ist.",
        "Projektregel; docs/accept.md",
    ),
    (
        Code::AcceptanceUnused,
        "Ein Eintrag der --accept-Datei passt zu keinem Befund: Der Befund wurde behoben oder der Eintrag ist falsch geschrieben; entfernen oder korrigieren.",
        "Projektregel; docs/accept.md",
    ),
];

/// A finding message, fix text or plan reason: a label key plus named arguments, turned into text
/// in the reader's language only at output time ([`Message::render`]). Rules build it, renderers
/// render it; neither composes sentences of its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message {
    /// The key of the text in the table.
    pub key: &'static str,
    /// Its named arguments.
    pub params: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arg {
    /// Data (a pool name, a number): the same in every language.
    Text(String),
    /// A label of the table (`role.director`), translated.
    Label(String),
    /// A message of its own, translated.
    Msg(Message),
    /// Messages joined by the separator, each translated.
    Join(Vec<Message>, &'static str),
}

impl Message {
    pub(crate) fn new(key: &'static str) -> Message {
        Message {
            key,
            params: Vec::new(),
        }
    }

    /// Text that has no template (an importer's own wording): shown as is in every language.
    pub(crate) fn verbatim(text: impl Into<String>) -> Message {
        Message::new("verbatim").arg("text", text)
    }

    pub(crate) fn arg(mut self, name: &'static str, value: impl Into<String>) -> Message {
        self.params.push((name, Arg::Text(value.into())));
        self
    }

    pub(crate) fn label(mut self, name: &'static str, key: impl Into<String>) -> Message {
        self.params.push((name, Arg::Label(key.into())));
        self
    }

    pub(crate) fn msg(mut self, name: &'static str, message: Message) -> Message {
        self.params.push((name, Arg::Msg(message)));
        self
    }

    pub(crate) fn join(
        mut self,
        name: &'static str,
        parts: Vec<Message>,
        separator: &'static str,
    ) -> Message {
        self.params.push((name, Arg::Join(parts, separator)));
        self
    }

    /// The text in `lang`; an unknown key shows as the key (a programming error the tests catch).
    pub fn render(&self, lang: Lang) -> String {
        // Data and labels are borrowed, not copied: every finding renders its message and fix.
        let args = self.params.iter().map(|(name, arg)| {
            let value: Cow<'_, str> = match arg {
                Arg::Text(s) => Cow::Borrowed(s),
                Arg::Label(k) => Cow::Borrowed(t(lang, k)),
                Arg::Msg(m) => Cow::Owned(m.render(lang)),
                Arg::Join(parts, sep) => Cow::Owned(
                    parts
                        .iter()
                        .map(|m| m.render(lang))
                        .collect::<Vec<_>>()
                        .join(sep),
                ),
            };
            (*name, value)
        });
        format_label(lang, self.key, args).unwrap_or_else(|| {
            debug_assert!(false, "unknown message key {}", self.key);
            self.key.to_owned()
        })
    }

    /// Every key this message uses, its own and its arguments', for the completeness tests.
    // No caller left once the library stopped exporting it; i18n.rs is reworked in parallel
    // (issue 14), which decides whether it goes.
    #[allow(dead_code)]
    pub(crate) fn keys(&self) -> Vec<String> {
        let mut out = vec![self.key.to_owned()];
        for (_, arg) in &self.params {
            match arg {
                Arg::Text(_) => {}
                Arg::Label(k) => out.push(k.clone()),
                Arg::Msg(m) => out.extend(m.keys()),
                Arg::Join(parts, _) => out.extend(parts.iter().flat_map(Message::keys)),
            }
        }
        out
    }
}

/// A message in a machine format (audit/v1 `notes[].message`) is its English text.
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.render(Lang::En))
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::verbatim(text)
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::verbatim(text)
    }
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    // Every finding renders two messages: a scan of the whole table per key cost thousands of
    // instructions each, an index built once a few dozen. Keys are unique (tested).
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        LABELS
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| (*k, i))
            .collect()
    });
    index
        .get(key)
        .and_then(|&i| LABELS.get(i))
        .map(|(_, en, de)| match lang {
            Lang::En => *en,
            Lang::De => *de,
        })
}

/// The label for `key`. Unknown keys are a programming error caught by the tests; they show as the key.
pub fn t(lang: Lang, key: &str) -> &'static str {
    lookup(lang, key).unwrap_or_else(|| {
        debug_assert!(false, "unknown label key {key}");
        "?"
    })
}

/// The label for `key` with `{name}` placeholders filled; `n` = "1" picks the `.one` form when there is one.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    format_label(lang, key, args.iter().copied()).unwrap_or_else(|| t(lang, key).to_owned())
}

/// Shared by [`tf`] and the template function: `None` when the key is unknown.
pub(crate) fn format_label(
    lang: Lang,
    key: &str,
    args: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>,
) -> Option<String> {
    // A message has a handful of arguments: a list searched by name costs less than building a
    // hash map of copies of them for every message.
    let args: Vec<_> = args.into_iter().collect();
    let args = Args(&args);
    let singular = args.get("n") == Some("1");
    let text = singular
        .then(|| lookup(lang, &format!("{key}.one")))
        .flatten()
        .or_else(|| lookup(lang, key))?;
    Some(fill(text, &args))
}

/// The named arguments of one label. A name given twice means its last value, as when they were
/// collected into a map.
struct Args<'a, K, V>(&'a [(K, V)]);

impl<'a, K: AsRef<str>, V: AsRef<str>> Args<'a, K, V> {
    fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }
}

/// Replace each `{name}` of `text` by its argument in one left-to-right pass over the label only:
/// a value that itself contains `{files}` (a path can) is copied as is, never filled in again, so
/// the result does not depend on the order of the arguments. Unknown placeholders stay as written.
fn fill<K: AsRef<str>, V: AsRef<str>>(text: &str, args: &Args<'_, K, V>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| Some((close, args.get(&after[..close])?)))
        {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The rule's explanation and basis in the chosen language.
pub fn rule_text(lang: Lang, code: Code) -> (&'static str, &'static str) {
    let info = code.info();
    match lang {
        Lang::En => (info.summary, info.source),
        Lang::De => RULES_DE
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or((info.summary, info.source), |(_, s, b)| (*s, *b)),
    }
}

/// Every key, for the tests and for `t()` error messages.
#[cfg_attr(not(test), allow(dead_code))] // the completeness tests of the table
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    LABELS.iter().map(|(k, _, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::CATALOGUE;
    use std::collections::BTreeSet;

    #[test]
    fn placeholders_are_filled_once_left_to_right() {
        // A folder named "{files}" must come out as written, whatever order the arguments have.
        let dir = "/tmp/{files}/out".to_owned();
        let files = "report.html, audit.json".to_owned();
        let key = "human.written";
        let forward = format_label(
            Lang::En,
            key,
            [("dir", dir.clone()), ("files", files.clone())],
        );
        let backward = format_label(Lang::En, key, [("files", files), ("dir", dir)]);
        assert_eq!(
            forward.as_deref(),
            Some("reports written to /tmp/{files}/out: report.html, audit.json")
        );
        assert_eq!(forward, backward);
    }

    #[test]
    fn keys_are_unique() {
        let keys: BTreeSet<&str> = keys().collect();
        assert_eq!(keys.len(), LABELS.len(), "duplicate label key");
    }

    #[test]
    fn every_german_label_is_filled_and_keeps_the_placeholders() {
        for (key, en, de) in LABELS {
            if en.is_empty() {
                continue; // A German-only remark.
            }
            assert!(!de.is_empty(), "{key} has no German text");
            let placeholders = |s: &str| -> BTreeSet<String> {
                s.split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
                    .collect()
            };
            assert_eq!(placeholders(en), placeholders(de), "{key}");
        }
    }

    #[test]
    fn every_rule_has_a_german_explanation() {
        for r in CATALOGUE {
            let (summary, _) = rule_text(Lang::De, r.id);
            assert_ne!(summary, r.summary, "{} has no German text", r.code);
        }
        assert_eq!(RULES_DE.len(), CATALOGUE.len());
    }

    #[test]
    fn singular_and_placeholders() {
        assert_eq!(
            tf(Lang::De, "verdict.blocked", &[("n", "1")]),
            "Blockiert: 1 Fehler"
        );
        assert_eq!(
            tf(Lang::En, "verdict.blocked", &[("n", "3")]),
            "Blocked: 3 errors"
        );
        assert_eq!(
            tf(Lang::De, "site.branch_of", &[("parent", "Wien")]),
            "Zweigstelle von Wien"
        );
    }

    #[test]
    fn both_languages_have_the_same_label_set() {
        // One table holds both languages, so a key cannot miss a column; what can go missing is the
        // text. The set of keys with English text must equal the set with German text.
        let en: BTreeSet<&str> = LABELS
            .iter()
            .filter(|(_, en, _)| !en.is_empty())
            .map(|(k, _, _)| *k)
            .collect();
        let de: BTreeSet<&str> = LABELS
            .iter()
            .filter(|(_, _, de)| !de.is_empty())
            .map(|(k, _, _)| *k)
            .collect();
        assert_eq!(
            en.symmetric_difference(&de).collect::<Vec<_>>(),
            Vec::<&&str>::new(),
            "keys with text in only one language"
        );
    }

    /// Every literal message key in the code that builds messages.
    fn message_keys_in_code() -> BTreeSet<String> {
        let code = [
            include_str!("rules/backup.rs"),
            include_str!("rules/pair.rs"),
            include_str!("rules/branch.rs"),
            include_str!("rules/timers.rs"),
            include_str!("rules/inputs.rs"),
            include_str!("rules/fix.rs"),
            include_str!("accept.rs"),
            include_str!("plan/mod.rs"),
            include_str!("plan/constraints.rs"),
            include_str!("plan/migration.rs"),
            include_str!("import/csv.rs"),
            include_str!("import/inventory.rs"),
            include_str!("import/resolve.rs"),
            include_str!("import/tbxml.rs"),
            include_str!("import/configzip.rs"),
            include_str!("estate.rs"),
            include_str!("audit.rs"),
        ];
        let mut keys = BTreeSet::new();
        for text in code {
            for quoted in text.split('"').skip(1).step_by(2) {
                let templated = [
                    "msg.", "fix.", "reason.", "timer.", "note.", "fact.", "value.", "where.",
                ]
                .iter()
                .any(|p| quoted.starts_with(p));
                // `format!("fact.{fact}")` builds a key at run time: not a literal one.
                if templated && !quoted.contains([' ', '{']) && !quoted.ends_with('.') {
                    keys.insert(quoted.to_owned());
                }
            }
        }
        keys
    }

    #[test]
    fn every_english_message_template_has_a_german_twin() {
        let used = message_keys_in_code();
        assert!(used.len() > 40, "the scan found too few keys: {used:?}");
        for key in &used {
            let (_, en, de) = LABELS
                .iter()
                .find(|(k, _, _)| k == key)
                .unwrap_or_else(|| panic!("{key} is used in the code but has no template"));
            assert!(!en.is_empty() && !de.is_empty(), "{key}");
        }
        for (key, en, de) in LABELS {
            let templated = ["msg.", "fix.", "reason.", "note.", "value.", "where."]
                .iter()
                .any(|p| key.starts_with(p));
            // Some words read the same in both languages ("{place}: {text}", "Edition").
            let same_in_german = ["note.at"];
            if templated && !same_in_german.contains(key) {
                assert!(!de.is_empty(), "{key} has no German twin");
                assert_ne!(en, de, "{key}: the German twin is the English text");
            }
        }
    }

    #[test]
    fn a_message_renders_its_arguments_in_the_language() {
        let m = Message::new("msg.backup_invalid_target")
            .arg("pool", "a.t")
            .arg("target", "{role}.t")
            .label("role", "role.director");
        assert_eq!(
            m.render(Lang::En),
            "a.t names {role}.t as backup, but that is a director pool; only front-end pools can back up front-end pools"
        );
        assert_eq!(
            m.render(Lang::De),
            "a.t nennt {role}.t als Sicherungspool, das ist aber ein Pool der Rolle Director; nur Front-End-Pools können Front-End-Pools sichern"
        );
        let joined = Message::new("msg.pair_capacity")
            .arg("users", "90000")
            .join(
                "problems",
                vec![
                    Message::new("msg.capacity.enterprise_max")
                        .arg("pool", "a.t")
                        .arg("max", "80000"),
                    Message::new("msg.capacity.standard_max")
                        .arg("pool", "b.t")
                        .arg("max", "5000"),
                ],
                "; ",
            );
        assert!(
            joined.render(Lang::De).ends_with(
                "a.t (Enterprise) trägt höchstens 80000; b.t (Standard) trägt höchstens 5000"
            ),
            "{}",
            joined.render(Lang::De)
        );
    }
}
