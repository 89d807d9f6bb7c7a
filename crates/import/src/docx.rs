//! Word documents (DOCX): paragraphs and tables of `word/document.xml`, read as Word's text export would.
//!
//! Only the main document part is read. A paragraph outside tables is a heading or text; a table row
//! is a grid row; a cell's paragraphs are joined by line breaks. A horizontally merged cell
//! (`w:gridSpan`) is one cell and a vertically merged continuation (`w:vMerge`) is a blank cell, the
//! same shape as the seed's text, so the builder sees no difference. Nested tables are read as text of
//! their enclosing cell. Positions follow [`crate::source::table_pos`]. The archive is read through
//! [`crate::package`], which bounds the entries and the decompressed size of the part.

use egov_core::table::Pos;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::budget::{Budget, BudgetError};
use crate::package::{open_archive, read_part};
use crate::source::{Item, SrcCell, SrcRow, table_pos};
use crate::{ImportError, line_col};

/// The one part read.
const DOCUMENT: &str = "word/document.xml";

/// Reads `word/document.xml` into paragraphs and grids. The archive is checked first
/// ([`open_archive`]: number of entries, decompressed size of the document part).
/// Every cell, text and nested table is charged to `budget` as it is read.
pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    budget: &mut Budget,
) -> Result<Vec<Item>, ImportError> {
    let part = DOCUMENT;
    let mut zip =
        open_archive(bytes, |n| n == DOCUMENT).map_err(|e| ImportError::from_package(name, e))?;
    let xml = read_part(&mut zip, part).map_err(|e| ImportError::from_package(name, e))?;
    parse(&xml, budget).map_err(|e| match e {
        Stop::Budget(e) => ImportError::over_budget(name, e),
        Stop::Xml(offset, message) => {
            let (line, column) = line_col(&xml, offset);
            ImportError::Xml {
                file: name.to_string(),
                part: part.to_string(),
                line,
                column,
                message,
            }
        }
    })
}

/// Why reading the part stopped: broken XML at a byte offset, or the budget.
enum Stop {
    Xml(usize, String),
    Budget(BudgetError),
}

impl From<BudgetError> for Stop {
    fn from(e: BudgetError) -> Self {
        Stop::Budget(e)
    }
}

#[derive(Default)]
struct State {
    items: Vec<Item>,
    /// Depth of `w:tbl` nesting; only the outermost table makes grids.
    depth: usize,
    tables: usize,
    paragraphs: usize,
    rows: Vec<SrcRow>,
    cells: Vec<SrcCell>,
    /// Text of the open cell (inside a table) or paragraph (outside).
    buf: String,
    in_text: bool,
}

impl State {
    /// Where text now read goes: the open cell of the outermost table, or the next paragraph.
    fn here(&self) -> Pos {
        if self.depth > 0 {
            table_pos(self.tables, self.rows.len() + 1, self.cells.len() + 1)
        } else {
            Pos::paragraph(u32::try_from(self.paragraphs + 1).unwrap_or(u32::MAX))
        }
    }

    /// Text of the open cell or paragraph, charged to the budget before it is kept.
    fn push(&mut self, text: &str, budget: &mut Budget) -> Result<(), BudgetError> {
        budget.charge_text(text.len() as u64, || self.here())?;
        self.buf.push_str(text);
        Ok(())
    }

    fn open_paragraph(&mut self, budget: &mut Budget) -> Result<(), BudgetError> {
        if self.depth > 0 && !self.buf.is_empty() {
            self.push("\n", budget)?;
        }
        Ok(())
    }

    fn close_paragraph(&mut self) {
        if self.depth == 0 {
            let raw = std::mem::take(&mut self.buf);
            if !raw.trim().is_empty() {
                self.paragraphs += 1;
                let k = self.paragraphs;
                let pos = Pos::paragraph(u32::try_from(k).unwrap_or(u32::MAX));
                self.items.push(Item::Text { raw, pos });
            }
        }
    }

    fn close_cell(&mut self, budget: &mut Budget) -> Result<(), BudgetError> {
        if self.depth == 1 {
            let pos = table_pos(self.tables, self.rows.len() + 1, self.cells.len() + 1);
            budget.charge_cells(1, || pos.clone())?;
            let raw = std::mem::take(&mut self.buf);
            self.cells.push(SrcCell {
                raw,
                pos,
                typed: false,
            });
        }
        Ok(())
    }

    fn close_row(&mut self) {
        if self.depth == 1 {
            let cells = std::mem::take(&mut self.cells);
            let pos = table_pos(self.tables, self.rows.len() + 1, 1);
            self.rows.push(SrcRow { cells, pos });
        }
    }
}

fn parse(xml: &str, budget: &mut Budget) -> Result<Vec<Item>, Stop> {
    let mut reader = Reader::from_str(xml);
    let mut s = State::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            Stop::Xml(
                usize::try_from(reader.error_position()).unwrap_or(0),
                e.to_string(),
            )
        })?;
        budget.step(1);
        match event {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                "tbl" => {
                    // Counted before the new table is opened, so a refusal names the enclosing cell.
                    budget.enter(|| s.here())?;
                    s.depth += 1;
                    if s.depth == 1 {
                        s.tables += 1;
                        s.rows.clear();
                    }
                }
                "p" => s.open_paragraph(budget)?,
                "t" => s.in_text = true,
                "tab" => s.push("\t", budget)?,
                "br" | "cr" => s.push("\n", budget)?,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => s.push("\t", budget)?,
                "br" | "cr" => s.push("\n", budget)?,
                "p" => {
                    s.open_paragraph(budget)?;
                    s.close_paragraph();
                }
                "tc" => s.close_cell(budget)?,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => s.in_text = false,
                "p" => s.close_paragraph(),
                "tc" => s.close_cell(budget)?,
                "tr" => s.close_row(),
                "tbl" => {
                    if s.depth == 1 {
                        let rows = std::mem::take(&mut s.rows);
                        s.items.push(Item::Grid(rows));
                    }
                    if s.depth > 0 {
                        budget.leave();
                    }
                    s.depth = s.depth.saturating_sub(1);
                }
                _ => {}
            },
            Event::Text(t) if s.in_text => s.push(&t.xml10_content(), budget)?,
            Event::CData(t) if s.in_text => s.push(&t.xml10_content(), budget)?,
            Event::GeneralRef(r) if s.in_text => {
                let ch = match &*r {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                if let Some(ch) = ch {
                    s.push(ch.encode_utf8(&mut [0; 4]), budget)?;
                }
            }
            _ => {}
        }
    }
    Ok(s.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_merged_cells() {
        let xml = r#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Bảng &amp; 1</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>TT</w:t></w:r></w:p></w:tc>
            <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Điểm</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t xml:space="preserve">A</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>&#160;</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        let items = parse(xml, &mut Budget::default()).ok().expect("valid xml");
        assert!(matches!(&items[0], Item::Text { raw, .. } if raw == "Bảng & 1"));
        let Item::Grid(rows) = &items[1] else {
            panic!("a grid")
        };
        let raw = |r: usize| {
            rows[r]
                .cells
                .iter()
                .map(|c| c.raw.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(raw(0), ["TT", "Điểm"]);
        assert_eq!(raw(1), ["", "A", "\u{a0}"]);
    }

    /// The mismatched end tag is reported at its own place: byte offset, then line and column (the
    /// column in characters, after a Vietnamese word of multi-byte characters on the same line).
    #[test]
    fn broken_xml_is_located() {
        let xml = "<w:document>\n<w:body>\n<w:p><w:t>Điểm</w:t></w:p></w:bod>\n</w:document>";
        let at = xml.find("</w:bod>").unwrap();
        assert_eq!(at, 51);
        let Err(Stop::Xml(offset, message)) = parse(xml, &mut Budget::default()) else {
            panic!("broken XML must stop the reader")
        };
        assert_eq!(offset, at, "{message}");
        assert_eq!(line_col(xml, offset), (3, 27));
        assert!(message.contains("w:bod"), "{message}");
    }
}
