//! The resource budget of one import: what a document may make the readers hold, checked as it is read.
//!
//! A hostile document can cost far more than its size in ways no archive limit sees: a Markdown line of
//! bars is one cell per byte, an HTML row of `rowspan=1000` cells adds a blank cell to each of the next
//! thousand rows, a DOCX row of empty `<w:tc/>` is a cell per seven bytes, and a workbook row with one
//! value is read across the whole used width. Every reader (Word text, Markdown, HTML, CSV, DOCX,
//! XLSX, and the entry forms through [`crate::package::Workbook`]) charges one [`Budget`] for what it
//! is about to keep — grid cells, text bytes, cells laid out from spans — and for how deep it nests,
//! and stops at the first charge past a limit with a [`BudgetError`] that names the place (`12:3`,
//! `Sheet1!B7`, `bảng 2, hàng 5, ô 3`). So what an import holds is bounded by the limits below, not
//! by what the file claims, and the check costs a few additions per cell.
//!
//! The budget also counts the work done ([`Work`]: nodes visited, cells laid out, characters scanned),
//! so that tests can show a reader's work grows linearly with its input without timing anything.
//!
//! The limits are sized as [`crate::package`]'s are, for a province and then some: before 1 July 2025
//! Vietnam had about 10,600 communes, and an evaluation has a few hundred indicators; a table of every
//! commune with every indicator is about three million cells, the largest honest table there is.

use egov_core::table::Pos;

use crate::package::group;

/// Grid cells one document may lay out, blanks and merged continuations included, over all its tables.
/// 10,600 communes × about 300 indicators is 3.2 million; four million leaves room for headers and a
/// province that prints a few more columns. (Each cell costs about a hundred bytes once read and
/// built, so this is also what keeps an import well under a gigabyte.)
pub const MAX_CELLS: u64 = 4_000_000;
/// Bytes of text one document may hand to the builder (cells and paragraphs). Published cells are
/// short — a number, a unit's name of a few dozen bytes — so four million cells average under 16
/// bytes; 64 MiB is four times that.
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;
/// Blank cells one document may lay out under vertically merged (`rowspan`) cells. Each is also a grid
/// cell; this lower bound catches a page that merges thousands of rows at once long before
/// [`MAX_CELLS`], since an honest annex merges a header row or a block label, a few cells per row.
pub const MAX_SPAN_CELLS: u64 = 1_000_000;
/// Nesting of tables inside tables (DOCX `w:tbl`) or of elements (HTML) that is followed. Real
/// documents nest a few dozen levels; a tree deeper than this is a crafted one. HTML reads what lies
/// deeper as the text of the element at this depth (browsers show it; the text is still charged);
/// a DOCX nesting tables deeper is refused.
pub const MAX_DEPTH: u32 = 200;

/// The limits of a [`Budget`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub cells: u64,
    pub text_bytes: u64,
    pub span_cells: u64,
    pub depth: u32,
}

impl Limits {
    /// Every document read by `egov import` / `egov audit`, and every entry form.
    pub const DOCUMENT: Limits = Limits {
        cells: MAX_CELLS,
        text_bytes: MAX_TEXT_BYTES,
        span_cells: MAX_SPAN_CELLS,
        depth: MAX_DEPTH,
    };
}

/// Work done while reading, for tests of linearity (never timed; counted where the work is done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Work {
    /// Nodes, elements and loop steps visited (HTML nodes, XML events, span look-ups, label checks).
    pub steps: u64,
    /// Grid cells laid out.
    pub cells: u64,
    /// Characters (or bytes) scanned or kept.
    pub chars: u64,
}

impl Work {
    /// Everything counted, as one number to compare across input sizes.
    pub fn total(&self) -> u64 {
        self.steps + self.cells + self.chars
    }
}

/// Which limit a document crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Cells,
    TextBytes,
    SpanCells,
    Depth,
}

/// A document refused for what reading it would hold; `pos` is where the limit was crossed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct BudgetError {
    pub resource: Resource,
    pub max: u64,
    pub pos: Pos,
}

impl BudgetError {
    /// What was crossed, in the message language, without the place (the caller puts the file and
    /// place first).
    pub fn message(&self) -> String {
        let max = group(self.max);
        match self.resource {
            Resource::Cells => egov_core::msg!(
                "các bảng có hơn {max} ô (kể cả ô trống và ô gộp), vượt giới hạn của một văn bản",
                "the tables have more than {max} cells (blank and merged cells included), past the limit of a document"
            ),
            Resource::TextBytes => egov_core::msg!(
                "nội dung chữ của văn bản vượt {} MiB, giới hạn của một văn bản",
                "the text of the document is over {} MiB, the limit of a document",
                group(self.max / (1024 * 1024))
            ),
            Resource::SpanCells => egov_core::msg!(
                "các ô gộp dòng (rowspan) trải ra hơn {max} ô, vượt giới hạn của một văn bản",
                "the merged cells (rowspan) spread over more than {max} cells, past the limit of a document"
            ),
            Resource::Depth => egov_core::msg!(
                "các phần tử lồng nhau sâu hơn {max} tầng, vượt giới hạn",
                "the elements are nested more than {max} deep, past the limit"
            ),
        }
    }
}

/// Limits and what has been charged against them, for one document.
#[derive(Debug, Clone)]
pub struct Budget {
    limits: Limits,
    cells: u64,
    text_bytes: u64,
    span_cells: u64,
    depth: u32,
    work: Work,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(Limits::DOCUMENT)
    }
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            cells: 0,
            text_bytes: 0,
            span_cells: 0,
            depth: 0,
            work: Work::default(),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The work counted so far.
    pub fn work(&self) -> Work {
        self.work
    }

    /// `n` grid cells about to be laid out at `pos` (called before they are allocated).
    pub fn charge_cells(&mut self, n: u64, pos: impl FnOnce() -> Pos) -> Result<(), BudgetError> {
        self.work.cells += n;
        self.cells = self.cells.saturating_add(n);
        if self.cells > self.limits.cells {
            return Err(self.over(Resource::Cells, self.limits.cells, pos));
        }
        Ok(())
    }

    /// `n` bytes of text about to be kept at `pos`.
    pub fn charge_text(&mut self, n: u64, pos: impl FnOnce() -> Pos) -> Result<(), BudgetError> {
        self.work.chars += n;
        self.text_bytes = self.text_bytes.saturating_add(n);
        if self.text_bytes > self.limits.text_bytes {
            return Err(self.over(Resource::TextBytes, self.limits.text_bytes, pos));
        }
        Ok(())
    }

    /// `n` blank cells about to be laid out under merged cells at `pos` (charged as grid cells too).
    pub fn charge_spans(&mut self, n: u64, pos: impl Fn() -> Pos) -> Result<(), BudgetError> {
        self.span_cells = self.span_cells.saturating_add(n);
        if self.span_cells > self.limits.span_cells {
            return Err(self.over(Resource::SpanCells, self.limits.span_cells, pos));
        }
        self.charge_cells(n, pos)
    }

    /// One level deeper at `pos`; pair with [`Budget::leave`].
    pub fn enter(&mut self, pos: impl FnOnce() -> Pos) -> Result<(), BudgetError> {
        self.depth += 1;
        if self.depth > self.limits.depth {
            return Err(self.over(Resource::Depth, u64::from(self.limits.depth), pos));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Whether `depth` is past the depth limit (for readers that read deeper parts flat rather than
    /// refuse them).
    pub fn past_depth(&self, depth: u32) -> bool {
        depth > self.limits.depth
    }

    /// `n` steps of work (nodes visited, look-ups): counted, never limited.
    pub fn step(&mut self, n: u64) {
        self.work.steps += n;
    }

    /// `n` characters scanned without being kept: counted, never limited.
    pub fn scan(&mut self, n: u64) {
        self.work.chars += n;
    }

    fn over(&self, resource: Resource, max: u64, pos: impl FnOnce() -> Pos) -> BudgetError {
        BudgetError {
            resource,
            max,
            pos: pos(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_stop_at_the_limit_with_the_place() {
        let mut b = Budget::new(Limits {
            cells: 3,
            text_bytes: 10,
            span_cells: 1,
            depth: 2,
        });
        b.charge_cells(3, || Pos::line(1, 1)).unwrap();
        let e = b.charge_cells(1, || Pos::line(4, 2)).unwrap_err();
        assert_eq!(
            (e.resource, e.max, &e.pos),
            (Resource::Cells, 3, &Pos::line(4, 2))
        );
        assert!(e.message().contains("3 ô"), "{}", e.message());
        b.charge_text(10, || Pos::line(1, 1)).unwrap();
        assert!(b.charge_text(1, || Pos::line(1, 1)).is_err());
        b.enter(|| Pos::line(1, 1)).unwrap();
        b.enter(|| Pos::line(1, 1)).unwrap();
        assert!(b.enter(|| Pos::table(1, 2, 3)).is_err());
        b.leave();
        b.leave();
        b.leave();
        assert!(b.enter(|| Pos::line(1, 1)).is_ok());
        assert_eq!(group(4_000_000), "4.000.000");
    }
}
