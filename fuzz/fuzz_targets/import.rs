//! Import of raw bytes by kind. The first byte picks the entry point (modulo 7); the rest is the
//! file. Kind 0 is `import_bytes`, what `lyncpair` runs on every file (it sniffs the content); the
//! others call one importer directly, so each is fuzzed even on bytes the sniffing would send
//! elsewhere: 1 published topology, 2 Topology Builder, 3 configuration zip, 4 cmdlet or inventory
//! CSV, 5 inventory workbook (xlsx/xlsm/xlsb/ods/xls), 6 `import_bytes` with `--sheet`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lyncpair::import::{self, ImportOptions, configzip, csv, inventory, resolve, tbxml, topology};
use lyncpair::model::{Format, Input, InputRecords};
use lyncpair::text;
use lyncpair_fuzz::check_input_error;

const DISPLAY: &str = "fuzz/input";

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let plain = ImportOptions::default();
    let result = match kind % 7 {
        0 => import::import_bytes(bytes, DISPLAY, &plain),
        1 => match text::decode(bytes) {
            // Decoding errors are import_bytes' business; here only the topology reader is fuzzed.
            Err(_) => return,
            Ok(decoded) => match topology::read_published(&decoded.text) {
                Err(_) => return,
                Ok(doc) => {
                    let mut records = InputRecords::new(Input {
                        path: DISPLAY.to_owned(),
                        format: Format::TopologyXml,
                        encoding: decoded.encoding.label().to_owned(),
                    });
                    resolve::resolve(&doc, &mut records);
                    Ok(records)
                }
            },
        },
        2 => match text::decode(bytes) {
            Err(_) => return,
            Ok(decoded) => tbxml::read(&decoded, DISPLAY),
        },
        3 => configzip::read(bytes, DISPLAY),
        4 => match text::decode(bytes) {
            Err(_) => return,
            Ok(decoded) => csv::read(&decoded, DISPLAY, &plain),
        },
        5 => inventory::read_spreadsheet(bytes, DISPLAY, &plain),
        _ => {
            let sheet = ImportOptions {
                sheet: Some("Pools".to_owned()),
                ..ImportOptions::default()
            };
            import::import_bytes(bytes, DISPLAY, &sheet)
        }
    };
    match result {
        Ok(records) => {
            // Every fact names this file.
            assert_eq!(records.input.path, DISPLAY);
            for pool in &records.pools {
                assert!(!pool.fqdn.is_empty(), "a pool record without a name");
            }
        }
        Err(e) => check_input_error(&e, DISPLAY),
    }
});
