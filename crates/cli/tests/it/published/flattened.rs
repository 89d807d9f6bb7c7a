//! Any annex egov renders, flattened into the forms people paste (issue #12) — one cell per paragraph,
//! pipes with blank lines and stray bar lines, an ordered prose list — imports back to the same table:
//! the same units, ranks, totals and (where the form carries them) components.
//!
//! The annexes are generated: the DTI 2022 edition scored on random main indices for 2 to 40 provinces
//! (ties included, by repeating a province's values), rendered as Markdown by `egov_export` as
//! `egov export` writes it. A small deterministic generator (xorshift) gives the same cases on every
//! run; a failing case prints its seed.

use egov_core::Lang;
use egov_core::annex;
use egov_core::dataset::{Dataset, DatasetMeta, Source};
use egov_core::edition::Edition;
use egov_core::engine;
use egov_core::table::{Annex, Cell, RankCell, Table};
use egov_import::{Format, import_bytes};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");

fn edition() -> Edition {
    let path = format!("{ROOT}data/editions/dti-2022-province.toml");
    Edition::from_toml(&std::fs::read_to_string(&path).unwrap(), &path).unwrap()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NAMES: &[&str] = &[
    "Hà Nội",
    "TP. Hồ Chí Minh",
    "Đà Nẵng",
    "Thừa Thiên - Huế",
    "Quảng Ninh",
    "Lạng Sơn",
    "Cần Thơ",
    "Bắc Ninh",
    "Bà Rịa - Vũng Tàu",
    "Đắk Lắk",
    "Hòa Bình",
    "Yên Bái",
    "Kon Tum",
    "Lào Cai",
];

/// A random annex: `n` provinces, each main index 0–1 with four decimals, some provinces copying
/// another's values (ties).
fn annex_for(ed: &Edition, seed: u64) -> Annex {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let n = 2 + rng.below(39) as usize;
    let mut units = String::from("code,name,category,flags\n");
    let mut values =
        String::from("unit,nhan_thuc,the_che,ha_tang,nhan_luc,attt,do_thi,cqs,kts,xhs\n");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for i in 0..n {
        let name = format!("{} {}", NAMES[i % NAMES.len()], i / NAMES.len() + 1);
        units.push_str(&format!("P{i:02},{name},tinh,\n"));
        let row: Vec<String> = if i > 0 && rng.below(5) == 0 {
            rows[rng.below(i as u64) as usize].clone()
        } else {
            (0..9)
                .map(|_| format!("0.{:04}", rng.below(10_000)))
                .collect()
        };
        values.push_str(&format!("P{i:02},{}\n", row.join(",")));
        rows.push(row);
    }
    let data = Dataset::from_csv(
        ed,
        Source {
            name: "units.csv",
            text: &units,
        },
        Source {
            name: "values.csv",
            text: &values,
        },
        DatasetMeta {
            edition: Some(ed.id.clone()),
            number_style: Some(egov_core::num::NumberStyle::DecimalPoint),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let scores = engine::score(ed, &data);
    annex::build(ed, &data, &scores, Lang::Vi)
}

/// The Markdown table rows of egov's rendering: the cells of each `| … |` line.
fn pipe_rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|cells| !cells.iter().all(|c| c.trim_matches([':', '-']).is_empty()))
        .collect()
}

/// One cell per paragraph, after a paragraph of prose, blank lines between; each "Group: column" header
/// cell is written as its column label (a web page shows the lower header row).
fn one_cell_per_paragraph(title: &str, rows: &[Vec<String>]) -> String {
    let mut paras = vec![
        "Kết quả đánh giá được công bố như sau.".to_string(),
        title.to_string(),
    ];
    for (k, row) in rows.iter().enumerate() {
        for c in row {
            let c = if k == 0 {
                c.rsplit_once(": ")
                    .map_or(c.as_str(), |(_, l)| l)
                    .to_string()
            } else {
                c.clone()
            };
            paras.push(c);
        }
    }
    paras.join("\n\n") + "\n"
}

/// Pipes as pasted from a web page: a stray bar line before the grid, blank lines between rows, no
/// separator line, the column-number row left out.
fn pipes(title: &str, rows: &[Vec<String>]) -> String {
    let mut out = format!("{title}\n\n|\n\n");
    for row in rows {
        out.push_str(&format!("| {} |\n\n", row.join(" | ")));
    }
    out
}

/// "1. Tỉnh A (0,8773 điểm); 2. …" in one paragraph: rank, unit and total only.
fn prose(table: &Table) -> String {
    let items: Vec<String> = table
        .rows
        .iter()
        .map(|r| {
            let rank = match r.rank {
                RankCell::Ranked(n) => n,
                _ => 0,
            };
            let total = match &r.total.cell {
                Cell::Number(d) => egov_core::num::format_vi(*d, d.scale(), Default::default()),
                _ => String::new(),
            };
            format!("{rank}. {} ({total} điểm)", r.unit)
        })
        .collect();
    format!("Kết quả xếp hạng: {}.\n", items.join("; "))
}

/// (rank, unit, total, components) of each row.
type Row = (Option<u32>, String, Option<String>, Vec<String>);

fn rows_of(t: &Table, components: bool) -> Vec<Row> {
    t.rows
        .iter()
        .map(|r| {
            let rank = match r.rank {
                RankCell::Ranked(n) => Some(n),
                _ => None,
            };
            let num = |c: &Cell| match c {
                Cell::Number(d) => d.normalize().to_string(),
                Cell::Blank => "-".into(),
                other => format!("{other:?}"),
            };
            let values = if components {
                r.values.iter().map(|e| num(&e.cell)).collect()
            } else {
                Vec::new()
            };
            (rank, r.unit.to_string(), Some(num(&r.total.cell)), values)
        })
        .collect()
}

#[test]
fn any_rendered_annex_flattened_imports_back() {
    let ed = edition();
    for seed in 1..=48u64 {
        let annex = annex_for(&ed, seed);
        let original = &annex.tables[0];
        let md = String::from_utf8(
            egov_export::render(&annex, egov_export::Format::Markdown, &Default::default())
                .unwrap(),
        )
        .unwrap();
        let mut rows = pipe_rows(&md);
        // The column-number row "(1) (2) …" is not pasted.
        rows.retain(|r| !r.iter().all(|c| c.starts_with('(') && c.ends_with(')')));
        let forms = [
            (
                "paragraphs.txt",
                one_cell_per_paragraph(&original.title, &rows),
                true,
            ),
            ("pipes.md", pipes(&original.title, &rows), true),
            ("prose.txt", prose(original), false),
        ];
        for (name, text, components) in forms {
            let imp = import_bytes(name, text.as_bytes(), Format::Auto)
                .unwrap_or_else(|e| panic!("seed {seed} {name}: {e}"));
            assert_eq!(
                imp.tables.len(),
                1,
                "seed {seed} {name}:\n{text}\n{:?}",
                imp.problems
            );
            let back = &imp.tables[0];
            assert_eq!(
                rows_of(back, components),
                rows_of(original, components),
                "seed {seed} {name}:\n{text}"
            );
            if components {
                let labels = |t: &Table| -> Vec<String> {
                    t.columns.iter().map(|c| c.label.clone()).collect()
                };
                assert_eq!(labels(back), labels(original), "seed {seed} {name}");
            }
        }
    }
}
