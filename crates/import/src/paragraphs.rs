//! Tables that reach us as paragraphs: one cell per paragraph, and ranked lists written as prose.
//!
//! Text copied from a web page, or from a Word table pasted as plain text, often comes out with each cell
//! its own paragraph (blank lines between them), after several paragraphs of prose: `TT`, `Đơn vị`,
//! `Điểm`, `1`, `Sở A`, `80,5`, … A header cell may be split over two paragraphs (a label, then its year
//! on the next paragraph: `Điểm số năm` / `2023`), which a naive count reads as one header cell too many.
//! Articles also print rankings inside one paragraph: "1. Sở Nội vụ; 2. Sở Tư pháp (91,2 điểm); …" or
//! "(1) Sở Tài chính đạt 90,05%, …" (a list continued in a later paragraph joins it), and classes as
//! sentences: "Sở A, Sở B và thị xã C đạt loại xuất sắc. Sở D đạt loại tốt.", or labelled in quotes,
//! possibly in turn: "A thuộc nhóm “rất tốt”, kế đến lần lượt là: B, C thuộc nhóm “tốt”; nhóm “khá” gồm:
//! …". Top-and-bottom articles state places in words, one unit per part: "Sở A dẫn đầu với 95,73 điểm;
//! thứ hai là Sở B 95,43 điểm; …" or "… đứng vị trí thứ sáu; … đứng vị trí cuối bảng trong tổng số 27".
//!
//! This pass runs between the readers and the builder, on any format's paragraphs (Word text, DOCX and
//! HTML paragraphs alike): a run of paragraphs that starts with a header (the builder's own test: a unit
//! label and another role) and goes on with rows that fit it becomes a grid, every cell keeping its
//! paragraph's position; a prose list becomes a Hạng / Đơn vị / Điểm grid with each item's place. The
//! builder then reads these grids exactly as it reads a Word table, so nothing here decides what a column
//! means. A row cut short at the end of the run (a page cut mid-row, even mid-name) is kept short, so the
//! builder reports it instead of dropping it. Work is linear: each paragraph starts at most one header
//! attempt of bounded length, and each header choice checks a bounded number of rows.

use egov_core::num::parse_decimal;
use egov_core::table::Pos;
use egov_core::text::clean;

use crate::budget::{Budget, BudgetError};
use crate::build::{
    has_role, is_block_label, is_first_column_label, is_header_row, is_roman, is_unit_label,
    is_year, split_label,
};
use crate::source::{Item, SrcCell, SrcRow};

/// At most this many paragraphs form a header (a wide DTI table has about a dozen columns).
const MAX_HEADER: usize = 24;
/// A header cell is a label, not a sentence.
const MAX_LABEL: usize = 80;
/// A data cell is at most this long (a long unit name); a longer paragraph is prose and ends a table.
const MAX_CELL: usize = 200;

/// Turns runs of paragraphs that hold a table, and prose ranked lists, into grids; everything else is
/// passed on as it was. Each cell of a new grid is charged to `budget`.
pub(crate) fn regroup(items: Vec<Item>, budget: &mut Budget) -> Result<Vec<Item>, BudgetError> {
    let mut out = Vec::with_capacity(items.len());
    let mut run: Vec<(String, Pos)> = Vec::new();
    for item in items {
        match item {
            Item::Text { raw, pos } => run.push((raw, pos)),
            other => {
                flush(std::mem::take(&mut run), &mut out, budget)?;
                out.push(other);
            }
        }
    }
    flush(run, &mut out, budget)?;
    Ok(out)
}

/// A header cell made of one paragraph, or of a label and its year on the next paragraph.
struct HeaderCell {
    raw: String,
    text: String,
    pos: Pos,
    /// Index (in the run) of the last paragraph it took.
    last: usize,
}

fn flush(
    run: Vec<(String, Pos)>,
    out: &mut Vec<Item>,
    budget: &mut Budget,
) -> Result<(), BudgetError> {
    let cleaned: Vec<String> = run.iter().map(|(raw, _)| clean(raw)).collect();
    budget.step(run.len() as u64);
    let n = run.len();
    let mut done = 0;
    let mut i = 0;
    // The last prose list of this run: its place in `out`, its last number and its width, so that a
    // list numbered on from it ("Các vị trí tiếp theo lần lượt là: (11) …" after "(1) … (10) …", with a
    // photo caption between) continues it instead of starting a ranking of its own at 11.
    let mut last_list: Option<(usize, u32, usize)> = None;
    while i < n {
        if let Some((header, rows, end)) = table_at(&run, &cleaned, i, budget) {
            pass_on(&run[done..i], out);
            let cells: u64 =
                header.len() as u64 + rows.iter().map(|r| r.cells.len() as u64).sum::<u64>();
            budget.charge_cells(cells, || run[i].1.clone())?;
            let header_row = SrcRow {
                pos: header[0].pos.clone(),
                cells: header
                    .into_iter()
                    .map(|h| SrcCell {
                        raw: h.raw,
                        pos: h.pos,
                        typed: false,
                    })
                    .collect(),
            };
            let mut grid = Vec::with_capacity(rows.len() + 1);
            grid.push(header_row);
            grid.extend(rows);
            out.push(Item::Grid(grid));
            last_list = None;
            done = end;
            i = end;
            continue;
        }
        if let Some((rows, from, end)) = spaced_rows(&run, &cleaned, i, done, budget) {
            pass_on(&run[done..from], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            out.push(Item::Grid(rows));
            last_list = None;
            done = end;
            i = end;
            continue;
        }
        if let Some((rows, end)) = named_rows(&run, &cleaned, i, budget) {
            pass_on(&run[done..i], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            out.push(Item::Grid(rows));
            last_list = None;
            done = end;
            i = end;
            continue;
        }
        if let Some(rows) = band_list(&run[i].0, &run[i].1) {
            pass_on(&run[done..i], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            out.push(Item::Grid(rows));
            last_list = None;
            done = i + 1;
            i += 1;
            continue;
        }
        if let Some(rows) = band_sentences(&run[i].0, &run[i].1) {
            pass_on(&run[done..i], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            out.push(Item::Grid(rows));
            last_list = None;
            done = i + 1;
            i += 1;
            continue;
        }
        if let Some((title, rows)) = labelled_bands(&run[i].0, &run[i].1) {
            pass_on(&run[done..i], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            if let Some(raw) = title {
                out.push(Item::Text {
                    raw,
                    pos: run[i].1.clone(),
                });
            }
            out.push(Item::Grid(rows));
            last_list = None;
            done = i + 1;
            i += 1;
            continue;
        }
        if let Some(blocks) = ordinal_sentences(&run[i].0, &run[i].1) {
            pass_on(&run[done..i], out);
            budget.charge_cells(
                blocks
                    .iter()
                    .flat_map(|(_, rows)| rows.iter().map(|r| r.cells.len() as u64))
                    .sum(),
                || run[i].1.clone(),
            )?;
            for (title, rows) in blocks {
                if let Some(raw) = title {
                    out.push(Item::Text {
                        raw,
                        pos: run[i].1.clone(),
                    });
                }
                out.push(Item::Grid(rows));
            }
            last_list = None;
            done = i + 1;
            i += 1;
            continue;
        }
        if let Some((title, rows)) = ordered_list(&run[i].0, &run[i].1) {
            pass_on(&run[done..i], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            out.push(Item::Text {
                raw: title,
                pos: run[i].1.clone(),
            });
            out.push(Item::Grid(rows));
            last_list = None;
            done = i + 1;
            i += 1;
            continue;
        }
        if let Some((title, rows)) = prose_list(&run[i].0, &run[i].1) {
            pass_on(&run[done..i], out);
            budget.charge_cells(rows.iter().map(|r| r.cells.len() as u64).sum(), || {
                run[i].1.clone()
            })?;
            if let Some(raw) = title {
                out.push(Item::Text {
                    raw,
                    pos: run[i].1.clone(),
                });
            }
            let first = rows.get(1).and_then(list_number);
            let width = rows[0].cells.len();
            let end = rows.iter().rev().find_map(list_number);
            match last_list {
                Some((at, prev, w)) if w == width && first == prev.checked_add(1) => {
                    if let Some(Item::Grid(grid)) = out.get_mut(at) {
                        grid.extend(rows.into_iter().skip(1));
                    }
                    last_list = end.map(|e| (at, e, w));
                }
                _ => {
                    out.push(Item::Grid(rows));
                    last_list = end.map(|e| (out.len() - 1, e, width));
                }
            }
            done = i + 1;
        }
        i += 1;
    }
    pass_on(&run[done..], out);
    Ok(())
}

fn pass_on(paragraphs: &[(String, Pos)], out: &mut Vec<Item>) {
    out.extend(paragraphs.iter().map(|(raw, pos)| Item::Text {
        raw: raw.clone(),
        pos: pos.clone(),
    }));
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && parse_decimal(s).is_ok()
}

/// A paragraph that continues the header cell before it: a year alone or "(2023)" (a label, then its year
/// on the next paragraph), or words starting in lower case ("Điểm" / "đánh giá", "Chỉ số" / "năm 2023"):
/// a label never starts in lower case, its second line does.
fn is_continuation(s: &str) -> bool {
    is_year(s.trim_matches(['(', ')']).trim()) || s.starts_with(char::is_lowercase)
}

/// Whether paragraph `b` is on the line right after paragraph `a` (no blank line between) while the
/// header's cells are otherwise blank-line separated: one cell's text broken over two lines, as a
/// `<br>` or a line break inside a Word cell gives it.
fn same_paragraph(a: &Pos, b: &Pos, gap: bool) -> bool {
    gap && a.cell.is_none() && b.cell.is_none() && b.line == a.line.saturating_add(1)
}

/// The table starting at paragraph `i`, if there is one: its header cells, its rows, and the index of
/// the first paragraph after it.
fn table_at(
    run: &[(String, Pos)],
    cleaned: &[String],
    i: usize,
    budget: &mut Budget,
) -> Option<(Vec<HeaderCell>, Vec<SrcRow>, usize)> {
    let first = &cleaned[i];
    // A table's first column is its TT, rank or unit: a header starts with a label that names a role.
    if first.is_empty() || first.chars().count() > MAX_LABEL || !is_first_column_label(first) {
        return None;
    }
    // The candidate header cells: paragraphs up to the first number, years joined to their label.
    let mut cells: Vec<HeaderCell> = Vec::new();
    // Whether the document separates paragraphs by blank lines here (lines two apart).
    let gap = run
        .get(i + 1)
        .is_some_and(|(_, p)| p.cell.is_none() && p.line >= run[i].1.line.saturating_add(2));
    let mut j = i;
    while j < cleaned.len() && cells.len() < MAX_HEADER {
        budget.step(1);
        let t = &cleaned[j];
        let joins = !t.is_empty()
            && (is_continuation(t) || same_paragraph(&run[j.saturating_sub(1)].1, &run[j].1, gap));
        if let Some(last) = cells.last_mut().filter(|_| joins) {
            last.raw = format!("{} {}", last.raw.trim_end(), run[j].0.trim_start());
            last.text = format!("{} {t}", last.text);
            last.last = j;
        } else if is_numeric(t) || t.chars().count() > MAX_LABEL || t.is_empty() {
            break;
        } else {
            cells.push(HeaderCell {
                raw: run[j].0.clone(),
                text: t.clone(),
                pos: run[j].1.clone(),
                last: j,
            });
        }
        j += 1;
    }
    // The longest header whose rows fit: a unit-first table's first unit name is not a header cell.
    for h in (2..=cells.len()).rev() {
        let texts: Vec<String> = cells[..h].iter().map(|c| c.text.clone()).collect();
        // The first data cell is not a column label itself.
        if !is_header_row(&texts) || cells.get(h).is_some_and(|c| has_role(&c.text)) {
            continue;
        }
        let unit = texts.iter().position(|t| is_unit_label(t))?;
        let start = cells[h - 1].last + 1;
        let (rows, end) = rows_from(run, cleaned, start, h, unit, budget);
        if rows.iter().any(|r| r.cells.len() == h) {
            cells.truncate(h);
            return Some((cells, rows, end));
        }
    }
    None
}

/// Rows of `width` paragraphs from `start` while they fit (block rows too), then a last row cut short
/// if the run ends or turns to prose in the middle of one.
fn rows_from(
    run: &[(String, Pos)],
    cleaned: &[String],
    start: usize,
    width: usize,
    unit: usize,
    budget: &mut Budget,
) -> (Vec<SrcRow>, usize) {
    let n = cleaned.len();
    let mut rows = Vec::new();
    let mut j = start;
    let row = |from: usize, to: usize| SrcRow {
        pos: run[from].1.clone(),
        cells: (from..to)
            .map(|k| SrcCell {
                raw: run[k].0.clone(),
                pos: run[k].1.clone(),
                typed: false,
            })
            .collect(),
    };
    while j < n {
        budget.step(width as u64);
        let end = (j + width).min(n);
        let cand = &cleaned[j..end];
        if end - j == width && row_fits(cand, unit) {
            rows.push(row(j, end));
            j = end;
            continue;
        }
        // A block row: "I" and its title, or "I. Khối …" alone.
        if is_block_label(&cleaned[j])
            && cleaned
                .get(j + 1)
                .is_some_and(|t| !is_numeric(t) && t.chars().count() <= MAX_CELL)
        {
            rows.push(row(j, j + 2));
            j += 2;
            continue;
        }
        if split_label(&cleaned[j]).is_some_and(|(l, _)| is_roman(l))
            && cleaned[j].chars().count() <= MAX_CELL
        {
            rows.push(row(j, j + 1));
            j += 1;
            continue;
        }
        // A row cut short: it starts like a row (a number, then cells), and the run ends or a
        // paragraph that cannot be a cell follows.
        let fit = cand
            .iter()
            .take_while(|t| !t.is_empty() && t.chars().count() <= MAX_CELL)
            .count();
        if is_numeric(&cand[0]) && fit > unit && fit < width && (fit == end - j || fit < cand.len())
        {
            rows.push(row(j, j + fit));
            j += fit;
        }
        break;
    }
    (rows, j)
}

/// Whether `cells` read as one data row: a unit name where the header has the unit, a number somewhere
/// else, and nothing the length of a sentence.
fn row_fits(cells: &[String], unit: usize) -> bool {
    let name = &cells[unit];
    !is_numeric(name)
        && name.chars().any(char::is_alphabetic)
        && cells.iter().all(|c| c.chars().count() <= MAX_CELL)
        && cells
            .iter()
            .enumerate()
            .any(|(k, c)| k != unit && is_numeric(c))
        && cells
            .iter()
            .enumerate()
            .all(|(k, c)| k == unit || c.chars().count() <= 40)
}

/// A spaced line: the rank, the name and its byte offset, the numbers with theirs.
type Spaced<'a> = (&'a str, &'a str, usize, Vec<(&'a str, usize)>);

/// "15 Thanh Hóa" or "1 TP. Đà Nẵng 1.0000 0.9000 … 0.8002": a rank, a name, and `k` numbers separated by
/// spaces, as a web table copied line by line gives them. The rank's text and the numbers with their
/// byte offsets.
fn spaced(line: &str) -> Option<Spaced<'_>> {
    let lead = line.len() - line.trim_start().len();
    let t = line.trim_end();
    let d = t[lead..].bytes().take_while(u8::is_ascii_digit).count();
    if d == 0 || d > 4 || !t[lead + d..].starts_with(' ') {
        return None;
    }
    // Numbers from the end, while the last word is a number.
    let mut end = t.len();
    let mut nums = Vec::new();
    loop {
        let word_start = t[..end].rfind(' ').map_or(0, |i| i + 1);
        if word_start <= lead + d {
            break;
        }
        let word = &t[word_start..end];
        if !is_numeric(word) {
            break;
        }
        nums.push((word, word_start));
        end = word_start.saturating_sub(1);
    }
    nums.reverse();
    let name_start = lead + d + (t[lead + d..].len() - t[lead + d..].trim_start().len());
    let name = t[name_start..end.max(name_start)].trim_end();
    if !name.chars().any(char::is_alphabetic) || name.chars().count() > MAX_LABEL {
        return None;
    }
    Some((&t[lead..lead + d], name, name_start, nums))
}

/// A run of at least three "rank name" lines, or two "rank name numbers…" lines with as many numbers each,
/// starting at paragraph `i`: a grid with a Hạng / Đơn vị header and, for the numbers, the labels printed
/// just before the run when there are as many (a lone "Chỉ số" joined to the label after it, as a header
/// cell broken over two lines reads), else "Chỉ số 1" … "Chỉ số chung". A lone rank after the run is a
/// row cut short. Returns the grid, the first paragraph it took and the paragraph after it.
fn spaced_rows(
    run: &[(String, Pos)],
    cleaned: &[String],
    i: usize,
    done: usize,
    budget: &mut Budget,
) -> Option<(Vec<SrcRow>, usize, usize)> {
    let (_, _, _, first) = spaced(&cleaned[i])?;
    let k = first.len();
    let mut end = i;
    while end < cleaned.len() {
        budget.step(1);
        match spaced(&cleaned[end]) {
            Some((_, _, _, nums)) if nums.len() == k => end += 1,
            _ => break,
        }
    }
    let need = if k == 0 { 3 } else { 2 };
    if end - i < need {
        return None;
    }
    let at = |p: &Pos, raw: &str, byte: usize| match p.cell {
        None => Pos::line(
            p.line,
            p.column
                .saturating_add(u32::try_from(raw[..byte].chars().count()).unwrap_or(u32::MAX)),
        ),
        Some(_) => p.clone(),
    };
    let mut rows = Vec::with_capacity(end - i + 2);
    for j in i..end {
        let line = &cleaned[j];
        let (rank, name, name_at, nums) = spaced(line)?;
        let p = &run[j].1;
        let mut cells = vec![
            SrcCell {
                raw: rank.to_string(),
                pos: at(p, line, 0),
                typed: false,
            },
            SrcCell {
                raw: name.to_string(),
                pos: at(p, line, name_at),
                typed: false,
            },
        ];
        cells.extend(nums.iter().map(|(n, b)| SrcCell {
            raw: (*n).to_string(),
            pos: at(p, line, *b),
            typed: false,
        }));
        rows.push(SrcRow {
            pos: cells[0].pos.clone(),
            cells,
        });
    }
    // A rank alone after the rows: the next row, cut.
    let mut after = end;
    if let Some(t) = cleaned.get(end)
        && !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit())
        && t.len() <= 4
    {
        rows.push(SrcRow {
            pos: run[end].1.clone(),
            cells: vec![SrcCell {
                raw: t.clone(),
                pos: run[end].1.clone(),
                typed: false,
            }],
        });
        after = end + 1;
    }
    // The labels of the numbers: the paragraphs just before, when they name them.
    let mut from = i;
    let mut labels: Vec<(String, Pos)> = Vec::new();
    if k > 0 {
        let mut taken: Vec<(String, Pos)> = Vec::new();
        let mut j = i;
        while j > done && taken.len() < 3 * k + 2 {
            let t = &cleaned[j - 1];
            if t.is_empty() || is_numeric(t) || t.chars().count() > MAX_LABEL {
                break;
            }
            taken.push((t.clone(), run[j - 1].1.clone()));
            j -= 1;
        }
        taken.reverse();
        // A generic word alone ("Chỉ số") belongs to the label after it.
        let mut joined: Vec<(String, Pos, usize)> = Vec::new();
        let mut pending: Option<(String, Pos, usize)> = None;
        for (idx, (t, p)) in taken.into_iter().enumerate() {
            let generic = matches!(t.to_lowercase().as_str(), "chỉ số" | "điểm" | "điểm số");
            match pending.take() {
                Some((g, gp, gi)) => joined.push((format!("{g} {t}"), gp, gi)),
                None if generic => pending = Some((t, p, idx)),
                None => joined.push((t, p, idx)),
            }
        }
        if joined.len() >= k {
            let skip = joined.len() - k;
            from = j + joined[skip].2;
            labels = joined
                .into_iter()
                .skip(skip)
                .map(|(t, p, _)| (t, p))
                .collect();
        }
    }
    let first_pos = rows[0].pos.clone();
    let mut header: Vec<SrcCell> = ["Hạng", "Đơn vị"]
        .iter()
        .map(|h| SrcCell {
            raw: (*h).to_string(),
            pos: first_pos.clone(),
            typed: false,
        })
        .collect();
    if labels.len() == k {
        header.extend(labels.into_iter().map(|(raw, pos)| SrcCell {
            raw,
            pos,
            typed: false,
        }));
    } else {
        header.extend((1..=k).map(|c| SrcCell {
            raw: if c == k {
                if k == 1 {
                    "Điểm".to_string()
                } else {
                    "Chỉ số chung".to_string()
                }
            } else {
                format!("Chỉ số {c}")
            },
            pos: first_pos.clone(),
            typed: false,
        }));
    }
    rows.insert(
        0,
        SrcRow {
            pos: first_pos,
            cells: header,
        },
    );
    Some((rows, from, after))
}

/// A name-first spaced line: the name, the numbers with their byte offsets, and the words after them
/// (a classification such as "Rất tốt") with theirs.
type Named<'a> = (&'a str, Vec<(&'a str, usize)>, Option<(&'a str, usize)>);

/// "Quảng Ninh 7.98 7.39 … 73.02 1 Rất tốt": a unit's name, numbers separated by spaces and perhaps a
/// classification in words, as a web table whose rows start with the unit (PCI's tables, a "Top 10"
/// box) copies line by line. The name must start with a letter; the words after the numbers hold no
/// digit and are short, so a sentence with numbers in it is not a row.
fn named(line: &str) -> Option<Named<'_>> {
    let t = line.trim_end();
    if !t.starts_with(char::is_alphabetic) {
        return None;
    }
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut from = 0;
    for piece in t.split(' ') {
        if !piece.is_empty() {
            words.push((from, piece));
        }
        from += piece.len() + 1;
    }
    let first = words.iter().position(|(_, w)| is_numeric(w))?;
    // A dash inside the numbers is a blank cell ("4.82 - 5.6"); the first value is a number, so a dash in
    // a name ("Bà Rịa - Vũng Tàu 9.1 …") stays in the name.
    let mut last = first;
    while last < words.len() && (is_numeric(words[last].1) || words[last].1 == "-") {
        last += 1;
    }
    let name = t[..words[first].0].trim_end();
    if name.chars().count() > MAX_LABEL {
        return None;
    }
    let nums: Vec<(&str, usize)> = words[first..last].iter().map(|&(b, w)| (w, b)).collect();
    let class = match words.get(last) {
        None => None,
        Some(&(b, _)) => {
            let rest = &t[b..];
            if rest.chars().any(|c| c.is_ascii_digit())
                || rest.chars().count() > 30
                || !rest.starts_with(char::is_uppercase)
            {
                return None;
            }
            Some((rest, b))
        }
    };
    Some((name, nums, class))
}

/// A row of a name-first table ([`named`]): its cells (text, paragraph, byte offset), the paragraph after
/// it, and its shape — how many numbers its first line holds, how many lone numbers follow on their own
/// lines, and whether a classification ends it. A web table whose cells are blocks copies as a line of
/// the inline cells, then one line per block cell: "Huyện Vũ Quang 147 7.02 … 5.99", "68.85", "Khá".
type NamedRow<'a> = (Vec<(&'a str, usize, usize)>, usize, (usize, usize, bool));

fn named_row(cleaned: &[String], j: usize) -> Option<NamedRow<'_>> {
    let (name, nums, class) = named(cleaned.get(j)?)?;
    let mut cells = vec![(name, j, 0)];
    cells.extend(nums.iter().map(|&(n, b)| (n, j, b)));
    let mut next = j + 1;
    let mut extra = 0;
    let mut classed = class.is_some();
    if let Some((c, b)) = class {
        cells.push((c, j, b));
    } else {
        while extra < 3
            && let Some(t) = cleaned.get(next)
            && !t.contains(' ')
            && is_numeric(t)
        {
            cells.push((t.as_str(), next, 0));
            extra += 1;
            next += 1;
        }
        if let Some(t) = cleaned.get(next)
            && !t.is_empty()
            && t.chars().count() <= 30
            && t.starts_with(char::is_uppercase)
            && !t.chars().any(|c| c.is_ascii_digit())
            && !t.ends_with([':', '.'])
            && extra > 0
        {
            cells.push((t.as_str(), next, 0));
            classed = true;
            next += 1;
        }
    }
    Some((cells, next, (nums.len(), extra, classed)))
}

/// A run of at least three name-first rows ([`named_row`]) of one shape, two numbers or more each,
/// starting at paragraph `i`: a grid the builder reads like any table. The printed header of such a
/// table is one line whose labels hold spaces themselves, so it cannot be cut into cells; the columns get
/// egov's generic labels instead: "Chỉ số 1" … "Chỉ số chung" for the numbers, "Hạng" for a last column
/// of whole numbers after a column with decimals, "Xếp loại" for the words. The text's last row, when it
/// stops short (a page cut mid-row: "Đồng Nai 6"), is kept short so the builder reports it. Returns the
/// grid and the paragraph after it.
fn named_rows(
    run: &[(String, Pos)],
    cleaned: &[String],
    i: usize,
    budget: &mut Budget,
) -> Option<(Vec<SrcRow>, usize)> {
    let (_, _, shape) = named_row(cleaned, i)?;
    let (k, extra, classed) = shape;
    let n = k + extra;
    if n < 2 {
        return None;
    }
    let mut found = Vec::new();
    let mut end = i;
    while end < cleaned.len() {
        budget.step(1);
        match named_row(cleaned, end) {
            Some((cells, next, s)) if s == shape => {
                found.push(cells);
                end = next;
            }
            _ => break,
        }
    }
    if found.len() < 3 {
        return None;
    }
    // The text's last row, cut short: the name and fewer values.
    if let Some((cells, next, (k2, extra2, false))) = named_row(cleaned, end)
        && next == cleaned.len()
        && k2 + extra2 < n
    {
        found.push(cells);
        end = next;
    }
    let at = |j: usize, byte: usize| {
        let (raw, p) = (&cleaned[j], &run[j].1);
        match p.cell {
            None => Pos::line(
                p.line,
                p.column
                    .saturating_add(u32::try_from(raw[..byte].chars().count()).unwrap_or(u32::MAX)),
            ),
            Some(_) => p.clone(),
        }
    };
    let whole = |cells: &[(&str, usize, usize)]| cells.len() > n;
    let ranked = found.iter().filter(|c| whole(c)).all(|c| {
        let last = c[n].0;
        last.bytes().all(|b| b.is_ascii_digit()) && last != "0"
    }) && found
        .iter()
        .filter(|c| whole(c))
        .any(|c| c[n - 1].0.contains(['.', ',']));
    let mut rows: Vec<SrcRow> = found
        .iter()
        .map(|cells| {
            let cells: Vec<SrcCell> = cells
                .iter()
                .map(|&(t, j, b)| SrcCell {
                    raw: t.to_string(),
                    pos: at(j, b),
                    typed: false,
                })
                .collect();
            SrcRow {
                pos: cells[0].pos.clone(),
                cells,
            }
        })
        .collect();
    let scores = if ranked { n - 1 } else { n };
    let mut labels: Vec<String> = vec!["Đơn vị".to_string()];
    labels.extend((1..=scores).map(|c| match (c == scores, scores) {
        (true, 1) => "Điểm".to_string(),
        (true, _) => "Chỉ số chung".to_string(),
        (false, _) => format!("Chỉ số {c}"),
    }));
    if ranked {
        labels.push("Hạng".to_string());
    }
    if classed {
        labels.push("Xếp loại".to_string());
    }
    let first_pos = rows[0].pos.clone();
    rows.insert(
        0,
        SrcRow {
            pos: first_pos.clone(),
            cells: labels
                .into_iter()
                .map(|raw| SrcCell {
                    raw,
                    pos: first_pos.clone(),
                    typed: false,
                })
                .collect(),
        },
    );
    Some((rows, end))
}

/// "1. Sở Nội vụ; 2. Sở Tư pháp (91,2 điểm); 3. …" or "(1) Sở Tài chính đạt 90,05%, (2) …" in one
/// paragraph → a Hạng / Đơn vị [/ Điểm] grid, when at least two items are numbered on from one another,
/// and the words before the first item (the list's title, which may state a count the audit checks).
/// Each cell keeps its place in the paragraph.
fn prose_list(raw: &str, pos: &Pos) -> Option<(Option<String>, Vec<SrcRow>)> {
    // Item starts: a number of one to three digits then "." or ")" and a space, or "(n) ", at the start
    // or after a separator.
    let bytes = raw.as_bytes();
    let mut starts: Vec<(usize, usize, u32)> = Vec::new(); // (number at, name at, number)
    let mut k = 0;
    while k < bytes.len() {
        if bytes[k].is_ascii_digit() && (k == 0 || !bytes[k - 1].is_ascii_alphanumeric()) {
            let paren = k > 0 && bytes[k - 1] == b'(';
            let before = raw[..if paren { k - 1 } else { k }].trim_end();
            let after_sep = before.is_empty() || before.ends_with([';', ':', ',', '.']);
            let d = bytes[k..].iter().take_while(|b| b.is_ascii_digit()).count();
            let m = k + d;
            let closes = if paren {
                bytes.get(m) == Some(&b')')
            } else {
                matches!(bytes.get(m), Some(b'.' | b')'))
            };
            // "(1) cải cách thể chế, (2) …" enumerates topics; a unit's name starts in capitals.
            // (Byte m + 1 is the ASCII space, so m + 2 is on a character boundary.)
            if after_sep
                && d <= 3
                && closes
                && bytes.get(m + 1) == Some(&b' ')
                && (!paren || raw[m + 2..].starts_with(char::is_uppercase))
                && let Ok(num) = raw[k..m].parse::<u32>()
            {
                starts.push((k, m + 2, num));
                k = m + 2;
                continue;
            }
            k = m;
            continue;
        }
        k += 1;
    }
    // Where each item's text ends: at the next item's number, or at its "(" when written "(n)".
    let item_end = |idx: usize| {
        starts.get(idx + 1).map_or(raw.len(), |n| {
            if raw[..n.0].ends_with('(') {
                n.0 - 1
            } else {
                n.0
            }
        })
    };
    // Units an item holds besides its numbered one ("(1) Sở A đạt 90,05%, Sở B đạt 90,02%, (3) …").
    let extra: Vec<u32> = (0..starts.len())
        .map(|idx| {
            let text = raw[starts[idx].1..item_end(idx)].trim_end();
            let text = text.trim_end_matches([';', ',', '.', ' ']);
            u32::try_from(unnumbered(text).len().saturating_sub(1)).unwrap_or(u32::MAX)
        })
        .collect();
    // The longest run numbered as ranks are: on by one (past the units an item holds unnumbered), the
    // same number for a tie, or after a tie the position (1, 2, 2, 4 or 1, 2, 2, 3).
    let mut best = (0, 0);
    let mut a = 0;
    for b in 1..=starts.len() {
        let follows = b < starts.len() && {
            let (prev, n) = (starts[b - 1].2, starts[b].2);
            let position = starts[a].2 + (b - a) as u32;
            n == prev
                || n == prev + 1
                || n == prev.saturating_add(1).saturating_add(extra[b - 1])
                || (n > prev && n == position)
        };
        if !follows {
            if b - a > best.1 - best.0 {
                best = (a, b);
            }
            a = b;
        }
    }
    let items = &starts[best.0..best.1];
    if items.len() < 2 {
        return None;
    }
    let at = |byte: usize| match &pos.cell {
        None => Pos::line(
            pos.line,
            pos.column
                .saturating_add(u32::try_from(raw[..byte].chars().count()).unwrap_or(u32::MAX)),
        ),
        Some(_) => pos.clone(),
    };
    let cell = |raw: &str, byte: usize| SrcCell {
        raw: raw.to_string(),
        pos: at(byte),
        typed: false,
    };
    let mut rows = Vec::with_capacity(items.len() + 1);
    let mut scored = false;
    for (idx, &(num_at, name_at, _)) in items.iter().enumerate() {
        let end = item_end(best.0 + idx);
        let text = raw[name_at..end].trim_end();
        let text = text.trim_end_matches([';', ',', '.', ' ']);
        let num_end = raw[num_at..]
            .find(['.', ')'])
            .map_or(num_at, |e| num_at + e);
        // "(1) Sở A đạt 90,05%, Sở B đạt 90,02%, (3) …": a unit printed without its number, after a
        // scored one, is a row of its own with an empty rank cell (the article's own omission, shown as
        // such), not part of the first unit's name.
        for (k, (off, piece)) in unnumbered(text).into_iter().enumerate() {
            let (name, score) = split_score(piece);
            let name = name.trim();
            if !name.chars().any(char::is_alphabetic) || name.chars().count() > MAX_CELL {
                return None;
            }
            let at_name = name_at + off;
            let rank = if k == 0 {
                cell(&raw[num_at..num_end], num_at)
            } else {
                cell("", at_name)
            };
            let mut cells = vec![rank, cell(name, at_name)];
            if let Some((s, s_at)) = score {
                scored = true;
                cells.push(cell(s, at_name + s_at));
            }
            rows.push(SrcRow {
                pos: at(if k == 0 { num_at } else { at_name }),
                cells,
            });
        }
    }
    // Every item has a score, or none has: a list with scores for some items only is not a table.
    if scored && rows.iter().any(|r| r.cells.len() < 3) {
        return None;
    }
    let first = at(items[0].0);
    let labels: &[&str] = if scored {
        &["Hạng", "Đơn vị", "Điểm"]
    } else {
        &["Hạng", "Đơn vị"]
    };
    let header = SrcRow {
        pos: first.clone(),
        cells: labels
            .iter()
            .map(|l| SrcCell {
                raw: (*l).to_string(),
                pos: first.clone(),
                typed: false,
            })
            .collect(),
    };
    rows.insert(0, header);
    let first_at = if raw[..items[0].0].ends_with('(') {
        items[0].0 - 1
    } else {
        items[0].0
    };
    let lead = raw[..first_at].trim().trim_end_matches(':').trim_end();
    let title = lead
        .chars()
        .any(char::is_alphabetic)
        .then(|| lead.to_string());
    Some((title, rows))
}

/// The number of a prose-list row, when it has one.
fn list_number(row: &SrcRow) -> Option<u32> {
    row.cells.first().and_then(|c| c.raw.parse().ok())
}

/// The pieces of a prose-list item: one, or more when a unit with its score follows a scored one after
/// ", " without a number of its own ("Sở A đạt 90,05%, Sở B đạt 90,02%"). A comma inside a name ("Sở Lao
/// động, Thương binh và Xã hội đạt 85,03%") does not split: the words before it end in no score.
/// Each piece with its byte offset in `text`.
fn unnumbered(text: &str) -> Vec<(usize, &str)> {
    let scored = |s: &str| split_score(s).1.is_some();
    let mut cuts = vec![0];
    for (i, _) in text.match_indices(", ") {
        let last = *cuts.last().unwrap_or(&0);
        if scored(&text[last..i]) && text[i + 2..].starts_with(char::is_uppercase) {
            cuts.push(i + 2);
        }
    }
    // The last piece must hold a score too, else its comma was not between two units.
    while cuts.len() > 1 && !scored(&text[*cuts.last().unwrap_or(&0)..]) {
        cuts.pop();
    }
    cuts.iter()
        .enumerate()
        .map(|(k, &c)| {
            let end = cuts.get(k + 1).map_or(text.len(), |&n| n - 2);
            (c, &text[c..end])
        })
        .collect()
}

/// "Nhóm Tốt (từ 80% trở lên): Sở A, Sở B; Nhóm Khá: Sở C và Sở D." — units listed by classification, two
/// classes or more in one paragraph: an Đơn vị / Xếp loại grid (the class without the parenthesis), each
/// name at its place in the paragraph.
fn band_list(raw: &str, pos: &Pos) -> Option<Vec<SrcRow>> {
    const LABELS: [&str; 5] = ["Nhóm ", "Loại ", "Mức ", "Xếp loại ", "Nhóm xếp loại "];
    let at = |byte: usize| match pos.cell {
        None => Pos::line(
            pos.line,
            pos.column
                .saturating_add(u32::try_from(raw[..byte].chars().count()).unwrap_or(u32::MAX)),
        ),
        Some(_) => pos.clone(),
    };
    let cell = |text: &str, byte: usize| SrcCell {
        raw: text.to_string(),
        pos: at(byte),
        typed: false,
    };
    let mut rows = Vec::new();
    let mut classes = 0;
    let mut start = 0;
    let body = raw.trim_end().trim_end_matches('.');
    for end in body.match_indices("; ").map(|(i, _)| i).chain([body.len()]) {
        let seg = &body[start..end];
        let seg_at = start + (seg.len() - seg.trim_start().len());
        let seg = seg.trim();
        start = end + 2;
        let label = LABELS.iter().find(|l| seg.starts_with(**l))?;
        let colon = seg.find(':')?;
        let band = seg[label.len()..colon]
            .split('(')
            .next()
            .unwrap_or("")
            .trim();
        if band.is_empty() || band.chars().count() > 30 || !band.starts_with(char::is_uppercase) {
            return None;
        }
        let band_at = seg_at + label.len();
        let mut names: Vec<(usize, &str)> = Vec::new();
        let list_at = seg_at + colon + 1;
        let list = &seg[colon + 1..];
        let mut from = 0;
        for e in list.match_indices(", ").map(|(i, _)| i).chain([list.len()]) {
            let piece = &list[from..e];
            let lead = piece.len() - piece.trim_start().len();
            let mut item_at = list_at + from + lead;
            let mut item = piece.trim();
            if e == list.len()
                && let Some((a, b)) = item.rsplit_once(" và ")
                && b.starts_with(char::is_uppercase)
            {
                names.push((item_at, a.trim_end()));
                item_at += a.len() + " và ".len();
                item = b.trim();
            }
            names.push((item_at, item));
            from = e + 2;
        }
        if names.iter().any(|(_, n)| {
            n.is_empty() || n.chars().count() > 80 || !n.starts_with(char::is_uppercase)
        }) {
            return None;
        }
        classes += 1;
        for (b, name) in names {
            rows.push(SrcRow {
                pos: at(b),
                cells: vec![cell(name, b), cell(band, band_at)],
            });
        }
    }
    band_grid(rows, classes)
}

/// Words that open a district's or commune's name in running text, in lower case ("thị xã Quế Võ").
const PLACE_PREFIXES: [&str; 7] = [
    "thành phố ",
    "thị xã ",
    "thị trấn ",
    "huyện ",
    "quận ",
    "phường ",
    "xã ",
];

/// Whether `s` starts like a unit's name: a capital, or a district or commune word in lower case.
/// The rows of a band list under a Đơn vị / Xếp loại header, when the text named at least two classes
/// (one class alone is a sentence about some units, not a list of bands).
fn band_grid(mut rows: Vec<SrcRow>, classes: usize) -> Option<Vec<SrcRow>> {
    if classes < 2 {
        return None;
    }
    let first = rows[0].pos.clone();
    rows.insert(
        0,
        SrcRow {
            pos: first.clone(),
            cells: ["Đơn vị", "Xếp loại"]
                .iter()
                .map(|h| SrcCell {
                    raw: (*h).to_string(),
                    pos: first.clone(),
                    typed: false,
                })
                .collect(),
        },
    );
    Some(rows)
}

fn starts_name(s: &str) -> bool {
    s.starts_with(char::is_uppercase) || PLACE_PREFIXES.iter().any(|p| s.starts_with(p))
}

/// "Kết quả cụ thể: Sở A, Sở B và thị xã C đạt loại xuất sắc. Sở D, thành phố E đạt loại tốt." — units
/// listed before their classification, one sentence per class, two classes or more in one paragraph:
/// an Đơn vị / Xếp loại grid (the class as printed), each name at its place in the paragraph. Every
/// sentence of the paragraph must be such a list (the first may open with words and a colon), so a
/// sentence that merely mentions a class is not read as a table. Names may start with a district or
/// commune word in lower case; "và" joins two names only before such a word or before the agency word
/// most names start with ("Sở Tài chính và thị xã Quế Võ", not "Sở Tài nguyên và Môi trường").
fn band_sentences(raw: &str, pos: &Pos) -> Option<Vec<SrcRow>> {
    const VERBS: [&str; 4] = [" đạt loại ", " xếp loại ", " đạt mức ", " thuộc nhóm "];
    let at = |byte: usize| match pos.cell {
        None => Pos::line(
            pos.line,
            pos.column
                .saturating_add(u32::try_from(raw[..byte].chars().count()).unwrap_or(u32::MAX)),
        ),
        Some(_) => pos.clone(),
    };
    let cell = |text: &str, byte: usize| SrcCell {
        raw: text.to_string(),
        pos: at(byte),
        typed: false,
    };
    let body = raw.trim_end();
    let body = body.strip_suffix('.').unwrap_or(body);
    let mut rows = Vec::new();
    let mut classes = 0;
    let mut start = 0;
    let ends = body.match_indices(". ").map(|(i, _)| i).chain([body.len()]);
    for end in ends {
        let mut from = start;
        let sentence = &body[start..end];
        start = end + 2;
        // The first sentence may open with "Kết quả cụ thể:".
        if classes == 0
            && let Some(c) = sentence.find(": ")
        {
            from += c + 2;
        }
        let sentence = &body[from..end];
        let (verb_at, verb) = VERBS
            .iter()
            .filter_map(|v| sentence.rfind(v).map(|i| (i, *v)))
            .max_by_key(|(i, _)| *i)?;
        let band = sentence[verb_at + verb.len()..].trim();
        if band.is_empty()
            || band.chars().count() > 30
            || band.chars().any(|c| c.is_ascii_digit() || c == ',')
        {
            return None;
        }
        let band_at = from + verb_at + verb.len();
        let list = &sentence[..verb_at];
        let mut pieces: Vec<(usize, &str)> = Vec::new();
        let mut p = 0;
        for e in list.match_indices(", ").map(|(i, _)| i).chain([list.len()]) {
            let piece = &list[p..e];
            let lead = piece.len() - piece.trim_start().len();
            pieces.push((from + p + lead, piece.trim()));
            p = e + 2;
        }
        // The agency word most names start with: "và" splits the last piece only before it.
        let firsts: Vec<&str> = pieces
            .iter()
            .filter_map(|(_, n)| n.split_whitespace().next())
            .collect();
        let agency = firsts
            .iter()
            .find(|w| {
                w.starts_with(char::is_uppercase)
                    && firsts.iter().filter(|x| x == w).count() * 2 > firsts.len()
            })
            .copied();
        if let Some((last_at, last)) = pieces.pop() {
            let split = last.rmatch_indices(" và ").map(|(i, _)| i).find(|&i| {
                let b = &last[i + " và ".len()..];
                PLACE_PREFIXES.iter().any(|p| b.starts_with(p))
                    || agency.is_some_and(|a| b.split_whitespace().next() == Some(a))
            });
            match split {
                Some(i) => {
                    pieces.push((last_at, last[..i].trim_end()));
                    pieces.push((last_at + i + " và ".len(), &last[i + " và ".len()..]));
                }
                None => pieces.push((last_at, last)),
            }
        }
        if pieces.is_empty()
            || pieces
                .iter()
                .any(|(_, n)| n.is_empty() || n.chars().count() > 80 || !starts_name(n))
        {
            return None;
        }
        classes += 1;
        for (b, name) in pieces {
            rows.push(SrcRow {
                pos: at(b),
                cells: vec![cell(name, b), cell(band, band_at)],
            });
        }
    }
    band_grid(rows, classes)
}

/// "Thứ tự xếp hạng các sở, ban, ngành (từ trên xuống) như sau: Sở A, Sở B, …, Sở T." — the order of the
/// names is the ranking, as articles print it: the sentence before the colon (the table's title) and a
/// Hạng / Đơn vị grid, each name at its place in the paragraph. Only a sentence that says it is an order
/// ("thứ tự xếp hạng", "từ trên xuống", "theo thứ tự", "lần lượt") is read so.
fn ordered_list(raw: &str, pos: &Pos) -> Option<(String, Vec<SrcRow>)> {
    // "… 5 vị trí dẫn đầu lần lượt thuộc về A, B, C, D và E." — "lần lượt" (in turn) orders the names
    // that follow it without a colon: the list starts after the phrase, the title is what comes before.
    const IN_TURN: [&str; 2] = ["lần lượt thuộc về ", "lần lượt là "];
    let (title_end, body_at) = match IN_TURN
        .iter()
        .find_map(|p| raw.find(p).map(|at| (at, at + p.len())))
    {
        Some((at, after)) if !raw[after..].trim_start().starts_with(':') => (at, after),
        _ => {
            let lower = raw.to_lowercase();
            if ![
                "thứ tự xếp hạng",
                "từ trên xuống",
                "theo thứ tự",
                "lần lượt",
            ]
            .iter()
            .any(|p| lower.contains(p))
            {
                return None;
            }
            let colon = raw.find(':')?;
            (colon, colon + 1)
        }
    };
    let title = raw[..title_end].trim().to_string();
    let body = &raw[body_at..];
    let trimmed = body.trim_end().trim_end_matches(['.', ';']);
    let mut names: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    let pieces = trimmed
        .match_indices(", ")
        .map(|(i, _)| i)
        .chain([trimmed.len()]);
    for end in pieces {
        let piece = &trimmed[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let mut at = start + lead;
        let mut item = piece.trim();
        // "A và B" closing the list: two names.
        if end == trimmed.len()
            && let Some((a, b)) = item.rsplit_once(" và ")
            && b.starts_with(char::is_uppercase)
        {
            names.push((at, a.trim_end()));
            at += a.len() + " và ".len();
            item = b.trim();
        }
        names.push((at, item));
        start = end + 2;
    }
    if names.len() < 3
        || names.iter().any(|(_, n)| {
            n.is_empty() || n.chars().count() > 80 || !n.starts_with(char::is_uppercase)
        })
    {
        return None;
    }
    let at = |byte: usize| match pos.cell {
        None => Pos::line(
            pos.line,
            pos.column.saturating_add(
                u32::try_from(raw[..body_at + byte].chars().count()).unwrap_or(u32::MAX),
            ),
        ),
        Some(_) => pos.clone(),
    };
    let first = at(names[0].0);
    let mut rows = vec![SrcRow {
        pos: first.clone(),
        cells: ["Hạng", "Đơn vị"]
            .iter()
            .map(|h| SrcCell {
                raw: (*h).to_string(),
                pos: first.clone(),
                typed: false,
            })
            .collect(),
    }];
    for (k, (b, name)) in names.iter().enumerate() {
        let p = at(*b);
        rows.push(SrcRow {
            pos: p.clone(),
            cells: vec![
                SrcCell {
                    raw: (k + 1).to_string(),
                    pos: p.clone(),
                    typed: false,
                },
                SrcCell {
                    raw: (*name).to_string(),
                    pos: p,
                    typed: false,
                },
            ],
        });
    }
    Some((title, rows))
}

/// A paragraph's text and place: the place of a byte of it, and a cell made of a slice of it.
struct Place<'a> {
    raw: &'a str,
    pos: &'a Pos,
}

impl Place<'_> {
    fn at(&self, byte: usize) -> Pos {
        match self.pos.cell {
            None => Pos::line(
                self.pos.line,
                self.pos.column.saturating_add(
                    u32::try_from(self.raw[..byte].chars().count()).unwrap_or(u32::MAX),
                ),
            ),
            Some(_) => self.pos.clone(),
        }
    }

    fn cell(&self, text: &str, byte: usize) -> SrcCell {
        SrcCell {
            raw: text.to_string(),
            pos: self.at(byte),
            typed: false,
        }
    }

    /// A grid's header row, every label at `byte`.
    fn header(&self, labels: &[&str], byte: usize) -> SrcRow {
        SrcRow {
            pos: self.at(byte),
            cells: labels.iter().map(|l| self.cell(l, byte)).collect(),
        }
    }
}

/// Words that open an agency's or a place's name. A list's piece that starts with none of them, after
/// one that does, is the rest of a name holding a comma ("Sở Văn hóa, Thể thao và Du lịch").
const NAME_HEADS: [&str; 30] = [
    "Sở ",
    "Ban ",
    "Cục ",
    "Chi cục ",
    "Công an ",
    "Bảo hiểm ",
    "Văn phòng ",
    "Thanh tra ",
    "UBND ",
    "Ủy ban ",
    "Uỷ ban ",
    "Bộ ",
    "Kho bạc ",
    "Ngân hàng ",
    "Đài ",
    "Báo ",
    "Trường ",
    "Bệnh viện ",
    "Viện ",
    "Trung tâm ",
    "Tòa án ",
    "Toà án ",
    "Hội ",
    "Liên minh ",
    "Tỉnh đoàn ",
    "Quỹ ",
    "Huyện ",
    "Thành phố ",
    "Thị xã ",
    "Quận ",
];

fn starts_head(s: &str) -> bool {
    NAME_HEADS.iter().any(|h| s.starts_with(h)) || PLACE_PREFIXES.iter().any(|p| s.starts_with(p))
}

/// "A, B, Sở Văn hóa, Thể thao và Du lịch, C và D" → the names with their byte offsets (`base` added).
/// A comma splits only before a word that opens a name when most pieces start with one (so "Sở Văn
/// hóa, Thể thao và Du lịch" stays one name); "và" splits the last piece only before such a word
/// ("Sở Giao thông vận tải và Sở Nông nghiệp và Phát triển nông thôn" is two names, "Sở Nông nghiệp và
/// Phát triển nông thôn" one). None when a name does not start like one.
fn name_list(list: &str, base: usize) -> Option<Vec<(usize, &str)>> {
    let trimmed = list.trim_end().trim_end_matches(['.', ',', ';']).trim_end();
    let mut pieces: Vec<(usize, usize)> = Vec::new(); // (start, end) in `list`
    let mut p = 0;
    for e in trimmed
        .match_indices(", ")
        .map(|(i, _)| i)
        .chain([trimmed.len()])
    {
        let lead = trimmed[p..e].len() - trimmed[p..e].trim_start().len();
        pieces.push((p + lead, e));
        p = e + 2;
    }
    let heads = pieces
        .iter()
        .filter(|&&(s, e)| starts_head(&list[s..e]))
        .count();
    if heads * 2 > pieces.len() {
        let mut joined: Vec<(usize, usize)> = Vec::with_capacity(pieces.len());
        for (s, e) in pieces {
            match joined.last_mut() {
                Some(prev) if !starts_head(&list[s..e]) && starts_head(&list[prev.0..prev.1]) => {
                    prev.1 = e;
                }
                _ => joined.push((s, e)),
            }
        }
        pieces = joined;
    }
    let mut names: Vec<(usize, &str)> = Vec::with_capacity(pieces.len() + 1);
    let count = pieces.len();
    for (k, (s, e)) in pieces.into_iter().enumerate() {
        let piece = list[s..e].trim_end();
        let split = (k + 1 == count)
            .then(|| {
                piece
                    .rmatch_indices(" và ")
                    .map(|(i, _)| i)
                    .find(|&i| starts_head(&piece[i + " và ".len()..]))
            })
            .flatten();
        match split {
            Some(i) => {
                names.push((base + s, piece[..i].trim_end()));
                names.push((base + s + i + " và ".len(), &piece[i + " và ".len()..]));
            }
            None => names.push((base + s, piece)),
        }
    }
    names
        .iter()
        .all(|(_, n)| !n.is_empty() && n.chars().count() <= 80 && starts_name(n))
        .then_some(names)
}

/// The quoted class after "nhóm" at byte `at` of `text` ("nhóm “rất tốt”"): the class, its offset and
/// the end of the closing quote.
fn quoted_band(text: &str, at: usize) -> Option<(&str, usize, usize)> {
    // `at` comes from a match on lower-cased text in one caller: checked, not trusted.
    let rest = text.get(at..)?;
    let open = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '“' | '"' | '«'))?;
    let close = match open {
        '“' => '”',
        '«' => '»',
        _ => '"',
    };
    let inner = &rest[open.len_utf8()..];
    let end = inner.find(close)?;
    let band = inner[..end].trim();
    if band.is_empty() || band.chars().count() > 30 || band.contains([',', ';', '.']) {
        return None;
    }
    let band_at = at + open.len_utf8() + (inner.len() - inner.trim_start().len());
    Some((band, band_at, at + open.len_utf8() + end + close.len_utf8()))
}

/// "A đứng đầu bảng xếp hạng, thuộc nhóm “rất tốt”, kế đến lần lượt là các đơn vị: B, C thuộc nhóm
/// “tốt”; D, E thuộc nhóm “khá tốt”; nhóm “khá” gồm: F, G và H." — units labelled by a quoted class,
/// the class after its names ("thuộc nhóm “X”") or before them ("nhóm “X” gồm: …"), two classes or more
/// in one paragraph: an Đơn vị / Xếp loại grid, with a Hạng column numbering the names in turn when the
/// paragraph says they are an order ("lần lượt", "kế đến", "theo thứ tự", "từ trên xuống"). Every
/// part between ";" must be such a list, so a sentence that merely mentions a group is not read as a
/// table. Also the words before the first name (the list's title), when there are some.
fn labelled_bands(raw: &str, pos: &Pos) -> Option<(Option<String>, Vec<SrcRow>)> {
    const BELONGS: &str = "thuộc nhóm ";
    let place = Place { raw, pos };
    let body = raw.trim_end();
    let body = body.strip_suffix('.').unwrap_or(body);
    let mut named: Vec<(usize, &str, &str, usize)> = Vec::new(); // (at, name, class, class at)
    let mut title: Option<&str> = None;
    let mut classes = 0;
    let mut start = 0;
    for end in body.match_indices("; ").map(|(i, _)| i).chain([body.len()]) {
        let seg = &body[start..end];
        let seg_at = start;
        start = end + 2;
        let lead = seg.len() - seg.trim_start().len();
        // "nhóm “khá” gồm: A, B và C": the class first, the whole part its list.
        if seg[lead..].to_lowercase().starts_with("nhóm ") {
            let (band, band_at, after) = quoted_band(seg, lead + "nhóm ".len())?;
            let rest = seg[after..].trim_start();
            let list = rest.strip_prefix("gồm")?.trim_start_matches([':', ' ']);
            let list_at = seg.len() - list.len();
            for (b, n) in name_list(list, seg_at + list_at)? {
                named.push((b, n, band, seg_at + band_at));
            }
            classes += 1;
            continue;
        }
        // "A, B thuộc nhóm “tốt”", possibly twice in one part (the leader, then the order after it).
        let mut cursor = 0;
        while let Some(m) = seg[cursor..].find(BELONGS).map(|m| cursor + m) {
            let (band, band_at, after) = quoted_band(seg, m + BELONGS.len())?;
            let chunk = seg[cursor..m].trim_end().trim_end_matches(',');
            let (list, list_at) = match chunk.rfind(": ") {
                Some(c) => (&chunk[c + 2..], cursor + c + 2),
                None => match ["đứng đầu", "dẫn đầu"].iter().find_map(|p| chunk.find(p))
                {
                    // "…, Cục Hải quan Đồng Tháp đứng đầu bảng xếp hạng": one name, after the words
                    // that open the sentence.
                    Some(p) => {
                        let before = chunk[..p].trim_end();
                        let s = before.rfind(", ").map_or(0, |c| c + 2);
                        if !starts_head(&before[s..]) {
                            return None;
                        }
                        if named.is_empty() && s > 0 {
                            title = Some(before[..s - 2].trim());
                        }
                        (&before[s..], cursor + s)
                    }
                    None => (chunk, cursor),
                },
            };
            let list_at = list_at + (list.len() - list.trim_start().len());
            if named.is_empty() && title.is_none() && list_at > cursor {
                let t = seg[..list_at].trim().trim_end_matches(':').trim_end();
                title = t.chars().any(char::is_alphabetic).then_some(t);
            }
            for (b, n) in name_list(list.trim_start(), seg_at + list_at)? {
                named.push((b, n, band, seg_at + band_at));
            }
            classes += 1;
            cursor = after;
        }
        if cursor == 0 || !seg[cursor..].trim().is_empty() {
            return None;
        }
    }
    let mut rows = band_grid(
        named
            .iter()
            .map(|&(b, n, band, band_at)| SrcRow {
                pos: place.at(b),
                cells: vec![place.cell(n, b), place.cell(band, band_at)],
            })
            .collect(),
        classes,
    )?;
    let lower = body.to_lowercase();
    if ["lần lượt", "kế đến", "theo thứ tự", "từ trên xuống"]
        .iter()
        .any(|p| lower.contains(p))
    {
        rows[0].cells.insert(0, place.cell("Hạng", named[0].0));
        for (k, row) in rows.iter_mut().skip(1).enumerate() {
            let c = SrcCell {
                raw: (k + 1).to_string(),
                pos: row.pos.clone(),
                typed: false,
            };
            row.cells.insert(0, c);
        }
    }
    Some((title.map(str::to_string), rows))
}

/// Where one item of an ordinal sentence ranks.
#[derive(Clone, Copy, PartialEq)]
enum Ordinal {
    At(u32),
    /// "đứng cuối", with the count when the sentence states it ("trong tổng số 20").
    Last(Option<u32>),
}

/// A word read as an ordinal after "thứ": digits ("3", "20/20") or an ordinal word.
fn ordinal_word(w: &str) -> Option<u32> {
    let head = w.split('/').next().unwrap_or(w);
    if !head.is_empty() && head.len() <= 4 && head.bytes().all(|b| b.is_ascii_digit()) {
        return head.parse().ok().filter(|&n| n > 0);
    }
    Some(match w {
        "nhất" => 1,
        "nhì" | "hai" => 2,
        "ba" => 3,
        "tư" | "bốn" => 4,
        "năm" => 5,
        "sáu" => 6,
        "bảy" => 7,
        "tám" => 8,
        "chín" => 9,
        "mười" => 10,
        _ => return None,
    })
}

/// The words of `s` with their byte offsets, lower case and without the punctuation around them.
fn lower_words(s: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut at = None;
    for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
        match (c.is_whitespace(), at) {
            (false, None) => at = Some(i),
            (true, Some(a)) => {
                let w = s[a..i]
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '/')
                    .to_lowercase();
                out.push((a, w));
                at = None;
            }
            _ => {}
        }
    }
    out
}

/// The ordinal a part of a sentence states, and the word index after its phrase.
fn stated_ordinal(w: &[(usize, String)]) -> Option<(Ordinal, usize)> {
    let word = |i: usize| w.get(i).map_or("", |(_, s)| s.as_str());
    // "cuối bảng", "đứng cuối", "cuối cùng": last, ranked only with the count ("trong tổng số 20").
    for i in 0..w.len() {
        let last = (word(i) == "cuối" && matches!(word(i + 1), "bảng" | "cùng"))
            || (matches!(word(i), "đứng" | "xếp") && word(i + 1) == "cuối");
        if last {
            let count = (i..w.len())
                .find(|&k| word(k) == "tổng" && word(k + 1) == "số")
                .and_then(|k| word(k + 2).parse::<u32>().ok())
                .filter(|&n| n > 0);
            return Some((Ordinal::Last(count), i + 2));
        }
    }
    for i in 0..w.len() {
        if word(i) == "thứ"
            && (i == 0 || matches!(word(i - 1), "xếp" | "đứng" | "trí" | "hạng"))
            && let Some(n) = ordinal_word(word(i + 1))
            // "thứ năm 2022" is a year, not the fifth place.
            && !(word(i + 1) == "năm" && word(i + 2).bytes().all(|b| b.is_ascii_digit()))
        {
            // "thứ 20/20" reads 20.
            return Some((Ordinal::At(n), i + 2));
        }
        if matches!(word(i), "dẫn" | "đứng" | "xếp") && word(i + 1) == "đầu" {
            return Some((Ordinal::At(1), i + 2));
        }
    }
    None
}

/// The score a part states after byte `from`: the index ("chỉ số … đạt 92.83%") when printed, else the
/// first number followed by "điểm" or "%". Its text and offset.
fn stated_score(seg: &str, from: usize) -> Option<(&str, usize)> {
    let w = lower_words(&seg[from..]);
    let number = |k: usize| {
        let (a, s) = &w[k];
        let t = seg[from + a..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches([',', ';', '.', '%']);
        (!s.is_empty() && is_numeric(t) && t.bytes().any(|b| b.is_ascii_digit()))
            .then_some((t, from + a))
    };
    let unit_after = |k: usize| {
        seg[from + w[k].0..]
            .split_whitespace()
            .next()
            .is_some_and(|t| t.trim_end_matches([',', ';', '.']).ends_with('%'))
            || w.get(k + 1).is_some_and(|(_, n)| n == "điểm")
    };
    let index =
        (0..w.len()).find(|&k| w[k].1 == "chỉ" && w.get(k + 1).is_some_and(|x| x.1 == "số"));
    if let Some(i) = index
        && let Some(k) = (i..w.len()).find(|&k| number(k).is_some() && unit_after(k))
    {
        return number(k);
    }
    (0..w.len())
        .find(|&k| number(k).is_some() && unit_after(k))
        .and_then(number)
}

/// "Sở A dẫn đầu với 95,73 điểm; thứ hai là Sở B 95,43 điểm; thứ ba là Sở C 95,39 điểm." or "Sở A …
/// đạt 92.83% đứng vị trí thứ nhất; …; Ban D … đứng vị trí thứ cuối bảng trong tổng số 20 sở" — one
/// unit per part between ";", each part stating its place in words: a Hạng / Đơn vị [/ Điểm] grid per
/// block (a part opening "Đối với …", "Khối …" starts another), with the words before the first unit as
/// its title. Read only when every part after the first unit states a place and a block names at least
/// two, one of them by its number ("thứ hai"): "đứng đầu là A; đứng cuối là B" alone is a claim the
/// audit checks, not a table. The last is ranked only when the count is stated; a name starts with a
/// capital or a district word ("huyện Hoằng Hóa").
fn ordinal_sentences(raw: &str, pos: &Pos) -> Option<Vec<(Option<String>, Vec<SrcRow>)>> {
    const LEADS: [&str; 7] = [
        "đối với ",
        "theo đó, ",
        "cụ thể, ",
        "trong đó, ",
        "khối ",
        "về ",
        "riêng ",
    ];
    const VERBS: [&str; 9] = [
        " dẫn đầu",
        " đứng ",
        " xếp thứ",
        " xếp hạng",
        " xếp vị trí",
        " có tổng",
        " có ",
        " đạt ",
        " với ",
    ];
    let place = Place { raw, pos };
    let body = raw.trim_end();
    let body = body.strip_suffix("...").unwrap_or(body);
    let body = body.strip_suffix('.').unwrap_or(body);
    // (title, items: (rank, name at, name, score))
    type Item<'a> = (Ordinal, usize, &'a str, Option<(&'a str, usize)>);
    let mut blocks: Vec<(Option<&str>, Vec<Item>)> = Vec::new();
    let mut pending_title: Option<&str> = None;
    let mut start = 0;
    for end in body.match_indices("; ").map(|(i, _)| i).chain([body.len()]) {
        let seg_at = start;
        let seg = &body[start..end];
        start = end + 2;
        let lower = seg.trim_start().to_lowercase();
        let opens_block = LEADS.iter().any(|l| lower.starts_with(l));
        let words = lower_words(seg);
        let Some((ord, after)) = stated_ordinal(&words) else {
            // A part before the first unit ("Theo đó, đối với cấp Sở, ban, ngành") titles the block.
            if blocks.last().is_some_and(|b| !b.1.is_empty()) && !opens_block {
                return None;
            }
            pending_title = Some(seg.trim());
            continue;
        };
        // The words before the unit: up to a colon, or a lead phrase up to its comma.
        let mut name_from = seg.len() - seg.trim_start().len();
        let phrase_at = words
            .get(after.saturating_sub(2))
            .map_or(seg.len(), |w| w.0);
        if let Some(c) = seg[..phrase_at].rfind(": ") {
            pending_title = Some(seg[..c].trim());
            name_from = c + 2;
        } else if opens_block
            && !lower.starts_with("thứ")
            && let Some(c) = seg.find(", ")
        {
            pending_title = Some(seg[..c].trim());
            name_from = c + 2;
        }
        if opens_block || blocks.is_empty() || pending_title.is_some() {
            if blocks.last().is_some_and(|b| b.1.is_empty()) {
                blocks.pop();
            }
            blocks.push((pending_title.take(), Vec::new()));
        }
        // "thứ hai là X 95,43 điểm": the unit after "là"; else the unit opens the part ("X có tổng …").
        let (name_at, name) = if words.get(after).is_some_and(|w| w.1 == "là") {
            let from = words.get(after + 1)?.0;
            let rest = &seg[from..];
            let stop = [" với ", ", ", " đạt ", " có "]
                .iter()
                .filter_map(|v| rest.find(v))
                .chain(stated_score(seg, from).map(|(_, at)| at - from))
                .min()
                .unwrap_or(rest.len());
            (from, rest[..stop].trim_end())
        } else {
            let rest = &seg[name_from..];
            let stop = VERBS.iter().filter_map(|v| rest.find(v)).min()?;
            (name_from, rest[..stop].trim_end().trim_end_matches(','))
        };
        if name.is_empty()
            || name.chars().count() > 80
            || !starts_name(name)
            || name.bytes().any(|b| b.is_ascii_digit())
        {
            return None;
        }
        let score = stated_score(seg, name_at + name.len()).map(|(s, at)| (s, seg_at + at));
        blocks
            .last_mut()?
            .1
            .push((ord, seg_at + name_at, name, score));
    }
    let mut out = Vec::new();
    for (title, items) in blocks {
        let numbered = items
            .iter()
            .filter(|i| matches!(i.0, Ordinal::At(n) if n >= 2))
            .count();
        let scored = items.iter().filter(|i| i.3.is_some()).count();
        if items.len() < 2 || numbered == 0 || (scored != 0 && scored != items.len()) {
            return None;
        }
        let first = items[0].1;
        let labels: &[&str] = if scored > 0 {
            &["Hạng", "Đơn vị", "Điểm"]
        } else {
            &["Hạng", "Đơn vị"]
        };
        let mut rows = vec![place.header(labels, first)];
        for (ord, at, name, score) in items {
            let rank = match ord {
                Ordinal::At(n) | Ordinal::Last(Some(n)) => n.to_string(),
                Ordinal::Last(None) => String::new(),
            };
            let mut cells = vec![place.cell(&rank, at), place.cell(name, at)];
            if let Some((s, s_at)) = score {
                cells.push(place.cell(s, s_at));
            }
            rows.push(SrcRow {
                pos: place.at(at),
                cells,
            });
        }
        out.push((title.map(str::to_string), rows));
    }
    (!out.is_empty()).then_some(out)
}

/// "Sở Tư pháp (91,2 điểm)", "Sở Y tế – 74,4", "Sở A: 80 điểm", "Sở A đạt 80 điểm" → the name and the
/// score with its byte offset in `text`.
fn split_score(text: &str) -> (&str, Option<(&str, usize)>) {
    let t = text.trim_end();
    let strip_points = |s: &str| -> String {
        let s = s.trim();
        let s = s.strip_suffix("điểm").unwrap_or(s).trim_end();
        let s = s.strip_suffix('%').unwrap_or(s).trim_end();
        s.to_string()
    };
    // In parentheses at the end.
    if let Some(inner) = t.strip_suffix(')')
        && let Some(open) = inner.rfind('(')
    {
        let body = &inner[open + 1..];
        let num = strip_points(body);
        if is_numeric(&num) {
            let off = open + 1 + (body.len() - body.trim_start().len());
            return (&t[..open], Some((&t[off..off + num.len()], off)));
        }
    }
    for sep in [" – ", " - ", " — ", ": ", " đạt "] {
        if let Some(at) = t.rfind(sep) {
            let body = &t[at + sep.len()..];
            let num = strip_points(body);
            if is_numeric(&num) {
                let off = at + sep.len() + (body.len() - body.trim_start().len());
                return (&t[..at], Some((&t[off..off + num.len()], off)));
            }
        }
    }
    (t, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Vec<Item> {
        text.split("\n\n")
            .enumerate()
            .map(|(k, t)| Item::Text {
                raw: t.to_string(),
                pos: Pos::line(k as u32 * 2 + 1, 1),
            })
            .collect()
    }

    fn grids(items: &[Item]) -> Vec<Vec<Vec<String>>> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Grid(rows) => Some(
                    rows.iter()
                        .map(|r| r.cells.iter().map(|c| c.raw.clone()).collect())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn one_cell_per_paragraph_with_a_split_header_cell() {
        let items = regroup(
            paras(
                "Kết quả năm 2023 như sau.\n\nTT\n\nĐơn vị\n\nĐiểm số năm\n\n2023\n\nXếp hạng\n\n1\n\nSở A\n\n80,5\n\n1\n\n2\n\nSở B\n\n70,1\n\n2\n\nNơi nhận: như trên, để báo cáo.",
            ),
            &mut Budget::default(),
        )
        .unwrap();
        let g = grids(&items);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0][0], ["TT", "Đơn vị", "Điểm số năm 2023", "Xếp hạng"]);
        assert_eq!(g[0][2], ["2", "Sở B", "70,1", "2"]);
        assert!(matches!(&items[0], Item::Text { raw, .. } if raw.starts_with("Kết quả")));
        assert!(
            matches!(items.last(), Some(Item::Text { raw, .. }) if raw.starts_with("Nơi nhận"))
        );
        let Item::Grid(rows) = &items[1] else {
            panic!()
        };
        assert_eq!(rows[2].cells[1].pos, Pos::line(23, 1));
    }

    #[test]
    fn unit_first_and_cut_mid_row() {
        let items = regroup(
            paras("Đơn vị\n\nĐiểm\n\nXếp hạng\n\nSở A\n\n80,5\n\n1\n\nSở B\n\n70"),
            &mut Budget::default(),
        )
        .unwrap();
        let g = grids(&items);
        assert_eq!(g[0][0], ["Đơn vị", "Điểm", "Xếp hạng"]);
        assert_eq!(g[0][1], ["Sở A", "80,5", "1"]);
        assert_eq!(
            g[0].len(),
            2,
            "a row without a number first is not cut-row evidence"
        );
        let items = regroup(
            paras("TT\n\nĐơn vị\n\nĐiểm\n\n1\n\nSở A\n\n80,5\n\n2\n\nSở Tài ngu"),
            &mut Budget::default(),
        )
        .unwrap();
        let g = grids(&items);
        assert_eq!(g[0].last().unwrap(), &["2", "Sở Tài ngu"]);
    }

    #[test]
    fn band_lists() {
        let rows = band_list(
            "Nhóm Tốt (từ 80% trở lên): Sở A, Sở B; Nhóm Khá: Sở C và Sở D.",
            &Pos::line(2, 1),
        )
        .unwrap();
        let raw: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.raw.as_str()).collect())
            .collect();
        assert_eq!(
            raw,
            [
                vec!["Đơn vị", "Xếp loại"],
                vec!["Sở A", "Tốt"],
                vec!["Sở B", "Tốt"],
                vec!["Sở C", "Khá"],
                vec!["Sở D", "Khá"]
            ]
        );
        assert_eq!(rows[3].cells[0].pos, Pos::line(2, 50));
        assert!(band_list("Nhóm Tốt: Sở A, Sở B.", &Pos::line(1, 1)).is_none());
        assert!(band_list("Nhóm Tốt: Sở A; ghi chú khác.", &Pos::line(1, 1)).is_none());
    }

    #[test]
    fn name_first_lines_with_a_rank_a_class_and_a_cut_row() {
        let text = "Tỉnh Chỉ số A Chỉ số B Điểm số Xếp hạng Xếp loại\n\nSở A 7.98 7.39 73.02 1 Rất tốt\n\n\
                    Sở B 6.52 6.77 70.61 2 Tốt\n\nSở C 7.73 7.26 70.53 3 Tốt\n\nSở D 6";
        let items = regroup(paras(text), &mut Budget::default()).unwrap();
        assert_eq!(
            grids(&items),
            vec![vec![
                vec![
                    "Đơn vị",
                    "Chỉ số 1",
                    "Chỉ số 2",
                    "Chỉ số chung",
                    "Hạng",
                    "Xếp loại"
                ],
                vec!["Sở A", "7.98", "7.39", "73.02", "1", "Rất tốt"],
                vec!["Sở B", "6.52", "6.77", "70.61", "2", "Tốt"],
                vec!["Sở C", "7.73", "7.26", "70.53", "3", "Tốt"],
                vec!["Sở D", "6"],
            ]]
        );
        // Each cell keeps its place in its line.
        let Item::Grid(rows) = items.iter().find(|i| matches!(i, Item::Grid(_))).unwrap() else {
            unreachable!()
        };
        assert_eq!(rows[2].cells[3].pos, Pos::line(5, 16));
        // Without decimals before it, a last whole number is a score, not a rank.
        let items = regroup(
            paras("Sở A 7 8 15\n\nSở B 6 7 13\n\nSở C 5 5 10"),
            &mut Budget::default(),
        )
        .unwrap();
        assert_eq!(
            grids(&items)[0][0],
            vec!["Đơn vị", "Chỉ số 1", "Chỉ số 2", "Chỉ số chung"]
        );
        // Sentences with numbers are not rows; two lines are not a table.
        for text in [
            "Năm 2021 có 10 đơn vị đạt loại Tốt\n\nNăm 2022 có 12 đơn vị\n\nNăm 2023 có 14 đơn vị",
            "Sở A 7.98 73.02 1 Tốt\n\nSở B 6.52 70.61 2 Tốt",
            "Sở A 73.02 1 Tốt\n\nSở B 70.61 2\n\nSở C 70.53 3 Tốt",
        ] {
            let items = regroup(paras(text), &mut Budget::default()).unwrap();
            assert!(grids(&items).is_empty(), "{text}");
        }
    }

    #[test]
    fn name_first_rows_with_block_cells_on_their_own_lines() {
        // DDCI's page: the inline cells on one line (a dash for a criterion that does not apply), then
        // the total and the classification each on its own line.
        let text = "Huyện A 88 1 2.58\nHuyện A\n13.77\nRất thấp\nSở B 68 7.66 -\n68.2\nKhá\n\
                    Sở C 55 8.84 -\n84.48\nRất tốt\nSở E 40 7.07 -\n79.93\nTốt\nSở D 70 7.63";
        let items: Vec<Item> = text
            .split('\n')
            .enumerate()
            .map(|(k, t)| Item::Text {
                raw: t.to_string(),
                pos: Pos::line(k as u32 + 1, 1),
            })
            .collect();
        // "Huyện A" alone breaks the first row's shape: the run starts at Sở B.
        let items = regroup(items, &mut Budget::default()).unwrap();
        assert_eq!(
            grids(&items),
            vec![vec![
                vec![
                    "Đơn vị",
                    "Chỉ số 1",
                    "Chỉ số 2",
                    "Chỉ số 3",
                    "Chỉ số chung",
                    "Xếp loại"
                ],
                vec!["Sở B", "68", "7.66", "-", "68.2", "Khá"],
                vec!["Sở C", "55", "8.84", "-", "84.48", "Rất tốt"],
                vec!["Sở E", "40", "7.07", "-", "79.93", "Tốt"],
                vec!["Sở D", "70", "7.63"],
            ]]
        );
    }

    #[test]
    fn names_in_turn_after_lan_luot() {
        let raw =
            "Với nhóm 8 bộ, 5 vị trí dẫn đầu lần lượt thuộc về Bộ A, Bộ B, Bộ C, Bộ D và Bộ E.";
        let (title, rows) = ordered_list(raw, &Pos::line(3, 1)).unwrap();
        assert_eq!(title, "Với nhóm 8 bộ, 5 vị trí dẫn đầu");
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.raw.as_str()).collect())
            .collect();
        assert_eq!(
            cells,
            vec![
                vec!["Hạng", "Đơn vị"],
                vec!["1", "Bộ A"],
                vec!["2", "Bộ B"],
                vec!["3", "Bộ C"],
                vec!["4", "Bộ D"],
                vec!["5", "Bộ E"],
            ]
        );
        // "Bộ C" starts after "lần lượt thuộc về " and two names.
        assert_eq!(rows[3].pos, Pos::line(3, 63));
        // "gồm" lists a set, not an order; "lần lượt" with a colon reads the colon.
        assert!(
            ordered_list(
                "Top 5 gồm Bộ A, Bộ B, Bộ C, Bộ D và Bộ E.",
                &Pos::line(1, 1)
            )
            .is_none()
        );
        let (title, rows) = ordered_list(
            "Ba vị trí đầu lần lượt là: Bộ A, Bộ B và Bộ C.",
            &Pos::line(1, 1),
        )
        .unwrap();
        assert_eq!(
            (title.as_str(), rows.len()),
            ("Ba vị trí đầu lần lượt là", 4)
        );
    }

    #[test]
    fn prose_lists() {
        let (title, rows) = prose_list(
            "Xếp hạng như sau: 1. Sở Nội vụ (92,5 điểm); 2. Sở Tư pháp (91,2 điểm); 3. Sở Y tế (90 điểm).",
            &Pos::line(4, 1),
        )
        .unwrap();
        assert_eq!(title.as_deref(), Some("Xếp hạng như sau"));
        let raw: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.raw.as_str()).collect())
            .collect();
        assert_eq!(raw[0], ["Hạng", "Đơn vị", "Điểm"]);
        assert_eq!(raw[2], ["2", "Sở Tư pháp", "91,2"]);
        assert_eq!(raw[3], ["3", "Sở Y tế", "90"]);
        assert_eq!(rows[1].cells[0].pos, Pos::line(4, 19));
        let (_, rows) = prose_list("gồm: 1. Sở A; 2. Sở B; 3. Sở C.", &Pos::paragraph(3)).unwrap();
        assert_eq!(rows[0].cells.len(), 2);
        assert_eq!(rows[3].cells[1].raw, "Sở C");
        assert!(prose_list("Điều 1. Công bố kết quả năm 2023.", &Pos::line(1, 1)).is_none());
        assert!(prose_list("Theo Nghị định 1. và 3. khác", &Pos::line(1, 1)).is_none());
    }

    fn cells(rows: &[SrcRow]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.cells.iter().map(|c| c.raw.as_str()).collect())
            .collect()
    }

    #[test]
    fn labelled_bands_only_when_every_part_is_a_list() {
        let (title, rows) = labelled_bands(
            "nhóm “tốt” gồm: Sở A, Sở Văn hóa, Thể thao và Du lịch; nhóm “khá” gồm: Sở B và huyện C.",
            &Pos::line(1, 1),
        )
        .unwrap();
        assert_eq!(title, None);
        assert_eq!(
            cells(&rows),
            [
                vec!["Đơn vị", "Xếp loại"],
                vec!["Sở A", "tốt"],
                vec!["Sở Văn hóa, Thể thao và Du lịch", "tốt"],
                vec!["Sở B", "khá"],
                vec!["huyện C", "khá"],
            ]
        );
        // One class is a sentence about some units; a part that lists nothing is not a table.
        for text in [
            "Sở A, Sở B thuộc nhóm “tốt”.",
            "Sở A thuộc nhóm “tốt”; năm nay có nhiều cố gắng; Sở B thuộc nhóm “khá”.",
            "các đơn vị thuộc nhóm “tốt”; Sở B thuộc nhóm “khá”.",
        ] {
            assert!(labelled_bands(text, &Pos::line(1, 1)).is_none(), "{text}");
        }
    }

    #[test]
    fn ordinal_sentences_need_a_numbered_place() {
        // The first and the last alone are a claim, not a table.
        assert!(
            ordinal_sentences(
                "Đứng đầu là Sở A, đạt chỉ số DTI 95,26%; đứng cuối cùng là Sở B, đạt chỉ số DTI 90,33%.",
                &Pos::line(1, 1),
            )
            .is_none()
        );
        // Two blocks in one paragraph are two tables, each with its title.
        let blocks = ordinal_sentences(
            "Khối sở: Sở A xếp thứ nhất với 90 điểm; thứ hai là Sở B 89 điểm; khối huyện: huyện C xếp thứ nhất với 80 điểm; thứ hai là thị xã D 79,5 điểm.",
            &Pos::line(1, 1),
        )
        .unwrap();
        let got: Vec<(Option<&str>, Vec<Vec<&str>>)> = blocks
            .iter()
            .map(|(t, rows)| (t.as_deref(), cells(rows)))
            .collect();
        assert_eq!(
            got,
            [
                (
                    Some("Khối sở"),
                    vec![
                        vec!["Hạng", "Đơn vị", "Điểm"],
                        vec!["1", "Sở A", "90"],
                        vec!["2", "Sở B", "89"]
                    ]
                ),
                (
                    Some("khối huyện"),
                    vec![
                        vec!["Hạng", "Đơn vị", "Điểm"],
                        vec!["1", "huyện C", "80"],
                        vec!["2", "thị xã D", "79,5"]
                    ]
                ),
            ]
        );
        // A part that states no place after the first unit ends the reading.
        assert!(
            ordinal_sentences(
                "Sở A xếp thứ nhất với 90 điểm; thứ hai là Sở B 89 điểm; các đơn vị khác đều tiến bộ.",
                &Pos::line(1, 1),
            )
            .is_none()
        );
    }
}
