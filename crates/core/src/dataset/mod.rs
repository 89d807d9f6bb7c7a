//! Datasets: the units of one evaluation and the values they were given, validated against an edition.
//!
//! A dataset is two tables, as provinces keep them in Excel: **units** (`code,name,category,flags`) and
//! **values**, either wide (`unit,<key>,<key>…`, one row per unit) or long (`unit,key,value`). A key is
//! an input id of the edition (a raw indicator value that a rule scores) or a criterion code (points
//! entered directly at that node, which is how provinces publish: group or category points). The same
//! data can come as JSON (`{"units": [...], "values": {"UNIT": {"key": value}}}`).
//!
//! Parsing checks every cell against the edition (unknown unit or key, malformed number, value outside
//! the input's range, points above the node's maximum, unknown answer) and reports **all** problems with
//! `file:line:column`; a dataset with any problem is not returned, so nothing is ever used partially.
//! Text is NFC-normalised on the way in.
//!
//! Files are read as Excel writes them: the CSV separator (`,`, `;` or tab) is the one the header line
//! uses; numbers follow the dataset's number style ([`NumberStyle`]), declared in its metadata or shown
//! by its cells, and a cell only a style could read (`1.500`) is an error when neither says. Every unit
//! must have values, unless the edition's non-submission policy ([`NotSubmitted`]) says what a unit
//! without any means.

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::edition::{Edition, InputKind, NotSubmitted};
use crate::fixed::Fixed;
use crate::msg;
use crate::num::{NumberError, NumberStyle, parse_number};
use crate::text::clean;

mod records;
mod wide;

use records::{Body, read_piece, record_pieces, unclosed_quote};

/// A unit under evaluation (đơn vị): a department, a district, a commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Stable code used across files and years.
    pub code: String,
    /// Name as published, NFC.
    pub name: String,
    /// Index into [`Edition::categories`].
    pub category: usize,
    /// Flags that drive applicability (`co-dvc`, `mien-nui` …).
    pub flags: Vec<String>,
}

/// One value cell after validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Value {
    /// Nothing was entered.
    #[default]
    Missing,
    Number(Decimal),
    Bool(bool),
    /// Index into the input's choices (u32: the matrix of a province's values is millions of cells, and
    /// this keeps a cell at 20 bytes).
    Choice(u32),
    /// The unit declares the item not applicable to it ("Không áp dụng", "NA", "Không đánh giá").
    NotApplicable,
}

/// Descriptive information about a dataset (where the numbers come from).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetMeta {
    pub edition: Option<String>,
    pub title: Option<String>,
    pub source: Option<String>,
    /// How the data write numbers (`number_style` in `dataset.toml` or the JSON form); `None`: as the
    /// cells show, and a cell that reads two ways is an error.
    pub number_style: Option<NumberStyle>,
}

/// How the files of a dataset were read, for the summary that `egov validate` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadAs {
    /// The separator of `units.csv` and of `values.csv` (the CSV form).
    pub units_separator: Option<char>,
    pub values_separator: Option<char>,
    /// The style numbers were read in: declared, or shown by the cells; `None` when neither (then no
    /// cell needed one).
    pub number_style: Option<NumberStyle>,
    /// Whether the style was declared rather than shown by the cells.
    pub style_declared: bool,
}

/// Units and their values, validated against one edition.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub meta: DatasetMeta,
    pub units: Vec<Unit>,
    n_inputs: usize,
    /// Input values, row-major: `inputs[unit * n_inputs + input]`, packed in 4 bytes (see [`Packed`]);
    /// values that do not fit are in `big`.
    inputs: Vec<u32>,
    big: Vec<Value>,
    /// Points given directly at nodes: `given_slot[node]` is the column in `given` of a node that any
    /// unit gives points for; `given[slot][unit]` the value. Dense per column, so the engine's lookups
    /// are two indexings, not a hash.
    given_slot: Vec<Option<u32>>,
    given: Vec<Vec<Value>>,
    n_units: usize,
    /// Units without any value that the edition's policy lets through ([`NotSubmitted`]), in order.
    not_submitted: Vec<u32>,
    /// How the files were read.
    pub read_as: ReadAs,
}

/// A unit's input as the fast path of scoring reads it ([`Dataset::input_num`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Num {
    /// Not a number: missing, an answer, not applicable.
    None,
    /// A number of at least zero.
    Fixed(Fixed),
    /// A negative number (or a negative zero kept whole), which the fast path leaves to the decimal one.
    Negative,
}

/// A value cell of the input matrix in 4 bytes: a province's matrix is millions of cells (10,000 units ×
/// 150 inputs), and its size is memory the machine must clear (fresh pages cost the kernel more time
/// than reading the file) and the engine must read. The low 3 bits are the kind; a number keeps its
/// sign, a scale up to 7 and a mantissa of up to 25 bits (33,554,431: `12345.67`, `0.8123`, `4521`),
/// which holds nearly every value an officer types; any other value (a longer number, a choice past
/// 2^29) is kept whole in [`Dataset::big`](Dataset) and referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packed(u32);

impl Packed {
    pub(crate) const MISSING: Packed = Packed(0);
    const FALSE: u32 = 1;
    const TRUE: u32 = 2;
    const NA: u32 = 3;
    const CHOICE: u32 = 4;
    const NUMBER: u32 = 5;
    const BIG: u32 = 6;
    /// Bits of a number's mantissa, above its kind (3), sign (1) and scale (3).
    const MANTISSA_BITS: u32 = 25;
    const MAX_SCALE: u32 = 7;

    /// `None` for a value that does not fit (see [`Packed`]).
    #[inline]
    fn pack(v: &Value) -> Option<Packed> {
        Some(match v {
            Value::Missing => Packed(0),
            Value::Bool(false) => Packed(Self::FALSE),
            Value::Bool(true) => Packed(Self::TRUE),
            Value::NotApplicable => Packed(Self::NA),
            Value::Choice(k) => Packed(Self::CHOICE | k.checked_shl(3).filter(|s| s >> 3 == *k)?),
            Value::Number(d) => {
                let m = u64::try_from(d.mantissa().unsigned_abs()).ok()?;
                Self::number(m, d.scale(), d.is_sign_negative())?
            }
        })
    }

    /// A number from its mantissa, scale and sign, if it fits.
    #[inline]
    fn number(m: u64, scale: u32, negative: bool) -> Option<Packed> {
        (m < 1 << Self::MANTISSA_BITS && scale <= Self::MAX_SCALE)
            .then(|| Packed(Self::NUMBER | u32::from(negative) << 3 | scale << 4 | (m as u32) << 7))
    }

    /// A reference to `big[index]`.
    fn big(index: usize) -> Packed {
        let i = u32::try_from(index)
            .ok()
            .filter(|i| *i < 1 << 29)
            .expect("fewer than 2^29 values too long to pack (each takes 20 bytes)");
        Packed(Self::BIG | i << 3)
    }

    #[inline]
    fn unpack(self, big: &[Value]) -> Value {
        let b = self.0;
        match b & 7 {
            Self::FALSE => Value::Bool(false),
            Self::TRUE => Value::Bool(true),
            Self::NA => Value::NotApplicable,
            Self::CHOICE => Value::Choice(b >> 3),
            Self::NUMBER => Value::Number(Decimal::from_parts(
                b >> 7,
                0,
                0,
                b >> 3 & 1 == 1,
                b >> 4 & 7,
            )),
            Self::BIG => big[(b >> 3) as usize],
            _ => Value::Missing,
        }
    }
}

impl Value {
    /// The number, if the value is one.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(*d),
            _ => None,
        }
    }
}

impl Dataset {
    /// Frees the input matrix and the points given at nodes, keeping the units: once every unit is
    /// scored, an annex that prints no input column needs nothing more of them, and their memory (58 MB
    /// and 10 MB for 100,000 units × 146 inputs and 5 columns of points) is reused for the annex's rows
    /// instead of fresh pages. Reading an input or given points afterwards panics.
    pub fn release_values(&mut self) {
        self.inputs = Vec::new();
        self.big = Vec::new();
        self.given = Vec::new();
    }

    #[inline]
    pub fn input(&self, unit: usize, input: usize) -> Value {
        Packed(self.inputs[unit * self.n_inputs + input]).unpack(&self.big)
    }
    /// A unit's input as the fast path of scoring reads a number, straight from its packed cell rather
    /// than through a [`Value`] and a [`Decimal`]: what `Fixed::from_decimal` of
    /// [`Dataset::input`]'s number gives, told apart from a value that is no number.
    #[inline]
    pub(crate) fn input_num(&self, unit: usize, input: usize) -> Num {
        let b = self.inputs[unit * self.n_inputs + input];
        match b & 7 {
            Packed::NUMBER => {
                let m = b >> 7;
                // `Decimal::from_parts` makes a negative zero a plain zero, so unpacking does too.
                if b >> 3 & 1 == 1 && m != 0 {
                    Num::Negative
                } else {
                    Num::Fixed(Fixed::small(u64::from(m), b >> 4 & 7))
                }
            }
            Packed::BIG => match self.big[(b >> 3) as usize] {
                Value::Number(d) => Fixed::from_decimal(d).map_or(Num::Negative, Num::Fixed),
                _ => Num::None,
            },
            _ => Num::None,
        }
    }
    /// Calls `f` with each input a unit marks "không áp dụng" ([`Value::NotApplicable`], which always
    /// packs), in input order: a scan of its row of the matrix, sixteen cells at a time — most pieces
    /// of a row hold no mark, and whether one does is found without a branch a cell (vectorised).
    #[inline]
    pub(crate) fn for_each_na_input(&self, unit: usize, mut f: impl FnMut(usize)) {
        const LANES: usize = 16;
        let row = &self.inputs[unit * self.n_inputs..(unit + 1) * self.n_inputs];
        for (k, piece) in row.chunks(LANES).enumerate() {
            if piece
                .iter()
                .fold(false, |any, &cell| any | (cell == Packed::NA))
            {
                for (j, &cell) in piece.iter().enumerate() {
                    if cell == Packed::NA {
                        f(k * LANES + j);
                    }
                }
            }
        }
    }
    /// The nodes for which the data give points (a column of the values file or entries of the JSON
    /// form), whatever the units: the only nodes [`Dataset::given`] can answer for.
    pub(crate) fn given_nodes(&self) -> impl Iterator<Item = usize> + '_ {
        self.given_slot
            .iter()
            .enumerate()
            .filter_map(|(n, slot)| slot.map(|_| n))
    }
    /// Points given directly at a node for a unit, if any.
    pub fn given(&self, unit: usize, node: usize) -> Option<&Value> {
        let slot = (*self.given_slot.get(node)?)?;
        match &self.given[slot as usize][unit] {
            Value::Missing => None,
            v => Some(v),
        }
    }
    pub fn unit_index(&self, code: &str) -> Option<usize> {
        self.units.iter().position(|u| u.code == code)
    }

    /// Whether the unit submitted any value (a unit without one is only in a dataset when the
    /// edition's [`NotSubmitted`] policy is `zero` or `unranked`).
    pub fn submitted(&self, unit: usize) -> bool {
        u32::try_from(unit).map_or(true, |u| self.not_submitted.binary_search(&u).is_err())
    }

    /// The units that submitted nothing, in unit order.
    pub fn not_submitted(&self) -> impl Iterator<Item = usize> + '_ {
        self.not_submitted.iter().map(|&u| u as usize)
    }

    /// Units with no value at all: every input missing, no points given, and `touched` false (a unit
    /// whose cells were all wrong has values, only wrong ones, and is reported for them).
    fn blank_units(&self, touched: &[bool]) -> Vec<usize> {
        let n = self.n_inputs;
        (0..self.n_units)
            .into_par_iter()
            .with_min_len(256)
            .filter(|&u| {
                !touched.get(u).copied().unwrap_or(false)
                    && self.inputs[u * n..(u + 1) * n]
                        .iter()
                        .all(|p| *p == Packed::MISSING.0)
                    && self.given.iter().all(|col| col[u] == Value::Missing)
            })
            .collect()
    }

    /// Every unit accounted for: one without any value is an error at its place (`places[u]`: line and
    /// column in `units_file`), unless the edition's policy lets it through, when it is remembered as
    /// not submitted.
    fn check_coverage(
        &mut self,
        edition: &Edition,
        touched: &[bool],
        units_file: &str,
        places: &[(usize, usize)],
        values_file: &str,
        problems: &mut Problems,
    ) {
        let blank = self.blank_units(touched);
        if edition.not_submitted != NotSubmitted::Error {
            self.not_submitted = blank.into_iter().map(|u| u as u32).collect();
            return;
        }
        for u in blank {
            let Some(&(line, column)) = places.get(u) else {
                continue;
            };
            let code = crate::text::quote_short(&self.units[u].code);
            let name = crate::text::quote_short(&self.units[u].name);
            problems.push(
                units_file,
                line,
                column,
                msg!(
                    "đơn vị '{code}' ({name}) không có giá trị nào trong {values_file}; hãy nhập giá trị của đơn vị, bỏ đơn vị khỏi danh sách, hoặc quy định trong bộ chỉ số cách xử lý đơn vị không nộp: [scoring] not_submitted = \"zero\" (0 điểm, xếp cuối) hoặc \"unranked\" (ghi \"Không nộp\", không xếp hạng)",
                    "unit '{code}' ({name}) has no value in {values_file}; enter its values, remove it from the list, or have the edition say what happens to a unit that does not submit: [scoring] not_submitted = \"zero\" (0 points, ranked last) or \"unranked\" (listed as not submitted, not ranked)"
                ),
            );
        }
    }

    /// A dataset for `n_units` units with no values yet (`inputs`: the all-missing matrix); the units
    /// themselves are set once the values are read.
    fn without_values(
        edition: &Edition,
        meta: DatasetMeta,
        n_units: usize,
        inputs: Vec<u32>,
    ) -> Dataset {
        Dataset {
            meta,
            n_inputs: edition.inputs.len(),
            inputs,
            big: Vec::new(),
            n_units,
            given_slot: vec![None; edition.nodes.len()],
            given: Vec::new(),
            units: Vec::new(),
            not_submitted: Vec::new(),
            read_as: ReadAs::default(),
        }
    }
}

/// Units by code, for matching value records to them.
/// Units by code, and codes already seen. Hashed with foldhash, seeded afresh by each process: the codes
/// come from uploaded files, so their hashes must not be predictable, and the standard SipHash costs a
/// province's hundred thousand short codes several times as much.
type ByCode<K> = HashMap<K, usize, foldhash::fast::RandomState>;

fn code_index(units: &[Unit]) -> ByCode<&str> {
    units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.code.as_str(), i))
        .collect()
}

/// Whether a record's first cell is a usual unit code (`X01`, `0000018`: printable ASCII, not guarded),
/// which is what cleaning would make of it: no copy for each of a province's records.
#[inline]
fn plain_code(first: &str) -> bool {
    !first.is_empty() && first.bytes().all(|b| b.is_ascii_graphic()) && !first.starts_with('\'')
}

/// The unit a values record is for: `None` for a blank record (skipped) or an unknown unit (reported).
/// `blank` says whether every field of the record is blank; it is asked only when the first one is.
fn record_unit<'a>(
    first: &'a str,
    blank: impl FnOnce() -> bool,
    index: &ByCode<&str>,
    file: &str,
    line: usize,
    problems: &mut Problems,
) -> Option<(std::borrow::Cow<'a, str>, usize)> {
    let ucode = if plain_code(first) {
        std::borrow::Cow::Borrowed(first)
    } else {
        if crate::text::is_blank(first) && blank() {
            return None;
        }
        std::borrow::Cow::Owned(clean(crate::spreadsheet::text_back(first)))
    };
    match index.get(&*ucode) {
        Some(&ui) => Some((ucode, ui)),
        None => {
            let code = crate::text::quote_short(&ucode);
            let hint = problems.hint(|| unit_suggestion(&ucode, index.keys().copied()));
            problems.push(
                file,
                line,
                1,
                msg!(
                    "đơn vị '{code}' không có trong danh sách đơn vị{hint}",
                    "unit '{code}' is not in the list of units{hint}"
                ),
            );
            None
        }
    }
}

/// `vec![value; n]`, written by all cores: for a large province the first touch of these pages is a
/// noticeable part of loading, and it parallelises.
pub(crate) fn filled<T: Clone + Send + Sync>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.par_extend(rayon::iter::repeat_n(value, n));
    v
}

/// One problem in a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataProblem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for DataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found in a dataset; the dataset is rejected whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DataError {
    pub problems: Vec<DataProblem>,
    /// Problems not listed because there were too many.
    pub more: usize,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.more > 0 {
            let more = self.more;
            write!(
                f,
                "\n{}",
                msg!("… và {more} lỗi khác", "… and {more} more problems")
            )?;
        }
        Ok(())
    }
}

/// A source text with its name, for located errors.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

const MAX_PROBLEMS: usize = 200;

struct Problems {
    list: Vec<DataProblem>,
    more: usize,
}

impl Problems {
    /// A "did you mean" for a problem about to be pushed, worked out only if the problem will be listed:
    /// a suggestion compares a word with every candidate, which a file of thousands of bad rows must not
    /// pay for each of them.
    fn hint(&self, suggest: impl FnOnce() -> String) -> String {
        if self.list.len() >= MAX_PROBLEMS {
            String::new()
        } else {
            suggest()
        }
    }

    fn push(&mut self, file: &str, line: usize, column: usize, message: impl Into<String>) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(DataProblem {
                file: file.to_string(),
                line,
                column,
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }
}

/// What a data key refers to.
#[derive(Clone, Copy)]
enum Key {
    Input(usize),
    Node(usize),
}

/// "; có phải 'x'?" for an unknown unit code. Codes that differ only in their digits are other units
/// (`X09` and `X01`, `P1` and `P11`: numbered communes and wards), never a typo to suggest.
fn unit_suggestion<'a>(code: &str, known: impl Iterator<Item = &'a str>) -> String {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    let own = letters(code);
    crate::text::suggestion(code, known.filter(|k| letters(k) != own))
}

/// "; có phải 'x'?" for a key that is neither an input nor a criterion: the nearest input id or
/// criterion code, if one is a typo away.
fn key_suggestion(edition: &Edition, key: &str) -> String {
    crate::text::suggestion(
        key,
        edition
            .inputs
            .iter()
            .map(|i| i.id.as_str())
            .chain(edition.nodes.iter().skip(1).map(|n| n.code.as_str())),
    )
}

fn resolve_key(edition: &Edition, key: &str) -> Option<Key> {
    edition
        .input(key)
        .map(Key::Input)
        .or_else(|| edition.node(key).map(Key::Node))
}

/// Markers that mean "not applicable to this unit". Compared after NFC and lower-casing.
fn is_na_marker(s: &str) -> bool {
    // Every marker starts with n or k: numbers and most answers are rejected on their first byte.
    if !matches!(s.as_bytes().first(), Some(b'n' | b'N' | b'k' | b'K')) {
        return false;
    }
    if s.is_ascii() {
        return ["na", "n/a", "kad", "not applicable", "not evaluated"]
            .iter()
            .any(|m| s.eq_ignore_ascii_case(m));
    }
    // The Vietnamese markers are 17–18 bytes in NFC (a little more in capitals): "Không" (a choice) is not one.
    if !(15..=24).contains(&s.len()) {
        return false;
    }
    ["không áp dụng", "không đánh giá"]
        .iter()
        .any(|m| crate::text::eq_ci(s, m))
}

/// The usual spellings of answers, byte for byte ("Có", "Không", a choice as the edition writes it,
/// "Không áp dụng"): such a cell is NFC with nothing to trim, so it needs no normalisation pass. Gives
/// the same value [`parse_cell`] gives by the general way, or `None` to go that way.
fn usual_answer(edition: &Edition, key: Key, raw: &str) -> Option<Value> {
    if matches!(raw, "Không áp dụng" | "Không đánh giá") {
        return Some(Value::NotApplicable);
    }
    let Key::Input(i) = key else { return None };
    match &edition.inputs[i].kind {
        InputKind::YesNo => match raw {
            "Có" | "có" | "x" | "1" => Some(Value::Bool(true)),
            "Không" | "không" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        // A choice spelled like a not-applicable marker is that marker, as in the general way.
        InputKind::Choice(choices) if !is_na_marker(raw) => choices
            .iter()
            .position(|c| c == raw)
            .map(|k| Value::Choice(k as u32)),
        _ => None,
    }
}

/// The common number cell (`75`, `35.6`, `27,5`: digits with at most one separator between digits, no
/// sign, no space) of a number or count input, or of points given at a node, read straight into a
/// mantissa and a scale: no decimal is built and the bounds are compared as integers. Anything else —
/// and anything out of bounds, a fraction in a count, a long number — is `None` and goes through
/// [`parse_cell`], which gives the same value for the cells this accepts (and the message for those
/// it refuses).
///
/// Laid out as written (`count` first): a cell of scale 0 to 2, nearly every one, reads only the
/// first cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct PlainNumber {
    count: bool,
    /// Per scale `s` (0 to 10): the least and the greatest mantissa `m` with min ≤ m / 10^s ≤ max,
    /// side by side, so that a cell's check reads one cache line, not two.
    bounds: [(u64, u64); 11],
}

impl PlainNumber {
    /// Inclusive bounds as (mantissa, scale).
    fn with_bounds(min: (u128, u32), max: Option<(u128, u32)>, count: bool) -> PlainNumber {
        let mut bounds = [(0u64, u64::MAX); 11];
        // A bound past u128 or u64 once scaled is past every mantissa of 17 digits.
        let scaled = |(m, t): (u128, u32), s: u32, up: bool| {
            m.checked_mul(10u128.pow(s)).map_or(u64::MAX, |x| {
                let d = 10u128.pow(t);
                u64::try_from(if up { x.div_ceil(d) } else { x / d }).unwrap_or(u64::MAX)
            })
        };
        for s in 0..11u32 {
            bounds[s as usize].0 = scaled(min, s, true);
            if let Some(max) = max {
                bounds[s as usize].1 = scaled(max, s, false);
            }
        }
        PlainNumber { bounds, count }
    }

    fn for_input(input: &crate::edition::Input) -> Option<PlainNumber> {
        let bound = |d: Decimal| {
            (!d.is_sign_negative() && d.scale() <= 28)
                .then(|| (d.mantissa().unsigned_abs(), d.scale()))
        };
        let count = match input.kind {
            InputKind::Number => false,
            InputKind::Count => true,
            _ => return None,
        };
        let min = match input.min {
            Some(m) if m.is_sign_negative() && !m.is_zero() => (0, 0), // below zero: every plain cell is above
            Some(m) => bound(m)?,
            None => (0, 0),
        };
        let max = match input.max {
            Some(m) => Some(bound(m)?),
            None => None,
        };
        Some(PlainNumber::with_bounds(min, max, count))
    }

    /// Points given at `node`: at least zero, at most its maximum (unless capped) and at most any
    /// maximum may be ([`parse_cell`] says why).
    fn for_points(node: &crate::edition::Node) -> Option<PlainNumber> {
        let limit = crate::edition::MAX_POINTS;
        let max = if node.cap { limit } else { node.max.min(limit) };
        (!max.is_sign_negative()).then(|| {
            PlainNumber::with_bounds(
                (0, 0),
                Some((max.mantissa().unsigned_abs(), max.scale())),
                false,
            )
        })
    }

    /// [`PlainNumber::parse`] of a cell whose [`Word`](records::Word) is given: a cell of at most
    /// eight bytes (nearly every number an officer types) is read from its word in a few operations
    /// that take the same branches whatever its digits, instead of a loop over bytes that ends, and
    /// meets the decimal mark, at a different place in every cell.
    #[inline(always)]
    fn parse_word(&self, cell: &str, word: records::Word) -> Option<(u64, u32, u8)> {
        const ZEROS: u64 = 0x3030_3030_3030_3030;
        const HIGHS: u64 = records::Word::HIGHS;
        let len = cell.len();
        if len > 8 {
            return self.parse(cell);
        }
        let w = word.0;
        // Not a number: empty, or a byte past ASCII (which the steps below need to be below 0x80).
        if len == 0 || w & HIGHS != 0 {
            return None;
        }
        // The cell's bytes (`len` is 1 to 8).
        let lanes = u64::MAX >> (64 - 8 * len);
        // A byte's top bit set where it is not a digit: at least 0x3A (adding 0x46 reaches 0x80), or
        // below 0x30 (its top bit, set first, is taken by subtracting 0x30). No byte carries into the
        // next, every byte being below 0x80.
        let at_least_colon = w.wrapping_add(0x4646_4646_4646_4646);
        let below_zero = !((w | HIGHS).wrapping_sub(ZEROS));
        let other = (at_least_colon | below_zero) & HIGHS & lanes;
        let (digits, n, scale, shows) = if other == 0 {
            (w, len, 0, 0)
        } else {
            // One decimal mark, neither first nor last, between digits.
            if other & (other - 1) != 0 {
                return None;
            }
            let p = (other.trailing_zeros() / 8) as usize;
            if p == 0 || p + 1 >= len {
                return None;
            }
            let shows = shows_of_mark((w >> (8 * p)) as u8);
            if shows == 0 {
                return None;
            }
            // The mark taken out: the digits after it moved down one byte.
            let below = (1u64 << (8 * p)) - 1;
            (
                (w & below) | ((w >> 8) & !below),
                len - 1,
                (len - 1 - p) as u32,
                shows,
            )
        };
        // The `n` digits moved to the top of the word (the bytes below them, zero, are leading zeros),
        // then combined in pairs, fours and eights (the first digit is the lowest byte).
        let mut v = (digits << (8 * (8 - n))) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v.wrapping_mul(10 * 256 + 1) >> 8) & 0x00FF_00FF_00FF_00FF;
        v = (v.wrapping_mul(100 * 65536 + 1) >> 16) & 0x0000_FFFF_0000_FFFF;
        let m = v.wrapping_mul(10000 * (1 << 32) + 1) >> 32;
        self.accepted(cell.as_bytes(), m, scale, shows)
    }

    /// The mantissa, the scale and the number style the cell shows ([`SHOWS_COMMA`], [`SHOWS_POINT`]
    /// or 0).
    #[inline]
    fn parse(&self, cell: &str) -> Option<(u64, u32, u8)> {
        let b = cell.as_bytes();
        // 17 characters at most, so that the mantissa cannot overflow (it must still fit 55 bits).
        if b.is_empty() || b.len() > 17 {
            return None;
        }
        let (mut m, mut scale, mut sep) = (0u64, 0u32, 0u8);
        for (i, &c) in b.iter().enumerate() {
            match c {
                b'0'..=b'9' => {
                    m = m * 10 + u64::from(c - b'0');
                    scale += u32::from(sep != 0);
                }
                b',' | b'.' if sep == 0 && i > 0 && i + 1 < b.len() => sep = c,
                _ => return None,
            }
        }
        if m >= 1 << 55 || scale > 10 {
            return None;
        }
        self.accepted(b, m, scale, shows_of_mark(sep))
    }

    /// The checks after a cell's digits are read, the same whichever way they were
    /// ([`PlainNumber::parse`], [`PlainNumber::parse_word`]): no fraction in a count, `1.500` left to
    /// the dataset's style, and the bounds.
    #[inline(always)]
    fn accepted(&self, cell: &[u8], m: u64, scale: u32, shows: u8) -> Option<(u64, u32, u8)> {
        if self.count && scale > 0 {
            return None;
        }
        // `1.500` reads by the dataset's style: the general way, which knows it.
        if scale == 3 && crate::num::ambiguous_separator(cell).is_some() {
            return None;
        }
        let (lo, hi) = self.bounds[scale as usize];
        if m < lo || m > hi {
            return None;
        }
        Some((m, scale, shows))
    }
}

/// The decimal of a plain number's mantissa (below 2^55) and scale.
fn plain_decimal(m: u64, scale: u32) -> Decimal {
    Decimal::from_parts(m as u32, (m >> 32) as u32, 0, false, scale)
}

/// A number cell that shows a decimal comma (`27,5`), or a decimal point (`0.8123`): the bits of what
/// a file's cells show, from which its style is found when its metadata does not declare one.
const SHOWS_COMMA: u8 = 1;
const SHOWS_POINT: u8 = 2;

/// What a decimal mark shows ([`SHOWS_COMMA`], [`SHOWS_POINT`]); 0 for any other byte.
#[inline(always)]
fn shows_of_mark(mark: u8) -> u8 {
    match mark {
        b',' => SHOWS_COMMA,
        b'.' => SHOWS_POINT,
        _ => 0,
    }
}

fn shows_bits(style: Option<NumberStyle>) -> u8 {
    match style {
        Some(NumberStyle::DecimalComma) => SHOWS_COMMA,
        Some(NumberStyle::DecimalPoint) => SHOWS_POINT,
        None => 0,
    }
}

/// Why a cell was not read: a message, or a number that only the dataset's style can read (`1.500`),
/// which waits until every cell has shown what style the file is in ([`Styles`]).
#[derive(Debug)]
enum CellError {
    Bad(String),
    Ambiguous(NumberError),
}

impl From<String> for CellError {
    fn from(m: String) -> CellError {
        CellError::Bad(m)
    }
}

/// A cell that reads two ways (`1.500`), kept until the file's style is known.
struct Deferred {
    unit: usize,
    key: Key,
    raw: String,
    line: usize,
    column: usize,
    /// What the message says first ("đơn vị X, cột 'Y'").
    prefix: String,
}

/// The number style of a file: declared in the metadata, or what its unambiguous cells show (all of one
/// style; a file showing both styles shows none), and its cells that wait for it.
struct Styles {
    declared: Option<NumberStyle>,
    shows: u8,
    deferred: Vec<Deferred>,
}

impl Styles {
    fn new(declared: Option<NumberStyle>) -> Styles {
        Styles {
            declared,
            shows: 0,
            deferred: Vec::new(),
        }
    }

    fn decided(&self) -> Option<NumberStyle> {
        self.declared.or(match self.shows {
            SHOWS_COMMA => Some(NumberStyle::DecimalComma),
            SHOWS_POINT => Some(NumberStyle::DecimalPoint),
            _ => None,
        })
    }

    /// Reads the cells that waited, in the decided style, into `ds`; the problems found, as
    /// `(line, column, message)`.
    fn resolve(&mut self, edition: &Edition, ds: &mut Dataset) -> Vec<(usize, usize, String)> {
        let style = self.decided();
        let mut out = Vec::new();
        for d in std::mem::take(&mut self.deferred) {
            let prefix = &d.prefix;
            match parse_cell(edition, d.key, &d.raw, style) {
                Ok((v, _)) => ds.set(d.unit, d.key, v),
                Err(CellError::Bad(m)) => out.push((d.line, d.column, format!("{prefix}: {m}"))),
                Err(CellError::Ambiguous(e)) => {
                    let why = if self.shows == SHOWS_COMMA | SHOWS_POINT {
                        msg!(
                            "các ô số khác của tệp có ô dùng dấu phẩy thập phân, có ô dùng dấu chấm thập phân, nên không suy ra được kiểu số",
                            "other number cells of the file use a decimal comma and others a decimal point, so the style cannot be told from them"
                        )
                    } else {
                        msg!(
                            "không ô số nào khác của tệp cho biết kiểu số",
                            "no other number cell of the file shows the style"
                        )
                    };
                    out.push((
                        d.line,
                        d.column,
                        msg!(
                            "{prefix}: {e}; {why}: hãy khai báo kiểu số của bộ dữ liệu, number_style = \"decimal-comma\" hoặc \"decimal-point\" trong dataset.toml (tệp JSON: khóa \"number_style\")",
                            "{prefix}: {e}; {why}: declare the dataset's number style, number_style = \"decimal-comma\" or \"decimal-point\" in dataset.toml (a JSON file: the key \"number_style\")"
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// Parses one cell for a key, numbers in `style` (`None`: not known). The value and the number style the
/// cell shows ([`SHOWS_COMMA`], [`SHOWS_POINT`] or 0); `Err` is the message for the officer, or a number
/// that reads two ways without a style.
fn parse_cell(
    edition: &Edition,
    key: Key,
    raw: &str,
    style: Option<NumberStyle>,
) -> Result<(Value, u8), CellError> {
    // A text cell egov wrote spreadsheet-safe (`'-` before an answer) reads as what it guarded.
    let raw = crate::spreadsheet::text_back(raw);
    if let Some(v) = usual_answer(edition, key, raw) {
        return Ok((v, 0));
    }
    // Plain ASCII cells (nearly all of a large file) need no normalisation and no allocation.
    let s: std::borrow::Cow<'_, str> = if raw
        .bytes()
        .all(|b| b.is_ascii() && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        std::borrow::Cow::Borrowed(raw.trim_matches(' '))
    } else if crate::text::is_clean(raw) {
        std::borrow::Cow::Borrowed(raw)
    } else {
        std::borrow::Cow::Owned(clean(raw))
    };
    let s = s.as_ref();
    if s.is_empty() {
        return Ok((Value::Missing, 0));
    }
    // Every message below repeats the cell: at most its first characters.
    let q = crate::text::quote_short(s);
    if is_na_marker(s) {
        return Ok((Value::NotApplicable, 0));
    }
    let number = |s: &str| match parse_number(s, style) {
        Ok(r) => Ok((r.value, shows_bits(r.shows))),
        Err(e @ NumberError::Ambiguous(..)) => Err(CellError::Ambiguous(e)),
        Err(e) => Err(CellError::Bad(e.to_string())),
    };
    match key {
        Key::Node(n) => {
            let node = &edition.nodes[n];
            let (d, shows) = number(s)?;
            if d < Decimal::ZERO {
                return Err(msg!("điểm {q} âm", "points {q} are negative").into());
            }
            // A capped node may be given more than its maximum, never more than any maximum may be:
            // that bound is what keeps the sums of scoring exact.
            if d > crate::edition::MAX_POINTS {
                let limit = crate::edition::MAX_POINTS;
                return Err(msg!(
                    "điểm {q} vượt giới hạn {limit} điểm",
                    "points {q} exceed the limit of {limit} points"
                )
                .into());
            }
            if d > node.max && !node.cap {
                let max = crate::num::format_vi(node.max, node.max.scale(), edition.rounding);
                let code = &node.code;
                return Err(msg!(
                    "điểm {q} vượt điểm tối đa {max} của tiêu chí {code}",
                    "points {q} exceed the maximum {max} of criterion {code}"
                )
                .into());
            }
            Ok((Value::Number(d), shows))
        }
        Key::Input(i) => {
            let input = &edition.inputs[i];
            match &input.kind {
                InputKind::Number | InputKind::Count => {
                    let (d, shows) = number(s)?;
                    if input.kind == InputKind::Count && d.scale() > 0 && !d.fract().is_zero() {
                        return Err(msg!(
                            "\"{q}\" phải là số nguyên (số lượng)",
                            "\"{q}\" must be a whole number (a count)"
                        )
                        .into());
                    }
                    let min = input.min.unwrap_or(Decimal::ZERO);
                    // Against the usual minimum, zero, the sign says it without a comparison.
                    let below = if min.is_zero() {
                        d.is_sign_negative() && !d.is_zero()
                    } else {
                        d < min
                    };
                    if below {
                        return Err(msg!(
                            "giá trị {q} nhỏ hơn mức tối thiểu {min}",
                            "value {q} is below the minimum {min}"
                        )
                        .into());
                    }
                    if let Some(max) = input.max
                        && d > max
                    {
                        return Err(msg!(
                            "giá trị {q} lớn hơn mức tối đa {max}",
                            "value {q} is above the maximum {max}"
                        )
                        .into());
                    }
                    Ok((Value::Number(d), shows))
                }
                InputKind::YesNo => {
                    const YES: [&str; 7] = ["có", "co", "yes", "true", "1", "x", "đạt"];
                    const NO: [&str; 6] = ["không", "khong", "no", "false", "0", "không đạt"];
                    // The usual spellings first, without case folding.
                    match s {
                        "Có" | "có" | "x" | "1" => return Ok((Value::Bool(true), 0)),
                        "Không" | "không" | "0" => return Ok((Value::Bool(false), 0)),
                        _ => {}
                    }
                    if YES.iter().any(|w| crate::text::eq_ci(s, w)) {
                        Ok((Value::Bool(true), 0))
                    } else if NO.iter().any(|w| crate::text::eq_ci(s, w)) {
                        Ok((Value::Bool(false), 0))
                    } else {
                        Err(msg!(
                            "\"{q}\" không phải Có/Không",
                            "\"{q}\" is not Có/Không (yes/no)"
                        )
                        .into())
                    }
                }
                InputKind::Choice(choices) => choices
                    .iter()
                    .position(|c| c == s)
                    .or_else(|| choices.iter().position(|c| crate::text::eq_ci(c, s)))
                    .map(|k| (Value::Choice(k as u32), 0))
                    .ok_or_else(|| {
                        let options = choices.join(" / ");
                        msg!(
                            "\"{q}\" không phải một phương án ({options})",
                            "\"{q}\" is not one of the options ({options})"
                        )
                        .into()
                    }),
            }
        }
    }
}

/// 1-based character column where field `field` of the CSV record starting at byte `start` begins
/// (cells separated by `sep`).
fn field_column(src: &str, start: usize, field: usize, sep: u8) -> usize {
    let sep = char::from(sep);
    let mut in_quotes = false;
    let mut f = 0;
    let mut col = 1;
    if field == 0 {
        return 1;
    }
    for ch in src[start.min(src.len())..].chars() {
        if ch == '\n' && !in_quotes {
            break;
        }
        col += 1;
        match ch {
            '"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => {
                f += 1;
                if f == field {
                    return col;
                }
            }
            _ => {}
        }
    }
    col
}

/// Where a record read by the csv crate starts: `(line, byte offset in text)`. The csv crate places a
/// record that follows a `\r\n` at the `\n`, on the line before; people count the line the record is
/// on (files saved by Excel on Windows end their lines with `\r\n`).
fn record_place(text: &str, offset: usize, pos: Option<&csv::Position>) -> (usize, usize) {
    let (mut line, mut at) =
        pos.map_or((1, 0), |p| (p.line() as usize, p.byte() as usize + offset));
    while let Some(&b) = text
        .as_bytes()
        .get(at)
        .filter(|&&b| b == b'\r' || b == b'\n')
    {
        line += usize::from(b == b'\n');
        at += 1;
    }
    (line, at)
}

fn csv_reader(text: &str, sep: u8) -> csv::Reader<&[u8]> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The separator of a CSV file, from its header line: `,`, `;` (Excel's where the comma is the decimal
/// mark, as in Vietnamese) or tab, whichever appears most outside quotes; `,` when none does.
fn detect_separator(text: &str) -> u8 {
    let b = text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes();
    let (mut counts, mut in_quotes, mut at_start) = ([0usize; 3], false, true);
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i += 1;
        match c {
            // `""` inside a quoted cell is a quote.
            b'"' if in_quotes && b.get(i) == Some(&b'"') => i += 1,
            b'"' if in_quotes || at_start => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => break,
            b',' if !in_quotes => counts[0] += 1,
            b';' if !in_quotes => counts[1] += 1,
            b'\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
        at_start = !in_quotes && matches!(c, b',' | b';' | b'\t');
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// The separator as a message shows it.
fn separator_char(sep: u8) -> char {
    char::from(sep)
}

/// A quote that opens a cell and is never closed, as a problem at the line and column where it opens
/// (the csv reader would silently take the rest of the file into that cell).
fn report_unclosed(src: Source<'_>, sep: u8, problems: &mut Problems) -> bool {
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(src.text);
    let Some(at) = unclosed_quote(text, sep) else {
        return false;
    };
    push_unclosed(src.name, text, at, problems);
    true
}

/// The problem of a quote opened at byte `at` of `text` and never closed.
fn push_unclosed(file: &str, text: &str, at: usize, problems: &mut Problems) {
    let (line, column) = crate::edition::line_col(text, at);
    problems.push(
        file,
        line,
        column,
        msg!(
            "dấu ngoặc kép mở ô ở đây không được đóng: phần còn lại của tệp sẽ bị đọc thành một ô; hãy thêm dấu \" đóng ô hoặc bỏ dấu mở",
            "the quote that opens a cell here is never closed: the rest of the file would be read as one cell; add the closing \" or remove the opening one"
        ),
    );
}

impl Dataset {
    /// Parses a units CSV alone (the units an entry form is prepared for, before any value exists),
    /// checked as [`Dataset::from_csv`] checks it.
    pub fn units_from_csv(edition: &Edition, units: Source<'_>) -> Result<Vec<Unit>, DataError> {
        let mut problems = Problems {
            list: Vec::new(),
            more: 0,
        };
        let (list, _) =
            parse_units_csv(edition, units, detect_separator(units.text), &mut problems);
        if problems.list.is_empty() {
            Ok(list)
        } else {
            finish_err(problems)
        }
    }

    /// Parses units and values CSV. Both are checked fully before anything is returned.
    pub fn from_csv(
        edition: &Edition,
        units: Source<'_>,
        values: Source<'_>,
        meta: DatasetMeta,
    ) -> Result<Dataset, DataError> {
        let (ds, problems) = Dataset::read_csv(edition, units, values, meta);
        finish(ds, problems)
    }

    /// [`Dataset::from_csv`], with the dataset as read also when there are problems (for tests that
    /// compare the values of two readings cell by cell, wrong cells or not).
    fn read_csv(
        edition: &Edition,
        units: Source<'_>,
        values: Source<'_>,
        meta: DatasetMeta,
    ) -> (Dataset, Problems) {
        let (units_sep, values_sep) = (detect_separator(units.text), detect_separator(values.text));
        // The units and the values body are independent until records are matched to units: read both
        // at once (the body in parallel pieces), then match.
        let ((units_list, places, inputs, mut problems), body) = rayon::join(
            || {
                let mut problems = Problems {
                    list: Vec::new(),
                    more: 0,
                };
                let (units_list, places) =
                    parse_units_csv(edition, units, units_sep, &mut problems);
                // Zeroed memory (every cell missing) that the kernel clears when rows are first
                // written, in parallel, instead of a pass that writes zeros first.
                let inputs = vec![Packed::MISSING.0; units_list.len() * edition.inputs.len()];
                (units_list, places, inputs, problems)
            },
            || read_wide_body(values, values_sep),
        );
        let index = code_index(&units_list);
        let declared = meta.number_style;
        let mut ds = Dataset::without_values(edition, meta, units_list.len(), inputs);
        let mut styles = Styles::new(declared);
        let mut touched = vec![false; units_list.len()];
        let read = parse_values_csv(
            edition,
            values,
            values_sep,
            body,
            &index,
            &mut ds,
            &mut styles,
            &mut touched,
            &mut problems,
        );
        ds.units = units_list;
        if read {
            ds.check_coverage(
                edition,
                &touched,
                units.name,
                &places,
                values.name,
                &mut problems,
            );
        }
        ds.read_as = ReadAs {
            units_separator: Some(separator_char(units_sep)),
            values_separator: Some(separator_char(values_sep)),
            number_style: styles.decided(),
            style_declared: declared.is_some(),
        };
        (ds, problems)
    }

    /// Parses the JSON form: `{"units": [{"code","name","category","flags"}], "values": {"UNIT": {"key": value}}}`,
    /// with `"number_style"` beside them when the text values need one. JSON numbers (`1.5`) are read
    /// as JSON writes them; text values (`"1,5"`) in the dataset's style.
    pub fn from_json(edition: &Edition, src: Source<'_>) -> Result<Dataset, DataError> {
        let mut problems = Problems {
            list: Vec::new(),
            more: 0,
        };
        let text = crate::text::nfc(src.text.strip_prefix('\u{feff}').unwrap_or(src.text));
        let doc: serde_json::Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                problems.push(
                    src.name,
                    e.line(),
                    e.column(),
                    msg!("JSON không hợp lệ: {e}", "invalid JSON: {e}"),
                );
                return finish_err(problems);
            }
        };
        // serde_json keeps no spans; locate keys by searching the text so that errors still point at a line.
        let locate = |needle: &str, from: usize| -> (usize, usize, usize) {
            let pat = format!("\"{needle}\"");
            match text[from.min(text.len())..].find(&pat) {
                Some(i) => {
                    let (l, c) = crate::edition::line_col(&text, from + i);
                    (l, c, from + i)
                }
                None => (1, 1, from),
            }
        };
        let mut units = Vec::new();
        let mut places = Vec::new();
        let mut seen = ByCode::default();
        match doc.get("units").and_then(|u| u.as_array()) {
            Some(arr) => {
                let mut cursor = locate("units", 0).2;
                for u in arr {
                    let code = u
                        .get("code")
                        .and_then(|c| c.as_str())
                        .map(clean)
                        .unwrap_or_default();
                    let (line, col, at) = locate(&code, cursor);
                    cursor = at;
                    let raw = |k: &str| u.get(k).and_then(|c| c.as_str()).unwrap_or("");
                    let damage: Vec<String> = [
                        ("code", msg!("mã đơn vị", "unit code")),
                        ("name", msg!("tên đơn vị", "unit name")),
                    ]
                    .into_iter()
                    .filter_map(|(k, what)| crate::text::control_char_message(&what, raw(k)))
                    .collect();
                    if !damage.is_empty() {
                        for m in damage {
                            problems.push(src.name, line, col, m);
                        }
                        continue;
                    }
                    let name = u
                        .get("name")
                        .and_then(|c| c.as_str())
                        .map(clean)
                        .unwrap_or_default();
                    let cat = u
                        .get("category")
                        .and_then(|c| c.as_str())
                        .map(clean)
                        .unwrap_or_default();
                    let flags: Vec<String> = u
                        .get("flags")
                        .and_then(|f| f.as_array())
                        .map(|a| a.iter().filter_map(|x| x.as_str()).map(clean).collect())
                        .unwrap_or_default();
                    if let Some(unit) = check_unit(
                        edition,
                        code,
                        name,
                        &cat,
                        flags,
                        |m| problems.push(src.name, line, col, m),
                        |code| seen.insert(code.to_string(), line),
                    ) {
                        units.push(unit);
                        places.push((line, col));
                    }
                }
            }
            None => problems.push(
                src.name,
                1,
                1,
                msg!("thiếu danh sách \"units\"", "the list \"units\" is missing"),
            ),
        }
        let index = code_index(&units);
        let meta = DatasetMeta {
            edition: doc
                .get("edition")
                .and_then(|e| e.as_str())
                .map(str::to_string),
            title: doc
                .get("title")
                .and_then(|e| e.as_str())
                .map(str::to_string),
            source: doc
                .get("source")
                .and_then(|e| e.as_str())
                .map(str::to_string),
            number_style: match doc.get("number_style") {
                None | Some(serde_json::Value::Null) => None,
                Some(v) => {
                    let style = v.as_str().and_then(NumberStyle::from_name);
                    if style.is_none() {
                        let (line, col, _) = locate("number_style", 0);
                        let found = crate::text::quote_short(&v.to_string()).into_owned();
                        problems.push(
                            src.name,
                            line,
                            col,
                            msg!(
                                "\"number_style\" {found} không có (\"decimal-comma\": 1.500 là một nghìn năm trăm, 2,5 là hai phẩy năm; \"decimal-point\": 1.500 là một phẩy năm)",
                                "\"number_style\" {found} does not exist (\"decimal-comma\": 1.500 is one thousand five hundred, 2,5 is two and a half; \"decimal-point\": 1.500 is one and a half)"
                            ),
                        );
                    }
                    style
                }
            },
        };
        let mut styles = Styles::new(meta.number_style);
        let mut touched = vec![false; units.len()];
        let inputs = vec![Packed::MISSING.0; units.len() * edition.inputs.len()];
        let mut ds = Dataset::without_values(edition, meta, units.len(), inputs);
        if let Some(values) = doc.get("values").and_then(|v| v.as_object()) {
            let mut cursor = locate("values", 0).2;
            for (ucode, kv) in values {
                let (uline, ucol, at) = locate(ucode, cursor);
                cursor = at;
                let qu = crate::text::quote_short(ucode);
                let Some(&ui) = index.get(clean(ucode).as_str()) else {
                    let hint =
                        problems.hint(|| unit_suggestion(&clean(ucode), index.keys().copied()));
                    problems.push(
                        src.name,
                        uline,
                        ucol,
                        msg!(
                            "đơn vị '{qu}' không có trong danh sách đơn vị{hint}",
                            "unit '{qu}' is not in the list of units{hint}"
                        ),
                    );
                    continue;
                };
                let Some(kv) = kv.as_object() else {
                    problems.push(
                        src.name,
                        uline,
                        ucol,
                        msg!(
                            "giá trị của một đơn vị phải là một đối tượng {{\"mã\": giá trị}}",
                            "the values of a unit must be an object {{\"code\": value}}"
                        ),
                    );
                    continue;
                };
                let mut kcursor = at;
                for (key, v) in kv {
                    let (line, col, kat) = locate(key, kcursor);
                    kcursor = kat;
                    let qk = crate::text::quote_short(key);
                    let Some(k) = resolve_key(edition, &clean(key)) else {
                        let id = &edition.id;
                        let hint = problems.hint(|| key_suggestion(edition, &clean(key)));
                        problems.push(
                            src.name,
                            line,
                            col,
                            msg!(
                                "'{qk}' không phải chỉ tiêu hay tiêu chí của bộ chỉ số {id}{hint}",
                                "'{qk}' is neither an input nor a criterion of edition {id}{hint}"
                            ),
                        );
                        continue;
                    };
                    // A JSON number is written with a decimal point whatever the dataset's style.
                    let mut style = styles.declared;
                    let raw = match v {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::Bool(b) => {
                            if *b {
                                "có".into()
                            } else {
                                "không".into()
                            }
                        }
                        serde_json::Value::Number(n) => {
                            style = Some(NumberStyle::DecimalPoint);
                            n.to_string()
                        }
                        serde_json::Value::String(s) => s.clone(),
                        _ => {
                            problems.push(
                                src.name,
                                line,
                                col,
                                msg!(
                                    "giá trị của '{qk}' phải là số, chữ hoặc null",
                                    "the value of '{qk}' must be a number, a text or null"
                                ),
                            );
                            continue;
                        }
                    };
                    if !crate::text::is_blank(&raw) {
                        touched[ui] = true;
                    }
                    match parse_cell(edition, k, &raw, style) {
                        Ok((val, shows)) => {
                            if matches!(v, serde_json::Value::String(_)) {
                                styles.shows |= shows;
                            }
                            ds.set(ui, k, val)
                        }
                        Err(CellError::Ambiguous(_)) => styles.deferred.push(Deferred {
                            unit: ui,
                            key: k,
                            raw,
                            line,
                            column: col,
                            prefix: msg!("đơn vị {qu}, '{qk}'", "unit {qu}, '{qk}'"),
                        }),
                        Err(CellError::Bad(m)) => problems.push(
                            src.name,
                            line,
                            col,
                            msg!("đơn vị {qu}, '{qk}': {m}", "unit {qu}, '{qk}': {m}"),
                        ),
                    }
                }
            }
        }
        for (line, column, m) in styles.resolve(edition, &mut ds) {
            problems.push(src.name, line, column, m);
        }
        ds.units = units;
        if doc.get("units").is_some_and(|u| u.is_array()) {
            ds.check_coverage(
                edition,
                &touched,
                src.name,
                &places,
                src.name,
                &mut problems,
            );
        }
        ds.read_as = ReadAs {
            number_style: styles.decided(),
            style_declared: styles.declared.is_some(),
            ..ReadAs::default()
        };
        finish(ds, problems)
    }

    /// Forgets the columns of points in which no unit gave any (the wide form makes one for every node
    /// its header names, before reading the rows).
    fn drop_empty_given(&mut self) {
        let empty: Vec<bool> = self
            .given
            .iter()
            .map(|c| c.iter().all(|v| *v == Value::Missing))
            .collect();
        if !empty.contains(&true) {
            return;
        }
        let mut kept = Vec::new();
        let mut new_slot = Vec::with_capacity(empty.len());
        for (col, e) in std::mem::take(&mut self.given).into_iter().zip(&empty) {
            new_slot.push((!e).then_some(kept.len() as u32));
            if !e {
                kept.push(col);
            }
        }
        self.given = kept;
        for s in self.given_slot.iter_mut() {
            *s = s.and_then(|s| new_slot[s as usize]);
        }
    }

    fn set(&mut self, unit: usize, key: Key, value: Value) {
        match key {
            Key::Input(i) => {
                self.inputs[unit * self.n_inputs + i] = Packed::pack(&value)
                    .unwrap_or_else(|| {
                        self.big.push(value);
                        Packed::big(self.big.len() - 1)
                    })
                    .0
            }
            Key::Node(n) => {
                if value == Value::Missing {
                    return;
                }
                let slot = match self.given_slot[n] {
                    Some(s) => s as usize,
                    None => {
                        self.given.push(vec![Value::Missing; self.n_units]);
                        self.given_slot[n] = Some((self.given.len() - 1) as u32);
                        self.given.len() - 1
                    }
                };
                self.given[slot][unit] = value;
            }
        }
    }
}

fn finish(ds: Dataset, problems: Problems) -> Result<Dataset, DataError> {
    if problems.list.is_empty() {
        Ok(ds)
    } else {
        finish_err(problems)
    }
}

fn finish_err<T>(mut problems: Problems) -> Result<T, DataError> {
    problems.list.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column))
    });
    Err(DataError {
        problems: problems.list,
        more: problems.more,
    })
}

#[allow(clippy::too_many_arguments)]
fn check_unit(
    edition: &Edition,
    code: String,
    name: String,
    category: &str,
    flags: Vec<String>,
    mut report: impl FnMut(String),
    seen_before: impl FnOnce(&str) -> Option<usize>,
) -> Option<Unit> {
    if code.is_empty() {
        report(msg!("thiếu mã đơn vị", "the unit code is missing"));
        return None;
    }
    if let Some(prev) = seen_before(&code) {
        let code = crate::text::quote_short(&code);
        report(msg!(
            "mã đơn vị '{code}' bị trùng (đã có ở dòng {prev})",
            "unit code '{code}' is repeated (already on line {prev})"
        ));
        return None;
    }
    if name.is_empty() {
        let code = crate::text::quote_short(&code);
        report(msg!(
            "đơn vị '{code}' thiếu tên",
            "unit '{code}' has no name"
        ));
    }
    match edition.category(category) {
        Some(c) => Some(Unit {
            code,
            name,
            category: c,
            flags,
        }),
        None => {
            let known: Vec<&str> = edition.categories.iter().map(|c| c.code.as_str()).collect();
            let (category, id, known) = (
                crate::text::quote_short(category),
                &edition.id,
                known.join(", "),
            );
            report(msg!(
                "loại đơn vị '{category}' không có trong bộ chỉ số {id} ({known})",
                "unit category '{category}' is not in edition {id} ({known})"
            ));
            None
        }
    }
}

/// The units of `units.csv` (cells separated by `sep`), and where each is (file, line, column).
fn parse_units_csv(
    edition: &Edition,
    src: Source<'_>,
    sep: u8,
    problems: &mut Problems,
) -> (Vec<Unit>, Vec<(usize, usize)>) {
    report_unclosed(src, sep, problems);
    let mut rdr = csv_reader(src.text, sep);
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| clean(s).to_lowercase()).collect(),
        Err(e) => {
            problems.push(
                src.name,
                1,
                1,
                msg!(
                    "không đọc được tiêu đề CSV: {e}",
                    "cannot read the CSV header: {e}"
                ),
            );
            return (Vec::new(), Vec::new());
        }
    };
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(c_code), Some(c_name), Some(c_cat)) = (
        col(&["code", "mã", "ma"]),
        col(&["name", "tên", "ten", "đơn vị"]),
        col(&["category", "loại", "loai"]),
    ) else {
        let found = headers.join(&*char::from(sep).to_string());
        let sep_name = separator_name(sep);
        problems.push(
            src.name,
            1,
            1,
            msg!(
                "tệp đơn vị cần các cột code, name, category (và flags nếu có); dòng tiêu đề, đọc với dấu phân cách {sep_name}, có các cột: {found}",
                "the units file needs the columns code, name, category (and flags if any); its header, read with the separator {sep_name}, has: {found}"
            ),
        );
        return (Vec::new(), Vec::new());
    };
    let c_flags = col(&["flags", "cờ"]);
    // The records in place (in parallel pieces, as the values file's), each made into a unit's cells
    // in parallel; then, in file order, the checks that need the units before it (a repeated code).
    let body = read_body(src, sep, &rdr).body;
    let drafts: Vec<Draft> = body
        .records
        .par_iter()
        .with_min_len(256)
        .map(|r| {
            let fields = match r.kind {
                records::Kind::Error(e) => return Draft::Error(r.line, e),
                _ => body.fields(src.text, r),
            };
            let mut cells: [&str; 4] = [""; 4];
            let wanted = [Some(c_code), Some(c_name), Some(c_cat), c_flags];
            let mut i = 0;
            let mut blank = true;
            fields.for_each(sep, |c| {
                blank &= crate::text::is_blank(c);
                for (k, w) in wanted.iter().enumerate() {
                    if *w == Some(i) {
                        cells[k] = c;
                    }
                }
                i += 1;
            });
            if blank {
                return Draft::Blank;
            }
            // Before cleaning, which would turn a tab or a line break into a space and hide it.
            let damaged: Vec<(usize, String)> =
                [(c_code, 0, "mã đơn vị"), (c_name, 1, "tên đơn vị")]
                    .into_iter()
                    .filter_map(|(c, k, what)| {
                        crate::text::control_char_message(what, cells[k])
                            .map(|m| (field_column(src.text, r.start, c, sep), m))
                    })
                    .collect();
            if !damaged.is_empty() {
                return Draft::Damaged(r.line, damaged);
            }
            // Codes and names egov wrote spreadsheet-safe (`'=…`) read as the text they guarded.
            let get = |k: usize| clean(crate::spreadsheet::text_back(cells[k]));
            let flags = if c_flags.is_some() {
                get(3)
                    .split([';', ' '])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            } else {
                Vec::new()
            };
            let category = get(2);
            let column = field_column(
                src.text,
                r.start,
                if edition.category(&category).is_none() {
                    c_cat
                } else {
                    c_code
                },
                sep,
            );
            Draft::Unit {
                line: r.line,
                column,
                code: get(0),
                name: get(1),
                category,
                flags,
            }
        })
        .collect();
    // The line of the last unit before each with the same code (the one a repeated code is reported
    // against), found by codes borrowed from the drafts rather than copied into the map.
    let mut last: ByCode<&str> = ByCode::with_capacity_and_hasher(drafts.len(), Default::default());
    let seen_before: Vec<Option<usize>> = drafts
        .iter()
        .map(|d| match d {
            Draft::Unit { code, line, .. } if !code.is_empty() => last.insert(code, *line),
            _ => None,
        })
        .collect();
    drop(last);
    let mut units = Vec::with_capacity(drafts.len());
    let mut places = Vec::with_capacity(drafts.len());
    for (d, prev) in drafts.into_iter().zip(seen_before) {
        match d {
            Draft::Blank => {}
            Draft::Error(line, e) => {
                problems.push(src.name, line, 1, body.errors[e as usize].clone());
            }
            Draft::Damaged(line, list) => {
                for (column, m) in list {
                    problems.push(src.name, line, column, m);
                }
            }
            Draft::Unit {
                line,
                column,
                code,
                name,
                category,
                flags,
            } => {
                if let Some(u) = check_unit(
                    edition,
                    code,
                    name,
                    &category,
                    flags,
                    |m| problems.push(src.name, line, column, m),
                    |_| prev,
                ) {
                    units.push(u);
                    places.push((line, 1));
                }
            }
        }
    }
    (units, places)
}

/// One record of the units file, read apart from the others ([`parse_units_csv`]).
enum Draft {
    /// Every cell blank: skipped.
    Blank,
    /// A line the csv reader could not read (line, message index in the body's errors).
    Error(usize, u32),
    /// The code or the name holds a control character (line, and each (column, message)).
    Damaged(usize, Vec<(usize, String)>),
    /// A unit's cleaned cells and where its problems point (the category's column when it is not the
    /// edition's, else the code's).
    Unit {
        line: usize,
        column: usize,
        code: String,
        name: String,
        category: String,
        flags: Vec<String>,
    },
}

/// The separator as messages name it.
fn separator_name(sep: u8) -> String {
    match sep {
        b'\t' => msg!("tab", "tab"),
        b';' => msg!("';' (chấm phẩy)", "';' (semicolon)"),
        _ => msg!("',' (phẩy)", "',' (comma)"),
    }
}

/// Whether lower-cased headers are those of the long form (`unit,key,value`).
fn is_long_form(lower: &[String]) -> bool {
    lower.len() == 3 && (lower[1] == "key" || lower[1] == "code") && lower[2] == "value"
}

/// The records of a wide values file's body, piece by piece, in file order.
struct WideBody {
    body: Body,
    /// Where a quote that is never closed opens (byte offset in the whole file).
    unclosed: Option<usize>,
}

/// Reads the body of a wide values file in parallel pieces (cut at record boundaries; each record keeps
/// its line and byte offset in the whole file). `None` for the long form or an unreadable header, which
/// [`parse_values_csv`] reports.
fn read_wide_body(src: Source<'_>, sep: u8) -> Option<WideBody> {
    let mut rdr = csv_reader(src.text, sep);
    let lower: Vec<String> = rdr
        .headers()
        .ok()?
        .iter()
        .map(|h| clean(h).to_lowercase())
        .collect();
    if is_long_form(&lower) {
        return None;
    }
    Some(read_body(src, sep, &rdr))
}

/// The body of a CSV file whose header `rdr` has read, in parallel pieces cut at record boundaries
/// (each record keeps its line and byte offset in the whole file).
fn read_body(src: Source<'_>, sep: u8, rdr: &csv::Reader<&[u8]>) -> WideBody {
    let offset = src.text.len() - src.text.strip_prefix('\u{feff}').unwrap_or(src.text).len();
    let text = &src.text[offset..];
    let body_start = (rdr.position().byte() as usize).min(text.len());
    let first_line = rdr.position().line() as usize;
    let body = &text[body_start..];
    let (cuts, unclosed) = record_pieces(body, rayon::current_num_threads() * 4, sep);
    let pieces = cuts
        .par_iter()
        .map(|&(from, to, lines_before, lines)| {
            read_piece(
                &body[from..to],
                offset + body_start + from,
                first_line + lines_before,
                sep,
                lines,
            )
        })
        .collect();
    WideBody {
        body: Body::concat(pieces),
        unclosed: unclosed.map(|at| offset + body_start + at),
    }
}

/// Reads the values file into `ds`; `false` when its header could not be used or a quote left open
/// took the rest of the file (then units' values were not read, and saying that they have none would
/// only repeat it).
#[allow(clippy::too_many_arguments)]
fn parse_values_csv<'a>(
    edition: &Edition,
    src: Source<'a>,
    sep: u8,
    body: Option<WideBody>,
    index: &ByCode<&str>,
    ds: &mut Dataset,
    styles: &mut Styles,
    touched: &mut [bool],
    problems: &mut Problems,
) -> bool {
    // After an unclosed quote the rest of the file is one cell: its units are not said to lack values.
    let unclosed = match body.as_ref().map(|b| b.unclosed) {
        Some(Some(at)) => {
            push_unclosed(src.name, src.text, at, problems);
            true
        }
        Some(None) => false,
        None => report_unclosed(src, sep, problems),
    };
    let mut rdr = csv_reader(src.text, sep);
    let offset = src.text.len() - src.text.strip_prefix('\u{feff}').unwrap_or(src.text).len();
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(clean).collect(),
        Err(e) => {
            problems.push(
                src.name,
                1,
                1,
                msg!(
                    "không đọc được tiêu đề CSV: {e}",
                    "cannot read the CSV header: {e}"
                ),
            );
            return false;
        }
    };
    let lower: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
    if lower.first().map(String::as_str) != Some("unit")
        && lower.first().map(String::as_str) != Some("đơn vị")
    {
        let first =
            crate::text::quote_short(headers.first().map_or("", String::as_str)).into_owned();
        let sep_name = separator_name(sep);
        problems.push(
            src.name,
            1,
            1,
            msg!(
                "cột đầu tiên của tệp giá trị phải là 'unit' (mã đơn vị); đọc với dấu phân cách {sep_name}, cột đầu tiên là '{first}'",
                "the first column of the values file must be 'unit' (the unit code); read with the separator {sep_name}, the first column is '{first}'"
            ),
        );
        return false;
    }
    let long = is_long_form(&lower);
    // Wide form: resolve every header once; a bad header is reported once, not per row.
    let mut keys: Vec<Option<Key>> = vec![None; headers.len()];
    if !long {
        let mut seen = HashMap::new();
        for (i, h) in headers.iter().enumerate().skip(1) {
            if let Some(prev) = seen.insert(h.clone(), i) {
                let (h, prev) = (crate::text::quote_short(h), prev + 1);
                problems.push(
                    src.name,
                    1,
                    field_column(src.text, offset, i, sep),
                    msg!(
                        "cột '{h}' lặp lại (đã có ở cột {prev})",
                        "column '{h}' is repeated (already column {prev})"
                    ),
                );
                continue;
            }
            match resolve_key(edition, h) {
                Some(k) => keys[i] = Some(k),
                None => {
                    let hint = problems.hint(|| key_suggestion(edition, h));
                    let (h, id) = (crate::text::quote_short(h), &edition.id);
                    problems.push(
                        src.name,
                        1,
                        field_column(src.text, offset, i, sep),
                        msg!(
                            "cột '{h}' không phải chỉ tiêu hay tiêu chí của bộ chỉ số {id}{hint}",
                            "column '{h}' is neither an input nor a criterion of edition {id}{hint}"
                        ),
                    )
                }
            }
        }
    }
    if !long {
        // Read by `read_wide_body` from the same header, which it found wide as well.
        let body = body.map(|b| b.body).unwrap_or_default();
        wide::parse_wide(
            edition, src, sep, &headers, &keys, index, ds, styles, touched, problems, &body,
        );
        return !unclosed;
    }
    // Long form (`unit,key,value`): one value a line, read in order.
    let mut seen_rows: HashMap<String, usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                problems.push(
                    src.name,
                    line,
                    1,
                    msg!("dòng CSV không đọc được: {e}", "unreadable CSV line: {e}"),
                );
                continue;
            }
        }
        let (line, start) = record_place(src.text, offset, record.position());
        let Some((ucode, ui)) = record_unit(
            record.get(0).unwrap_or(""),
            || record.iter().all(crate::text::is_blank),
            index,
            src.name,
            line,
            problems,
        ) else {
            continue;
        };
        let key = clean(crate::spreadsheet::text_back(record.get(1).unwrap_or("")));
        let (qu, qk) = (
            crate::text::quote_short(&ucode),
            crate::text::quote_short(&key),
        );
        if let Some(prev) = seen_rows.insert(format!("{ucode}\u{0}{key}"), line) {
            problems.push(
                src.name,
                line,
                field_column(src.text, start, 1, sep),
                msg!(
                    "'{qk}' của đơn vị {qu} đã có ở dòng {prev}",
                    "'{qk}' of unit {qu} is already on line {prev}"
                ),
            );
            continue;
        }
        let raw = record.get(2).unwrap_or("");
        if !crate::text::is_blank(raw) {
            touched[ui] = true;
        }
        match resolve_key(edition, &key) {
            Some(k) => match parse_cell(edition, k, raw, styles.declared) {
                Ok((v, shows)) => {
                    styles.shows |= shows;
                    ds.set(ui, k, v)
                }
                Err(CellError::Ambiguous(_)) => styles.deferred.push(Deferred {
                    unit: ui,
                    key: k,
                    raw: raw.to_string(),
                    line,
                    column: field_column(src.text, start, 2, sep),
                    prefix: msg!("đơn vị {qu}, '{qk}'", "unit {qu}, '{qk}'"),
                }),
                Err(CellError::Bad(m)) => problems.push(
                    src.name,
                    line,
                    field_column(src.text, start, 2, sep),
                    msg!("đơn vị {qu}, '{qk}': {m}", "unit {qu}, '{qk}': {m}"),
                ),
            },
            None => {
                let id = &edition.id;
                let hint = problems.hint(|| key_suggestion(edition, &key));
                problems.push(
                    src.name,
                    line,
                    field_column(src.text, start, 1, sep),
                    msg!(
                        "'{qk}' không phải chỉ tiêu hay tiêu chí của bộ chỉ số {id}{hint}",
                        "'{qk}' is neither an input nor a criterion of edition {id}{hint}"
                    ),
                )
            }
        }
    }
    for (line, column, m) in styles.resolve(edition, ds) {
        problems.push(src.name, line, column, m);
    }
    !unclosed
}

#[cfg(test)]
mod packed {
    use super::*;

    /// A cell of the input matrix is 4 bytes: 10,000 units × 150 inputs is 6 MB, not 30.
    #[test]
    fn a_cell_is_four_bytes() {
        assert_eq!(std::mem::size_of::<Packed>(), 4);
    }

    fn round_trip(v: Value) -> Value {
        match Packed::pack(&v) {
            Some(p) => p.unpack(&[]),
            None => Packed::big(0).unpack(&[v]),
        }
    }

    #[test]
    fn every_kind_comes_back() {
        for v in [
            Value::Missing,
            Value::Bool(true),
            Value::Bool(false),
            Value::NotApplicable,
            Value::Choice(0),
            Value::Choice((1 << 29) - 1),
            Value::Choice(1 << 29),
            Value::Choice(u32::MAX),
        ] {
            assert_eq!(round_trip(v), v);
        }
    }

    proptest::proptest! {
        /// Same number, same scale, same sign (negative zero too), whether packed or kept whole.
        #[test]
        fn numbers_come_back_bit_for_bit(m in proptest::num::i128::ANY, scale in 0u32..=28, small: bool) {
            let m = if small { m % (1i128 << 26) } else { m % 79_228_162_514_264_337_593_543_950_335 };
            let d = Decimal::from_i128_with_scale(m, scale);
            for d in [d, -d] {
                let Value::Number(back) = round_trip(Value::Number(d)) else {
                    panic!("not a number");
                };
                proptest::prop_assert_eq!(back.serialize(), d.serialize());
            }
        }
    }

    /// A dataset of one unit whose inputs are `values`, each stored as [`Dataset::set`] stores it.
    fn one_unit(values: &[Value]) -> Dataset {
        let mut ds = Dataset {
            meta: DatasetMeta::default(),
            units: Vec::new(),
            n_inputs: values.len(),
            inputs: vec![0; values.len()],
            big: Vec::new(),
            given_slot: Vec::new(),
            given: Vec::new(),
            n_units: 1,
            not_submitted: Vec::new(),
            read_as: ReadAs::default(),
        };
        for (i, v) in values.iter().enumerate() {
            ds.set(0, Key::Input(i), *v);
        }
        ds
    }

    /// What the fast path of scoring reads of an input ([`Dataset::input_num`]): what
    /// `Fixed::from_decimal` of the general read's number gives.
    fn general_num(ds: &Dataset, i: usize) -> Num {
        match ds.input(0, i).number() {
            None => Num::None,
            Some(d) => Fixed::from_decimal(d).map_or(Num::Negative, Num::Fixed),
        }
    }

    #[test]
    fn the_fast_read_of_a_number_is_the_general_one() {
        let values = [
            Value::Missing,
            Value::Bool(true),
            Value::Bool(false),
            Value::NotApplicable,
            Value::Choice(3),
            Value::Choice(u32::MAX),
            Value::Number(Decimal::ZERO),
            Value::Number(Decimal::new(-0, 2)),
            Value::Number(-Decimal::new(0, 3)),
            Value::Number(Decimal::new(-15, 1)),
            Value::Number(Decimal::new(1_234_567, 2)),
            Value::Number(Decimal::new(1 << 25, 0)),
            Value::Number(-Decimal::from_i128_with_scale(1 << 40, 28)),
            Value::Number(Decimal::from_i128_with_scale(0, 28)),
            Value::Number(-Decimal::from_i128_with_scale(0, 28)),
        ];
        let ds = one_unit(&values);
        assert!(!ds.big.is_empty(), "some values kept whole");
        for (i, v) in values.iter().enumerate() {
            assert_eq!(ds.input_num(0, i), general_num(&ds, i), "{v:?}");
        }
        // A negative zero packed in a cell reads as a plain zero, as `Decimal::from_parts` makes it.
        assert_eq!(ds.input_num(0, 8), Num::Fixed(Fixed::small(0, 3)));
    }

    proptest::proptest! {
        /// Every number, packed or kept whole, negative or not: the fast read is the general one.
        #[test]
        fn numbers_read_fast_as_the_general_way(m in proptest::num::i128::ANY, scale in 0u32..=28, small: bool) {
            let m = if small { m % (1i128 << 26) } else { m % 79_228_162_514_264_337_593_543_950_335 };
            let d = Decimal::from_i128_with_scale(m, scale);
            let ds = one_unit(&[Value::Number(d), Value::Number(-d)]);
            for i in 0..2 {
                proptest::prop_assert_eq!(ds.input_num(0, i), general_num(&ds, i));
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// A cell the fast path reads is read to the same packed value, and shows the same style, as
        /// the general way, for any bounds and whatever the dataset's style; one it refuses, the
        /// general way reads or reports.
        #[test]
        fn plain_numbers_read_as_the_general_way(
            cell in "[0-9]{0,18}([.,][0-9]{0,12})?|[0-9 .,-]{0,8}|[1-9][0-9]{0,3}[.,][0-9]{3}",
            min in proptest::option::of(0u32..1000),
            max in proptest::option::of(0u64..100_000_000_000),
            max_scale in 0u32..12,
            count: bool,
        ) {
            use crate::edition::Input;
            let input = Input {
                id: "x".into(),
                name: "x".into(),
                name_en: None,
                kind: if count { InputKind::Count } else { InputKind::Number },
                min: min.map(Decimal::from),
                max: max.map(|m| Decimal::from_i128_with_scale(i128::from(m), max_scale)),
                unit: None,
                evidence: false,
            };
            let edition = crate::edition::Edition::from_toml(
                &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/editions/dti-2022-province.toml")).expect("edition"),
                "dti-2022-province.toml",
            ).expect("valid");
            let mut edition = edition;
            edition.inputs[0] = input.clone();
            if let Some((m, scale, shows)) = PlainNumber::for_input(&input).and_then(|p| p.parse(&cell)) {
                let fast = plain_decimal(m, scale).serialize();
                for style in [None, Some(NumberStyle::DecimalComma), Some(NumberStyle::DecimalPoint)] {
                    let general = parse_cell(&edition, Key::Input(0), &cell, style);
                    let got = general.as_ref().ok().and_then(|(v, s)| Some((v.number()?.serialize(), *s)));
                    proptest::prop_assert_eq!(got, Some((fast, shows)), "{:?} ({:?})", general, style);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// A cell of up to eight bytes read from its word is read as byte by byte, numbers or not,
        /// whatever the bounds: every length, every place of a mark, two marks, signs, spaces, letters,
        /// bytes past ASCII and control characters.
        #[test]
        fn numbers_read_from_their_word_as_byte_by_byte(
            cell in "[0-9]{0,9}|[0-9]{0,4}[.,][0-9]{0,4}|[0-9 .,+-]{0,9}|[0-9a.:/]{0,9}|[0-9Đ\x00-\x1f\x7f]{0,8}|\\PC{0,9}",
            min in proptest::option::of(0u64..1000),
            max in proptest::option::of(0u64..100_000_000_000),
            max_scale in 0u32..12,
            count: bool,
        ) {
            let plain = PlainNumber::with_bounds(
                (u128::from(min.unwrap_or(0)), 0),
                max.map(|m| (u128::from(m), max_scale)),
                count,
            );
            let word = records::Word::of(cell.as_bytes());
            proptest::prop_assert_eq!(plain.parse_word(&cell, word), plain.parse(&cell), "{:?}", cell);
        }
    }

    #[test]
    fn long_numbers_are_kept_whole() {
        use crate::edition::Edition;
        let edition = Edition::from_toml(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/editions/dti-2022-province.toml"
            ))
            .expect("edition"),
            "dti-2022-province.toml",
        )
        .expect("valid");
        let i = (0..edition.inputs.len())
            .find(|&i| {
                edition.inputs[i].kind == InputKind::Number
                    && edition.inputs[i].max.is_none_or(|m| m >= Decimal::ONE)
            })
            .expect("a number input");
        let id = &edition.inputs[i].id;
        let cat = &edition.categories[0].code;
        let units = format!("code,name,category\nT1,Tỉnh Một,{cat}\nT2,Tỉnh Hai,{cat}\n");
        let values = format!("unit,{id}\nT1,0.12345678901234567890123\nT2,0.5\n");
        let data = Dataset::from_csv(
            &edition,
            Source {
                name: "units.csv",
                text: &units,
            },
            Source {
                name: "values.csv",
                text: &values,
            },
            DatasetMeta::default(),
        )
        .expect("valid data");
        assert_eq!(
            data.input(0, i).number().expect("a number").to_string(),
            "0.12345678901234567890123"
        );
        assert_eq!(
            data.input(1, i).number().expect("a number").to_string(),
            "0.5"
        );
    }
}
