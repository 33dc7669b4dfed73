//! `cargo xtask fixtures`: writes the committed xlsx inventory fixtures.
//!
//! The workbooks exercise what real inventories do to a reader: a title row above the header, a site
//! merged over two pool rows, numbers stored as text, formulas with cached results, an empty row, a
//! column lyncpair does not know, and German headers on a second sheet. The creation date is fixed
//! so the files are byte-identical on every run.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError,
};

pub fn run() -> Result<(), String> {
    let root = repo_root();
    let written = [
        (
            root.join("fixtures/importers/fabrikam/inventory.xlsx"),
            fabrikam_inventory as fn(&mut Workbook) -> Result<(), XlsxError>,
        ),
        (
            root.join("fixtures/importers/complete/inventory.xlsx"),
            complete_inventory as fn(&mut Workbook) -> Result<(), XlsxError>,
        ),
        (
            root.join("tests/data/importers/no-header.xlsx"),
            no_header as fn(&mut Workbook) -> Result<(), XlsxError>,
        ),
    ];
    for (path, build) in written {
        write(&path, build).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the repository")
        .to_path_buf()
}

fn write(path: &Path, build: fn(&mut Workbook) -> Result<(), XlsxError>) -> Result<(), XlsxError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    build(&mut workbook)?;
    workbook.save(path)
}

/// A row of text cells from `col` 0 on; empty strings leave the cell blank.
fn texts(ws: &mut Worksheet, row: u32, cells: &[&str]) -> Result<(), XlsxError> {
    for (col, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            ws.write_string(row, col as u16, *text)?;
        }
    }
    Ok(())
}

/// Columns of the English sheet: A Pool FQDN, B Site, C Role, D Edition, E Version, F Servers,
/// G Users, H Virtual, I OS, J Backup Pool, K Target Version, L Owner (unknown to lyncpair).
fn fabrikam_inventory(wb: &mut Workbook) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Pools")?;
    // Row 1: a title above the header; row 2 blank.
    ws.write_string(
        0,
        0,
        "Fabrikam Lync pools (inventory, team-written fixture)",
    )?;
    texts(
        ws,
        2,
        &[
            "Pool FQDN",
            "Site",
            "Role",
            "Edition",
            "Version",
            "Servers",
            "Users",
            "Virtual",
            "OS",
            "Backup Pool",
            "Target Version",
            "Owner",
        ],
    )?;
    // Rows 4 and 5 share the site "Hamburg" through a merged range (value in B4 only).
    texts(
        ws,
        3,
        &[
            "pool-ham.fabrikam.test",
            "",
            "Front End",
            "Enterprise",
            "Lync Server 2013",
            "",
            "",
            "physical",
            "Windows Server 2012 R2 Datacenter",
            "pool-vie.fabrikam.test",
            "",
            "Team Nord",
        ],
    )?;
    ws.write_number(3, 5, 3.0)?;
    texts(
        ws,
        4,
        &[
            "pool-ham19.fabrikam.test",
            "",
            "FE",
            "EE",
            "",
            "",
            // A number stored as text, with a German thousands separator.
            "12.000",
            "VM",
            "Windows Server 2019 Standard",
            "",
            "SfB 2019",
            "Team Nord",
        ],
    )?;
    ws.write_number(4, 5, 4.0)?;
    ws.merge_range(3, 1, 4, 1, "Hamburg", &Format::new())?;
    // Row 6 stays empty.
    texts(
        ws,
        6,
        &[
            "pool-vie.fabrikam.test",
            "Wien",
            "Front End",
            // Disagrees with the topology (Enterprise): a source-conflict.
            "Standard",
            "5.0.8308.0",
            "",
            "",
            "virtual",
            "Windows Server 2016 Standard",
            "pool-ham.fabrikam.test",
            "",
            "Team Süd",
        ],
    )?;
    ws.write_number(6, 5, 2.0)?;
    texts(
        ws,
        7,
        &[
            "pool-vie19.fabrikam.test",
            "Wien",
            "FE",
            "Enterprise",
            "",
            "",
            "",
            "yes",
            "Windows Server 2019 Datacenter",
            "",
            "Skype for Business Server 2019",
            "Team Süd",
        ],
    )?;
    ws.write_number(7, 5, 4.0)?;
    // A formula whose cached result is what a reader sees.
    ws.write_formula(7, 6, Formula::new("=4*3000").set_result("12000"))?;
    texts(
        ws,
        8,
        &[
            "sba-linz.fabrikam.test",
            "Linz",
            "SBA",
            "",
            "2013",
            "",
            "",
            "physical",
            "",
            "pool-ham.fabrikam.test",
            "",
            "Team Nord",
        ],
    )?;
    ws.write_number(8, 5, 1.0)?;
    // A totals row: not a pool.
    ws.write_string(9, 0, "Total")?;
    ws.write_formula(9, 5, Formula::new("=SUM(F4:F9)").set_result("14"))?;
    ws.write_formula(9, 6, Formula::new("=SUM(G4:G9)").set_result("12000"))?;

    // Second sheet, German headers: read only with --sheet Standorte.
    let de = wb.add_worksheet();
    de.set_name("Standorte")?;
    texts(
        de,
        0,
        &[
            "Pool-FQDN",
            "Standort",
            "Anzahl Benutzer",
            "Virtuell",
            "Betriebssystem",
            "Sicherungspool",
            "Bemerkung",
        ],
    )?;
    texts(
        de,
        1,
        &[
            "pool-ham.fabrikam.test",
            "Hamburg",
            "",
            "nein",
            "Windows Server 2012 R2 Datacenter",
            "pool-vie.fabrikam.test",
            "",
        ],
    )?;
    de.write_number(1, 2, 30000.0)?;
    texts(
        de,
        2,
        &[
            "pool-vie.fabrikam.test",
            "Wien",
            "",
            "nein",
            "Windows Server 2012 R2 Standard",
            "pool-ham.fabrikam.test",
            "Migration 2025",
        ],
    )?;
    de.write_number(2, 2, 25000.0)?;
    Ok(())
}

/// The inventory of `fixtures/importers/complete/`: the facts no topology holds (users, physical or
/// virtual, OS) and the planned Sydney pool. The numbers are chosen so that, with the 11 branch users
/// of `users.csv`, Seattle (3 front ends) can no longer carry Seattle + Dublin after a failover:
/// 12000 + 7975 + 6 + 5 = 19986 > 3 * 6660. Without the branch users it would just fit.
/// Singapore's 30 users are stale: `users.csv` counts 24 (a source-conflict the cmdlet CSV wins).
fn complete_inventory(wb: &mut Workbook) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Lync pools")?;
    ws.write_string(
        0,
        0,
        "Contoso Lync/SfB pools, as of 2024-03 (team-written fixture)",
    )?;
    texts(
        ws,
        2,
        &[
            "Pool FQDN",
            "Site",
            "Role",
            "Edition",
            "Version",
            "Servers",
            "Users",
            "Virtual",
            "OS",
            "Backup Pool",
            "Target Version",
            "Comment",
        ],
    )?;
    // (cells, servers, users): counts go in as numbers, as Excel stores typed-in counts.
    let pools: [(&[&str], f64, Option<f64>); 6] = [
        (
            &[
                "pool-sea.contoso.test",
                "Seattle",
                "Front End",
                "Enterprise",
                "Skype for Business Server 2015",
                "",
                "",
                "physical",
                "Windows Server 2012 R2 Datacenter",
                "pool-dub.contoso.test",
                "",
                "HP DL380 Gen9",
            ],
            3.0,
            Some(12_000.0),
        ),
        (
            &[
                "pool-dub.contoso.test",
                "Dublin",
                "Front End",
                "Enterprise",
                "Skype for Business Server 2015",
                "",
                "",
                "virtual",
                "Windows Server 2016 Standard",
                "pool-sea.contoso.test",
                "",
                "Hyper-V cluster DUB-HV01",
            ],
            4.0,
            Some(7_975.0),
        ),
        (
            &[
                "pool-sin.contoso.test",
                "Singapore",
                "Front End",
                "Enterprise",
                "Skype for Business Server 2015",
                "",
                "",
                "physical",
                "Windows Server 2012 R2 Standard",
                "pool-sea.contoso.test",
                "",
                "users counted 2023-11",
            ],
            2.0,
            Some(30.0),
        ),
        (
            &[
                "sba-red.contoso.test",
                "Redmond",
                "SBA",
                "",
                "Skype for Business Server 2015",
                "",
                "",
                "physical",
                "",
                "pool-sea.contoso.test",
                "",
                "appliance",
            ],
            1.0,
            None,
        ),
        (
            &[
                "sba-cork.contoso.test",
                "Cork",
                "SBA",
                "",
                "Skype for Business Server 2015",
                "",
                "",
                "physical",
                "",
                "pool-dub.contoso.test",
                "",
                "appliance",
            ],
            1.0,
            None,
        ),
        (
            // Planned: only the inventory knows it; no current version, the target version is used.
            &[
                "pool-syd.contoso.test",
                "Sydney",
                "Front End",
                "Enterprise",
                "",
                "",
                "",
                "virtual",
                "Windows Server 2016 Datacenter",
                "",
                "Skype for Business Server 2015",
                "planned, build Q3",
            ],
            4.0,
            Some(0.0),
        ),
    ];
    for (i, (cells, servers, users)) in pools.iter().enumerate() {
        let row = 3 + i as u32;
        texts(ws, row, cells)?;
        ws.write_number(row, 5, *servers)?;
        if let Some(users) = users {
            ws.write_number(row, 6, *users)?;
        }
    }
    Ok(())
}

/// A workbook with data but no recognisable header row (broken input for tests).
fn no_header(wb: &mut Workbook) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Notes")?;
    texts(ws, 0, &["Server", "Owner", "Comment"])?;
    texts(ws, 1, &["fe1.fabrikam.test", "Team Nord", "reboot Sunday"])?;
    Ok(())
}
