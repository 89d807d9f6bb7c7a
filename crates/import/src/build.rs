//! From cell grids to [`Table`]s: the one place that knows what a published ranking table looks like.
//!
//! Every reader hands over the same stream of text lines and grids ([`crate::source`]); this module
//! finds the header rows (TT / Đơn vị / … / Tổng điểm / Xếp hạng, one or two rows with merged cells),
//! the column-number row "(1) (2) …", block rows ("I" + title), data rows, and decides which column is
//! the total and which the rank. It never drops a row silently: a row that is not whole becomes an
//! [`ImportProblem`], because the audit must be able to say what it did not see.

use egov_core::num::parse_decimal;
use egov_core::table::{Block, Cell, Column, Entry, Pos, RankCell, Row, RowOrigin, Table};
use egov_core::text::clean;
use rust_decimal::Decimal;

use std::collections::{HashMap, HashSet};

use crate::ImportProblem;
use crate::budget::Budget;
use crate::source::{Item, SrcCell, SrcRow};

/// Tables, headings and problems found in one document.
pub(crate) struct Built {
    pub tables: Vec<Table>,
    pub headings: Vec<String>,
    /// The paragraphs outside tables with their places (NFC), for the audit of claims in the prose.
    pub prose: Vec<(Pos, String)>,
    pub problems: Vec<ImportProblem>,
}

/// Builds tables from a document's items, in reading order.
pub(crate) fn build(items: Vec<Item>, budget: &mut Budget) -> Built {
    let mut ctx = Ctx::default();
    for item in items {
        budget.step(1);
        match item {
            Item::Text { raw, pos } => {
                let text = clean(&raw);
                if !text.is_empty() {
                    ctx.prose.push((pos, text));
                }
                ctx.heading(&raw);
            }
            Item::Grid(rows) => ctx.grid(rows),
            Item::Section { name } => {
                ctx.last_heading = None;
                ctx.section = Some(clean(&name));
            }
        }
    }
    budget.step(ctx.steps);
    Built {
        tables: ctx.tables,
        headings: ctx.headings,
        prose: ctx.prose,
        problems: ctx.problems,
    }
}

#[derive(Default)]
struct Ctx {
    tables: Vec<Table>,
    headings: Vec<String>,
    prose: Vec<(Pos, String)>,
    problems: Vec<ImportProblem>,
    /// The latest heading: the title of the next table.
    last_heading: Option<String>,
    /// The latest part heading ("I. CHỈ SỐ …"): the part of the next table.
    part: Option<String>,
    /// Name of the current sheet, the title of last resort.
    section: Option<String>,
    /// The ids of the tables so far.
    ids: Unique,
    /// Work done, for the budget's counters.
    steps: u64,
}

/// Names made unique with a numbered suffix (`x`, `x-2`, `x-3` …), in time linear in the names: a
/// crafted document can repeat one label a million times, and looking for a free number from 2 each
/// time would be quadratic. The next number to try is remembered per base; every number below it was
/// taken when tried, and names are never given back, so the answer is the same as counting from 2.
#[derive(Default)]
struct Unique {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Unique {
    fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `base` if it is free, otherwise `suffixed(base, k)` for the first free k from 2; taken from now on.
    fn claim(
        &mut self,
        base: String,
        suffixed: impl Fn(&str, usize) -> String,
        steps: &mut u64,
    ) -> String {
        let name = if self.taken.contains(&base) {
            let k = self.next.entry(base.clone()).or_insert(2);
            loop {
                *steps += 1;
                let name = suffixed(&base, *k);
                *k += 1;
                if !self.taken.contains(&name) {
                    break name;
                }
            }
        } else {
            base
        };
        *steps += 1;
        self.taken.insert(name.clone());
        name
    }
}

impl Ctx {
    fn heading(&mut self, raw: &str) {
        let text = clean(raw);
        if text.is_empty() {
            return;
        }
        if is_part_heading(&text) {
            self.part = Some(text.clone());
        }
        self.last_heading = Some(text.clone());
        self.headings.push(text);
    }

    fn grid(&mut self, rows: Vec<SrcRow>) {
        let cleaned: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| clean(&c.raw)).collect())
            .collect();
        let mut current: Option<Draft> = None;
        let mut i = 0;
        while i < rows.len() {
            let cells = &cleaned[i];
            if cells.iter().all(String::is_empty) {
                i += 1;
                continue;
            }
            if current
                .as_ref()
                .is_some_and(|d| d.header.first() == Some(cells))
            {
                // A header repeated after a page break in the source.
                i += 1;
                continue;
            }
            if is_header_row(cells) {
                if let Some(d) = current.take() {
                    self.finish(d);
                }
                let mut header = vec![cells.clone()];
                let mut j = i + 1;
                // A row as wide as the header with a name under its unit label is data (a list of
                // classes has no number to tell it from a header row); a header's lower rows are blank
                // there, the unit cell being merged from above.
                let unit_at = cells.iter().position(|c| is_unit_label(c));
                let named = |row: &[String]| {
                    row.len() == cells.len()
                        && unit_at.is_some_and(|u| row.get(u).is_some_and(|c| !c.is_empty()))
                };
                while j < rows.len()
                    && header.len() < 3
                    && is_subheader_row(&cleaned[j])
                    && !named(&cleaned[j])
                {
                    header.push(cleaned[j].clone());
                    j += 1;
                }
                let title = self
                    .last_heading
                    .clone()
                    .or_else(|| self.section.clone())
                    .unwrap_or_default();
                current = Some(Draft::new(
                    header,
                    rows[i].pos.clone(),
                    title,
                    self.part.clone(),
                ));
                i = j;
                continue;
            }
            let Some(draft) = current.as_mut() else {
                if let Some(text) = single_text(cells) {
                    self.heading(text);
                }
                i += 1;
                continue;
            };
            if is_column_number_row(cells) {
                if draft.column_numbers.is_empty() && draft.rows.is_empty() {
                    draft.column_numbers = rows[i].cells.iter().map(entry).collect();
                }
            } else if let Some((label, title, pos)) = block_row(&rows[i], cells) {
                draft.open_block(label, title, pos);
            } else if let Some(text) = single_text(cells) {
                let text = text.to_string();
                self.heading(&text);
            } else {
                draft.push_row(rows[i].clone(), cells, &mut self.problems);
            }
            i += 1;
        }
        if let Some(d) = current.take() {
            self.finish(d);
        }
    }

    fn finish(&mut self, draft: Draft) {
        let n = self.tables.len() + 1;
        let id = table_id(&draft.title, draft.part.as_deref()).unwrap_or_else(|| format!("t{n}"));
        let id = self
            .ids
            .claim(id, |base, k| format!("{base}-{k}"), &mut self.steps);
        let table = draft.into_table(id, &mut self.problems, &mut self.steps);
        self.tables.push(table);
    }
}

/// A table being read: its header, the rows seen so far and the block they fall in.
struct Draft {
    header: Vec<Vec<String>>,
    pos: Pos,
    title: String,
    part: Option<String>,
    /// Final columns (label, merged group) in source order, TT and unit included.
    columns: Vec<(String, Option<String>)>,
    column_numbers: Vec<Entry>,
    blocks: Vec<Block>,
    /// The ids of `blocks`.
    block_ids: Unique,
    rows: Vec<(SrcRow, String)>,
}

impl Draft {
    fn new(header: Vec<Vec<String>>, pos: Pos, title: String, part: Option<String>) -> Draft {
        let columns = resolve_columns(&header);
        Draft {
            header,
            pos,
            title,
            part,
            columns,
            column_numbers: Vec::new(),
            blocks: Vec::new(),
            block_ids: Unique::default(),
            rows: Vec::new(),
        }
    }

    fn open_block(&mut self, label: String, title: Option<String>, pos: Pos) {
        let mut steps = 0;
        let id = self
            .block_ids
            .claim(label.clone(), |base, k| format!("{base}-{k}"), &mut steps);
        self.blocks.push(Block {
            id,
            label: Some(label),
            title,
            ranked: false,
            pos: Some(pos),
        });
    }

    fn push_row(&mut self, row: SrcRow, cells: &[String], problems: &mut Vec<ImportProblem>) {
        let width = self.columns.len();
        let filled = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if row.cells.len() < width {
            let who = cells
                .iter()
                .filter(|c| !c.is_empty())
                .take(2)
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
            problems.push(ImportProblem {
                pos: row.pos.clone(),
                table: None,
                message: egov_core::msg!(
                    "hàng «{who}» chỉ có {} ô trong khi bảng «{}» có {width} cột: bảng bị cắt giữa hàng hoặc \
                     hàng thiếu ô; hàng này không được nhập",
                    "row «{who}» has only {} cells while table «{}» has {width} columns: the table is cut \
                     mid-row or the row lacks cells; this row is not imported",
                    row.cells.len(),
                    self.title
                ),
            });
            return;
        }
        if filled > width {
            problems.push(ImportProblem {
                pos: row.cells[width].pos.clone(),
                table: None,
                message: egov_core::msg!("hàng có {filled} ô có nội dung, nhiều hơn {width} cột của tiêu đề bảng «{}»; các ô thừa bị bỏ qua", "the row has {filled} filled cells, more than the {width} columns of the heading of table «{}»; the extra cells are left out",
                    self.title
                ),
            });
        }
        if self.blocks.is_empty() {
            // Rows before any block row: the table's one implicit block.
            self.blocks.push(Block {
                id: "0".into(),
                label: None,
                title: None,
                ranked: false,
                pos: None,
            });
        }
        let block = self.blocks.last().map(|b| b.id.clone()).unwrap_or_default();
        self.rows.push((row, block));
    }

    fn into_table(
        mut self,
        id: String,
        problems: &mut Vec<ImportProblem>,
        steps: &mut u64,
    ) -> Table {
        split_combined(&mut self.columns, &mut self.rows, steps);
        let roles = assign_roles(&self.columns, &self.rows);
        if let Some(note) = &roles.note {
            problems.push(ImportProblem {
                pos: self.pos.clone(),
                table: Some(id.clone()),
                message: note.clone(),
            });
        }
        let mut columns: Vec<Column> = Vec::new();
        let mut labels = Unique::default();
        for &i in &roles.values {
            let (label, group) = &self.columns[i];
            let mut base = label.clone();
            if labels.contains(&base)
                && let Some(g) = group
            {
                base = format!("{g} – {label}");
            }
            let unique = labels.claim(base, |base, k| format!("{base} ({k})"), steps);
            columns.push(Column {
                label: unique,
                group: group.clone(),
                node: None,
                decimals: None,
            });
        }
        let mut rows = Vec::with_capacity(self.rows.len());
        for (src, block) in &self.rows {
            let cell = |i: usize| &src.cells[i];
            let tt = roles
                .tt
                .map(|i| clean(&cell(i).raw))
                .filter(|t| !t.is_empty());
            let (unit, unit_raw) = match roles.unit {
                Some(i) => (clean(&cell(i).raw), Some(cell(i).raw.clone())),
                None => (String::new(), None),
            };
            let values = roles.values.iter().map(|&i| entry(cell(i))).collect();
            let total = roles
                .total
                .map_or(Entry::computed(Cell::Blank), |i| entry(cell(i)));
            let (rank, not_submitted, rank_raw, rank_pos) = match roles.rank {
                Some(i) => {
                    let (rank, marked) = read_rank(&cell(i).raw);
                    (
                        rank,
                        marked,
                        Some(cell(i).raw.clone()),
                        Some(cell(i).pos.clone()),
                    )
                }
                None => (RankCell::Unranked, false, None, None),
            };
            rows.push(Row {
                tt: tt.map(Into::into),
                unit: unit.into(),
                unit_code: None,
                values,
                total,
                rank,
                block: Some(block.as_str().into()),
                origin: RowOrigin {
                    pos: Some(src.pos.clone()),
                    unit_raw,
                    rank_raw,
                    rank_pos,
                }
                .boxed(),
                not_submitted,
            });
        }
        let mut blocks = self.blocks;
        for b in &mut blocks {
            b.ranked = rows.iter().any(|r| {
                r.block.as_deref() == Some(b.id.as_str()) && !matches!(r.rank, RankCell::Unranked)
            });
        }
        if rows.is_empty() {
            problems.push(ImportProblem {
                pos: self.pos.clone(),
                table: Some(id.clone()),
                message: egov_core::msg!(
                    "bảng «{}» có tiêu đề nhưng không có hàng dữ liệu nào",
                    "table «{}» has a heading but no data row",
                    self.title
                ),
            });
        }
        let label_of = |i: Option<usize>| {
            i.map(|i| {
                let (label, group) = &self.columns[i];
                match group {
                    Some(g) if role(label).is_none() => format!("{g} ({label})"),
                    _ => label.clone(),
                }
            })
            .unwrap_or_default()
        };
        Table {
            id,
            title: self.title,
            part: self.part,
            total_label: label_of(roles.total),
            rank_label: label_of(roles.rank),
            columns,
            blocks,
            rows,
            column_numbers: self.column_numbers,
            decimals: None,
            pos: Some(self.pos),
        }
    }
}

/// "07 (0,612)" → the rank "07" and the value "0,612" with the value's byte offset: a rank and an index
/// printed in one cell, as national rankings and newspapers print them.
fn combined(raw: &str) -> Option<(&str, &str, usize)> {
    let lead = raw.len() - raw.trim_start().len();
    let t = raw.trim();
    let d = t.bytes().take_while(u8::is_ascii_digit).count();
    if d == 0 || d > 4 {
        return None;
    }
    let rest = t[d..].trim_start();
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    let value = inner.trim();
    if value.is_empty() || !is_numeric(value) {
        return None;
    }
    let at = lead + (t.len() - rest.len()) + 1 + (inner.len() - inner.trim_start().len());
    Some((&t[..d], value, at))
}

/// A position `byte` bytes further along the same line (a place without lines stays as it is).
fn shifted(pos: &Pos, raw: &str, byte: usize) -> Pos {
    match pos.cell {
        None => Pos::line(
            pos.line,
            pos.column
                .saturating_add(u32::try_from(raw[..byte].chars().count()).unwrap_or(u32::MAX)),
        ),
        Some(_) => pos.clone(),
    }
}

/// Splits every column whose filled cells all read "rank (value)" into a value column and a rank column
/// ("Xếp hạng (Chỉ số)" → "Chỉ số" and "Xếp hạng"; a year column "2023" → "2023" and "Xếp hạng 2023"),
/// each cell keeping its place, so the builder reads the rank and the index like any other columns.
fn split_combined(
    columns: &mut Vec<(String, Option<String>)>,
    rows: &mut [(SrcRow, String)],
    steps: &mut u64,
) {
    let qualifies = |c: usize, rows: &[(SrcRow, String)]| {
        let mut any = false;
        for (r, _) in rows.iter() {
            let Some(cell) = r.cells.get(c) else { continue };
            if clean(&cell.raw).is_empty() {
                continue;
            }
            if combined(&cell.raw).is_none() {
                return false;
            }
            any = true;
        }
        any
    };
    for c in (0..columns.len()).rev() {
        *steps += rows.len() as u64;
        if !qualifies(c, rows) {
            continue;
        }
        let (label, group) = columns[c].clone();
        let is_rank = role(&label) == Some(Role::Rank);
        let inner = label
            .rfind('(')
            .and_then(|o| label[o + 1..].strip_suffix(')'))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let (value_label, rank_label) = match (is_rank, inner) {
            (true, Some(inner)) => (inner.to_string(), label.clone()),
            (true, None) => ("Chỉ số".to_string(), label.clone()),
            (false, _) => (label.clone(), format!("Xếp hạng {label}")),
        };
        columns[c] = (value_label, group.clone());
        columns.insert(c + 1, (rank_label, group));
        for (r, _) in rows.iter_mut() {
            let Some(cell) = r.cells.get(c).cloned() else {
                continue;
            };
            let (rank, value) = match combined(&cell.raw) {
                Some((rank, value, at)) => (
                    SrcCell {
                        raw: rank.to_string(),
                        pos: cell.pos.clone(),
                        typed: false,
                    },
                    SrcCell {
                        raw: value.to_string(),
                        pos: shifted(&cell.pos, &cell.raw, at),
                        typed: false,
                    },
                ),
                None => (cell.clone(), cell.clone()),
            };
            r.cells[c] = value;
            r.cells.insert(c + 1, rank);
        }
    }
}

/// What each source column of a table is.
struct Roles {
    tt: Option<usize>,
    unit: Option<usize>,
    total: Option<usize>,
    rank: Option<usize>,
    values: Vec<usize>,
    /// Why the total column had to be guessed, for the problem list.
    note: Option<String>,
}

fn assign_roles(columns: &[(String, Option<String>)], rows: &[(SrcRow, String)]) -> Roles {
    let label_role = |i: usize| role(&columns[i].0);
    let group_role = |i: usize| columns[i].1.as_deref().and_then(role);
    let all: Vec<usize> = (0..columns.len()).collect();
    let tt = all
        .iter()
        .copied()
        .find(|&i| label_role(i) == Some(Role::Tt));
    let unit = all
        .iter()
        .copied()
        .find(|&i| label_role(i) == Some(Role::Unit) && Some(i) != tt);
    let taken = |i: usize| Some(i) == tt || Some(i) == unit;
    let mut ranks: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !taken(i) && label_role(i) == Some(Role::Rank))
        .collect();
    if ranks.is_empty() {
        ranks = all
            .iter()
            .copied()
            .filter(|&i| !taken(i) && group_role(i) == Some(Role::Rank))
            .collect();
    }
    // With last year's rank beside this year's, the later column is this year's.
    let rank = ranks.last().copied();
    let free = |i: usize| !taken(i) && Some(i) != rank;
    let mut note = None;
    let by = |r: Role, f: &dyn Fn(usize) -> Option<Role>| -> Vec<usize> {
        all.iter()
            .copied()
            .filter(|&i| free(i) && f(i) == Some(r))
            .collect()
    };
    let mut candidates = by(Role::Total, &label_role);
    if candidates.is_empty() {
        candidates = by(Role::Total, &group_role);
    }
    if candidates.is_empty() {
        candidates = by(Role::Score, &label_role);
    }
    let mut guessed = false;
    if candidates.is_empty() {
        // A column of words (a classification) is never the total: only columns with a number.
        let numbered = |i: usize| {
            label_role(i) != Some(Role::Band)
                && rows.iter().any(|(r, _)| {
                    r.cells
                        .get(i)
                        .is_some_and(|c| value_cell(&c.raw).number().is_some())
                })
        };
        candidates = all
            .iter()
            .copied()
            .filter(|&i| free(i) && numbered(i))
            .collect();
        guessed = candidates.len() > 1;
    }
    let total = match candidates.len() {
        0 => None,
        1 => Some(candidates[0]),
        _ => {
            let chosen = rank.map(|r| ranked_column(&candidates, r, rows));
            let pick = chosen.unwrap_or(*candidates.last().unwrap_or(&0));
            // Columns named by years ("Năm 2018", "Năm 2019") are a year-over-year table: choosing
            // the year the ranks follow is the expected reading, not a guess worth reporting.
            let years = candidates.iter().all(|&i| {
                columns[i]
                    .0
                    .split(|c: char| !c.is_ascii_digit())
                    .any(is_year)
            });
            if guessed && !years {
                let label = &columns[pick].0;
                note = Some(match chosen {
                    Some(_) => egov_core::msg!(
                        "bảng không có cột «Tổng điểm»; dùng cột «{label}» làm tổng vì thứ hạng theo cột này",
                        "the table has no «Tổng điểm» (total) column; the column «{label}» is taken as the total because the ranks follow it"
                    ),
                    None => egov_core::msg!(
                        "bảng không có cột «Tổng điểm» và không có cột xếp hạng; dùng cột cuối «{label}» làm tổng",
                        "the table has no «Tổng điểm» (total) column and no rank column; the last column «{label}» is taken as the total"
                    ),
                });
            }
            Some(pick)
        }
    };
    let values = all
        .iter()
        .copied()
        .filter(|&i| !taken(i) && Some(i) != rank && Some(i) != total)
        .collect();
    Roles {
        tt,
        unit,
        total,
        rank,
        values,
        note,
    }
}

/// The candidate column whose scores the ranks follow best (fewest out-of-order neighbours when the
/// rows are sorted by rank); on a tie the later column, which in a year-over-year table is this year.
fn ranked_column(candidates: &[usize], rank: usize, rows: &[(SrcRow, String)]) -> usize {
    let mut best = (usize::MAX, candidates[0]);
    for &c in candidates {
        let mut pairs: Vec<(u32, Decimal)> = rows
            .iter()
            .filter_map(|(r, _)| {
                let RankCell::Ranked(k) = rank_cell(&r.cells.get(rank)?.raw) else {
                    return None;
                };
                let v = value_cell(&r.cells.get(c)?.raw).number()?;
                Some((k, v))
            })
            .collect();
        pairs.sort();
        let bad = pairs
            .windows(2)
            .filter(|w| {
                let ((ra, sa), (rb, sb)) = (w[0], w[1]);
                if ra == rb { sa != sb } else { sa <= sb }
            })
            .count();
        if bad <= best.0 {
            best = (bad, c);
        }
    }
    best.1
}

/// What a header label says a column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Tt,
    Unit,
    Total,
    /// A plain "Điểm": the total when nothing is called a total.
    Score,
    Rank,
    /// A classification ("Xếp loại": Tốt, Khá): a column of words, never the total.
    Band,
}

fn role(label: &str) -> Option<Role> {
    let l = label.to_lowercase();
    let l = l.trim_end_matches([':', '.', '*', ' ']);
    const TT: &[&str] = &[
        "tt",
        "stt",
        "số tt",
        "số thứ tự",
        "thứ tự",
        "no",
        "no.",
        "#",
    ];
    const UNIT: &[&str] = &[
        "đơn vị",
        "tên đơn vị",
        "cơ quan",
        "tên cơ quan",
        "địa phương",
        "tỉnh",
        "huyện",
        "xã",
        "sở",
        "bộ",
        "tên",
        "unit",
        "name",
        "agency",
        "province",
        "ubnd",
        "tên địa phương",
        "tên cơ quan, đơn vị",
    ];
    const RANK: &[&str] = &["xếp hạng", "hạng", "thứ hạng", "rank", "ranking"];
    const TOTAL: &[&str] = &[
        "tổng điểm",
        "tổng cộng",
        "tổng số điểm",
        "điểm tổng",
        "tổng",
        "total",
    ];
    const SCORE: &[&str] = &[
        "điểm",
        "điểm số",
        "số điểm",
        "điểm đạt được",
        "điểm đánh giá",
        "điểm thẩm định",
        "score",
        "points",
    ];
    let starts = |list: &[&str]| {
        list.iter().any(|p| {
            l == *p
                || l.strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with([' ', '/', ',', '(']))
        })
    };
    // "Thứ tự xếp hạng" and "Xếp thứ" are ranks, though "thứ tự" alone is the row number.
    const RANK_PHRASES: &[&str] = &[
        "thứ tự xếp hạng",
        "xếp thứ",
        "vị trí xếp hạng",
        "kết quả xếp hạng",
        "vị thứ",
        "thứ bậc",
    ];
    if starts(RANK_PHRASES) {
        Some(Role::Rank)
    } else if TT.contains(&l) {
        Some(Role::Tt)
    } else if starts(RANK) && !l.starts_with("hạng mục") {
        Some(Role::Rank)
    } else if starts(TOTAL)
        || l == "chỉ số"
        || l.starts_with("chỉ số chung")
        || l.starts_with("chỉ số tổng")
        || l.starts_with("chỉ số dti")
        || l.starts_with("chỉ số cchc")
        || l.starts_with("chỉ số cải cách hành chính")
        || l.starts_with("chỉ số chuyển đổi số")
        || l.starts_with("chuyển đổi số cấp")
        || l.contains("(dti)")
        || l.contains("(pdti)")
        || l.contains("par index")
    {
        Some(Role::Total)
    } else if SCORE.contains(&l) {
        Some(Role::Score)
    } else if starts(UNIT) {
        Some(Role::Unit)
    } else if starts(&["xếp loại", "phân loại"]) || l == "nhóm" || l == "mức" {
        Some(Role::Band)
    } else {
        None
    }
}

/// Whether a header label names the unit column ("Đơn vị", "Sở, ban, ngành", "Địa phương" …).
pub(crate) fn is_unit_label(label: &str) -> bool {
    role(label) == Some(Role::Unit)
}

/// Whether a label can head a table's first column: TT, the rank or the unit (a title such as "Chỉ số
/// DTI và xếp hạng …" names a total, and a table never starts with its total).
pub(crate) fn is_first_column_label(label: &str) -> bool {
    matches!(role(label), Some(Role::Tt | Role::Rank | Role::Unit)) && has_role(label)
}

/// Whether a header label names any role (TT, unit, total, score, rank). A unit's own name is not a
/// label though it starts like one: "Sở Nội vụ", "Xã Tân Lập" (a capital after the first word), where
/// "Sở, ban, ngành" or "Tỉnh/thành phố" are labels.
pub(crate) fn has_role(label: &str) -> bool {
    match role(label) {
        None => false,
        Some(Role::Unit) => !label
            .split_once(' ')
            .is_some_and(|(_, rest)| rest.starts_with(char::is_uppercase)),
        Some(_) => true,
    }
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && parse_decimal(s).is_ok()
}

pub(crate) fn is_header_row(cells: &[String]) -> bool {
    let mut kinds: Vec<Role> = cells.iter().filter_map(|c| role(c)).collect();
    kinds.sort_by_key(|r| *r as u8);
    kinds.dedup();
    kinds.contains(&Role::Unit) && kinds.len() >= 2 && !cells.iter().any(|c| is_numeric(c))
}

pub(crate) fn is_year(s: &str) -> bool {
    s.len() == 4
        && (s.starts_with("19") || s.starts_with("20"))
        && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_subheader_row(cells: &[String]) -> bool {
    cells.iter().any(|c| !c.is_empty())
        && !is_header_row(cells)
        && !is_column_number_row(cells)
        && !cells
            .first()
            .is_some_and(|c| is_numeric(c) || is_block_label(c))
        && !cells.iter().any(|c| is_numeric(c) && !is_year(c))
}

/// The row of column numbers under a header ("(1)", "(2)", …). Its last cell may be cut short ("(" or
/// "(6"): a document cut inside that row (a truncated file, a partial copy) still has it as column
/// numbers, not as a unit named "(2)".
fn is_column_number_row(cells: &[String]) -> bool {
    let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
    let whole =
        |c: &str| c.starts_with('(') && c.ends_with(')') && c.bytes().any(|b| b.is_ascii_digit());
    let cut_short = |c: &str| {
        c.strip_prefix('(')
            .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()))
    };
    match filled.split_last() {
        Some((last, before)) if filled.len() >= 2 => {
            before.iter().all(|c| whole(c)) && (whole(last) || cut_short(last))
        }
        _ => false,
    }
}

/// "I", "II", "IV", or a single capital letter: the labels printed in the TT column of block rows.
pub(crate) fn is_block_label(s: &str) -> bool {
    let s = s.trim_end_matches('.');
    is_roman(s) || (s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase()))
}

pub(crate) fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.len() <= 7 && s.chars().all(|c| "IVXLCDM".contains(c))
}

/// A block row: a label and a title ("I" | "Chỉ số … có hạng mục cung cấp dịch vụ công"), or one merged
/// cell "I. Khối …" whose title is not in capitals (a capitalised one is a part heading).
fn block_row(row: &SrcRow, cells: &[String]) -> Option<(String, Option<String>, Pos)> {
    let filled: Vec<usize> = (0..cells.len()).filter(|&i| !cells[i].is_empty()).collect();
    match filled.as_slice() {
        [a, b] if is_block_label(&cells[*a]) && !is_numeric(&cells[*b]) => Some((
            cells[*a].trim_end_matches('.').to_string(),
            Some(cells[*b].clone()),
            row.cells[*a].pos.clone(),
        )),
        [a] => {
            let (label, title) = split_label(&cells[*a])?;
            let lower = title.chars().any(char::is_lowercase);
            (is_roman(label) && lower).then(|| {
                (
                    label.to_string(),
                    Some(title.to_string()),
                    row.cells[*a].pos.clone(),
                )
            })
        }
        _ => None,
    }
}

/// "I. Title" → ("I", "Title"); also "1. Title", "I) Title", "I - Title". A label is short and ASCII
/// alphanumeric, so "Điều 1. …" or "1.5 điểm" are not labelled lines.
pub(crate) fn split_label(s: &str) -> Option<(&str, &str)> {
    let end = s.find(|c: char| !c.is_ascii_alphanumeric())?;
    let (label, rest) = s.split_at(end);
    if label.is_empty() || label.len() > 6 {
        return None;
    }
    let title = match rest.strip_prefix(['.', ')']) {
        Some(r) if r.starts_with(char::is_whitespace) => r,
        Some(_) => return None,
        None => rest.trim_start().strip_prefix(['-', '–'])?,
    };
    let title = title.trim_start();
    (!title.is_empty()).then_some((label, title))
}

fn is_part_heading(s: &str) -> bool {
    if let Some((label, _)) = split_label(s) {
        return is_roman(label);
    }
    let l = s.to_lowercase();
    l.starts_with("phần ")
}

/// The table id from its part and title numbers: "I" for the part's own table, "I.1", "II.2" …
fn table_id(title: &str, part: Option<&str>) -> Option<String> {
    let p = part
        .and_then(split_label)
        .map(|(l, _)| l)
        .filter(|l| is_roman(l));
    let t = split_label(title).map(|(l, _)| l);
    match (p, t) {
        (Some(p), _) if Some(title) == part => Some(p.to_string()),
        (Some(p), Some(t)) => Some(format!("{p}.{t}")),
        (None, Some(t)) => Some(t.to_string()),
        _ => None,
    }
}

/// The text of a row that holds a single non-numeric cell: a heading or a note inside a grid.
fn single_text(cells: &[String]) -> Option<&str> {
    let mut filled = cells.iter().filter(|c| !c.is_empty());
    let first = filled.next()?;
    (filled.next().is_none() && !is_numeric(first) && first.chars().any(char::is_alphabetic))
        .then_some(first.as_str())
}

/// Column labels and groups from one to three header rows.
fn resolve_columns(header: &[Vec<String>]) -> Vec<(String, Option<String>)> {
    let mut cols: Vec<(String, Option<String>)> =
        header[0].iter().map(|l| (l.clone(), None)).collect();
    for lower in &header[1..] {
        let upper: Vec<String> = cols.iter().map(|(l, _)| l.clone()).collect();
        cols = combine(&upper, lower);
    }
    cols
}

/// Lays a lower header row under an upper one. Word writes a horizontally merged cell once and a
/// vertically merged one as a blank below, so with fewer upper cells each blank lower cell takes the
/// next upper label and each run of lower labels sits under the next upper cell (the merged group).
fn combine(upper: &[String], lower: &[String]) -> Vec<(String, Option<String>)> {
    let group_of = |u: &str, l: &str| (!u.is_empty() && u != l).then(|| u.to_string());
    let mut out = Vec::with_capacity(upper.len().max(lower.len()));
    if upper.len() == lower.len() {
        let mut last: Option<String> = None;
        for (u, l) in upper.iter().zip(lower) {
            if l.is_empty() {
                out.push((u.clone(), None));
                last = None;
            } else if !u.is_empty() {
                last = group_of(u, l);
                out.push((l.clone(), last.clone()));
            } else {
                // Blank above a label: a group merged from the left, exported as a blank cell.
                out.push((l.clone(), last.clone()));
            }
        }
    } else if upper.len() < lower.len() {
        let blanks = lower.iter().filter(|l| l.is_empty()).count();
        let runs = lower
            .iter()
            .enumerate()
            .filter(|(j, l)| !l.is_empty() && (*j == 0 || lower[j - 1].is_empty()))
            .count();
        let mut spare = upper.len().saturating_sub(blanks + runs);
        let mut k = 0;
        let mut group: Option<String> = None;
        let mut in_run = false;
        for l in lower {
            if l.is_empty() {
                out.push((upper.get(k).cloned().unwrap_or_default(), None));
                k += 1;
                in_run = false;
            } else {
                if !in_run || spare > 0 {
                    if in_run {
                        spare -= 1;
                    }
                    group = upper.get(k).and_then(|u| group_of(u, l));
                    k += 1;
                }
                out.push((l.clone(), group.clone()));
                in_run = true;
            }
        }
        out.extend(upper.iter().skip(k).map(|u| (u.clone(), None)));
    } else {
        // The lower row leaves out the cells under vertical merges: spread its labels over the upper
        // cells that name no role or only "Điểm" (the groups).
        let subs: Vec<&String> = lower.iter().filter(|l| !l.is_empty()).collect();
        let groups: Vec<usize> = (0..upper.len())
            .filter(|&i| {
                !upper[i].is_empty() && matches!(role(&upper[i]), None | Some(Role::Score))
            })
            .collect();
        if subs.is_empty() || groups.is_empty() {
            return upper.iter().map(|u| (u.clone(), None)).collect();
        }
        let base = subs.len() / groups.len();
        let extra = subs.len() % groups.len();
        let mut next = 0;
        for (i, u) in upper.iter().enumerate() {
            match groups.iter().position(|&g| g == i) {
                Some(gi) => {
                    let take = base + usize::from(gi < extra);
                    if take == 0 {
                        out.push((u.clone(), None));
                    }
                    for s in &subs[next..next + take] {
                        out.push(((*s).clone(), group_of(u, s)));
                    }
                    next += take;
                }
                None => out.push((u.clone(), None)),
            }
        }
    }
    out
}

/// A value cell: number (at its printed scale), blank, "Không đánh giá", or text kept verbatim.
pub(crate) fn value_cell(raw: &str) -> Cell {
    let t = clean(raw);
    // A dash alone is how tables print "nothing here" (a criterion that does not apply to the unit:
    // DDCI's land access for a department), the same as an empty cell; the printed dash stays in `raw`.
    if t.is_empty() || matches!(t.as_str(), "-" | "–" | "—") {
        return Cell::Blank;
    }
    if t.to_lowercase().starts_with("không đánh giá") {
        return Cell::NotEvaluated;
    }
    match parse_decimal(&t) {
        Ok(d) => Cell::Number(d),
        Err(_) => Cell::Text(t),
    }
}

/// How an annex marks a unit that submitted nothing (egov writes these; decisions write the same
/// words): alone in the rank cell (not ranked), or after the rank in parentheses (ranked with 0).
const NOT_SUBMITTED: [&str; 4] = ["không nộp", "not submitted", "không gửi", "chưa nộp"];

/// `t` without a not-submitted mark — the mark alone gives "", `3 (không nộp)` gives "3" — and whether it
/// had one. A plain number, nearly every rank cell, is answered without lower-casing anything.
fn split_not_submitted(t: &str) -> (&str, bool) {
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return (t, false);
    }
    let lower = t.to_lowercase();
    let marked = NOT_SUBMITTED.iter().any(|m| {
        lower == *m
            || lower
                .strip_suffix(')')
                .and_then(|x| x.strip_suffix(m))
                .is_some_and(|x| x.ends_with('('))
    });
    if !marked {
        return (t, false);
    }
    let before = t.split('(').next().unwrap_or_default().trim();
    if NOT_SUBMITTED.contains(&before.to_lowercase().as_str()) {
        ("", true)
    } else {
        (before, true)
    }
}

/// A rank cell: a positive integer, blank or a not-submitted mark alone (unranked), a rank followed
/// by a not-submitted mark (that rank), or anything else kept as invalid.
pub(crate) fn rank_cell(raw: &str) -> RankCell {
    read_rank(raw).0
}

/// The rank a cell gives ([`rank_cell`]) and whether it carries a not-submitted mark, from one reading.
pub(crate) fn read_rank(raw: &str) -> (RankCell, bool) {
    let cleaned = clean(raw);
    let (t, marked) = split_not_submitted(&cleaned);
    (rank_of(t), marked)
}

/// A cleaned rank text, its mark taken off, as a rank cell.
fn rank_of(t: &str) -> RankCell {
    if t.is_empty() {
        return RankCell::Unranked;
    }
    match t.parse::<u32>() {
        Ok(n) if n > 0 && t.bytes().all(|b| b.is_ascii_digit()) => RankCell::Ranked(n),
        _ => RankCell::Invalid(t.to_string()),
    }
}

fn entry(c: &SrcCell) -> Entry {
    Entry::imported(
        value_cell(&c.raw),
        // A typed spreadsheet number has no printed text to check.
        (!c.typed).then(|| c.raw.clone()),
        Some(c.pos.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn merged_group_collapsed_like_word() {
        let cols = combine(
            &s(&["TT", "Đơn vị", "Điểm", "Tổng điểm", "Xếp hạng"]),
            &s(&["", "", "A", "B", "", ""]),
        );
        let labels: Vec<_> = cols
            .iter()
            .map(|c| (c.0.as_str(), c.1.as_deref()))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("TT", None),
                ("Đơn vị", None),
                ("A", Some("Điểm")),
                ("B", Some("Điểm")),
                ("Tổng điểm", None),
                ("Xếp hạng", None)
            ]
        );
    }

    #[test]
    fn merged_group_spread_like_a_spreadsheet() {
        let cols = combine(
            &s(&["TT", "Đơn vị", "Điểm", "", "Tổng", "Hạng"]),
            &s(&["", "", "A", "B", "", ""]),
        );
        assert_eq!(cols[3], ("B".into(), Some("Điểm".into())));
        assert_eq!(cols[4], ("Tổng".into(), None));
    }

    #[test]
    fn lower_row_without_merged_cells() {
        let cols = combine(
            &s(&["TT", "Đơn vị", "Điểm", "Tổng điểm", "Xếp hạng"]),
            &s(&["A", "B"]),
        );
        assert_eq!(cols.len(), 6);
        assert_eq!(cols[2], ("A".into(), Some("Điểm".into())));
        assert_eq!(cols[5], ("Xếp hạng".into(), None));
    }

    #[test]
    fn roles_and_cells() {
        assert_eq!(role("Xếp hạng"), Some(Role::Rank));
        assert_eq!(role("Hạng mục A"), None);
        assert_eq!(role("Tổng điểm"), Some(Role::Total));
        assert_eq!(role("Đơn vị"), Some(Role::Unit));
        assert_eq!(role("STT"), Some(Role::Tt));
        assert_eq!(value_cell("\u{a0}"), Cell::Blank);
        // A dash alone is nothing printed; a dash with a number is not.
        for dash in ["-", " – ", "—"] {
            assert_eq!(value_cell(dash), Cell::Blank, "{dash}");
        }
        assert_eq!(value_cell("- 5"), Cell::Text("- 5".into()));
        assert_eq!(value_cell("Không đánh giá"), Cell::NotEvaluated);
        assert_eq!(value_cell("22,50").number().map(|d| d.scale()), Some(2));
        assert_eq!(rank_cell("I"), RankCell::Invalid("I".into()));
        assert_eq!(rank_cell("0"), RankCell::Invalid("0".into()));
        assert_eq!(rank_cell(" 12 "), RankCell::Ranked(12));
        // egov's own not-submitted marks, under both policies and both languages.
        assert_eq!(rank_cell("3 (không nộp)"), RankCell::Ranked(3));
        assert_eq!(rank_cell("Không nộp"), RankCell::Unranked);
        assert_eq!(rank_cell("Not submitted"), RankCell::Unranked);
        assert_eq!(rank_cell("4 (not submitted)"), RankCell::Ranked(4));
        assert_eq!(rank_cell("x (không nộp)"), RankCell::Invalid("x".into()));
        assert!(read_rank("3 (Không nộp)").1 && !read_rank("3").1);
    }

    #[test]
    fn ids_and_parts() {
        assert!(is_part_heading("II. CHỈ SỐ VÀ XẾP HẠNG"));
        assert!(!is_part_heading("1. Chỉ số và xếp hạng"));
        assert!(!is_part_heading("Điều 1. Công bố"));
        assert_eq!(
            table_id("1. Chỉ số", Some("II. CHỈ SỐ")).as_deref(),
            Some("II.1")
        );
        assert_eq!(
            table_id("II. CHỈ SỐ", Some("II. CHỈ SỐ")).as_deref(),
            Some("II")
        );
        assert_eq!(table_id("Bảng điểm", None), None);
    }
}
