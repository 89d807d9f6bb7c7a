//! Open data as one long CSV: one line per (table, unit, column), the total included as a column.
//!
//! Long form is what analysts load into pandas or R without reshaping, and it keeps every table of the
//! annex in one file. Values use a decimal point and the column's decimals (machines read this file); the
//! file starts with a UTF-8 BOM because Excel otherwise opens Vietnamese text as mojibake.
//! Non-numeric cells are written as `not_evaluated` (the JSON contract's word) or verbatim text; a blank
//! cell is an empty field. [`data_dictionary`] describes the fields for publication with the file.
//! Text fields are spreadsheet-safe (a field that begins like a formula gets a `'` in front, see
//! [`egov_import::csv_text`]); numbers are never prefixed; the dictionary says so under
//! `files.csv.spreadsheet_safety`.

use std::borrow::Cow;

use egov_core::table::{Annex, Cell, RankCell, Row, Table};
use egov_core::text;
use egov_import::{csv_number, csv_text};
use serde_json::json;

use crate::layout::{self, format_number};
use crate::{ExportError, Lang, RenderOptions};

/// The CSV header, in field order: the long form egov-import reads back, so both use its definition.
pub const FIELDS: [&str; 9] = egov_import::LONG_FORM_FIELDS;
/// The long form's last column: `not_submitted` for a unit that submitted nothing, else empty.
pub const STATUS: &str = egov_import::LONG_FORM_STATUS;

/// The status field of a row (see [`STATUS`]).
pub(crate) fn status(row: &egov_core::table::Row) -> &'static str {
    if row.not_submitted {
        "not_submitted"
    } else {
        ""
    }
}

/// The `column` field of a table's long-form lines: its value columns' labels, then the total's.
pub(crate) fn long_labels(t: &Table) -> Vec<String> {
    t.columns
        .iter()
        .map(|c| text::clean(&c.label))
        .chain(std::iter::once(text::clean(&t.total_label)))
        .collect()
}

/// A row's `tt`, `unit` and `unit_code` fields of the long form, cleaned.
pub(crate) fn long_row_fields(row: &Row) -> [String; 3] {
    let clean = |s: Option<&str>| s.map(text::clean).unwrap_or_default();
    [
        clean(row.tt.as_deref()),
        text::clean(&row.unit),
        clean(row.unit_code.as_deref()),
    ]
}

/// A row's cells in the order of [`long_labels`].
pub(crate) fn long_cells(row: &Row) -> impl Iterator<Item = &Cell> {
    row.values
        .iter()
        .map(|e| &e.cell)
        .chain(std::iter::once(&row.total.cell))
}

/// The whole annex as one long CSV with a UTF-8 BOM. Text fields are spreadsheet-safe
/// ([`egov_import::csv_text`]: a field that begins like a formula gets a `'` in front); the numbers
/// egov formats are never prefixed.
pub fn render(annex: &Annex, _opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    let mut out = String::with_capacity(64 * 1024);
    out.push('\u{feff}');
    out.push_str(&FIELDS.join(","));
    out.push(',');
    out.push_str(STATUS);
    out.push_str("\r\n");
    for t in &annex.tables {
        let v = layout::view(t, Lang::En);
        let table_title = text::clean(&t.title);
        let labels = long_labels(t);
        for row in &t.rows {
            let [tt, unit, code] = long_row_fields(row);
            let block = row.block.as_deref().unwrap_or("");
            for ((label, cell), dp) in labels.iter().zip(long_cells(row)).zip(&v.decimals) {
                let mut fields: Vec<Cow<'_, str>> =
                    [t.id.as_str(), &table_title, block, &tt, &unit, &code, label]
                        .into_iter()
                        .map(csv_text)
                        .collect();
                let value = match cell {
                    Cell::Number(d) => format_number(*d, dp.unwrap_or(d.scale()), Lang::En),
                    Cell::NotEvaluated => "not_evaluated".to_string(),
                    Cell::Blank => String::new(),
                    Cell::Text(s) => text::clean(s),
                };
                fields.push(match cell {
                    Cell::Text(_) => csv_text(&value).into_owned().into(),
                    _ => csv_number(&value).into_owned().into(),
                });
                fields.push(match &row.rank {
                    RankCell::Ranked(n) => n.to_string().into(),
                    RankCell::Unranked => "".into(),
                    RankCell::Invalid(s) => csv_text(&text::clean(s)).into_owned().into(),
                });
                fields.push(status(row).into());
                out.push_str(&fields.join(","));
                out.push_str("\r\n");
            }
        }
    }
    Ok(out.into_bytes())
}

/// The data dictionary published with the CSV and JSON files: fields and their meanings, the value
/// columns of every table (with the criteria node, decimals and unit), the edition and the provenance.
pub fn data_dictionary(annex: &Annex, opts: &RenderOptions) -> Result<Vec<u8>, ExportError> {
    let (title, heading) = layout::heading(annex, opts);
    let field = |name: &str, ty: &str, vi: &str, en: &str| json!({"name": name, "type": ty, "description_vi": vi, "description_en": en});
    let fields = vec![
        field(
            "table_id",
            "string",
            "Mã bảng trong phụ lục",
            "Annex table identifier",
        ),
        field(
            "table_title",
            "string",
            "Tên bảng như in trong phụ lục",
            "Table title as printed",
        ),
        field(
            "block",
            "string",
            "Mã khối xếp hạng (xem blocks)",
            "Ranking block id (see blocks)",
        ),
        field("tt", "string", "Số thứ tự như in", "Row number as printed"),
        field(
            "unit",
            "string",
            "Tên đơn vị (Unicode NFC)",
            "Unit name (Unicode NFC)",
        ),
        field(
            "unit_code",
            "string",
            "Mã đơn vị trong bộ dữ liệu",
            "Unit code in the dataset",
        ),
        field(
            "column",
            "string",
            "Tên cột điểm (hoặc cột tổng điểm)",
            "Score column label (or the total column)",
        ),
        json!({"name": "value", "type": "decimal", "unit": "điểm / points",
               "description_vi": "Giá trị, dấu chấm thập phân; \"not_evaluated\" = không đánh giá; trống = ô trống",
               "description_en": "Value with a decimal point; \"not_evaluated\" = not evaluated; empty = blank cell"}),
        field(
            "rank",
            "integer",
            "Xếp hạng trong khối; trống = không xếp hạng",
            "Rank within the block; empty = not ranked",
        ),
        field(
            "status",
            "string",
            "\"not_submitted\" = đơn vị không nộp giá trị nào (phụ lục ghi «không nộp»); trống = đã nộp",
            "\"not_submitted\" = the unit submitted nothing (the annex says \"not submitted\"); empty = submitted",
        ),
    ];
    let tables: Vec<_> = annex
        .tables
        .iter()
        .map(|t| {
            let columns: Vec<_> = t
                .columns
                .iter()
                .map(|c| {
                    json!({"label": text::clean(&c.label), "group": c.group.as_deref().map(text::clean),
                           "node": c.node, "decimals": c.decimals.or(t.decimals), "unit": "điểm"})
                })
                .collect();
            let blocks: Vec<_> = t
                .blocks
                .iter()
                .map(|b| json!({"id": b.id, "label": b.label, "title": b.title.as_deref().map(text::clean), "ranked": b.ranked}))
                .collect();
            json!({"id": t.id, "title": text::clean(&t.title), "part": t.part.as_deref().map(text::clean),
                   "total_column": text::clean(&t.total_label), "rank_column": text::clean(&t.rank_label),
                   "decimals": t.decimals, "columns": columns, "blocks": blocks, "units": t.rows.len()})
        })
        .collect();
    let doc = json!({
        "edition": annex.edition,
        "title": title,
        "provenance": heading,
        "encoding": "UTF-8 with BOM (CSV), UTF-8 (JSON); text in Unicode NFC",
        "files": {
            "csv": {"fields": fields, "decimal_separator": ".", "one_line_per": "table × unit × column",
                    "spreadsheet_safety": {
                        "description_vi": "Trường văn bản (table_id, table_title, block, tt, unit, unit_code, column; value và rank khi là chữ) bắt đầu bằng =, +, -, @, tab hoặc xuống dòng (CR) — kể cả sau một hay nhiều dấu ' — được thêm một dấu ' ở đầu và đặt trong ngoặc kép, để bảng tính không chạy nó như công thức (OWASP). Số do egov ghi (value, rank) không bao giờ bị thêm dấu: -3.5 vẫn là số. Khi đọc: bỏ đúng một dấu ' ở đầu trường văn bản nếu phần còn lại bắt đầu bằng ' hoặc một trong các ký tự trên; egov import làm việc này.",
                        "description_en": "Text fields (table_id, table_title, block, tt, unit, unit_code, column; value and rank when they are text) that begin with =, +, -, @, a tab or a carriage return — also after one or more ' — get one ' in front and are quoted, so that spreadsheets do not run them as formulas (OWASP). Numbers egov writes (value, rank) are never prefixed: -3.5 stays a number. To read: remove exactly one leading ' from a text field when the rest begins with ' or one of those characters; egov import does this.",
                        "prefixed_when_starting_with": ["=", "+", "-", "@", "\t", "\r"],
                        "prefix": "'"
                    }},
            "json": {"shape": "{edition, title, subtitle, tables: [{id, title, columns, rows: [{tt, unit, values, total, rank, block}]}]}",
                     "numbers": "exact decimals as JSON numbers", "rank_null": "not ranked"}
        },
        "tables": tables,
    });
    Ok(serde_json::to_vec_pretty(&doc)?)
}
