//! `egov validate`: load an edition (and a dataset) and report every problem, or a short summary: what
//! the edition holds, and how the dataset's files were read (their CSV separator, the number style),
//! so that a file Excel wrote in another locale is seen to be read as meant.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use egov_core::dataset::Dataset;
use egov_core::edition::{Edition, NotSubmitted};
use egov_core::msg;
use egov_core::num::NumberStyle;

use crate::load;

#[derive(clap::Args)]
pub struct Args {
    /// Edition: a shipped id (see `egov editions`) or a path to a .toml file.
    #[arg(long)]
    edition: String,
    /// Dataset folder (units.csv, values.csv) or JSON file to check against the edition.
    #[arg(long)]
    data: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let edition = load::edition(&a.edition)?;
    let leaves = edition.nodes.iter().skip(1).filter(|n| n.is_leaf()).count();
    let (id, nodes, inputs) = (&edition.id, edition.nodes.len() - 1, edition.inputs.len());
    let (categories, tables) = (edition.categories.len(), edition.annex.tables.len());
    println!(
        "{}",
        msg!(
            "{id}: hợp lệ — {nodes} tiêu chí ({leaves} tiêu chí lá), {inputs} chỉ tiêu đầu vào, {categories} loại đơn vị, {tables} bảng phụ lục",
            "{id}: valid — {nodes} criteria ({leaves} leaves), {inputs} inputs, {categories} unit categories, {tables} annex tables"
        )
    );
    // Valid for scoring; `egov annex` and `egov export` refuse it.
    if let Some(m) = edition.annex_missing() {
        eprintln!("{}", msg!("egov: cảnh báo: {m}", "egov: warning: {m}"));
    }
    if let Some(path) = a.data {
        let data = load::dataset(&edition, &path)?;
        let (p, n) = (path.display(), data.units.len());
        let how = how_read(&data);
        println!(
            "{}",
            msg!(
                "{p}: hợp lệ — {n} đơn vị{how}",
                "{p}: valid — {n} units{how}"
            )
        );
        if let Some(m) = not_submitted(&edition, &data) {
            println!("{m}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "; dấu phân cách ';' …; số: dấu phẩy thập phân (khai báo)": how the files were read.
fn how_read(data: &Dataset) -> String {
    let r = &data.read_as;
    let mut out = String::new();
    let name = |c: char| match c {
        '\t' => msg!("tab", "tab"),
        c => format!("'{c}'"),
    };
    match (r.units_separator, r.values_separator) {
        (Some(u), Some(v)) if u == v => {
            let s = name(v);
            out.push_str(&msg!("; dấu phân cách cột {s}", "; column separator {s}"));
        }
        (Some(u), Some(v)) => {
            let (u, v) = (name(u), name(v));
            out.push_str(&msg!(
                "; dấu phân cách cột {u} (units.csv), {v} (values.csv)",
                "; column separator {u} (units.csv), {v} (values.csv)"
            ));
        }
        _ => {}
    }
    if let Some(style) = r.number_style {
        let what = match style {
            NumberStyle::DecimalComma => msg!(
                "dấu phẩy thập phân (1.500 = một nghìn năm trăm)",
                "decimal comma (1.500 = one thousand five hundred)"
            ),
            NumberStyle::DecimalPoint => msg!(
                "dấu chấm thập phân (1.500 = một phẩy năm)",
                "decimal point (1.500 = one and a half)"
            ),
        };
        let whence = if r.style_declared {
            msg!("khai báo", "declared")
        } else {
            msg!("suy ra từ các ô", "shown by the cells")
        };
        out.push_str(&msg!(
            "; số viết với {what}, {whence}",
            "; numbers written with a {what}, {whence}"
        ));
    }
    out
}

/// The units that submitted nothing and what the edition's policy does with them, if any.
fn not_submitted(edition: &Edition, data: &Dataset) -> Option<String> {
    let codes: Vec<&str> = data
        .not_submitted()
        .map(|u| data.units[u].code.as_str())
        .collect();
    if codes.is_empty() {
        return None;
    }
    let (n, list) = (codes.len(), codes.join(", "));
    Some(match edition.not_submitted {
        NotSubmitted::Zero => msg!(
            "{n} đơn vị không nộp giá trị nào, tính 0 điểm và xếp cuối theo bộ chỉ số: {list}",
            "{n} units submitted no value and score 0, ranked last, as the edition says: {list}"
        ),
        _ => msg!(
            "{n} đơn vị không nộp giá trị nào, ghi \"Không nộp\" và không xếp hạng theo bộ chỉ số: {list}",
            "{n} units submitted no value and are listed as not submitted, unranked, as the edition says: {list}"
        ),
    })
}
