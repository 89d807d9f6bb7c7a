//! Criteria editions as data: the TOML format, its validation, and the validated [`Edition`].
//!
//! An edition is everything a province decides for one year's evaluation: the criteria tree (any depth,
//! stable codes like `A.1.3`, Vietnamese and English names, maximum points, a scoring rule on each leaf),
//! the inputs units fill in, unit categories and ranking blocks, not-applicable policies, tie and rounding
//! conventions, level bands and the layout of the published annex. Adding next year's edition is adding
//! a file, never code.
//!
//! Parsing is two-step ("parse, don't validate"): serde reads the raw shape with byte spans, then
//! [`Edition::from_toml`] checks every rule of the format and reports **all** problems at once, each
//! with `file:line:column`, the path of the item and what is wrong. Only a fully valid edition is
//! returned; nothing downstream re-checks structure.
//!
//! The tree is stored as an arena in pre-order with an implicit root (index 0, code `""`) whose points
//! are the unit's total; children follow the order of the file.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::lang::Lang;
use crate::num::RoundingMode;

mod schema;

// ---------------------------------------------------------------------------------------------
// Validated model
// ---------------------------------------------------------------------------------------------

/// A validated criteria edition (Bộ chỉ số / tiêu chí đánh giá của một năm).
#[derive(Debug, Clone)]
pub struct Edition {
    pub id: String,
    pub title: String,
    pub title_en: Option<String>,
    pub year: i32,
    pub description: Option<String>,
    /// Căn cứ pháp lý: the decisions this edition implements.
    pub legal_basis: Vec<LegalBasis>,
    pub provenance: Provenance,
    /// Rounding applied where a table prints a value (once, at that place).
    pub rounding: RoundingMode,
    /// Decimals printed when a table does not say.
    pub decimals: u32,
    pub ranking: RankingPolicy,
    /// What happens to a unit of the dataset that has no value at all (`[scoring] not_submitted`).
    pub not_submitted: NotSubmitted,
    pub categories: Vec<Category>,
    pub blocks: Vec<RankBlock>,
    pub inputs: Vec<Input>,
    /// Criteria tree in pre-order; `nodes[0]` is the implicit root (the unit total).
    pub nodes: Vec<Node>,
    pub bands: Vec<Band>,
    pub annex: AnnexLayout,
    node_index: HashMap<String, usize>,
    input_index: HashMap<String, usize>,
    category_index: HashMap<String, usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    /// Số hiệu văn bản, e.g. `391/QĐ-UBND`.
    pub number: String,
    /// Ngày ban hành, ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    pub issuer: Option<String>,
    /// What the document is for this edition ("tiêu chí", "phương pháp", "công bố kết quả").
    pub role: Option<String>,
    pub title: Option<String>,
}

/// What of an edition is published fact and what is assumed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub published: Option<String>,
    pub assumed: Option<String>,
    pub notes: Option<String>,
    /// True when points below some level are illustrative, not from a legal text.
    #[serde(default)]
    pub illustrative: bool,
}

/// How ties share ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ties {
    /// 1, 2, 2, 3 (Hòa Bình 2019).
    #[default]
    Dense,
    /// 1, 2, 2, 4 (MIC 2017, DTI).
    Competition,
}

/// Whether ranks are computed on the printed (rounded) values or the exact ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RankOn {
    #[default]
    Rounded,
    Exact,
}

/// The non-submission policy: what a unit of the dataset with no value at all means. By default it is a
/// mistake in the data (a values file that covers 1 unit of 4 must not pass); an edition whose rules
/// say what happens to a unit that does not submit names that instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotSubmitted {
    /// `"error"`: the dataset is refused, naming the unit.
    #[default]
    Error,
    /// `"zero"`: scored 0 and ranked with that total (last); the annex marks it as not submitted.
    Zero,
    /// `"unranked"`: listed as not submitted, without points and without a rank.
    Unranked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RankingPolicy {
    pub ties: Ties,
    pub on: RankOn,
}

/// A kind of unit (Sở có dịch vụ công, UBND huyện, UBND xã …).
#[derive(Debug, Clone)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

/// A ranking block: categories ranked against each other (Khối).
#[derive(Debug, Clone)]
pub struct RankBlock {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub categories: Vec<usize>,
    /// False for a block that is scored and shown but not ranked.
    pub ranked: bool,
}

/// The type of an input a unit fills in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// Any non-negative decimal (a count of documents, a percentage …).
    Number,
    /// A whole number of items.
    Count,
    /// Có / Không.
    YesNo,
    /// One of a fixed list of answers.
    Choice(Vec<String>),
}

/// An indicator value a unit provides (chỉ tiêu đầu vào), referenced by rules.
#[derive(Debug, Clone)]
pub struct Input {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: InputKind,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    /// Đơn vị tính (%, văn bản, người …).
    pub unit: Option<String>,
    /// Whether evidence (văn bản, tệp) must accompany the value.
    pub evidence: bool,
}

/// What happens when a criterion does not apply to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NaPolicy {
    /// Counts as zero points; the maximum is unchanged.
    #[default]
    Zero,
    /// Shown as "Không đánh giá"; contributes nothing; the unit is not rescaled.
    NotEvaluated,
    /// Excluded: its maximum leaves the applicable maximum and the nearest rescaling ancestor converts
    /// achieved ÷ (max − excluded max) × max.
    Exclude,
}

/// A node of the criteria tree: category (hạng mục), group (nhóm tiêu chí), criterion, indicator.
#[derive(Debug, Clone)]
pub struct Node {
    /// Stable code (`A.1.3`); `""` for the root.
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub depth: usize,
    /// Maximum points (điểm tối đa).
    pub max: Decimal,
    /// True when children may add up to more than `max` and the node's points are capped at it.
    pub cap: bool,
    /// The scoring rule of a leaf; `None` on aggregates (their points are the sum of their children).
    pub rule: Option<Rule>,
    /// Every input the rule reads (derived from `rule`, kept so that scoring does not recollect it).
    pub reads: Vec<usize>,
    /// Categories the node applies to; `None` = all.
    pub applies_to: Option<Vec<usize>>,
    /// Unit flags required for the node to apply.
    pub requires_flags: Vec<String>,
    /// Unit flags that make the node not apply.
    pub unless_flags: Vec<String>,
    pub not_applicable: NaPolicy,
    /// Converts achieved ÷ applicable max × max when descendants are excluded.
    pub rescale: bool,
    pub evidence: bool,
    pub description: Option<String>,
}

impl Node {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.name, self.name_en.as_deref())
    }
}

/// A scoring rule of a leaf criterion. Input references are indices into [`Edition::inputs`].
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Points given directly in the data (the node's own code).
    Points,
    /// Expert points given directly, marked as manual in explanations.
    Manual,
    /// a ÷ b × max, clamped to [0, max]; `denominator` may be a constant.
    Ratio {
        numerator: usize,
        denominator: Operand,
    },
    /// Có → `yes` points (default max), Không → `no` points (default 0).
    YesNo {
        input: usize,
        yes: Decimal,
        no: Decimal,
    },
    /// The first step (highest threshold first) whose threshold the value reaches.
    Steps {
        input: usize,
        steps: Vec<(Decimal, Decimal)>,
    },
    /// Points per answer.
    Choice {
        input: usize,
        options: Vec<(String, Decimal)>,
        /// The points of each of the input's choices, in the input's order (matched case-insensitively
        /// once here, so that scoring is an index).
        by_choice: Vec<Decimal>,
    },
    /// `per` points per item, capped at `cap`.
    PerItem {
        input: usize,
        per: Decimal,
        cap: Decimal,
    },
    /// Sum of several input values (each already in points), capped at max.
    Sum { inputs: Vec<usize> },
    /// The best of several cases.
    BestOf { cases: Vec<Rule> },
    /// value ÷ best value among the unit's ranking block × max (a cohort pass after all units).
    RelativeToBest { input: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Input(usize),
    Constant(Decimal),
}

impl Rule {
    /// The rule kind's name as written in edition files.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Points => "points",
            Rule::Manual => "manual",
            Rule::Ratio { .. } => "ratio",
            Rule::YesNo { .. } => "yes-no",
            Rule::Steps { .. } => "steps",
            Rule::Choice { .. } => "choice",
            Rule::PerItem { .. } => "per-item",
            Rule::Sum { .. } => "sum",
            Rule::BestOf { .. } => "best-of",
            Rule::RelativeToBest { .. } => "relative-to-best",
        }
    }

    /// Whether the rule (or one of its cases) needs the cohort pass.
    pub fn needs_cohort(&self) -> bool {
        match self {
            Rule::RelativeToBest { .. } => true,
            Rule::BestOf { cases } => cases.iter().any(Rule::needs_cohort),
            _ => false,
        }
    }

    /// Every input index the rule reads.
    pub fn inputs(&self, out: &mut Vec<usize>) {
        match self {
            Rule::Points | Rule::Manual => {}
            Rule::Ratio {
                numerator,
                denominator,
            } => {
                out.push(*numerator);
                if let Operand::Input(i) = denominator {
                    out.push(*i);
                }
            }
            Rule::YesNo { input, .. }
            | Rule::Steps { input, .. }
            | Rule::Choice { input, .. }
            | Rule::PerItem { input, .. }
            | Rule::RelativeToBest { input } => out.push(*input),
            Rule::Sum { inputs } => out.extend(inputs),
            Rule::BestOf { cases } => cases.iter().for_each(|c| c.inputs(out)),
        }
    }
}

/// A level band (mức xếp loại) by percentage of the applicable maximum.
#[derive(Debug, Clone)]
pub struct Band {
    pub name: String,
    pub name_en: Option<String>,
    /// Lower bound in percent, inclusive.
    pub min_percent: Decimal,
}

/// The annex: title lines and tables, in the order they are published.
#[derive(Debug, Clone, Default)]
pub struct AnnexLayout {
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub subtitle: Vec<String>,
    pub tables: Vec<TableLayout>,
}

/// What a table shows for its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Points.
    #[default]
    Points,
    /// Points ÷ max, 0–1 (DTI index values).
    Fraction,
}

/// One value column of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnSource {
    /// A criteria node, shown per the table's [`Show`].
    Node(usize),
    /// An input's value as given (e.g. DTI's smart-city index, collected but worth 0 points).
    Input(usize),
}

#[derive(Debug, Clone)]
pub struct ColumnLayout {
    pub source: ColumnSource,
    /// Header override; default is the node's or input's name.
    pub label: Option<String>,
    pub label_en: Option<String>,
    pub decimals: u32,
}

/// A group of rows (khối) in a table.
#[derive(Debug, Clone)]
pub struct SectionLayout {
    /// TT label of the block row ("I"); `None` = no block row.
    pub label: Option<String>,
    pub title: Option<String>,
    pub title_en: Option<String>,
    /// Units of these categories are in the section.
    pub categories: Vec<usize>,
    /// Whether the section's units are ranked (against each other).
    pub ranked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Numbering {
    /// TT restarts at 1 in each section.
    #[default]
    PerSection,
    /// TT runs on across sections.
    Continuous,
}

#[derive(Debug, Clone)]
pub struct TableLayout {
    pub id: String,
    pub title: String,
    pub title_en: Option<String>,
    /// Enclosing part heading ("I. CHỈ SỐ … CỦA CÁC SỞ, BAN, NGÀNH").
    pub part: Option<String>,
    pub part_en: Option<String>,
    /// The node whose points form the total column (root = 0).
    pub node: usize,
    pub columns: Vec<ColumnLayout>,
    /// Merged header over the value columns ("Điểm").
    pub column_group: Option<String>,
    pub column_group_en: Option<String>,
    pub total_label: Option<String>,
    pub total_label_en: Option<String>,
    pub show: Show,
    pub decimals: u32,
    pub sections: Vec<SectionLayout>,
    pub numbering: Numbering,
    pub ranking: RankingPolicy,
    /// Whether the column-number row "(1) (2) …" is printed.
    pub column_numbers: bool,
}

impl TableLayout {
    /// The criteria nodes of the columns, in order (inputs shown for information left out).
    pub fn node_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.columns.iter().filter_map(|c| match c.source {
            ColumnSource::Node(n) => Some(n),
            ColumnSource::Input(_) => None,
        })
    }
}

impl Edition {
    /// Why the edition cannot publish, if it cannot: without a `[[annex.table]]` an annex or an export
    /// would be a document holding only a title. Valid for scoring, so a warning there; `egov annex` and
    /// `egov export` refuse.
    pub fn annex_missing(&self) -> Option<String> {
        self.annex.tables.is_empty().then(|| {
            let id = &self.id;
            crate::msg!(
                "bộ chỉ số {id} không có bảng phụ lục nào ([[annex.table]]): không có gì để công bố; hãy thêm ít nhất một bảng vào phần [annex] của tệp bộ chỉ số",
                "edition {id} has no annex table ([[annex.table]]): there is nothing to publish; add at least one table to the [annex] part of the edition file"
            )
        })
    }

    /// Whether some annex table prints a raw input (a column whose source is an input, not a node).
    pub fn annex_prints_inputs(&self) -> bool {
        self.annex
            .tables
            .iter()
            .flat_map(|t| &t.columns)
            .any(|c| matches!(c.source, ColumnSource::Input(_)))
    }

    pub fn node(&self, code: &str) -> Option<usize> {
        self.node_index.get(code).copied()
    }
    pub fn input(&self, id: &str) -> Option<usize> {
        self.input_index.get(id).copied()
    }
    pub fn category(&self, code: &str) -> Option<usize> {
        self.category_index.get(code).copied()
    }
    /// The ranking block a category belongs to.
    pub fn block_of_category(&self, category: usize) -> Option<usize> {
        self.blocks
            .iter()
            .position(|b| b.categories.contains(&category))
    }
    /// Title in the language asked for.
    pub fn title(&self, lang: Lang) -> &str {
        lang.pick(&self.title, self.title_en.as_deref())
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// One problem in an edition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionProblem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Where in the edition (`criterion A.1.2 / max`).
    pub path: String,
    pub message: String,
}

impl fmt::Display for EditionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.path, self.message
        )
    }
}

/// Every problem found in an edition file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct EditionError {
    pub problems: Vec<EditionProblem>,
}

impl fmt::Display for EditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Raw shape
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    id: Spanned<String>,
    title: String,
    title_en: Option<String>,
    year: i32,
    description: Option<String>,
    #[serde(default)]
    legal_basis: Vec<LegalBasis>,
    #[serde(default)]
    provenance: Provenance,
    #[serde(default)]
    scoring: RawScoring,
    #[serde(default)]
    ranking: RawRanking,
    #[serde(default, rename = "category")]
    categories: Vec<Spanned<RawCategory>>,
    #[serde(default, rename = "block")]
    blocks: Vec<Spanned<RawBlock>>,
    #[serde(default, rename = "input")]
    inputs: Vec<Spanned<RawInput>>,
    #[serde(default, rename = "criterion")]
    criteria: Vec<Spanned<RawCriterion>>,
    #[serde(default, rename = "band")]
    bands: Vec<Spanned<RawBand>>,
    #[serde(default)]
    annex: RawAnnex,
    /// The uncertain choices of `egov robustness`, read by [`crate::robustness::Spec`] from the same
    /// source (so that its problems carry the edition's lines); the edition only lets it through.
    #[allow(dead_code)]
    robustness: Option<toml::Table>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    rounding: Option<Spanned<String>>,
    decimals: Option<Spanned<u32>>,
    /// Maximum of the whole (root); default: the sum of the top-level maxima.
    total_max: Option<Spanned<toml::Value>>,
    total_name: Option<String>,
    total_name_en: Option<String>,
    not_submitted: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRanking {
    ties: Option<Spanned<String>>,
    on: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: Spanned<String>,
    name: String,
    name_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    code: Spanned<String>,
    name: String,
    name_en: Option<String>,
    categories: Vec<Spanned<String>>,
    #[serde(default = "yes")]
    ranked: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    id: Spanned<String>,
    name: String,
    name_en: Option<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    min: Option<Spanned<toml::Value>>,
    max: Option<Spanned<toml::Value>>,
    choices: Option<Vec<String>>,
    unit: Option<String>,
    #[serde(default)]
    evidence: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    code: Spanned<String>,
    name: String,
    name_en: Option<String>,
    max: Option<Spanned<toml::Value>>,
    #[serde(default)]
    cap: bool,
    rule: Option<Spanned<toml::Table>>,
    applies_to: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    requires_flags: Vec<String>,
    #[serde(default)]
    unless_flags: Vec<String>,
    not_applicable: Option<Spanned<String>>,
    #[serde(default)]
    rescale: bool,
    #[serde(default)]
    evidence: bool,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    name: String,
    name_en: Option<String>,
    min_percent: Spanned<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAnnex {
    title: Option<String>,
    title_en: Option<String>,
    #[serde(default)]
    subtitle: Vec<String>,
    #[serde(default, rename = "table")]
    tables: Vec<Spanned<RawTable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    id: Spanned<String>,
    title: String,
    title_en: Option<String>,
    part: Option<String>,
    part_en: Option<String>,
    #[serde(default)]
    node: Option<Spanned<String>>,
    columns: Vec<Spanned<String>>,
    #[serde(default)]
    column_labels: HashMap<String, String>,
    #[serde(default)]
    column_labels_en: HashMap<String, String>,
    column_group: Option<String>,
    column_group_en: Option<String>,
    total_label: Option<String>,
    total_label_en: Option<String>,
    show: Option<Spanned<String>>,
    decimals: Option<Spanned<u32>>,
    #[serde(default)]
    column_decimals: HashMap<String, Spanned<u32>>,
    #[serde(rename = "section")]
    sections: Vec<Spanned<RawSection>>,
    numbering: Option<Spanned<String>>,
    ties: Option<Spanned<String>>,
    rank_on: Option<Spanned<String>>,
    #[serde(default = "yes")]
    column_numbers: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    label: Option<String>,
    title: Option<String>,
    title_en: Option<String>,
    /// Ranking blocks whose categories are in the section.
    #[serde(default)]
    blocks: Vec<Spanned<String>>,
    /// Categories in the section (in addition to those of `blocks`).
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    /// Default: ranked when every block named is ranked.
    ranked: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

struct Checker<'a> {
    src: &'a str,
    file: &'a str,
    problems: Vec<EditionProblem>,
}

impl Checker<'_> {
    fn at(&mut self, offset: usize, path: impl Into<String>, message: impl Into<String>) {
        let (line, column) = line_col(self.src, offset);
        let path = path.into();
        self.problems.push(EditionProblem {
            file: self.file.to_string(),
            line,
            column,
            path: q(&path).into_owned(),
            message: message.into(),
        });
    }

    /// Decimals printed, within [`MAX_DECIMALS`]; `default` when not given or out of range (reported).
    fn decimals(&mut self, v: Option<&Spanned<u32>>, path: &str, default: u32) -> u32 {
        match v {
            None => default,
            Some(d) if *d.get_ref() <= MAX_DECIMALS => *d.get_ref(),
            Some(d) => {
                self.at(
                    d.span().start,
                    path,
                    crate::msg!(
                        "số chữ số thập phân {} vượt giới hạn {MAX_DECIMALS}",
                        "{} decimals exceed the limit of {MAX_DECIMALS}",
                        d.get_ref()
                    ),
                );
                default
            }
        }
    }

    /// Points (a maximum, a cap, points per item), refused above [`MAX_POINTS`].
    fn points_limit(&mut self, p: Decimal, offset: usize, path: &str, what: &str) -> bool {
        if p > MAX_POINTS {
            self.at(
                offset,
                path,
                crate::msg!(
                    "{what} = {} vượt giới hạn {} điểm",
                    "{what} = {} exceeds the limit of {} points",
                    q(&p.normalize().to_string()),
                    MAX_POINTS
                ),
            );
            return false;
        }
        true
    }

    fn decimal(&mut self, v: &Spanned<toml::Value>, path: &str) -> Option<Decimal> {
        match value_decimal(v.get_ref()) {
            Some(d) => Some(d),
            None => {
                self.at(
                    v.span().start,
                    path,
                    crate::msg!(
                        "cần một số, gặp {}",
                        "a number is needed here, not {}",
                        q(&v.get_ref().to_string())
                    ),
                );
                None
            }
        }
    }
}

/// The most decimals a table may print. Ten places are far more than any decision prints (one or two),
/// and keep every printed value within the 28 digits of an exact decimal: a value of at most
/// [`MAX_POINTS`] (16 digits before the separator) with 10 places is 26 digits.
pub const MAX_DECIMALS: u32 = 10;

/// The most points any maximum, cap or per-item value may be (10¹⁵). Real editions give 100 or 1,000
/// points; the bound is what lets validation prove that scoring cannot overflow: sums of maxima are
/// checked when the edition is read, and every product of two point values (at most 10³⁰ before the
/// division that follows it) is computed with checked arithmetic in the engine.
pub const MAX_POINTS: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// An offending value of the file, quoted short ([`crate::text::quote_short`]).
fn q(s: &str) -> std::borrow::Cow<'_, str> {
    crate::text::quote_short(s)
}

/// Keys whose strings are names, codes, titles or labels: printed in decisions and tables, where no
/// control character may stand (tab and line breaks included). Other strings (descriptions, notes,
/// answers of a choice, which a cell may hold on two lines) may break lines but hold no other control
/// character either.
const NAME_KEYS: &[&str] = &[
    "id",
    "code",
    "title",
    "title_en",
    "name",
    "name_en",
    "total_name",
    "total_name_en",
    "subtitle",
    "part",
    "part_en",
    "label",
    "column_group",
    "column_group_en",
    "total_label",
    "total_label_en",
    "unit",
    "number",
    "issuer",
    "categories",
    "blocks",
    "columns",
    "applies_to",
    "requires_flags",
    "unless_flags",
    "node",
];

/// Checks what serde's view of the file loses: the exact text of every number and every string.
/// A float literal must be exactly the decimal egov reads from it (no digit beyond an exact decimal's
/// 28, nothing the double in between rounds away: `1e-300`, a 200-digit fraction), and names hold no
/// control character. Each problem is reported at the value.
fn check_literals(ck: &mut Checker<'_>) {
    let Ok(doc) = toml::de::DeTable::parse(ck.src) else {
        return;
    };
    fn walk(ck: &mut Checker<'_>, key: &str, v: &Spanned<toml::de::DeValue<'_>>) {
        use toml::de::DeValue;
        let at = v.span().start;
        match v.get_ref() {
            DeValue::Float(f) => {
                let raw = f.as_str();
                let exact = crate::num::exact_scientific(raw);
                let via_double = raw
                    .parse::<f64>()
                    .ok()
                    .and_then(|x| value_decimal(&toml::Value::Float(x)));
                match exact {
                    // inf and nan: reported where a number is expected.
                    Err(()) => {}
                    Ok(None) => ck.at(
                        at,
                        key,
                        crate::msg!("số {} không giữ được chính xác (tối đa 28 chữ số có nghĩa và 28 chữ số thập phân); số này không được làm tròn ngầm", "the number {} cannot be held exactly (at most 28 significant digits and 28 decimals); it is never rounded silently",
                            q(raw)
                        ),
                    ),
                    Ok(Some(d)) if via_double != Some(d) => ck.at(
                        at,
                        key,
                        crate::msg!("số {} có nhiều chữ số hơn một số thực TOML giữ được; hãy viết nó thành chuỗi, ví dụ \"{}\"", "the number {} has more digits than a TOML float holds; write it as a string, for example \"{}\"",
                            q(raw),
                            q(&d.to_string().replace('.', ","))
                        ),
                    ),
                    Ok(Some(_)) => {}
                }
            }
            DeValue::String(t) => {
                let bad = if !NAME_KEYS.contains(&key) {
                    t.chars()
                        .enumerate()
                        .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                        .map(|(i, c)| (i + 1, c))
                } else {
                    crate::text::control_char(t)
                };
                if let Some((pos, c)) = bad {
                    ck.at(
                        at,
                        key,
                        crate::msg!("chứa ký tự điều khiển U+{:04X} ở ký tự thứ {pos} (\"{}\"); tên, mã và nhãn không được chứa ký tự điều khiển", "holds the control character U+{:04X} at character {pos} (\"{}\"); names, codes and labels may hold no control character",
                            u32::from(c),
                            q(t).escape_debug()
                        ),
                    );
                }
            }
            DeValue::Array(a) => {
                for x in a {
                    walk(ck, key, x);
                }
            }
            DeValue::Table(t) => table(ck, t),
            DeValue::Integer(_) | DeValue::Boolean(_) | DeValue::Datetime(_) => {}
        }
    }
    fn table(ck: &mut Checker<'_>, t: &toml::de::DeTable<'_>) {
        for (k, v) in t {
            let bad = k
                .get_ref()
                .chars()
                .enumerate()
                .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                .map(|(i, c)| (i + 1, c));
            if let Some((pos, c)) = bad {
                ck.at(
                    k.span().start,
                    k.get_ref().as_ref(),
                    crate::msg!(
                        "khóa chứa ký tự điều khiển U+{:04X} ở ký tự thứ {pos}",
                        "the key holds the control character U+{:04X} at character {pos}",
                        u32::from(c)
                    ),
                );
            }
            walk(ck, k.get_ref(), v);
        }
    }
    table(ck, doc.get_ref());
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

/// A TOML number or a string like `"5,5"` as an exact decimal. Floats go through their shortest
/// round-trip text, so `5.5` and `0.1` become exactly 5,5 and 0,1.
fn value_decimal(v: &toml::Value) -> Option<Decimal> {
    match v {
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) if f.is_finite() => Decimal::from_str(&format!("{f}")).ok(),
        toml::Value::String(s) => crate::num::parse_decimal(s).ok(),
        _ => None,
    }
}

/// The sum of decimals, or `None` when it is not a decimal (rust_decimal's `+` would panic).
fn checked_sum(mut it: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    it.try_fold(Decimal::ZERO, |acc, x| acc.checked_add(x))
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

fn parent_code(code: &str) -> Option<&str> {
    code.rfind('.').map(|i| &code[..i])
}

const RULE_KINDS: &str =
    "points, manual, ratio, yes-no, steps, choice, per-item, sum, best-of, relative-to-best";

impl Edition {
    /// Parses and validates an edition. `file` names the source in problems.
    pub fn from_toml(src: &str, file: &str) -> Result<Edition, EditionError> {
        let src_nfc = crate::text::nfc(src);
        let src = src_nfc.as_str();
        let raw: RawEdition = match toml::from_str(src) {
            Ok(r) => r,
            Err(e) => return Err(structural_problems(src, file, &e)),
        };
        let mut ck = Checker {
            src,
            file,
            problems: Vec::new(),
        };
        check_literals(&mut ck);
        let edition = build(raw, &mut ck);
        if ck.problems.is_empty() {
            Ok(edition)
        } else {
            ck.problems.sort_by_key(|p| (p.line, p.column));
            Err(EditionError {
                problems: ck.problems,
            })
        }
    }
}

/// Every problem of a file serde refused, at once: each TOML syntax error, or else every structural
/// mistake ([`schema`]: unknown keys with the nearest known one, missing keys, wrong types), each at
/// its line and column and in the message language; serde's own error only when neither finds one.
/// The TOML parser's English is shown only in English messages.
fn structural_problems(src: &str, file: &str, serde_error: &toml::de::Error) -> EditionError {
    let mut ck = Checker {
        src,
        file,
        problems: Vec::new(),
    };
    let (doc, syntax) = toml::de::DeTable::parse_recoverable(src);
    for e in &syntax {
        let at = e.span().map_or(0, |s| s.start);
        let detail = e.message().lines().next().unwrap_or("").to_string();
        ck.at(
            at,
            crate::msg!("tệp", "file"),
            crate::msg!(
                "cú pháp TOML không hợp lệ ở đây (kiểm tra dấu ngoặc kép, dấu =, dấu phẩy và dấu ngoặc vuông)",
                "invalid TOML syntax here ({detail})"
            ),
        );
    }
    if syntax.is_empty() {
        for (at, path, message) in schema::check(&doc, schema::EDITION, "") {
            ck.at(at, path, message);
        }
    }
    if ck.problems.is_empty() {
        let at = serde_error.span().map_or(0, |s| s.start);
        let detail = serde_error.message().to_string();
        ck.at(
            at,
            crate::msg!("tệp", "file"),
            crate::msg!(
                "giá trị ở đây không đúng kiểu hoặc không đúng chỗ",
                "the value here has the wrong type or place ({detail})"
            ),
        );
    }
    ck.problems.sort_by_key(|p| (p.line, p.column));
    EditionError {
        problems: ck.problems,
    }
}

fn build(raw: RawEdition, ck: &mut Checker<'_>) -> Edition {
    if !valid_code(raw.id.get_ref()) {
        ck.at(
            raw.id.span().start,
            "id",
            crate::msg!(
                "mã bộ chỉ số chỉ gồm chữ, số, '-', '_' và '.'",
                "an edition id holds only letters, digits, '-', '_' and '.'"
            ),
        );
    }
    let rounding = match raw
        .scoring
        .rounding
        .as_ref()
        .map(|s| (s.get_ref().as_str(), s.span().start))
    {
        None | Some(("half-up", _)) => RoundingMode::HalfUp,
        Some(("half-even", _)) => RoundingMode::HalfEven,
        Some(("down", _)) => RoundingMode::Down,
        Some((other, at)) => {
            let other = q(other);
            ck.at(
                at,
                "scoring.rounding",
                crate::msg!(
                    "kiểu làm tròn '{other}' không có (half-up, half-even, down)",
                    "no rounding mode '{other}' (half-up, half-even, down)"
                ),
            );
            RoundingMode::HalfUp
        }
    };
    let not_submitted = match raw
        .scoring
        .not_submitted
        .as_ref()
        .map(|s| (s.get_ref().as_str(), s.span().start))
    {
        None | Some(("error", _)) => NotSubmitted::Error,
        Some(("zero", _)) => NotSubmitted::Zero,
        Some(("unranked", _)) => NotSubmitted::Unranked,
        Some((other, at)) => {
            let other = q(other);
            ck.at(
                at,
                "scoring.not_submitted",
                crate::msg!(
                    "cách xử lý đơn vị không nộp '{other}' không có (error, zero, unranked)",
                    "no policy '{other}' for units that do not submit (error, zero, unranked)"
                ),
            );
            NotSubmitted::Error
        }
    };
    let ranking = RankingPolicy {
        ties: parse_ties(raw.ranking.ties.as_ref(), "ranking.ties", ck).unwrap_or_default(),
        on: parse_rank_on(raw.ranking.on.as_ref(), "ranking.on", ck).unwrap_or_default(),
    };

    // Categories.
    let mut categories = Vec::new();
    let mut category_index = HashMap::new();
    for c in &raw.categories {
        let c_ref = c.get_ref();
        let code = c_ref.code.get_ref().clone();
        if category_index.contains_key(&code) {
            ck.at(
                c_ref.code.span().start,
                format!("category {}", q(&code)),
                crate::msg!("mã loại đơn vị bị trùng", "duplicate unit category code"),
            );
            continue;
        }
        category_index.insert(code.clone(), categories.len());
        categories.push(Category {
            code,
            name: c_ref.name.clone(),
            name_en: c_ref.name_en.clone(),
        });
    }

    // Blocks: every category in exactly one.
    let mut blocks = Vec::new();
    let mut block_codes: HashMap<String, usize> = HashMap::new();
    let mut category_block: HashMap<usize, String> = HashMap::new();
    for b in &raw.blocks {
        let b_ref = b.get_ref();
        let code = b_ref.code.get_ref().clone();
        if block_codes.contains_key(&code) {
            ck.at(
                b_ref.code.span().start,
                format!("block {}", q(&code)),
                crate::msg!("mã khối bị trùng", "duplicate block code"),
            );
            continue;
        }
        let mut cats = Vec::new();
        for c in &b_ref.categories {
            match category_index.get(c.get_ref()) {
                Some(&i) => {
                    if let Some(other) = category_block.insert(i, code.clone()) {
                        ck.at(
                            c.span().start,
                            format!("block {}", q(&code)),
                            crate::msg!(
                                "loại đơn vị '{}' đã thuộc khối '{}'",
                                "unit category '{}' already belongs to block '{}'",
                                q(c.get_ref()),
                                q(&other)
                            ),
                        );
                    }
                    cats.push(i);
                }
                None => ck.at(
                    c.span().start,
                    format!("block {}", q(&code)),
                    crate::msg!(
                        "loại đơn vị '{}' không được khai báo",
                        "unit category '{}' is not declared",
                        q(c.get_ref())
                    ),
                ),
            }
        }
        block_codes.insert(code.clone(), blocks.len());
        blocks.push(RankBlock {
            code,
            name: b_ref.name.clone(),
            name_en: b_ref.name_en.clone(),
            categories: cats,
            ranked: b_ref.ranked,
        });
    }
    for (i, c) in raw.categories.iter().enumerate() {
        if category_index.get(c.get_ref().code.get_ref()) == Some(&i)
            && !category_block.contains_key(&i)
        {
            ck.at(
                c.span().start,
                format!("category {}", q(c.get_ref().code.get_ref())),
                crate::msg!(
                    "loại đơn vị không thuộc khối xếp hạng nào ([[block]])",
                    "the unit category belongs to no ranking block ([[block]])"
                ),
            );
        }
    }

    // Inputs.
    let mut inputs = Vec::new();
    let mut input_index = HashMap::new();
    for inp in &raw.inputs {
        let r = inp.get_ref();
        let id = r.id.get_ref().clone();
        let path = format!("input {}", q(&id));
        if !valid_code(&id) {
            ck.at(
                r.id.span().start,
                &path,
                crate::msg!(
                    "mã chỉ tiêu chỉ gồm chữ, số, '-', '_' và '.'",
                    "an input id holds only letters, digits, '-', '_' and '.'"
                ),
            );
        }
        if input_index.contains_key(&id) {
            ck.at(
                r.id.span().start,
                &path,
                crate::msg!("mã chỉ tiêu đầu vào bị trùng", "duplicate input id"),
            );
            continue;
        }
        let kind = match r.kind.get_ref().as_str() {
            "number" => InputKind::Number,
            "count" => InputKind::Count,
            "yes-no" => InputKind::YesNo,
            "choice" => match &r.choices {
                Some(c) if !c.is_empty() => {
                    let mut seen = HashSet::new();
                    for ch in c {
                        if !seen.insert(crate::text::clean(ch).to_lowercase()) {
                            ck.at(
                                r.kind.span().start,
                                &path,
                                crate::msg!(
                                    "phương án '{}' bị trùng",
                                    "duplicate choice '{}'",
                                    q(ch)
                                ),
                            );
                        }
                    }
                    InputKind::Choice(c.iter().map(|s| crate::text::clean(s)).collect())
                }
                _ => {
                    ck.at(
                        r.kind.span().start,
                        &path,
                        crate::msg!(
                            "kiểu 'choice' cần danh sách 'choices'",
                            "kind 'choice' needs a list 'choices'"
                        ),
                    );
                    InputKind::Choice(Vec::new())
                }
            },
            other => {
                let other = q(other);
                ck.at(
                    r.kind.span().start,
                    &path,
                    crate::msg!(
                        "kiểu '{other}' không có (number, count, yes-no, choice)",
                        "no input kind '{other}' (number, count, yes-no, choice)"
                    ),
                );
                InputKind::Number
            }
        };
        let min = r.min.as_ref().and_then(|v| ck.decimal(v, &path));
        let max = r.max.as_ref().and_then(|v| ck.decimal(v, &path));
        if let (Some(lo), Some(hi), Some(m)) = (min, max, &r.max)
            && lo > hi
        {
            ck.at(
                m.span().start,
                &path,
                crate::msg!(
                    "max {hi} nhỏ hơn min {lo}",
                    "max {hi} is less than min {lo}"
                ),
            );
        }
        input_index.insert(id.clone(), inputs.len());
        inputs.push(Input {
            id,
            name: r.name.clone(),
            name_en: r.name_en.clone(),
            kind,
            min,
            max,
            unit: r.unit.clone(),
            evidence: r.evidence,
        });
    }

    // Criteria: arena with an implicit root.
    let root = Node {
        code: String::new(),
        name: raw
            .scoring
            .total_name
            .clone()
            .unwrap_or_else(|| "Tổng điểm".into()),
        name_en: raw
            .scoring
            .total_name_en
            .clone()
            .or_else(|| Some("Total".into())),
        parent: None,
        children: Vec::new(),
        depth: 0,
        max: Decimal::ZERO,
        cap: false,
        rule: None,
        reads: Vec::new(),
        applies_to: None,
        requires_flags: Vec::new(),
        unless_flags: Vec::new(),
        not_applicable: NaPolicy::Zero,
        rescale: false,
        evidence: false,
        description: None,
    };
    // First pass: codes, duplicates, parents (order-independent).
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for (i, c) in raw.criteria.iter().enumerate() {
        let code = c.get_ref().code.get_ref();
        let at = c.get_ref().code.span().start;
        if !valid_code(code) {
            ck.at(
                at,
                format!("criterion {}", q(code)),
                crate::msg!("mã tiêu chí phải có dạng A.1.3 (chữ, số, '-', '_' ngăn bởi '.')", "a criterion code has the form A.1.3 (letters, digits, '-', '_' separated by '.')"),
            );
        }
        if by_code.insert(code.clone(), i).is_some() {
            ck.at(
                at,
                format!("criterion {}", q(code)),
                crate::msg!("mã tiêu chí bị trùng", "duplicate criterion code"),
            );
        }
    }
    let mut parent_of: Vec<Option<usize>> = vec![None; raw.criteria.len()];
    let mut ok_node = vec![true; raw.criteria.len()];
    for (i, c) in raw.criteria.iter().enumerate() {
        let code = c.get_ref().code.get_ref();
        if by_code.get(code) != Some(&i) {
            ok_node[i] = false;
            continue;
        }
        if let Some(p) = parent_code(code) {
            match by_code.get(p) {
                Some(&pi) => parent_of[i] = Some(pi),
                None => {
                    ok_node[i] = false;
                    ck.at(
                        c.get_ref().code.span().start,
                        format!("criterion {}", q(code)),
                        crate::msg!(
                            "tiêu chí cha '{}' không được khai báo",
                            "parent criterion '{}' is not declared",
                            q(p)
                        ),
                    );
                }
            }
        }
    }
    // Pre-order from the root following file order.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); raw.criteria.len()];
    let mut tops = Vec::new();
    for i in 0..raw.criteria.len() {
        if !ok_node[i] {
            continue;
        }
        match parent_of[i] {
            Some(p) => kids[p].push(i),
            None => tops.push(i),
        }
    }
    let mut nodes = vec![root];
    let mut raw_to_node: HashMap<usize, usize> = HashMap::new();
    let mut stack: Vec<(usize, usize, usize)> =
        tops.iter().rev().map(|&t| (t, 0usize, 1usize)).collect();
    while let Some((ri, parent, depth)) = stack.pop() {
        let idx = nodes.len();
        raw_to_node.insert(ri, idx);
        nodes[parent].children.push(idx);
        let r = raw.criteria[ri].get_ref();
        nodes.push(Node {
            code: r.code.get_ref().clone(),
            name: crate::text::clean(&r.name),
            name_en: r.name_en.clone(),
            parent: Some(parent),
            children: Vec::new(),
            depth,
            max: Decimal::ZERO,
            cap: r.cap,
            rule: None,
            reads: Vec::new(),
            applies_to: None,
            requires_flags: r.requires_flags.clone(),
            unless_flags: r.unless_flags.clone(),
            not_applicable: NaPolicy::Zero,
            rescale: r.rescale,
            evidence: r.evidence,
            description: r.description.clone(),
        });
        for &k in kids[ri].iter().rev() {
            stack.push((k, idx, depth + 1));
        }
    }
    // Second pass, bottom-up (reverse pre-order): max, rule, applicability, policies.
    let node_raw: HashMap<usize, usize> = raw_to_node.iter().map(|(r, n)| (*n, *r)).collect();
    for n in (1..nodes.len()).rev() {
        let ri = node_raw[&n];
        let r = raw.criteria[ri].get_ref();
        let code = r.code.get_ref().clone();
        let path = format!("criterion {}", q(&code));
        let at = raw.criteria[ri].span().start;
        // Checked: the sum a parent's points can reach must be a decimal (each maximum is bounded, the
        // number of children is not).
        let children_max = match checked_sum(nodes[n].children.iter().map(|&c| nodes[c].max)) {
            Some(m) => m,
            None => {
                ck.at(
                    at,
                    &path,
                    crate::msg!("tổng điểm tối đa của các tiêu chí con quá lớn, không tính được chính xác", "the maxima of the child criteria add up to more than can be computed exactly"),
                );
                Decimal::ZERO
            }
        };
        let is_leaf = nodes[n].children.is_empty();
        let max = match &r.max {
            Some(v) => match ck.decimal(v, &format!("{path} / max")) {
                Some(m) if m < Decimal::ZERO => {
                    ck.at(
                        v.span().start,
                        format!("{path} / max"),
                        crate::msg!(
                            "điểm tối đa không được âm",
                            "the maximum may not be negative"
                        ),
                    );
                    Decimal::ZERO
                }
                Some(m) if !ck.points_limit(m, v.span().start, &format!("{path} / max"), "max") => {
                    Decimal::ZERO
                }
                Some(m) => {
                    if !is_leaf && children_max > m && !r.cap {
                        ck.at(
                            v.span().start,
                            format!("{path} / max"),
                            crate::msg!("tổng điểm tối đa của các tiêu chí con ({}) vượt điểm tối đa {} (khai báo cap = true nếu điểm được chặn trên)", "the maxima of the child criteria add up to {}, more than the maximum {} (declare cap = true if the points are capped)",
                                children_max.normalize(),
                                m.normalize()
                            ),
                        );
                    }
                    m
                }
                None => Decimal::ZERO,
            },
            None if is_leaf => {
                ck.at(
                    at,
                    &path,
                    crate::msg!(
                        "tiêu chí lá cần điểm tối đa 'max'",
                        "a leaf criterion needs a maximum 'max'"
                    ),
                );
                Decimal::ZERO
            }
            None => {
                ck.points_limit(
                    children_max,
                    at,
                    &path,
                    &crate::msg!(
                        "tổng điểm tối đa của các tiêu chí con",
                        "the maxima of the child criteria added up"
                    ),
                );
                children_max
            }
        };
        if r.cap && is_leaf {
            ck.at(
                at,
                &path,
                crate::msg!(
                    "'cap' chỉ dùng cho tiêu chí có tiêu chí con",
                    "'cap' is only for a criterion with child criteria"
                ),
            );
        }
        let rule = match (&r.rule, is_leaf) {
            (Some(t), false) => {
                ck.at(
                    t.span().start,
                    format!("{path} / rule"),
                    crate::msg!("tiêu chí có tiêu chí con được tính bằng tổng các tiêu chí con; không khai báo 'rule'", "a criterion with child criteria scores the sum of its children; declare no 'rule'"),
                );
                None
            }
            (Some(t), true) => parse_rule(
                t.get_ref(),
                t.span().start,
                &format!("{path} / rule"),
                max,
                &inputs,
                &input_index,
                ck,
            ),
            (None, true) => Some(Rule::Points),
            (None, false) => None,
        };
        let applies_to = r.applies_to.as_ref().map(|list| {
            list.iter()
                .filter_map(|c| match category_index.get(c.get_ref()) {
                    Some(&i) => Some(i),
                    None => {
                        ck.at(
                            c.span().start,
                            format!("{path} / applies_to"),
                            crate::msg!(
                                "loại đơn vị '{}' không được khai báo",
                                "unit category '{}' is not declared",
                                q(c.get_ref())
                            ),
                        );
                        None
                    }
                })
                .collect::<Vec<_>>()
        });
        let na = match r
            .not_applicable
            .as_ref()
            .map(|s| (s.get_ref().as_str(), s.span().start))
        {
            None | Some(("zero", _)) => NaPolicy::Zero,
            Some(("not-evaluated", _)) => NaPolicy::NotEvaluated,
            Some(("exclude", _)) => NaPolicy::Exclude,
            Some((other, at)) => {
                let other = q(other);
                ck.at(
                    at,
                    format!("{path} / not_applicable"),
                    crate::msg!(
                        "chính sách '{other}' không có (zero, not-evaluated, exclude)",
                        "no policy '{other}' (zero, not-evaluated, exclude)"
                    ),
                );
                NaPolicy::Zero
            }
        };
        if r.rescale && is_leaf {
            ck.at(
                at,
                &path,
                crate::msg!(
                    "'rescale' chỉ dùng cho tiêu chí có tiêu chí con",
                    "'rescale' is only for a criterion with child criteria"
                ),
            );
        }
        let node = &mut nodes[n];
        node.max = max;
        if let Some(r) = &rule {
            r.inputs(&mut node.reads);
            node.reads.sort_unstable();
            node.reads.dedup();
        }
        node.rule = rule;
        node.applies_to = applies_to;
        node.not_applicable = na;
    }
    let top_max =
        checked_sum(nodes[0].children.iter().map(|&c| nodes[c].max)).unwrap_or_else(|| {
            ck.at(
                0,
                "criterion",
                crate::msg!("tổng điểm tối đa các hạng mục quá lớn, không tính được chính xác", "the maxima of the top-level criteria add up to more than can be computed exactly"),
            );
            Decimal::ZERO
        });
    nodes[0].max = match &raw.scoring.total_max {
        Some(v) => {
            let m = ck.decimal(v, "scoring.total_max").unwrap_or(top_max);
            let within = ck.points_limit(m, v.span().start, "scoring.total_max", "total_max");
            if within && top_max > m {
                ck.at(
                    v.span().start,
                    "scoring.total_max",
                    crate::msg!(
                        "tổng điểm tối đa các hạng mục ({}) vượt {}",
                        "the maxima of the top-level criteria add up to {}, more than {}",
                        top_max.normalize(),
                        m.normalize()
                    ),
                );
            }
            m
        }
        None => {
            ck.points_limit(
                top_max,
                0,
                "criterion",
                &crate::msg!(
                    "tổng điểm tối đa các hạng mục",
                    "the maxima of the top-level criteria added up"
                ),
            );
            top_max
        }
    };
    if nodes.len() == 1 && raw.criteria.is_empty() {
        ck.at(
            0,
            "criterion",
            crate::msg!(
                "bộ chỉ số chưa có tiêu chí nào ([[criterion]])",
                "the edition has no criterion yet ([[criterion]])"
            ),
        );
    }
    let node_index: HashMap<String, usize> = nodes
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, n)| (n.code.clone(), i))
        .collect();
    // A data column names an input or a node; the two namespaces must not overlap.
    for inp in &raw.inputs {
        let id = inp.get_ref().id.get_ref();
        if node_index.contains_key(id) {
            ck.at(
                inp.get_ref().id.span().start,
                format!("input {}", q(id)),
                crate::msg!(
                    "mã chỉ tiêu trùng với mã một tiêu chí; cột dữ liệu sẽ không rõ nghĩa",
                    "the input id is also a criterion code; a data column would be ambiguous"
                ),
            );
        }
    }

    // Bands.
    let mut bands = Vec::new();
    let mut last: Option<Decimal> = None;
    for b in &raw.bands {
        let r = b.get_ref();
        let path = format!("band {}", r.name);
        if let Some(p) = ck.decimal(&r.min_percent, &path) {
            if p < Decimal::ZERO || p > Decimal::ONE_HUNDRED {
                ck.at(
                    r.min_percent.span().start,
                    &path,
                    crate::msg!(
                        "min_percent phải từ 0 đến 100",
                        "min_percent must be from 0 to 100"
                    ),
                );
            }
            if let Some(l) = last
                && p >= l
            {
                ck.at(
                    r.min_percent.span().start,
                    &path,
                    crate::msg!(
                        "các mức xếp loại phải theo thứ tự ngưỡng giảm dần",
                        "bands must come in decreasing order of threshold"
                    ),
                );
            }
            last = Some(p);
            bands.push(Band {
                name: r.name.clone(),
                name_en: r.name_en.clone(),
                min_percent: p,
            });
        }
    }

    // Annex layout.
    let decimals = ck.decimals(raw.scoring.decimals.as_ref(), "scoring.decimals", 2);
    let mut tables = Vec::new();
    let mut table_ids = HashSet::new();
    for t in &raw.annex.tables {
        let r = t.get_ref();
        let id = r.id.get_ref().clone();
        let path = format!("annex.table {}", q(&id));
        if !table_ids.insert(id.clone()) {
            ck.at(
                r.id.span().start,
                &path,
                crate::msg!("mã bảng bị trùng", "duplicate table id"),
            );
        }
        let node = match &r.node {
            None => 0,
            Some(s) if s.get_ref().is_empty() => 0,
            Some(s) => node_index.get(s.get_ref()).copied().unwrap_or_else(|| {
                ck.at(
                    s.span().start,
                    format!("{path} / node"),
                    crate::msg!(
                        "tiêu chí '{}' không có",
                        "no criterion '{}'",
                        q(s.get_ref())
                    ),
                );
                0
            }),
        };
        let show = match r
            .show
            .as_ref()
            .map(|s| (s.get_ref().as_str(), s.span().start))
        {
            None | Some(("points", _)) => Show::Points,
            Some(("fraction", _)) => Show::Fraction,
            Some((other, at)) => {
                let other = q(other);
                ck.at(
                    at,
                    format!("{path} / show"),
                    crate::msg!(
                        "'{other}' không có (points, fraction)",
                        "no '{other}' (points, fraction)"
                    ),
                );
                Show::Points
            }
        };
        let table_decimals =
            ck.decimals(r.decimals.as_ref(), &format!("{path} / decimals"), decimals);
        let mut columns = Vec::new();
        for c in &r.columns {
            let key = c.get_ref();
            let source = if let Some(inp) = key.strip_prefix("input:") {
                match input_index.get(inp) {
                    Some(&i) => Some(ColumnSource::Input(i)),
                    None => {
                        ck.at(
                            c.span().start,
                            format!("{path} / columns"),
                            crate::msg!("chỉ tiêu '{}' không có", "no input '{}'", q(inp)),
                        );
                        None
                    }
                }
            } else {
                match node_index.get(key) {
                    Some(&i) => Some(ColumnSource::Node(i)),
                    None => {
                        ck.at(
                            c.span().start,
                            format!("{path} / columns"),
                            crate::msg!("tiêu chí '{}' không có", "no criterion '{}'", q(key)),
                        );
                        None
                    }
                }
            };
            if let Some(source) = source {
                columns.push(ColumnLayout {
                    source,
                    label: r.column_labels.get(key).cloned(),
                    label_en: r.column_labels_en.get(key).cloned(),
                    decimals: ck.decimals(
                        r.column_decimals.get(key),
                        &format!("{path} / column_decimals"),
                        table_decimals,
                    ),
                });
            }
        }
        for key in r.column_decimals.keys().chain(r.column_labels.keys()) {
            if !r.columns.iter().any(|c| c.get_ref() == key) {
                ck.at(
                    t.span().start,
                    &path,
                    crate::msg!(
                        "'{}' không phải là một cột của bảng",
                        "'{}' is not a column of the table",
                        q(key)
                    ),
                );
            }
        }
        let mut sections = Vec::new();
        for s in &r.sections {
            let sr = s.get_ref();
            let mut cats = Vec::new();
            let mut all_ranked = true;
            for b in &sr.blocks {
                match block_codes.get(b.get_ref()) {
                    Some(&bi) => {
                        cats.extend(blocks[bi].categories.iter().copied());
                        all_ranked &= blocks[bi].ranked;
                    }
                    None => ck.at(
                        b.span().start,
                        format!("{path} / section"),
                        crate::msg!("khối '{}' không có", "no block '{}'", q(b.get_ref())),
                    ),
                }
            }
            for c in &sr.categories {
                match category_index.get(c.get_ref()) {
                    Some(&ci) => {
                        if !cats.contains(&ci) {
                            cats.push(ci);
                        }
                        if let Some(bc) = category_block.get(&ci) {
                            all_ranked &= blocks[block_codes[bc]].ranked;
                        }
                    }
                    None => ck.at(
                        c.span().start,
                        format!("{path} / section"),
                        crate::msg!(
                            "loại đơn vị '{}' không được khai báo",
                            "unit category '{}' is not declared",
                            q(c.get_ref())
                        ),
                    ),
                }
            }
            if sr.blocks.is_empty() && sr.categories.is_empty() {
                ck.at(
                    s.span().start,
                    format!("{path} / section"),
                    crate::msg!(
                        "khối hàng cần 'blocks' hoặc 'categories'",
                        "a section needs 'blocks' or 'categories'"
                    ),
                );
            }
            sections.push(SectionLayout {
                label: sr.label.clone(),
                title: sr.title.clone(),
                title_en: sr.title_en.clone(),
                categories: cats,
                ranked: sr.ranked.unwrap_or(all_ranked),
            });
        }
        if sections.is_empty() {
            ck.at(
                t.span().start,
                &path,
                crate::msg!(
                    "bảng cần ít nhất một [[annex.table.section]]",
                    "a table needs at least one [[annex.table.section]]"
                ),
            );
        }
        let numbering = match r
            .numbering
            .as_ref()
            .map(|s| (s.get_ref().as_str(), s.span().start))
        {
            None | Some(("per-section", _)) => Numbering::PerSection,
            Some(("continuous", _)) => Numbering::Continuous,
            Some((other, at)) => {
                let other = q(other);
                ck.at(
                    at,
                    format!("{path} / numbering"),
                    crate::msg!(
                        "'{other}' không có (per-section, continuous)",
                        "no '{other}' (per-section, continuous)"
                    ),
                );
                Numbering::PerSection
            }
        };
        let table_ranking = RankingPolicy {
            ties: parse_ties(r.ties.as_ref(), &format!("{path} / ties"), ck)
                .unwrap_or(ranking.ties),
            on: parse_rank_on(r.rank_on.as_ref(), &format!("{path} / rank_on"), ck)
                .unwrap_or(ranking.on),
        };
        tables.push(TableLayout {
            id,
            title: r.title.clone(),
            title_en: r.title_en.clone(),
            part: r.part.clone(),
            part_en: r.part_en.clone(),
            node,
            columns,
            column_group: r.column_group.clone(),
            column_group_en: r.column_group_en.clone(),
            total_label: r.total_label.clone(),
            total_label_en: r.total_label_en.clone(),
            show,
            decimals: table_decimals,
            sections,
            numbering,
            ranking: table_ranking,
            column_numbers: r.column_numbers,
        });
    }

    Edition {
        id: raw.id.into_inner(),
        title: raw.title,
        title_en: raw.title_en,
        year: raw.year,
        description: raw.description,
        legal_basis: raw.legal_basis,
        provenance: raw.provenance,
        rounding,
        decimals,
        ranking,
        not_submitted,
        categories,
        blocks,
        inputs,
        nodes,
        bands,
        annex: AnnexLayout {
            title: raw.annex.title,
            title_en: raw.annex.title_en,
            subtitle: raw.annex.subtitle,
            tables,
        },
        node_index,
        input_index,
        category_index,
    }
}

fn parse_ties(v: Option<&Spanned<String>>, path: &str, ck: &mut Checker<'_>) -> Option<Ties> {
    let v = v?;
    match v.get_ref().as_str() {
        "dense" => Some(Ties::Dense),
        "competition" => Some(Ties::Competition),
        other => {
            let other = q(other);
            ck.at(
                v.span().start,
                path,
                crate::msg!(
                    "cách xếp hạng đồng hạng '{other}' không có (dense, competition)",
                    "no way of ranking ties '{other}' (dense, competition)"
                ),
            );
            None
        }
    }
}

fn parse_rank_on(v: Option<&Spanned<String>>, path: &str, ck: &mut Checker<'_>) -> Option<RankOn> {
    let v = v?;
    match v.get_ref().as_str() {
        "rounded" => Some(RankOn::Rounded),
        "exact" => Some(RankOn::Exact),
        other => {
            let other = q(other);
            ck.at(
                v.span().start,
                path,
                crate::msg!(
                    "'{other}' không có (rounded, exact)",
                    "no '{other}' (rounded, exact)"
                ),
            );
            None
        }
    }
}

/// Reads a rule table (`{ kind = "ratio", numerator = "a", denominator = "b" }`).
fn parse_rule(
    t: &toml::Table,
    at: usize,
    path: &str,
    max: Decimal,
    inputs: &[Input],
    input_index: &HashMap<String, usize>,
    ck: &mut Checker<'_>,
) -> Option<Rule> {
    let Some(kind) = t.get("kind").and_then(|k| k.as_str()) else {
        ck.at(
            at,
            path,
            crate::msg!(
                "thiếu 'kind' của quy tắc tính điểm ({RULE_KINDS})",
                "the scoring rule has no 'kind' ({RULE_KINDS})"
            ),
        );
        return None;
    };
    let allowed: &[&str] = match kind {
        "points" | "manual" => &["kind"],
        "ratio" => &["kind", "numerator", "denominator", "denominator_value"],
        "yes-no" => &["kind", "input", "yes", "no"],
        "steps" => &["kind", "input", "steps"],
        "choice" => &["kind", "input", "options"],
        "per-item" => &["kind", "input", "per", "cap"],
        "sum" => &["kind", "inputs"],
        "best-of" => &["kind", "cases"],
        "relative-to-best" => &["kind", "input"],
        other => {
            let other = q(other);
            ck.at(
                at,
                path,
                crate::msg!(
                    "quy tắc '{other}' không có ({RULE_KINDS})",
                    "no rule kind '{other}' ({RULE_KINDS})"
                ),
            );
            return None;
        }
    };
    for key in t.keys() {
        if !allowed.contains(&key.as_str()) {
            ck.at(
                at,
                path,
                crate::msg!(
                    "quy tắc '{kind}' không có tham số '{}'",
                    "rule '{kind}' has no parameter '{}'",
                    q(key)
                ),
            );
        }
    }
    let input_ref = |key: &str, ck: &mut Checker<'_>| -> Option<usize> {
        match t.get(key).and_then(|v| v.as_str()) {
            Some(id) => {
                match input_index.get(id) {
                    Some(&i) => Some(i),
                    None => {
                        ck.at(at, path, crate::msg!("quy tắc '{kind}' dùng chỉ tiêu '{}' chưa được khai báo ([[input]])", "rule '{kind}' uses the input '{}', which is not declared ([[input]])", q(id)));
                        None
                    }
                }
            }
            None => {
                ck.at(
                    at,
                    path,
                    crate::msg!(
                        "quy tắc '{kind}' cần tham số '{key}' (mã chỉ tiêu)",
                        "rule '{kind}' needs the parameter '{key}' (an input id)"
                    ),
                );
                None
            }
        }
    };
    let dec = |key: &str, default: Option<Decimal>, ck: &mut Checker<'_>| -> Option<Decimal> {
        match t.get(key) {
            Some(v) => value_decimal(v).or_else(|| {
                ck.at(
                    at,
                    path,
                    crate::msg!(
                        "tham số '{key}' phải là số",
                        "the parameter '{key}' must be a number"
                    ),
                );
                None
            }),
            None => default.or_else(|| {
                ck.at(
                    at,
                    path,
                    crate::msg!(
                        "quy tắc '{kind}' cần tham số '{key}'",
                        "rule '{kind}' needs the parameter '{key}'"
                    ),
                );
                None
            }),
        }
    };
    let expect_kind = |i: usize, want: &[&str], ck: &mut Checker<'_>| {
        let k = match &inputs[i].kind {
            InputKind::Number => "number",
            InputKind::Count => "count",
            InputKind::YesNo => "yes-no",
            InputKind::Choice(_) => "choice",
        };
        if !want.contains(&k) {
            ck.at(
                at,
                path,
                crate::msg!(
                    "quy tắc '{kind}' cần chỉ tiêu kiểu {}, '{}' là kiểu {k}",
                    "rule '{kind}' needs an input of kind {}, '{}' is of kind {k}",
                    want.join(&crate::msg!(" hoặc ", " or ")),
                    inputs[i].id
                ),
            );
        }
    };
    let check_points = |p: Decimal, what: &str, ck: &mut Checker<'_>| {
        if p < Decimal::ZERO || p > max {
            ck.at(
                at,
                path,
                crate::msg!(
                    "{what} = {} nằm ngoài 0…{} (điểm tối đa)",
                    "{what} = {} is outside 0…{} (the maximum)",
                    p.normalize(),
                    max.normalize()
                ),
            );
        }
    };
    match kind {
        "points" => Some(Rule::Points),
        "manual" => Some(Rule::Manual),
        "ratio" => {
            let numerator = input_ref("numerator", ck);
            let denominator = match (t.get("denominator"), t.get("denominator_value")) {
                (Some(_), None) => input_ref("denominator", ck).map(Operand::Input),
                (None, Some(v)) => match value_decimal(v) {
                    Some(d) if d > Decimal::ZERO => Some(Operand::Constant(d)),
                    _ => {
                        ck.at(
                            at,
                            path,
                            crate::msg!(
                                "denominator_value phải là số dương",
                                "denominator_value must be a positive number"
                            ),
                        );
                        None
                    }
                },
                _ => {
                    ck.at(at, path, crate::msg!("quy tắc 'ratio' cần đúng một trong 'denominator' (mã chỉ tiêu) hoặc 'denominator_value' (hằng số)", "rule 'ratio' needs exactly one of 'denominator' (an input id) or 'denominator_value' (a constant)"));
                    None
                }
            };
            for i in [
                numerator,
                denominator.as_ref().and_then(|d| {
                    if let Operand::Input(i) = d {
                        Some(*i)
                    } else {
                        None
                    }
                }),
            ]
            .into_iter()
            .flatten()
            {
                expect_kind(i, &["number", "count"], ck);
            }
            Some(Rule::Ratio {
                numerator: numerator?,
                denominator: denominator?,
            })
        }
        "yes-no" => {
            let input = input_ref("input", ck);
            if let Some(i) = input {
                expect_kind(i, &["yes-no"], ck);
            }
            let yes = dec("yes", Some(max), ck)?;
            let no = dec("no", Some(Decimal::ZERO), ck)?;
            check_points(yes, "yes", ck);
            check_points(no, "no", ck);
            Some(Rule::YesNo {
                input: input?,
                yes,
                no,
            })
        }
        "steps" => {
            let input = input_ref("input", ck);
            if let Some(i) = input {
                expect_kind(i, &["number", "count"], ck);
            }
            let mut steps = Vec::new();
            match t.get("steps").and_then(|s| s.as_array()) {
                Some(arr) if !arr.is_empty() => {
                    for s in arr {
                        match s
                            .as_array()
                            .map(|p| p.iter().map(value_decimal).collect::<Vec<_>>())
                        {
                            Some(p) if p.len() == 2 && p.iter().all(Option::is_some) => {
                                let (th, pts) = (p[0].unwrap(), p[1].unwrap());
                                check_points(
                                    pts,
                                    &crate::msg!("điểm của bậc", "a step's points"),
                                    ck,
                                );
                                steps.push((th, pts));
                            }
                            _ => ck.at(
                                at,
                                path,
                                crate::msg!(
                                    "mỗi bậc của 'steps' là [ngưỡng, điểm]",
                                    "each step of 'steps' is [threshold, points]"
                                ),
                            ),
                        }
                    }
                }
                _ => ck.at(
                    at,
                    path,
                    crate::msg!(
                        "quy tắc 'steps' cần 'steps = [[ngưỡng, điểm], …]'",
                        "rule 'steps' needs 'steps = [[threshold, points], …]'"
                    ),
                ),
            }
            steps.sort_by_key(|s| std::cmp::Reverse(s.0));
            if steps.windows(2).any(|w| w[0].0 == w[1].0) {
                ck.at(
                    at,
                    path,
                    crate::msg!(
                        "hai bậc có cùng ngưỡng",
                        "two steps have the same threshold"
                    ),
                );
            }
            Some(Rule::Steps {
                input: input?,
                steps,
            })
        }
        "choice" => {
            let input = input_ref("input", ck);
            let mut options = Vec::new();
            match t.get("options").and_then(|o| o.as_table()) {
                Some(tab) if !tab.is_empty() => {
                    for (label, v) in tab {
                        match value_decimal(v) {
                            Some(p) => {
                                check_points(
                                    p,
                                    &crate::msg!(
                                        "điểm của phương án '{}'",
                                        "the points of choice '{}'",
                                        q(label)
                                    ),
                                    ck,
                                );
                                options.push((crate::text::clean(label), p));
                            }
                            None => ck.at(
                                at,
                                path,
                                crate::msg!(
                                    "điểm của phương án '{}' phải là số",
                                    "the points of choice '{}' must be a number",
                                    q(label)
                                ),
                            ),
                        }
                    }
                }
                _ => ck.at(
                    at,
                    path,
                    crate::msg!(
                        "quy tắc 'choice' cần 'options = {{ \"phương án\" = điểm, … }}'",
                        "rule 'choice' needs 'options = {{ \"choice\" = points, … }}'"
                    ),
                ),
            }
            if let Some(i) = input {
                match &inputs[i].kind {
                    InputKind::Choice(choices) => {
                        for (label, _) in &options {
                            if !choices
                                .iter()
                                .any(|c| c.to_lowercase() == label.to_lowercase())
                            {
                                ck.at(
                                    at,
                                    path,
                                    crate::msg!(
                                        "phương án '{label}' không có trong 'choices' của '{}'",
                                        "choice '{label}' is not among the 'choices' of '{}'",
                                        inputs[i].id
                                    ),
                                );
                            }
                        }
                        for c in choices {
                            if !options
                                .iter()
                                .any(|(l, _)| l.to_lowercase() == c.to_lowercase())
                            {
                                ck.at(
                                    at,
                                    path,
                                    crate::msg!(
                                        "phương án '{c}' của '{}' chưa có điểm",
                                        "choice '{c}' of '{}' has no points",
                                        inputs[i].id
                                    ),
                                );
                            }
                        }
                    }
                    _ => expect_kind(i, &["choice"], ck),
                }
            }
            let input = input?;
            let by_choice = match &inputs[input].kind {
                InputKind::Choice(choices) => choices
                    .iter()
                    .map(|c| {
                        options
                            .iter()
                            .find(|(l, _)| crate::text::eq_ci(l, c))
                            .map_or(Decimal::ZERO, |(_, p)| *p)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Some(Rule::Choice {
                input,
                options,
                by_choice,
            })
        }
        "per-item" => {
            let input = input_ref("input", ck);
            if let Some(i) = input {
                expect_kind(i, &["count", "number"], ck);
            }
            let per = dec("per", None, ck)?;
            let cap = dec("cap", Some(max), ck)?;
            check_points(cap, "cap", ck);
            if per <= Decimal::ZERO {
                ck.at(
                    at,
                    path,
                    crate::msg!("'per' phải dương", "'per' must be positive"),
                );
            }
            ck.points_limit(per, at, path, "per");
            Some(Rule::PerItem {
                input: input?,
                per,
                cap,
            })
        }
        "sum" => {
            let mut ids = Vec::new();
            match t.get("inputs").and_then(|v| v.as_array()) {
                Some(arr) if !arr.is_empty() => {
                    for v in arr {
                        match v
                            .as_str()
                            .and_then(|id| input_index.get(id).map(|i| (id, *i)))
                        {
                            Some((_, i)) => {
                                expect_kind(i, &["number", "count"], ck);
                                ids.push(i);
                            }
                            None => ck.at(
                                at,
                                path,
                                crate::msg!("quy tắc 'sum' dùng chỉ tiêu {} chưa được khai báo ([[input]])", "rule 'sum' uses the input {}, which is not declared ([[input]])",
                                    q(&v.to_string())
                                ),
                            ),
                        }
                    }
                }
                _ => ck.at(
                    at,
                    path,
                    crate::msg!(
                        "quy tắc 'sum' cần 'inputs = [\"…\", …]'",
                        "rule 'sum' needs 'inputs = [\"…\", …]'"
                    ),
                ),
            }
            Some(Rule::Sum { inputs: ids })
        }
        "best-of" => {
            let mut cases = Vec::new();
            match t.get("cases").and_then(|v| v.as_array()) {
                Some(arr) if arr.len() >= 2 => {
                    for (k, c) in arr.iter().enumerate() {
                        match c.as_table() {
                            Some(ct) => {
                                if let Some(r) = parse_rule(
                                    ct,
                                    at,
                                    &format!("{path} / cases[{k}]"),
                                    max,
                                    inputs,
                                    input_index,
                                    ck,
                                ) {
                                    if matches!(r, Rule::Points | Rule::Manual) {
                                        ck.at(at, path, crate::msg!("một trường hợp của 'best-of' phải tính từ chỉ tiêu, không phải điểm nhập trực tiếp", "a case of 'best-of' must compute from inputs, not from points entered directly"));
                                    }
                                    cases.push(r);
                                }
                            }
                            None => ck.at(
                                at,
                                path,
                                crate::msg!(
                                    "mỗi trường hợp của 'best-of' là một quy tắc {{ kind = … }}",
                                    "each case of 'best-of' is a rule {{ kind = … }}"
                                ),
                            ),
                        }
                    }
                }
                _ => ck.at(
                    at,
                    path,
                    crate::msg!(
                        "quy tắc 'best-of' cần ít nhất hai trường hợp 'cases'",
                        "rule 'best-of' needs at least two 'cases'"
                    ),
                ),
            }
            Some(Rule::BestOf { cases })
        }
        "relative-to-best" => {
            let input = input_ref("input", ck);
            if let Some(i) = input {
                expect_kind(i, &["number", "count"], ck);
            }
            Some(Rule::RelativeToBest { input: input? })
        }
        _ => unreachable!("kinds are matched above"),
    }
}
