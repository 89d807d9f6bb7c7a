//! The smaller cases of the hostile-input review, through the real binary under the memory limit of
//! [`super::hostile`]: a billion-laughs shared-string table (refused naming its part), old-Mac line
//! ends (read, not "no table"), text not in NFC in every format (found by `egov audit`, whatever the
//! encoding or container), and a control character in a unit's name (refused where it is, so no SVG,
//! DOCX or CSV ever carries it).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::hostile::{Run, assert_refused, egov_limited, head, scratch};

const GUARD: Duration = Duration::from_secs(120);

fn run(dir: &Path, args: &[&str]) -> Run {
    egov_limited(dir, args, GUARD)
}

/// "Bảng điểm" and "Sở Nội vụ" decomposed (NFD), as some Mac and web tools save them.
const TITLE_NFD: &str = "Ba\u{309}ng \u{111}ie\u{302}\u{309}m";
const UNIT_NFD: &str = "So\u{31b}\u{309} No\u{302}\u{323}i vu\u{323}";

/// A published table whose title and one unit's name are NFD.
fn rows() -> Vec<[String; 3]> {
    vec![
        ["TT".into(), "Đơn vị".into(), "Điểm".into()],
        ["1".into(), "Sở Y tế".into(), "7,5".into()],
        ["2".into(), UNIT_NFD.into(), "6,5".into()],
        ["3".into(), "Sở Tư pháp".into(), "6,0".into()],
    ]
}

/// The table as Word's "save as text": a title paragraph, then one cell per line behind a tab.
fn word_text(newline: &str) -> String {
    let mut s = format!("{TITLE_NFD}{newline}");
    for r in rows() {
        for c in r {
            s.push_str(&format!("\t{c}{newline}"));
        }
        s.push_str(newline);
    }
    s
}

fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in parts {
        zip.start_file(*name, opts).expect("entry");
        zip.write_all(data).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

fn docx() -> Vec<u8> {
    let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
    let table: String = rows()
        .iter()
        .map(|r| {
            let cells: String = r.iter().map(|c| format!("<w:tc>{}</w:tc>", p(c))).collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    let doc = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}<w:tbl>{table}</w:tbl></w:body></w:document>",
        p(TITLE_NFD)
    );
    zip_of(&[
        (
            "[Content_Types].xml",
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>".to_vec(),
        ),
        ("word/document.xml", doc.into_bytes()),
    ])
}

fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, TITLE_NFD).unwrap();
    for (r, row) in rows().iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn text_not_in_nfc_is_found_by_the_audit_in_every_format() {
    let dir = scratch("minor-nfd");
    let text = word_text("\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    for (name, bytes) in [
        ("nfd.txt", text.clone().into_bytes()),
        ("nfd16.txt", utf16),
        ("nfd.docx", docx()),
        ("nfd.xlsx", xlsx()),
    ] {
        std::fs::write(dir.join(name), &bytes).unwrap();
        let r = run(&dir, &["audit", name, "--format", "json"]);
        assert_eq!(
            r.code,
            Some(1),
            "{name}: findings expected; {}",
            head(&r.stderr)
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let nfc: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "not_nfc")
            .map(|f| f["message"].as_str().unwrap_or_default().to_string())
            .collect();
        // The unit's name (a row of the table) and the title (outside the table model).
        assert!(
            nfc.iter().any(|m| m.contains("Sở Nội vụ")),
            "{name}: {nfc:?}"
        );
        assert!(
            nfc.iter().any(|m| m.contains("Bảng điểm")),
            "{name}: {nfc:?}"
        );
    }
}

#[test]
fn old_mac_line_ends_are_lines() {
    let dir = scratch("minor-cr");
    std::fs::write(dir.join("cr.txt"), word_text("\r")).unwrap();
    let r = run(&dir, &["import", "cr.txt", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", head(&r.stderr));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let units: Vec<&str> = v["tables"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["Sở Y tế", "Sở Nội vụ", "Sở Tư pháp"]);
}

#[test]
fn a_billion_laughs_shared_string_table_is_refused_naming_its_part() {
    let dir = scratch("minor-laughs");
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"hahahahahaha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>&i;</t></si></sst>";
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx())).unwrap();
    let mut parts = Vec::new();
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        if name == "xl/sharedStrings.xml" {
            data = laughs.as_bytes().to_vec();
        }
        parts.push((name, data));
    }
    let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    std::fs::write(dir.join("laughs.xlsx"), zip_of(&parts)).unwrap();
    for cmd in ["import", "audit"] {
        let r = run(&dir, &[cmd, "laughs.xlsx"]);
        assert_refused(&r, &["laughs.xlsx", "xl/sharedStrings.xml"]);
    }
}

#[test]
fn a_control_character_in_a_unit_name_never_reaches_an_output() {
    let dir = scratch("minor-control");
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/published/hoabinh-2019"
    );
    let ds = dir.join("ds");
    std::fs::create_dir_all(&ds).unwrap();
    let units = std::fs::read_to_string(format!("{root}/units.csv")).unwrap();
    std::fs::write(
        ds.join("units.csv"),
        units.replacen("Sở Y tế", "Sở Y\u{1} tế", 1),
    )
    .unwrap();
    std::fs::copy(format!("{root}/values.csv"), ds.join("values.csv")).unwrap();
    let r = run(
        &dir,
        &[
            "export",
            "--edition",
            "hoabinh-2019",
            "--data",
            "ds",
            "--format",
            "svg,docx,csv",
            "--out",
            "out",
        ],
    );
    assert_refused(&r, &["units.csv:"]);
    assert!(!dir.join("out").exists(), "nothing written");
}

#[test]
fn a_megabyte_cell_is_quoted_short_in_every_report() {
    // Findings quote cells and names from the document; a crafted cell of a megabyte (a rank cell,
    // a decomposed unit name, a total that is not a number) must not make a megabyte of report.
    let dir = scratch("minor-big-cell");
    let big = "x".repeat(1_000_000);
    let nfd = "Ba\u{309}ng".repeat(200_000);
    std::fs::write(
        dir.join("big.csv"),
        format!(
            "TT,Đơn vị,Điểm,Xếp hạng\n1,Sở Y tế,7.5,{big}\n2,Sở {nfd},6.5,2\n3,Sở Tư pháp,abc{big},3\n"
        ),
    )
    .unwrap();
    for format in ["text", "markdown"] {
        let r = run(&dir, &["audit", "big.csv", "--format", format]);
        assert_eq!(r.code, Some(1), "{format}: {}", head(&r.stderr));
        assert!(
            r.stdout.len() < 16_000,
            "{format}: a report of {} bytes",
            r.stdout.len()
        );
        assert!(r.stdout.contains("xxxx…"), "{format}: {}", head(&r.stdout));
    }
}

#[test]
fn a_megabyte_row_is_quoted_short_in_import_problems() {
    // A row cut off mid-table is reported with its text; a crafted megabyte row is quoted short.
    let dir = scratch("minor-big-row");
    let big = "y".repeat(1_000_000);
    std::fs::write(
        dir.join("cut.txt"),
        format!("\tTT\n\tĐơn vị\n\tĐiểm\n\n\t1\n\tSở Y tế\n\t7,5\n\n\t2\n\tSở {big}\n"),
    )
    .unwrap();
    for args in [
        &["import", "cut.txt"][..],
        &["import", "cut.txt", "--format", "json"],
    ] {
        let r = run(&dir, args);
        assert_eq!(r.code, Some(0), "{args:?}: {}", head(&r.stderr));
        assert!(r.stderr.len() < 4096, "{args:?}: {} bytes", r.stderr.len());
        assert!(r.stderr.contains("yyyy…"), "{args:?}: {}", head(&r.stderr));
    }
}
