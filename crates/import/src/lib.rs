//! egov-import: published ranking decisions in the forms they reach us, turned into egov tables.
//!
//! A decision's annex arrives as text saved from Word, as DOCX or XLSX, as an HTML page of a portal,
//! as a Markdown/pipe table or CSV, or as the simpler lists newspapers print. Every reader here only
//! turns bytes into a stream of paragraphs and cell grids ([`source`]), keeping each cell's raw text and
//! position; one builder ([`build`]) then reads headers, blocks, totals and ranks the same way for all
//! of them, so a table imported from DOCX equals the same table imported from text. Problems that do
//! not stop the import (a row cut off mid-table) come back as [`ImportProblem`]s beside the tables;
//! only unreadable input is an [`ImportError`].
//!
//! # Layout
//! - [`wordtext`], [`markdown`], [`html`], [`docx`], [`xlsx`], [`csvin`]: one reader per format.
//! - [`budget`]: what one document may make the readers hold (cells, text, spans, depth), charged as
//!   it is read.
//! - [`package`]: DOCX/XLSX archives and worksheets read within hard limits (untrusted input).
//! - [`paragraphs`]: tables pasted one cell per paragraph and prose ranked lists, made grids.
//! - [`source`]: the stream of paragraphs and grids the readers produce.
//! - [`build`]: grids → [`Table`]s (headers, merged groups, blocks, total and rank columns).
//! - [`csvout`]: tables → the flat long CSV of `egov import --format csv`.

#![forbid(unsafe_code)]

pub mod budget;
mod build;
mod csvin;
mod csvout;
mod docx;
mod html;
mod longform;
mod markdown;
pub mod package;
mod paragraphs;
mod source;
mod wordtext;
mod xlsx;

use std::fmt;
use std::path::Path;

use egov_core::table::{Pos, Table};

pub use csvout::{csv_number, csv_text, spreadsheet_text, tables_to_csv, text_back};
pub use longform::{FIELDS as LONG_FORM_FIELDS, STATUS as LONG_FORM_STATUS};

/// The form of the input. `Auto` sniffs it from the bytes (and, for CSV, the file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Auto,
    /// Text saved from Word: one cell per line behind a tab, rows separated by blank lines.
    WordText,
    /// Markdown / pipe tables (`| TT | Đơn vị | … |`).
    Markdown,
    /// HTML pages with `<table>` elements.
    Html,
    /// Word documents (Office Open XML).
    Docx,
    /// Excel workbooks (Office Open XML).
    Xlsx,
    /// One table as comma-, semicolon- or tab-separated values.
    Csv,
}

/// What an import found: the tables, the document's other lines, and what could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Imported {
    pub tables: Vec<Table>,
    /// Paragraphs and headings outside tables (NFC), in reading order: titles, part headings, notes.
    pub headings: Vec<String>,
    /// The same paragraphs with their places (`12:1`, `đoạn 3`), for the audit of what the prose claims
    /// ([`egov_core::audit::AuditOptions::prose`]).
    pub prose: Vec<(Pos, String)>,
    pub problems: Vec<ImportProblem>,
    /// The text of a text document (Word text, Markdown, HTML, CSV) as decoded — UTF-8 or UTF-16,
    /// not normalised, lines as in the file — for [`egov_core::audit::AuditOptions::source_text`]:
    /// the tables keep headings and headers only normalised, so this is how the NFC check sees them.
    /// `None` for DOCX and XLSX, whose texts are in [`Imported::not_nfc`].
    pub source_text: Option<String>,
    /// Every paragraph and cell of the document, in any format, whose raw text is not in NFC, with
    /// its place (`12:3`, `đoạn 2`, `bảng 1, hàng 3, ô 2`, `Sheet1!B7`): the same check reaches text
    /// a decoder or a package reader handed over, whatever the format.
    pub not_nfc: Vec<(Pos, String)>,
    /// What the readers saw, to say so when no table came out of it ([`Imported::nothing_found`]).
    pub seen: Seen,
}

/// What the readers saw in a document, whatever came of it: the counts a user needs to understand why
/// no table was found ("120 paragraphs, no table with a unit column and a number column").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Seen {
    /// Paragraphs and headings outside grids (blank ones not counted).
    pub paragraphs: usize,
    /// Cell grids (Word tables, pipe tables, HTML tables, sheets, CSV).
    pub grids: usize,
    /// Rows of those grids.
    pub grid_rows: usize,
}

impl Imported {
    /// Why nothing can be audited, when no table with at least one row was found: what was seen and what
    /// was looked for, in the message language. `None` when there is a table to read.
    pub fn nothing_found(&self) -> Option<String> {
        self.nothing_found_in(egov_core::lang::messages())
    }

    /// [`Imported::nothing_found`] in a given language (a JSON report carries both).
    pub fn nothing_found_in(&self, lang: egov_core::Lang) -> Option<String> {
        if self.tables.iter().any(|t| !t.rows.is_empty()) {
            return None;
        }
        let vi = lang == egov_core::Lang::Vi;
        let Seen {
            paragraphs,
            grids,
            grid_rows,
        } = self.seen;
        Some(if let Some(t) = self.tables.first() {
            let title = egov_core::text::cut(&t.title, 60);
            if vi {
                format!(
                    "thấy {paragraphs} đoạn văn và {grids} bảng ô ({grid_rows} hàng); bảng «{title}» có hàng \
                     tiêu đề nhưng không có hàng dữ liệu nào (bảng bị cắt, hoặc các hàng không đủ ô)"
                )
            } else {
                format!(
                    "found {paragraphs} paragraphs and {grids} cell grids ({grid_rows} rows); table «{title}» \
                     has a heading row but no data row (the table is cut, or its rows lack cells)"
                )
            }
        } else if paragraphs == 0 && grids == 0 {
            if vi {
                "tệp không có đoạn văn hay bảng nào".to_string()
            } else {
                "the file holds no paragraph and no table".to_string()
            }
        } else if vi {
            format!(
                "thấy {paragraphs} đoạn văn và {grids} bảng ô ({grid_rows} hàng), nhưng không có bảng nào có \
                 cột đơn vị và cột số (cần một hàng tiêu đề như «TT | Đơn vị | Tổng điểm | Xếp hạng», hoặc \
                 danh sách «1. Sở A – 74,4»)"
            )
        } else {
            format!(
                "found {paragraphs} paragraphs and {grids} cell grids ({grid_rows} rows), but no table with a \
                 unit column and a number column (a heading row such as «TT | Đơn vị | Tổng điểm | Xếp hạng», \
                 or a list «1. Sở A – 74,4», is needed)"
            )
        })
    }
}

/// Something in the input that was not imported as it stands, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub pos: Pos,
    /// Id of the table concerned, when the problem belongs to one.
    pub table: Option<String>,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

/// Input that cannot be read at all; each variant names the file and where in it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {}", egov_core::msg!("không đọc được tệp: {}", "cannot read the file: {}", egov_core::lang::io_reason(source)))]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: {}", egov_core::msg!(
        "văn bản không phải UTF-8 hợp lệ (hãy lưu lại tệp với mã hóa UTF-8)",
        "the text is not valid UTF-8 (save the file again with the UTF-8 encoding)"
    ))]
    Encoding {
        file: String,
        line: u32,
        column: u32,
    },
    /// `message` is in the message language already.
    #[error("{file}: {}", egov_core::msg!("không phải tệp DOCX/XLSX hợp lệ: {message}", "not a valid DOCX/XLSX file: {message}"))]
    Archive { file: String, message: String },
    /// `message` is the XML parser's English, shown only in English messages.
    #[error("{file}: {part}:{line}:{column}: {}", egov_core::msg!(
        "XML hỏng ở đây (tệp đã bị sửa hoặc bị cắt cụt; hãy lưu lại tệp bằng Word/Excel)",
        "broken XML: {message}"
    ))]
    Xml {
        file: String,
        part: String,
        line: u32,
        column: u32,
        message: String,
    },
    /// `message` is in the message language already.
    #[error("{file}{}: {}", at_sheet(sheet), egov_core::msg!("không đọc được bảng tính: {message}", "cannot read the workbook: {message}"))]
    Spreadsheet {
        file: String,
        sheet: String,
        message: String,
    },
    /// A DOCX/XLSX refused for its size (too many entries, a part too large once decompressed, a cell
    /// past the limits of a sheet); the message names the part or the cell.
    #[error("{file}: {}", egov_core::msg!("tệp quá lớn để đọc: {source}", "the file is too large to read: {source}"))]
    TooLarge {
        file: String,
        #[source]
        source: package::PackageError,
    },
    /// A document refused for what reading it would hold ([`budget`]: cells, text, merged cells,
    /// nesting); the message names the place (`file:12:3`, `file: Sheet1!B7`, `file: bảng 1, hàng 2, ô 3`).
    #[error("{file}{}: {}", at(&source.pos), egov_core::msg!("tệp quá lớn để đọc: {source}", "the file is too large to read: {source}"))]
    OverBudget {
        file: String,
        #[source]
        source: budget::BudgetError,
    },
    /// `message` is the csv library's English, shown only in English messages.
    #[error("{file}:{line}: {}", egov_core::msg!(
        "CSV hỏng ở dòng này (kiểm tra dấu ngoặc kép)",
        "broken CSV: {message}"
    ))]
    Csv {
        file: String,
        line: u32,
        message: String,
    },
}

/// A sheet after a file name (`: Sheet1`), nothing when the whole workbook is meant.
fn at_sheet(sheet: &str) -> String {
    if sheet.is_empty() {
        String::new()
    } else {
        format!(": {sheet}")
    }
}

/// A position after a file name: `:12:3` for a line and column, `: Sheet1!B7` for a place.
fn at(pos: &Pos) -> String {
    match &pos.cell {
        Some(place) => format!(": {place}"),
        None => format!(":{}:{}", pos.line, pos.column),
    }
}

impl ImportError {
    fn over_budget(file: &str, source: budget::BudgetError) -> ImportError {
        ImportError::OverBudget {
            file: file.to_string(),
            source,
        }
    }

    /// The error of `file` for a package problem: a size limit, a broken archive or part, or a
    /// workbook calamine could not read.
    fn from_package(file: &str, e: package::PackageError) -> ImportError {
        use package::PackageError as P;
        let file = file.to_string();
        match e {
            P::Zip(message) => ImportError::Archive { file, message },
            P::Part { part, message } => ImportError::Archive {
                file,
                message: format!("{part}: {message}"),
            },
            P::Sheet { sheet, message } => ImportError::Spreadsheet {
                file,
                sheet,
                message,
            },
            P::Budget(source) => ImportError::OverBudget { file, source },
            source => ImportError::TooLarge { file, source },
        }
    }
}

/// Imports every table of a document held in memory. `name` is used in messages and, with
/// [`Format::Auto`], to recognise CSV by its extension.
pub fn import_bytes(name: &str, bytes: &[u8], format: Format) -> Result<Imported, ImportError> {
    import_within(name, bytes, format, budget::Limits::DOCUMENT).0
}

/// [`import_bytes`] within other limits, with the work it counted (for tests of the limits and of
/// linear time; not part of the API).
#[doc(hidden)]
pub fn import_within(
    name: &str,
    bytes: &[u8],
    format: Format,
    limits: budget::Limits,
) -> (Result<Imported, ImportError>, budget::Work) {
    let mut budget = budget::Budget::new(limits);
    let result = import_budgeted(name, bytes, format, &mut budget);
    (result, budget.work())
}

fn import_budgeted(
    name: &str,
    bytes: &[u8],
    format: Format,
    budget: &mut budget::Budget,
) -> Result<Imported, ImportError> {
    let format = match format {
        Format::Auto => sniff(name, bytes)?,
        f => f,
    };
    let over = |e| ImportError::over_budget(name, e);
    let mut problems = Vec::new();
    let (items, source_text) = match format {
        Format::Docx => (docx::read(name, bytes, budget)?, None),
        Format::Xlsx => (xlsx::read(name, bytes, budget)?, None),
        Format::Auto | Format::WordText | Format::Markdown | Format::Html | Format::Csv => {
            let text = decode(name, bytes)?;
            let items = match format {
                Format::Markdown => markdown::read(&text, budget).map_err(over)?,
                Format::Html => html::read(&text, budget).map_err(over)?,
                Format::Csv => csvin::read(name, &text, budget)?,
                _ => wordtext::read(&text, budget).map_err(over)?,
            };
            (items, Some(text))
        }
    };
    let not_nfc = source::not_nfc(&items, budget);
    let seen = source::seen(&items);
    // egov's own long form (the CSV export, the workbook's data sheet) is read as the tables it encodes.
    let mut long_tables = Vec::new();
    let mut rest = Vec::with_capacity(items.len());
    for item in items {
        match item {
            source::Item::Grid(rows) if longform::is_long_form(&rows) => {
                let (tables, found) = longform::tables(&rows);
                long_tables.extend(tables);
                problems.extend(found);
            }
            other => rest.push(other),
        }
    }
    // Tables pasted one cell per paragraph, and ranked lists written as prose, become grids first.
    let rest = paragraphs::regroup(rest, budget).map_err(over)?;
    let built = build::build(rest, budget);
    problems.extend(built.problems);
    // Problems quote rows and cells of the document: at most the first characters of each.
    for p in &mut problems {
        let message = std::mem::take(&mut p.message);
        p.message = egov_core::text::short_quotes(message, '«', '»');
    }
    // A workbook with both the formatted sheets and the data sheet: the formatted sheets are what readers
    // see (and what the audit should point at); the data sheet alone is read when nothing else is there.
    let tables = if built.tables.is_empty() {
        long_tables
    } else {
        built.tables
    };
    Ok(Imported {
        tables,
        headings: built.headings,
        prose: built.prose,
        problems,
        source_text,
        not_nfc,
        seen,
    })
}

/// Reads and imports a file.
pub fn import_path(path: &Path, format: Format) -> Result<Imported, ImportError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: name.clone(),
        source,
    })?;
    import_bytes(&name, &bytes, format)
}

/// Recognises the format: a zip with `word/document.xml` is DOCX, a zip with `xl/` is XLSX; text with
/// `<table`, `<html` or `<body` is HTML, text with lines starting with `|` is Markdown, a `.csv` name is CSV, anything else
/// is Word text.
fn sniff(name: &str, bytes: &[u8]) -> Result<Format, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
            ImportError::Archive {
                file: name.to_string(),
                message: egov_core::msg!(
                    "tệp nén hỏng hoặc bị cắt cụt",
                    "the archive is broken or cut short ({e})"
                ),
            }
        })?;
        if archive.index_for_name("word/document.xml").is_some() {
            return Ok(Format::Docx);
        }
        if archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n.starts_with("xl/")))
        {
            return Ok(Format::Xlsx);
        }
        return Err(ImportError::Archive {
            file: name.to_string(),
            message: egov_core::msg!(
                "tệp nén không chứa word/document.xml hay xl/",
                "the archive holds neither word/document.xml nor xl/"
            ),
        });
    }
    let text = decode(name, bytes)?;
    let lower = text.to_lowercase();
    // A page saved as HTML may hold its ranking as paragraphs, without any <table>. (Loose fragments
    // with a <p> stay text: html5ever checks the open elements for a <p> at every start tag, quadratic
    // in the depth of a crafted page of nested <div>s.)
    if lower.contains("<table") || lower.contains("<html") || lower.contains("<body") {
        Ok(Format::Html)
    } else if source::lines(&text).any(|(_, l)| l.trim_start().starts_with('|')) {
        Ok(Format::Markdown)
    } else if name.to_lowercase().ends_with(".csv") {
        Ok(Format::Csv)
    } else {
        Ok(Format::WordText)
    }
}

/// Text from bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM, as Word's "Unicode text" saves.
fn decode(name: &str, bytes: &[u8]) -> Result<String, ImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(name, rest);
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units = rest.chunks(2).map(|c| {
            let pair = [c[0], c.get(1).copied().unwrap_or(0)];
            if le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Ok(utf16(rest, true));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Ok(utf16(rest, false));
    }
    utf8(name, bytes)
}

fn utf8(name: &str, bytes: &[u8]) -> Result<String, ImportError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(ImportError::Encoding {
                file: name.to_string(),
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
            })
        }
    }
}

/// Line and column (1-based, in characters) of a byte offset in a text, for XML messages.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_text_formats() {
        assert_eq!(sniff("a.txt", b"<p>x</p><TABLE>").unwrap(), Format::Html);
        assert_eq!(
            sniff("a.txt", b"# T\n| TT | A |\n").unwrap(),
            Format::Markdown
        );
        assert_eq!(sniff("a.CSV", b"TT;A\n").unwrap(), Format::Csv);
        assert_eq!(sniff("a.txt", b"\tTT\n").unwrap(), Format::WordText);
        assert!(matches!(
            sniff("a.docx", b"PK\x03\x04junk"),
            Err(ImportError::Archive { .. })
        ));
    }

    #[test]
    fn names_the_bad_byte() {
        let err = import_bytes("x.txt", b"ab\n\tc\xffd", Format::WordText).unwrap_err();
        assert_eq!(err.to_string().split(' ').next(), Some("x.txt:2:3:"));
    }

    #[test]
    fn reads_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Sở\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode("x", &bytes).unwrap(), "Sở\n");
    }
}
