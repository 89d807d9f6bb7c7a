//! The rows of a wide values file (`unit,<key>,<key>…`, a row per unit), read straight into the input
//! matrix: the shape of a province's large files, millions of cells.
//!
//! Each column is planned once from its header ([`Col`]): the input or node it is for, whether its
//! plain numbers can be read straight into a packed cell ([`PlainNumber`]), and the usual spellings of
//! its answers (`Có`, `Không`, a choice as the edition writes it, `Không áp dụng`) byte for byte. A cell
//! that none of these reads goes the general way ([`parse_cell`]), which gives the same value for every
//! cell the plan reads (the tests compare them) and the message for a wrong one. Rows are read in
//! parallel, in chunks of units, each writing its own rows of the matrix and of the columns of points
//! given at nodes: no cell is copied or allocated on the way.

use rayon::prelude::*;

use super::records::{Body, Kind, Word};
use super::{
    CellError, Dataset, Deferred, Key, Packed, PlainNumber, Problems, Source, Styles, Value,
    field_column, parse_cell, record_unit,
};
use crate::edition::{Edition, InputKind};
use crate::msg;
use crate::text::clean;

/// Units read by one task: enough to amortise the task, few enough to balance two to many cores.
const CHUNK: usize = 64;

/// How the cells of one column are read. Small (32 bytes; the bounds of plain numbers boxed, the
/// answers a range of the [`AnswerBook`]): the plan is read once per cell, and a province's 150
/// columns with their bounds inline (≈ 220 bytes each) filled the first-level cache by themselves —
/// 15 % of the whole run's first-level misses at 10,000 units (cachegrind).
enum Col {
    /// The unit column, or a header that is neither an input nor a criterion (reported once).
    Skip,
    Input {
        input: usize,
        plain: Option<Box<PlainNumber>>,
        answers: Answers,
    },
    /// Points given at a node, written to column `slot` of [`Dataset::given`](Dataset).
    Node {
        node: usize,
        slot: usize,
        plain: Option<Box<PlainNumber>>,
    },
}

// The plan stays small (see `Col`): checked when compiled.
const _: () = assert!(std::mem::size_of::<Col>() <= 32);

/// The usual spellings of a column's answers and the packed cells they read as, compared byte for
/// byte: such a cell is NFC with nothing to trim or guard, as [`super::usual_answer`] reads it. A
/// column's are a range of the [`AnswerBook`].
#[derive(Debug, Clone, Copy)]
struct Answers {
    from: u32,
    to: u32,
}

/// Every column's [`Answers`] one after another, their bytes in one buffer: the cells of a row then
/// read a few cache lines of spellings rather than a heap allocation per spelling (a row's plan is
/// read once per cell, and what it points to must stay in the first-level cache with it).
#[derive(Debug, Default)]
struct AnswerBook {
    bytes: Vec<u8>,
    entries: Vec<Spelling>,
}

/// One spelling of an answer: its bytes are `bytes[at..at + len]` of the book, `cell` what it reads
/// as, and `word` its [`Word`] (a spelling of at most eight bytes, `Có`, `Không`, is compared with a
/// cell's word at once, without a call).
#[derive(Debug, Clone, Copy)]
struct Spelling {
    at: u32,
    len: u32,
    cell: Packed,
    word: Word,
}

/// A plain number read into a row: packed, or kept whole when it does not fit.
#[inline]
fn plain_cell(m: u64, scale: u32) -> Result<Packed, Value> {
    Packed::number(m, scale, false).ok_or_else(|| Value::Number(super::plain_decimal(m, scale)))
}

impl AnswerBook {
    /// The answers of the column of `key`, added to the book.
    fn column(&mut self, edition: &Edition, key: Key) -> Answers {
        let from = self.entries.len() as u32;
        let mut add = |s: &str, p: u32| {
            let column = &self.entries[from as usize..];
            let known = column.iter().any(|e| self.bytes_of(e) == s.as_bytes());
            if !known {
                let at = self.bytes.len() as u32;
                self.bytes.extend_from_slice(s.as_bytes());
                self.entries.push(Spelling {
                    at,
                    len: s.len() as u32,
                    cell: Packed(p),
                    word: Word::of(s.as_bytes()),
                });
            }
        };
        add("Không áp dụng", Packed::NA);
        add("Không đánh giá", Packed::NA);
        if let Key::Input(i) = key {
            match &edition.inputs[i].kind {
                InputKind::YesNo => {
                    for s in ["Có", "có", "x", "1"] {
                        add(s, Packed::TRUE);
                    }
                    for s in ["Không", "không", "0"] {
                        add(s, Packed::FALSE);
                    }
                }
                InputKind::Choice(choices) => {
                    for (k, c) in choices.iter().enumerate() {
                        // A choice spelled like a not-applicable marker is that marker.
                        if !super::is_na_marker(c)
                            && let Some(p) = Packed::pack(&Value::Choice(k as u32))
                        {
                            add(c, p.0);
                        }
                    }
                }
                _ => {}
            }
        }
        Answers {
            from,
            to: self.entries.len() as u32,
        }
    }

    /// The bytes of a spelling of the book.
    #[inline]
    fn bytes_of(&self, e: &Spelling) -> &[u8] {
        &self.bytes[e.at as usize..(e.at + e.len) as usize]
    }

    /// The packed cell of `cell` (whose [`Word`] is `word`) if it is one of the column's answers.
    #[inline]
    fn get(&self, answers: Answers, cell: &str, word: Word) -> Option<Packed> {
        let c = cell.as_bytes();
        let column = &self.entries[answers.from as usize..answers.to as usize];
        if c.len() <= 8 {
            // Same length and same word: the same bytes.
            return column
                .iter()
                .find(|e| e.len as usize == c.len() && e.word == word)
                .map(|e| e.cell);
        }
        column
            .iter()
            .find(|e| self.bytes_of(e) == c)
            .map(|e| e.cell)
    }
}

/// One chunk of units to read: its number, its rows of the input matrix, its part of each column of
/// points.
type Task<'a> = (usize, &'a mut [u32], Vec<&'a mut [Value]>);

/// What one chunk of rows leaves for after the parallel pass: numbers too long to pack, cells that
/// were wrong (line, column, message), cells that only the file's style can read, and the units that
/// had either of the last two (they have values, only wrong ones).
#[derive(Default)]
struct Rest {
    big: Vec<(usize, usize, Value)>,
    bad: Vec<(usize, usize, String)>,
    deferred: Vec<Deferred>,
    touched: Vec<usize>,
}

/// The wide form. Records are matched to units in file order (unknown, repeated; the usual codes looked up
/// in parallel first); then each unit's row
/// of the input matrix is filled from its record in parallel, straight into place. Problems carry
/// their line and column and are sorted at the end, so nothing depends on the number of threads.
#[allow(clippy::too_many_arguments)]
pub(super) fn parse_wide(
    edition: &Edition,
    src: Source<'_>,
    sep: u8,
    headers: &[String],
    keys: &[Option<Key>],
    index: &super::ByCode<&str>,
    ds: &mut Dataset,
    styles: &mut Styles,
    touched: &mut [bool],
    problems: &mut Problems,
    body: &Body,
) {
    const NONE: u32 = u32::MAX;
    // The usual unit code (printable ASCII, as `record_unit` reads it without cleaning) looked up for
    // every record in parallel; any other record, and the problems, in file order below.
    let found: Vec<u32> = body
        .records
        .par_iter()
        .with_min_len(1024)
        .map(|r| {
            if matches!(r.kind, Kind::Error(_)) {
                return NONE;
            }
            let first = body.fields(src.text, r).first(sep);
            if super::plain_code(first) {
                index.get(first).map_or(NONE, |&u| u as u32)
            } else {
                NONE
            }
        })
        .collect();
    let mut record_of_unit: Vec<u32> = vec![NONE; ds.n_units];
    for (ri, record) in body.records.iter().enumerate() {
        let line = record.line;
        if let Kind::Error(e) = record.kind {
            problems.push(src.name, line, 1, body.errors[e as usize].clone());
            continue;
        }
        let fields = body.fields(src.text, record);
        let (ucode, ui) = if found[ri] != NONE {
            // A usual code is its cell as it is.
            (
                std::borrow::Cow::Borrowed(fields.first(sep)),
                found[ri] as usize,
            )
        } else {
            let Some(hit) = record_unit(
                fields.first(sep),
                || fields.is_blank(sep),
                index,
                src.name,
                line,
                problems,
            ) else {
                continue;
            };
            hit
        };
        if record_of_unit[ui] != NONE {
            let prev_line = body.records[record_of_unit[ui] as usize].line;
            let code = crate::text::quote_short(&ucode);
            problems.push(
                src.name,
                line,
                1,
                msg!(
                    "đơn vị '{code}' đã có ở dòng {prev_line}",
                    "unit '{code}' is already on line {prev_line}"
                ),
            );
            continue;
        }
        if record.len as usize > headers.len() {
            let (cells, columns) = (record.len, headers.len());
            problems.push(
                src.name,
                line,
                field_column(src.text, record.start, headers.len(), sep),
                msg!(
                    "dòng có {cells} ô, tiêu đề chỉ có {columns} cột",
                    "the line has {cells} cells, the header only {columns} columns"
                ),
            );
        }
        record_of_unit[ui] = ri as u32;
    }

    // A column of points for every node the header names, so that rows write their points in place;
    // those left without any value are dropped at the end.
    let n_units = ds.n_units;
    let mut book = AnswerBook::default();
    let plan: Vec<Col> = keys
        .iter()
        .map(|k| match *k {
            None => Col::Skip,
            Some(Key::Input(i)) => Col::Input {
                input: i,
                plain: PlainNumber::for_input(&edition.inputs[i]).map(Box::new),
                answers: book.column(edition, Key::Input(i)),
            },
            Some(Key::Node(n)) => {
                let slot = match ds.given_slot[n] {
                    Some(s) => s as usize,
                    None => {
                        ds.given.push(vec![Value::Missing; n_units]);
                        ds.given_slot[n] = Some((ds.given.len() - 1) as u32);
                        ds.given.len() - 1
                    }
                };
                Col::Node {
                    node: n,
                    slot,
                    plain: PlainNumber::for_points(&edition.nodes[n]).map(Box::new),
                }
            }
        })
        .collect();
    let declared = styles.declared;
    let n_inputs = ds.n_inputs;
    let width = headers.len();

    // Chunks of units: their rows of the matrix and of each column of points.
    let n_chunks = n_units.div_ceil(CHUNK);
    let rows: Vec<&mut [u32]> = if n_inputs == 0 {
        (0..n_chunks).map(|_| &mut [][..]).collect()
    } else {
        ds.inputs.chunks_mut(n_inputs * CHUNK).collect()
    };
    let mut columns: Vec<std::slice::ChunksMut<'_, Value>> =
        ds.given.iter_mut().map(|c| c.chunks_mut(CHUNK)).collect();
    let tasks: Vec<Task<'_>> = rows
        .into_iter()
        .enumerate()
        .map(|(c, r)| {
            let given = columns.iter_mut().filter_map(Iterator::next).collect();
            (c, r, given)
        })
        .collect();
    drop(columns);

    let read_chunk = |(c, matrix, mut given): Task<'_>| -> (u8, Option<Box<Rest>>) {
        let mut shows = 0u8;
        let mut rest: Option<Box<Rest>> = None;
        let first_unit = c * CHUNK;
        for k in 0..CHUNK.min(n_units - first_unit) {
            let ui = first_unit + k;
            let Some(r) = record_of_unit.get(ui).filter(|&&r| r != NONE) else {
                continue;
            };
            let r = &body.records[*r as usize];
            let fields = body.fields(src.text, r);
            let row = &mut matrix[k * n_inputs..(k + 1) * n_inputs];
            let mut wrong = false;
            // Cells past the header's columns are reported with the record (above), not read.
            for (col, (cell, word)) in fields.words(sep).take(width).enumerate() {
                // The usual cells, read by the plan.
                let fast = match &plan[col] {
                    Col::Skip => continue,
                    Col::Input {
                        input,
                        plain,
                        answers,
                    } => {
                        if let Some((m, scale, s)) =
                            plain.as_ref().and_then(|n| n.parse_word(cell, word))
                        {
                            match plain_cell(m, scale) {
                                Ok(p) => row[*input] = p.0,
                                Err(v) => rest.get_or_insert_default().big.push((ui, *input, v)),
                            }
                            shows |= s;
                            continue;
                        }
                        if let Some(p) = book.get(*answers, cell, word) {
                            row[*input] = p.0;
                            continue;
                        }
                        if cell.is_empty() {
                            continue;
                        }
                        Key::Input(*input)
                    }
                    Col::Node { node, slot, plain } => {
                        if let Some((m, scale, s)) =
                            plain.as_ref().and_then(|n| n.parse_word(cell, word))
                        {
                            given[*slot][k] = Value::Number(super::plain_decimal(m, scale));
                            shows |= s;
                            continue;
                        }
                        if is_na_spelling(cell) {
                            given[*slot][k] = Value::NotApplicable;
                            continue;
                        }
                        if cell.is_empty() {
                            continue;
                        }
                        Key::Node(*node)
                    }
                };
                let prefix = || {
                    let ucode = clean(crate::spreadsheet::text_back(fields.first(sep)));
                    let (u, h) = (
                        crate::text::quote_short(&ucode),
                        crate::text::quote_short(&headers[col]),
                    );
                    msg!("đơn vị {u}, cột '{h}'", "unit {u}, column '{h}'")
                };
                match parse_cell(edition, fast, cell, declared) {
                    Ok((v, s)) => {
                        shows |= s;
                        match (fast, &plan[col]) {
                            (Key::Input(inp), _) => match Packed::pack(&v) {
                                Some(p) => row[inp] = p.0,
                                None => rest.get_or_insert_default().big.push((ui, inp, v)),
                            },
                            (Key::Node(_), Col::Node { slot, .. }) if v != Value::Missing => {
                                given[*slot][k] = v;
                            }
                            _ => {}
                        }
                    }
                    Err(CellError::Ambiguous(_)) => {
                        wrong = true;
                        rest.get_or_insert_default().deferred.push(Deferred {
                            unit: ui,
                            key: fast,
                            raw: cell.to_string(),
                            line: r.line,
                            column: field_column(src.text, r.start, col, sep),
                            prefix: prefix(),
                        });
                    }
                    Err(CellError::Bad(m)) => {
                        wrong = true;
                        let p = prefix();
                        rest.get_or_insert_default().bad.push((
                            r.line,
                            field_column(src.text, r.start, col, sep),
                            format!("{p}: {m}"),
                        ));
                    }
                }
            }
            if wrong {
                rest.get_or_insert_default().touched.push(ui);
            }
        }
        (shows, rest)
    };
    let outs: Vec<(u8, Option<Box<Rest>>)> = tasks.into_par_iter().map(read_chunk).collect();

    let mut all_bad = Vec::new();
    for (shows, rest) in outs {
        styles.shows |= shows;
        let Some(rest) = rest else { continue };
        for (ui, input, v) in rest.big {
            ds.set(ui, Key::Input(input), v);
        }
        for ui in rest.touched {
            touched[ui] = true;
        }
        all_bad.extend(rest.bad);
        styles.deferred.extend(rest.deferred);
    }
    all_bad.extend(styles.resolve(edition, ds));
    ds.drop_empty_given();
    // In file order, so that the problems listed (at most MAX_PROBLEMS) are the first ones of the file.
    all_bad.sort_by_key(|(line, column, _)| (*line, *column));
    for (line, column, message) in all_bad {
        problems.push(src.name, line, column, message);
    }
}

/// The spellings of "not applicable" read without normalisation ([`super::usual_answer`]).
#[inline]
fn is_na_spelling(cell: &str) -> bool {
    matches!(cell, "Không áp dụng" | "Không đánh giá")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::DatasetMeta;
    use crate::num::NumberStyle;
    use proptest::prelude::*;

    const EDITION: &str = r#"
id = "thu-nhanh"
title = "Thử đọc nhanh"
year = 2025

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "cap-xa"
name = "Cấp xã"
categories = ["xa"]

[[input]]
id = "so"
name = "Số"
type = "number"

[[input]]
id = "ty_le"
name = "Tỷ lệ"
type = "number"
min = 0
max = 100

[[input]]
id = "dem"
name = "Đếm"
type = "count"
min = 1
max = 500

[[input]]
id = "am"
name = "Âm"
type = "number"
min = -5
max = 2.55

[[input]]
id = "co"
name = "Có không"
type = "yes-no"

[[input]]
id = "chon"
name = "Chọn"
type = "choice"
choices = ["Đầy đủ", "Một phần", "không áp dụng", "Có", "x", "Đầy đủ, đúng hạn"]

[[criterion]]
code = "A"
name = "Điểm A"
max = 10

[[criterion]]
code = "B"
name = "Điểm B"
max = 2.5

[annex]

[[annex.table]]
id = "tong-hop"
title = "Tổng hợp"
columns = ["A", "B"]

[[annex.table.section]]
blocks = ["cap-xa"]
"#;

    const KEYS: [&str; 8] = ["so", "ty_le", "dem", "am", "co", "chon", "A", "B"];

    /// Cells as officers type them, the usual and the nasty: signs, leading zeros, thousands
    /// separators, a decimal comma, mantissas past 25 and 55 bits, spaces, quotes, answers in every case
    /// and spelling, markers of not applicable, guarded text, decomposed Vietnamese.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            "[0-9]{1,4}",
            "[0-9]{1,3}[.,][0-9]{1,3}",
            "[+-]?0*[0-9]{0,20}([.,][0-9]{0,14})?",
            "[0-9]{1,3}([.,][0-9]{3}){1,3}([.,][0-9]{1,2})?",
            "[ \t]{0,2}[0-9]{1,3}[.,]?[0-9]{0,2}[ \u{a0}]{0,2}",
            "[0-9 .,+'\"=-]{0,8}",
            proptest::sample::select(vec![
                "",
                " ",
                "Có",
                "có",
                "CÓ",
                // Spellings of an answer's length that are not it (compared as one word).
                "Cò",
                "cÓ",
                "Khôn",
                "Khônh",
                "x",
                "X",
                "1",
                "0",
                "Không",
                "không",
                "KHÔNG",
                "yes",
                "No",
                "đạt",
                "không đạt",
                " Có",
                "Có ",
                "Không áp dụng",
                "không áp dụng",
                "Không đánh giá",
                "NA",
                "n/a",
                "KAD",
                "Đầy đủ",
                // Long answers, and spellings of their length and first bytes that are not them.
                "Đầy đủ, đúng hạn",
                "Đầy đủ, đúng hẹn",
                "Không áp dựng",
                "đầy đủ",
                "Một phần",
                " Một  phần",
                "Mo\u{302}t pha\u{302}\u{300}n",
                "Chưa có",
                "'=1",
                "'-",
                "'Có",
                "2,5",
                "2.5",
                "2.50",
                "10",
                "10.01",
                "1.500",
                "1,500",
                "99999999999999999",
                "36028797018963968",
                "0.000000000001",
                "\"x\"",
                "a\"b",
                "∞",
            ])
            .prop_map(str::to_string),
        ]
    }

    fn read(
        wide: bool,
        cells: &[Vec<String>],
        style: Option<NumberStyle>,
        quote_all: bool,
    ) -> (Dataset, Problems) {
        let edition = Edition::from_toml(EDITION, "thu.toml").expect("valid edition");
        let mut units = String::from("code,name,category\n");
        for u in 0..cells.len() {
            units.push_str(&format!("X{u},Xã {u},xa\n"));
        }
        let style_q = if quote_all {
            csv::QuoteStyle::Always
        } else {
            csv::QuoteStyle::Necessary
        };
        let mut w = csv::WriterBuilder::new()
            .quote_style(style_q)
            .flexible(true)
            .from_writer(Vec::new());
        if wide {
            w.write_record(std::iter::once("unit").chain(KEYS))
                .expect("write");
            for (u, row) in cells.iter().enumerate() {
                let code = format!("X{u}");
                w.write_record(
                    std::iter::once(code.as_str()).chain(row.iter().map(String::as_str)),
                )
                .expect("write");
            }
        } else {
            w.write_record(["unit", "key", "value"]).expect("write");
            for (u, row) in cells.iter().enumerate() {
                for (k, c) in KEYS.iter().zip(row) {
                    w.write_record([format!("X{u}").as_str(), k, c])
                        .expect("write");
                }
            }
        }
        let values = String::from_utf8(w.into_inner().expect("written")).expect("UTF-8");
        Dataset::read_csv(
            &edition,
            Source {
                name: "units.csv",
                text: &units,
            },
            Source {
                name: "values.csv",
                text: &values,
            },
            DatasetMeta {
                number_style: style,
                ..DatasetMeta::default()
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]
        /// The wide form's plan (plain numbers, usual answers, points) reads every cell as the
        /// general way does: the long form (`unit,key,value`) reads each cell with [`parse_cell`]
        /// alone, so both must give the same values, the same style, and the same problems.
        #[test]
        fn rows_read_as_the_general_way(
            cells in proptest::collection::vec(proptest::collection::vec(cell(), 8), 1..6),
            style in proptest::option::of(proptest::sample::select(vec![NumberStyle::DecimalComma, NumberStyle::DecimalPoint])),
            quote_all: bool,
        ) {
            let (wide, long) = (read(true, &cells, style, quote_all), read(false, &cells, style, false));
            let ((w, wp), (l, lp)) = (&wide, &long);
            for u in 0..cells.len() {
                for i in 0..w.n_inputs {
                    let (a, b) = (w.input(u, i), l.input(u, i));
                    let same = match (a, b) {
                        (Value::Number(x), Value::Number(y)) => x.serialize() == y.serialize(),
                        (x, y) => x == y,
                    };
                    prop_assert!(same, "unit {}, input {}: {:?} ≠ {:?}", u, i, a, b);
                }
                for n in 0..w.given_slot.len() {
                    let (a, b) = (w.given(u, n), l.given(u, n));
                    let same = match (a, b) {
                        (Some(Value::Number(x)), Some(Value::Number(y))) => x.serialize() == y.serialize(),
                        (x, y) => x == y,
                    };
                    prop_assert!(same, "unit {}, node {}: {:?} ≠ {:?}", u, n, a, b);
                }
            }
            prop_assert_eq!(&w.read_as.number_style, &l.read_as.number_style);
            // The same problems; the wide form names the column ("cột 'x'"), the long one the key.
            let mut a: Vec<String> = wp.list.iter().map(|p| p.message.replace("cột '", "'")).collect();
            let mut b: Vec<String> = lp.list.iter().map(|p| p.message.clone()).collect();
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
        }
    }
}
