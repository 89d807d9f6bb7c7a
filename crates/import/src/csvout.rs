//! Tables as one flat, long CSV: a line per value, for spreadsheets and scripts, written under the one
//! rule every CSV egov writes follows so that opening it in a spreadsheet runs nothing
//! ([`egov_core::spreadsheet`], re-exported here).
//!
//! Long form (table, block, unit, column, value) survives any number of columns and tables in one file
//! and is what pivot tables want. Numbers use a decimal point and keep their printed scale; blanks are
//! empty; "Không đánh giá" is `not_evaluated` as in the JSON contract. The file starts with a UTF-8
//! BOM so that Excel shows Vietnamese correctly.

use std::borrow::Cow;

pub use egov_core::spreadsheet::{csv_number, csv_text, spreadsheet_text, text_back};
use egov_core::table::{Cell, Entry, RankCell, Table};

/// `table_id,table_title,block,tt,unit,column,value,rank,source`, one line per value and total.
pub fn tables_to_csv(tables: &[Table]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str("table_id,table_title,block,tt,unit,column,value,rank,source\n");
    for t in tables {
        for r in &t.rows {
            let rank = match &r.rank {
                RankCell::Ranked(n) => Field::Number(n.to_string()),
                RankCell::Unranked => Field::Number(String::new()),
                RankCell::Invalid(s) => Field::Text(s.clone()),
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
                    .or_else(|| r.pos().map(|p| p.to_string()))
                    .unwrap_or_default();
                let mut fields: Vec<Cow<'_, str>> = [&t.id, &t.title, block, tt, &r.unit, column]
                    .into_iter()
                    .map(|s| csv_text(s))
                    .collect();
                fields.push(value(&e.cell).csv().into_owned().into());
                fields.push(rank.csv());
                fields.push(csv_text(&source).into_owned().into());
                out.push_str(&fields.join(","));
                out.push('\n');
            }
        }
    }
    out
}

/// A field by kind: numbers egov formatted, or text from the document.
enum Field {
    Number(String),
    Text(String),
}

impl Field {
    fn csv(&self) -> Cow<'_, str> {
        match self {
            Field::Number(s) => csv_number(s),
            Field::Text(s) => csv_text(s),
        }
    }
}

fn source(e: &Entry) -> Option<String> {
    e.pos().map(|p| p.to_string())
}

fn value(c: &Cell) -> Field {
    match c {
        Cell::Number(d) => Field::Number(d.to_string()),
        Cell::NotEvaluated => Field::Number("not_evaluated".into()),
        Cell::Blank => Field::Number(String::new()),
        Cell::Text(t) => Field::Text(t.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded_and_come_back() {
        for s in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1",
            "-cmd",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'=x",
            "''+1",
        ] {
            let safe = spreadsheet_text(s);
            assert!(safe.starts_with('\''), "{s:?} → {safe:?}");
            assert_eq!(text_back(&safe), s);
        }
        for s in ["Xã An Bình", "'quoted", "", "'", "1-2", "a=b"] {
            assert_eq!(spreadsheet_text(s), s);
            assert_eq!(text_back(s), s);
        }
        // A foreign file's formula is read as it stands.
        assert_eq!(text_back("=x"), "=x");
    }

    #[test]
    fn guarded_fields_are_quoted_and_numbers_are_not_prefixed() {
        let line = [
            csv_text("+1"),
            csv_number("-3.5"),
            csv_text("=HYPERLINK(\"http://x\",\"y\")"),
            csv_number("-3,5"),
            csv_text("Xã A"),
            csv_text(""),
        ]
        .join(",");
        assert_eq!(
            line,
            "\"'+1\",-3.5,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"-3,5\",Xã A,"
        );
    }
}
