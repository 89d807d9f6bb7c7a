//! Office packages (DOCX, XLSX) from untrusted hands, read within hard limits of memory and time.
//!
//! Every input of egov is untrusted: a unit officer's filled entry form, a decision downloaded from a
//! portal. Two things in such a file can cost far more than its size. A zip entry can inflate a
//! thousandfold (a few megabytes of zeros become gigabytes), and a worksheet can name a far corner:
//! calamine's `worksheet_range` builds a dense grid over the bounding box of the used cells, so one
//! cell at A1 and one at XFD1048576 make it allocate 17 billion cells. This module is the one door
//! through which egov reads such packages ([`crate::import_bytes`] for DOCX and XLSX, and the entry
//! forms of `egov import-values`):
//!
//! - [`open_archive`] checks the zip's central directory before anything is decompressed: at most
//!   [`MAX_ENTRIES`] entries; each part that may be read (every entry of an XLSX, `document.xml` of
//!   a DOCX) at most [`MAX_PART_BYTES`] and all of them together at most [`MAX_TOTAL_BYTES`] once
//!   decompressed. The declared sizes can be trusted because the zip crate (9.x) stops any entry
//!   whose data inflates past its declared size with an error, so a forged header only makes the read
//!   fail.
//! - [`Workbook`] streams each worksheet cell by cell (calamine's `worksheet_cells_reader`) into a
//!   sparse [`Sheet`] that holds only the cells with a value, and stops at the first cell that crosses
//!   a [`Limits`] bound, naming it (`Sheet!XFD1048576: …`). It also refuses a shared-string table that
//!   declares more strings than the workbook may have cells, since calamine reserves room for the
//!   declared count before reading a single string.
//!
//! The numbers are sized for a province and then some: before 1 July 2025 Vietnam had about 10,600
//! communes (3,321 after), and an evaluation has a few hundred indicators. Two million cells hold a
//! province's communes with every indicator many times over, or every commune of the country with
//! about 180 filled columns; anything larger is not an e-government evaluation.

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read};

use std::sync::Arc;

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use egov_core::table::Pos;
use quick_xml::events::Event;
use zip::ZipArchive;

use crate::budget::{Budget, BudgetError};

/// Entries of one zip. An XLSX or DOCX holds a few dozen; a workbook with hundreds of sheets a few
/// thousand.
pub const MAX_ENTRIES: usize = 10_000;
/// Decompressed size of one part that is read (a worksheet, the shared strings, `document.xml`). A
/// sheet with [`Limits::TABLES`]' two million cells is about 100 MiB of XML.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// Decompressed size of all parts that may be read, together (every entry of an XLSX).
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// `<c>` elements read per workbook, empty ones included: formatting without values costs parse time
/// too, and an honest form formats far fewer cells than this.
pub const MAX_CELL_ELEMENTS: usize = 10_000_000;
/// Excel's own last column (XFD).
pub const EXCEL_COLUMNS: u32 = 16_384;
/// Cells of the grids built from a workbook for the table builder: rows with content are read across
/// the sheet's whole used width, blanks included, so this bounds rows × width rather than values. It is
/// the document budget's cell limit ([`crate::budget::MAX_CELLS`]), which every reader shares.
pub const MAX_GRID_CELLS: usize = crate::budget::MAX_CELLS as usize;

/// How much of a workbook is read; crossing a bound is an error naming the cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows of a sheet: a cell below row `rows` (1-based) is refused.
    pub rows: u32,
    /// Columns of a sheet: a cell right of column number `columns` (1-based) is refused.
    pub columns: u32,
    /// Cells with a value, over the whole workbook.
    pub cells: usize,
}

impl Limits {
    /// Published tables (`egov import`, `egov audit`): units are rows (about 10,600 communes in the
    /// country before 2025, 3,321 after), indicators are columns (a few hundred at most).
    pub const TABLES: Limits = Limits {
        rows: 100_000,
        columns: 2_000,
        cells: 2_000_000,
    };
    /// Entry forms (`egov import-values`): indicators are rows and units are columns, so a form for
    /// every commune of a block needs Excel's full width.
    pub const FORMS: Limits = Limits {
        rows: 100_000,
        columns: EXCEL_COLUMNS,
        cells: 2_000_000,
    };
}

/// Why a package was not read, in the message language ([`egov_core::lang::messages`]). The zip and
/// calamine libraries' own English is kept only in English messages; in Vietnamese the problem is said
/// in Vietnamese words (the unit officer who sent the file reads them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    /// Not a zip at all, or a broken one (the reason already in the message language: [`broken_zip`]).
    #[error("{}", egov_core::msg!("không phải tệp nén Office (zip) hợp lệ: {0}", "not a valid Office archive (zip): {0}", .0))]
    Zip(String),
    #[error("{}", egov_core::msg!(
        "tệp nén có {} mục, vượt giới hạn {} mục của một tệp DOCX/XLSX",
        "the archive has {} entries, more than the {} entries a DOCX/XLSX file may have",
        group(*count as u64),
        group(*max as u64)
    ))]
    TooManyEntries { count: usize, max: usize },
    #[error("{}", egov_core::msg!(
        "{part}: giải nén ra {}, vượt giới hạn {} cho một phần của tệp",
        "{part}: decompresses to {}, more than the limit of {} for one part of a file",
        mib(*size),
        mib(*max)
    ))]
    PartTooLarge { part: String, size: u64, max: u64 },
    #[error("{}", egov_core::msg!(
        "{part}: tổng dung lượng giải nén của các phần cần đọc đã tới {}, vượt giới hạn {}",
        "{part}: the parts to read decompress to {} in all, more than the limit of {}",
        mib(*total),
        mib(*max)
    ))]
    TotalTooLarge { part: String, total: u64, max: u64 },
    #[error("{}", egov_core::msg!(
        "{part}: khai báo {count} chuỗi dùng chung, vượt giới hạn {} ô có nội dung của một bảng tính",
        "{part}: declares {count} shared strings, more than the limit of {} filled cells of a workbook",
        group(*max as u64)
    ))]
    TooManyStrings {
        part: String,
        count: String,
        max: usize,
    },
    /// A part that cannot be read (checksum, inflated past its declared size, …).
    #[error("{part}: {message}")]
    Part { part: String, message: String },
    /// calamine could not read the workbook (`sheet` is empty) or a sheet (the reason already in the
    /// message language: [`broken_sheet`]).
    #[error("{sheet}: {}", egov_core::msg!("không đọc được bảng tính: {message}", "cannot read the workbook: {message}"))]
    Sheet { sheet: String, message: String },
    #[error("{}", egov_core::msg!(
        "{sheet}!{cell}: ô ở hàng {}, vượt giới hạn {} hàng của một trang tính (hãy xóa các ô thừa ở cuối trang)",
        "{sheet}!{cell}: a cell in row {}, past the limit of {} rows of a sheet (delete the stray cells at the end of the sheet)",
        group(u64::from(*row) + 1),
        group(u64::from(*max))
    ))]
    TooManyRows {
        sheet: String,
        cell: String,
        row: u32,
        max: u32,
    },
    #[error("{}", egov_core::msg!(
        "{sheet}!{cell}: ô ở cột thứ {}, vượt giới hạn {} cột của một trang tính (hãy xóa các ô thừa bên phải)",
        "{sheet}!{cell}: a cell in column {}, past the limit of {} columns of a sheet (delete the stray cells on the right)",
        group(u64::from(*column) + 1),
        group(u64::from(*max))
    ))]
    TooManyColumns {
        sheet: String,
        cell: String,
        column: u32,
        max: u32,
    },
    #[error("{}", egov_core::msg!(
        "{sheet}!{cell}: bảng tính có hơn {} ô có nội dung, vượt giới hạn",
        "{sheet}!{cell}: the workbook has more than {} filled cells, past the limit",
        group(*max as u64)
    ))]
    TooManyCells {
        sheet: String,
        cell: String,
        max: usize,
    },
    #[error("{}", egov_core::msg!(
        "{sheet}!{cell}: bảng tính có hơn {} ô (kể cả ô trống có định dạng), vượt giới hạn",
        "{sheet}!{cell}: the workbook has more than {} cells (formatted blank cells included), past the limit",
        group(*max as u64)
    ))]
    TooManyElements {
        sheet: String,
        cell: String,
        max: usize,
    },
    #[error("{}", egov_core::msg!(
        "{sheet}!{cell}: các hàng có nội dung trải trên hơn {} ô (kể cả ô trống trong vùng đã dùng), vượt giới hạn; hãy xóa các ô lẻ nằm xa bảng",
        "{sheet}!{cell}: the filled rows span more than {} cells (blank cells of the used range included), past the limit; delete the stray cells far from the table",
        group(*max as u64)
    ))]
    GridTooLarge {
        sheet: String,
        cell: String,
        max: usize,
    },
    /// The document budget ([`crate::budget`]) was crossed; the error names the cell.
    #[error("{}: {}", .0.pos, .0.message())]
    Budget(#[from] BudgetError),
}

/// Longest sheet name Excel allows.
pub const SHEET_NAME_CHARS: usize = 31;

/// A sheet's name as shown in positions and messages: whole when Excel could have written it,
/// otherwise its first [`SHEET_NAME_CHARS`] characters and `…`. Only a crafted workbook has a longer
/// name, and a message (or a position per cell) must not repeat 100,000 characters.
pub fn shown_name(name: &str) -> String {
    egov_core::text::cut(name, SHEET_NAME_CHARS).into_owned()
}

/// Why the zip library refused an archive, in the message language: its English only in English.
fn broken_zip(e: &zip::result::ZipError) -> String {
    egov_core::msg!(
        "tệp nén hỏng hoặc bị cắt cụt",
        "the archive is broken or cut short ({e})"
    )
}

/// Why a part of an archive could not be read, in the message language.
fn broken_part(e: &dyn std::fmt::Display) -> String {
    egov_core::msg!(
        "không đọc được phần này của tệp nén (hỏng hoặc thiếu)",
        "cannot read this part of the archive ({e})"
    )
}

/// Why calamine could not read a workbook or a sheet, in the message language.
fn broken_sheet(e: &XlsxError) -> String {
    egov_core::msg!(
        "tệp hỏng hoặc không phải bảng tính XLSX",
        "the file is broken or not an XLSX workbook ({e})"
    )
}

impl PackageError {
    /// Whether the package was refused for its size rather than for being broken.
    pub fn is_limit(&self) -> bool {
        !matches!(
            self,
            PackageError::Zip(_) | PackageError::Part { .. } | PackageError::Sheet { .. }
        )
    }
}

/// Opens a zip after checking its central directory: the number of entries, and the declared
/// decompressed size of every entry `read` selects (the parts that will be decompressed), one by one
/// and together. Nothing is decompressed here.
pub fn open_archive(
    bytes: &[u8],
    read: impl Fn(&str) -> bool,
) -> Result<ZipArchive<Cursor<&[u8]>>, PackageError> {
    let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| PackageError::Zip(broken_zip(&e)))?;
    if zip.len() > MAX_ENTRIES {
        return Err(PackageError::TooManyEntries {
            count: zip.len(),
            max: MAX_ENTRIES,
        });
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_data(i)
            .map_err(|e| PackageError::Zip(broken_zip(&e)))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if !read(&name) {
            continue;
        }
        let size = entry.size();
        if size > MAX_PART_BYTES {
            return Err(PackageError::PartTooLarge {
                part: name,
                size,
                max: MAX_PART_BYTES,
            });
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Err(PackageError::TotalTooLarge {
                part: name,
                total,
                max: MAX_TOTAL_BYTES,
            });
        }
    }
    Ok(zip)
}

/// Reads one part of a checked archive as text (at most its declared size, which
/// [`open_archive`] bounded).
pub fn read_part(zip: &mut ZipArchive<Cursor<&[u8]>>, part: &str) -> Result<String, PackageError> {
    let err = |message: String| PackageError::Part {
        part: part.to_string(),
        message,
    };
    let file = zip.by_name(part).map_err(|e| err(broken_part(&e)))?;
    // The zip crate already stops at the declared size; the `take` keeps this function safe on an
    // archive that did not go through `open_archive`.
    let mut text = String::new();
    file.take(MAX_PART_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| err(broken_part(&e)))?;
    Ok(text)
}

/// Refuses a shared-string table declaring more strings than `max` (calamine reserves room for the
/// declared `uniqueCount` up front; a forged `uniqueCount="100000000000000"` would abort the process),
/// or declaring XML entities (a DTD), naming the part.
fn check_shared_strings(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    max: usize,
) -> Result<(), PackageError> {
    let names: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .map(|n| n.into_owned())
        .collect();
    for part in names {
        let part_err = |message: String| PackageError::Part {
            part: part.clone(),
            message,
        };
        let file = zip.by_name(&part).map_err(|e| part_err(broken_part(&e)))?;
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(file));
        let mut buf = Vec::new();
        loop {
            buf.clear();
            // A broken part is left for calamine to report in its own words.
            let Ok(event) = xml.read_event_into(&mut buf) else {
                break;
            };
            match event {
                // Office never writes a DTD; one in a part calamine parses can only declare entities
                // (a "billion laughs" expanding to gigabytes), so it is refused here, naming the part.
                Event::DocType(_) => {
                    return Err(PackageError::Part {
                        part,
                        message: egov_core::msg!(
                            "phần XML có khai báo DOCTYPE (thực thể XML), điều tệp Office không bao giờ có; tệp đã bị sửa, không đọc",
                            "the XML part declares a DOCTYPE (XML entities), which an Office file never has; the file was altered and is not read"
                        ),
                    });
                }
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sst" => {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                        .map(|a| a.value.to_string());
                    if let Some(count) = count
                        && declares_more(&count, max)
                    {
                        return Err(PackageError::TooManyStrings { part, count, max });
                    }
                    break;
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    Ok(())
}

/// Whether a count written in digits (leading zeros allowed, as calamine reads it) exceeds `max`.
fn declares_more(count: &str, max: usize) -> bool {
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits = count.trim_start_matches('0');
    digits.len() > 18 || digits.parse::<u64>().is_ok_and(|n| n > max as u64)
}

/// The cells with a value of one worksheet, by (row, column), 0-based.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    name: String,
    cells: BTreeMap<(u32, u32), Data>,
    /// First and last row, first and last column of the cells.
    bounds: Option<((u32, u32), (u32, u32))>,
}

impl Sheet {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value at a 0-based row and column; `None` for a blank cell.
    pub fn get(&self, row: u32, col: u32) -> Option<&Data> {
        self.cells.get(&(row, col))
    }

    /// Every cell with a value, row by row, left to right.
    pub fn cells(&self) -> impl Iterator<Item = ((u32, u32), &Data)> {
        self.cells.iter().map(|(&p, d)| (p, d))
    }

    /// The cells with a value of one row, left to right, as (column, value).
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Data)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .map(|(&(_, c), d)| (c, d))
    }

    /// `((first row, first column), (last row, last column))` of the cells, `None` for an empty sheet.
    pub fn bounds(&self) -> Option<((u32, u32), (u32, u32))> {
        self.bounds
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// An XLSX workbook opened for reading within [`Limits`].
pub struct Workbook<'a> {
    book: Xlsx<Cursor<&'a [u8]>>,
    limits: Limits,
    /// Cells with a value read so far, over all sheets.
    cells: usize,
    /// `<c>` elements read so far, over all sheets.
    elements: usize,
    /// The document budget: the text of the cells kept is charged to it.
    budget: Budget,
}

impl<'a> Workbook<'a> {
    /// Checks the archive ([`open_archive`], shared strings) and opens the workbook.
    pub fn open(bytes: &'a [u8], limits: Limits) -> Result<Self, PackageError> {
        Workbook::open_within(bytes, limits, Budget::default())
    }

    /// [`Workbook::open`] charging `budget`, which [`Workbook::budget_mut`] and
    /// [`Workbook::into_budget`] give back.
    pub fn open_within(
        bytes: &'a [u8],
        limits: Limits,
        budget: Budget,
    ) -> Result<Self, PackageError> {
        // Every entry counts: calamine follows the workbook's relationships to its sheets, and a crafted
        // relationship can name any entry, whatever its extension.
        let mut zip = open_archive(bytes, |_| true)?;
        check_shared_strings(&mut zip, limits.cells)?;
        let book = Xlsx::new(Cursor::new(bytes)).map_err(|e| PackageError::Sheet {
            sheet: String::new(),
            message: broken_sheet(&e),
        })?;
        Ok(Workbook {
            book,
            limits,
            cells: 0,
            elements: 0,
            budget,
        })
    }

    /// The budget charged so far.
    pub fn budget_mut(&mut self) -> &mut Budget {
        &mut self.budget
    }

    pub fn into_budget(self) -> Budget {
        self.budget
    }

    /// Sheet names in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.book.sheet_names()
    }

    /// Reads one sheet, cell by cell, stopping at the first cell past a limit. A chart sheet reads as
    /// an empty sheet, as calamine's `worksheet_range` gives it.
    pub fn sheet(&mut self, name: &str) -> Result<Sheet, PackageError> {
        let calamine_err = |e: XlsxError| PackageError::Sheet {
            sheet: name.to_string(),
            message: broken_sheet(&e),
        };
        let mut sheet = Sheet {
            name: name.to_string(),
            ..Sheet::default()
        };
        let shown = shown_name(name);
        let place: Arc<str> = shown.as_str().into();
        let mut reader = match self.book.worksheet_cells_reader(name) {
            Ok(r) => r,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(sheet),
            Err(e) => return Err(calamine_err(e)),
        };
        let limits = self.limits;
        while let Some(cell) = reader.next_cell().map_err(calamine_err)? {
            let (row, col) = cell.get_position();
            let at = || (shown.clone(), a1(row, col));
            self.budget.step(1);
            self.elements += 1;
            if self.elements > MAX_CELL_ELEMENTS {
                let (sheet, cell) = at();
                return Err(PackageError::TooManyElements {
                    sheet,
                    cell,
                    max: MAX_CELL_ELEMENTS,
                });
            }
            // Like `worksheet_range`: a cell without a value does not extend the sheet.
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            if row >= limits.rows {
                let (sheet, cell) = at();
                return Err(PackageError::TooManyRows {
                    sheet,
                    cell,
                    row,
                    max: limits.rows,
                });
            }
            if col >= limits.columns {
                let (sheet, cell) = at();
                return Err(PackageError::TooManyColumns {
                    sheet,
                    cell,
                    column: col,
                    max: limits.columns,
                });
            }
            self.cells += 1;
            if self.cells > limits.cells {
                let (sheet, cell) = at();
                return Err(PackageError::TooManyCells {
                    sheet,
                    cell,
                    max: limits.cells,
                });
            }
            let text = match cell.get_value() {
                DataRef::String(t) | DataRef::DateTimeIso(t) | DataRef::DurationIso(t) => t.len(),
                DataRef::SharedString(t) => t.len(),
                _ => 0,
            };
            self.budget
                .charge_text(text as u64, || Pos::sheet(&place, row, col))?;
            sheet.bounds = Some(match sheet.bounds {
                None => ((row, col), (row, col)),
                Some(((r0, c0), (r1, c1))) => {
                    ((r0.min(row), c0.min(col)), (r1.max(row), c1.max(col)))
                }
            });
            // A cell written twice keeps its last value, as `worksheet_range` does.
            sheet
                .cells
                .insert((row, col), Data::from(cell.get_value().clone()));
        }
        Ok(sheet)
    }
}

/// `A1` reference of a 0-based row and column (`a1(6, 1)` is `B7`).
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = u64::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + u8::try_from(rem).unwrap_or(0));
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        u64::from(row) + 1
    )
}

/// A count with dots between thousands, as Vietnamese writes it (`1.048.576`).
pub(crate) fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A size in MiB, rounded down (`256 MiB`).
fn mib(bytes: u64) -> String {
    format!("{} MiB", group(bytes / (1024 * 1024)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_counts_and_sizes() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 1), "B7");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_048_576), "1.048.576");
        assert_eq!(mib(MAX_PART_BYTES), "256 MiB");
    }

    #[test]
    fn declared_string_counts() {
        assert!(!declares_more("2000000", 2_000_000));
        assert!(declares_more("2000001", 2_000_000));
        assert!(declares_more(
            "000000000000000000000100000000000000000000",
            10
        ));
        assert!(!declares_more("0000012", 12));
        assert!(!declares_more("1e9", 10));
        assert!(!declares_more("", 10));
    }
}
