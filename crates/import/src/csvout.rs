//! Tables as one flat, long CSV: a line per value, for spreadsheets and scripts.
//!
//! Long form (table, block, unit, column, value) survives any number of columns and tables in one file
//! and is what pivot tables want. Numbers use a decimal point and keep their printed scale; blanks are
//! empty; "Không đánh giá" is `not_evaluated` as in the JSON contract. The file starts with a UTF-8
//! BOM so that Excel shows Vietnamese correctly.

use egov_core::table::{Cell, Entry, RankCell, Table};

/// `table_id,table_title,block,tt,unit,column,value,rank,source`, one line per value and total.
pub fn tables_to_csv(tables: &[Table]) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut write = |fields: [&str; 9]| {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(fields);
    };
    write([
        "table_id",
        "table_title",
        "block",
        "tt",
        "unit",
        "column",
        "value",
        "rank",
        "source",
    ]);
    for t in tables {
        for r in &t.rows {
            let rank = match &r.rank {
                RankCell::Ranked(n) => n.to_string(),
                RankCell::Unranked => String::new(),
                RankCell::Invalid(s) => s.clone(),
            };
            let block = r.block.as_deref().unwrap_or("");
            let tt = r.tt.as_deref().unwrap_or("");
            let cells = t
                .columns
                .iter()
                .map(|c| c.label.as_str())
                .zip(&r.values)
                .chain([(t.total_label.as_str(), &r.total)]);
            for (column, e) in cells {
                let source = source(e)
                    .or_else(|| r.pos.as_ref().map(|p| p.to_string()))
                    .unwrap_or_default();
                write([
                    &t.id,
                    &t.title,
                    block,
                    tt,
                    &r.unit,
                    column,
                    &value(&e.cell),
                    &rank,
                    &source,
                ]);
            }
        }
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

fn source(e: &Entry) -> Option<String> {
    e.pos.as_ref().map(|p| p.to_string())
}

fn value(c: &Cell) -> String {
    match c {
        Cell::Number(d) => d.to_string(),
        Cell::NotEvaluated => "not_evaluated".into(),
        Cell::Blank => String::new(),
        Cell::Text(t) => t.clone(),
    }
}
