//! The corpus of real published rankings (`tests/corpus/`, each with its source and date in the README):
//! every fixture imports to its pinned rows (rank, unit, total, components, place) and problems, and its
//! audit gives exactly its pinned findings. The pins are `<fixture>.expected` beside each fixture, read
//! against the published page by hand when written; `EGOV_CORPUS_BLESS=1` rewrites them (review the diff:
//! only what a change explains may move).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use egov_core::audit::{AuditOptions, audit};
use egov_core::edition::Edition;
use egov_core::table::{Cell, RankCell, Table};
use egov_import::{Format, Imported, import_bytes};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The fixtures and the edition each is audited with (by id, from `data/editions`).
const FIXTURES: &[(&str, Option<&str>)] = &[
    ("hue-2021-cchc-so.txt", None),
    ("vinhphuc-2017-cpdt-tinh.txt", None),
    ("dti-2022-tinh.txt", None),
    ("dti-2022-tinh.txt", Some("dti-2022-province")),
    ("quangnam-2023-dti-so-huyen.txt", None),
    ("aita-2019-cntt-bo.txt", None),
    ("pcivietnam-pci-tinh.txt", None),
    ("pcivietnam-en-pci-tinh.txt", None),
    ("quangninh-pci-2022-top10.txt", None),
    ("hatinh-ddci-2021-so-huyen.txt", None),
    ("nguoihanoi-dti-2023-bo-tinh.txt", None),
    ("thanhhoa-2024-cchc-so.txt", None),
    ("bacninh-dti-2023-so-huyen.txt", None),
    ("vi-wikipedia-pci-2006-2015-tinh.md", None),
    ("dongthap-ddci-2019-so.txt", None),
    ("quangbinh-2022-cchc-so-huyen.txt", None),
    ("thanhhoa-2023-cchc-so-huyen.txt", None),
];

pub fn edition(id: &str) -> Edition {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../data/editions/{id}.toml"));
    let text = std::fs::read_to_string(&path).expect("edition");
    Edition::from_toml(&text, &path.display().to_string()).expect("a valid edition")
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Number(d) => d.to_string(),
        Cell::Blank => "-".into(),
        Cell::NotEvaluated => "KĐG".into(),
        Cell::Text(t) => format!("«{t}»"),
    }
}

/// One line per table and row: what a reader checks against the published page.
pub fn render_tables(tables: &[Table]) -> String {
    let mut out = String::new();
    for t in tables {
        let cols: Vec<&str> = t.columns.iter().map(|c| c.label.as_str()).collect();
        writeln!(
            out,
            "table {} «{}» columns [{}] total «{}» rank «{}»",
            t.id,
            t.title,
            cols.join(" | "),
            t.total_label,
            t.rank_label
        )
        .unwrap();
        for r in &t.rows {
            let rank = match &r.rank {
                RankCell::Ranked(n) => n.to_string(),
                RankCell::Unranked => "-".into(),
                RankCell::Invalid(s) => format!("«{s}»"),
            };
            let values: Vec<String> = r.values.iter().map(|e| cell(&e.cell)).collect();
            let at = r.pos().map(|p| p.to_string()).unwrap_or_default();
            writeln!(
                out,
                "  {at} tt {} rank {rank} «{}» total {} [{}]",
                r.tt.as_deref().unwrap_or("-"),
                r.unit,
                cell(&r.total.cell),
                values.join(" ")
            )
            .unwrap();
        }
    }
    out
}

pub fn render(imp: &Imported, edition: Option<&Edition>) -> String {
    let mut out = render_tables(&imp.tables);
    for p in &imp.problems {
        writeln!(out, "problem {p}").unwrap();
    }
    let a = audit(
        &imp.tables,
        &AuditOptions {
            edition,
            rounding: edition.map(|e| e.rounding).unwrap_or_default(),
            source_text: imp.source_text.as_deref(),
            prose: &imp.prose,
            ..Default::default()
        },
    );
    for f in &a.findings {
        let at = f.pos.as_ref().map(|p| p.to_string()).unwrap_or_default();
        writeln!(
            out,
            "finding {} {} {at} table {} unit {}: {}",
            f.severity.as_str(),
            f.kind,
            f.table,
            f.unit.as_deref().unwrap_or("-"),
            f.message.vi
        )
        .unwrap();
    }
    out
}

#[test]
fn every_fixture_imports_and_audits_as_pinned() {
    let bless = std::env::var_os("EGOV_CORPUS_BLESS").is_some();
    let mut failed = Vec::new();
    for (name, edition_id) in FIXTURES {
        let bytes = std::fs::read(corpus().join(name)).expect("fixture");
        let imp = import_bytes(name, &bytes, Format::Auto).expect("imports");
        assert!(
            imp.nothing_found().is_none(),
            "{name}: every fixture holds a table"
        );
        let ed = edition_id.map(edition);
        let got = render(&imp, ed.as_ref());
        let pin = match edition_id {
            Some(e) => corpus().join(format!("{name}.{e}.expected")),
            None => corpus().join(format!("{name}.expected")),
        };
        if bless {
            std::fs::write(&pin, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&pin).unwrap_or_default();
        if got != want {
            failed.push(format!("{}:\n{got}", pin.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "differs from the pins (EGOV_CORPUS_BLESS=1 rewrites them; review the diff):\n{}",
        failed.join("\n")
    );
}
