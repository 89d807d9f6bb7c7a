//! The Excel entry template of an edition (`egov template`) and reading a filled one back
//! (`egov import-values`).
//!
//! **Layout, and why.** A Vietnamese unit officer fills a *phiếu tự đánh giá*: a form that lists the
//! criteria top to bottom (STT, tiêu chí, đơn vị tính, điểm tối đa, cách tính, minh chứng) with the
//! unit's answer in a column on the right. The template keeps that shape: **indicators are rows, units are
//! columns**. Each ranking block gets one sheet (its units side by side, so the organiser can send one
//! file to a whole district or consolidate a block); a template made for a single unit is the same sheet
//! with one unit column, i.e. exactly the familiar self-assessment form. Rows follow the criteria tree in
//! pre-order: a grey row for every group, a grey row for every scored criterion with its rule and maximum,
//! and under it a white entry row for each input the rule reads (or the criterion's own row when points
//! are entered directly). Column F says how points are computed and the maximum; column G whether
//! evidence is required.
//!
//! **Locking.** Every sheet is protected; only the entry cells (and, in a template made without units, the
//! unit's name, code, category and flags) are unlocked. Cells of an item that cannot apply to a unit (its
//! category or flags exclude it) are locked, grey and say "Không áp dụng". Data validation mirrors the
//! rules of [`Dataset::from_csv`]: number ranges, whole numbers, Có/Không lists, choice lists (kept on
//! the hidden sheet because answers may contain commas), "Không áp dụng" where the edition gives the
//! item a not-applicable meaning. Excel's validation is guidance for the officer; the authority is the
//! reading back, which accepts exactly what a CSV file would (so "Không áp dụng" typed where Excel's
//! list does not offer it is still read, as `from_csv` reads it). Column G only says whether evidence is
//! required: the evidence itself (document number, file) is not part of a dataset and is sent separately.
//!
//! **Machine keys.** Reading back never depends on Vietnamese labels: the hidden column A holds each
//! row's key (an input id, a criterion code, or `#name`/`#code`/`#category`/`#flags`) and the hidden row
//! 1 marks unit columns with `#unit`. The very hidden sheet [`META_SHEET`] holds the format version, the
//! edition id, which sheet is which block, and the validation lists.
//!
//! **Reading back.** [`read_values`] turns the sheets into the CSV text form (units, and values in the long
//! `unit,key,value` form, one line per cell) and calls [`Dataset::from_csv`], so a workbook is validated
//! by exactly the same rules as a CSV file; every problem's line and column are mapped back to its cell
//! and reported as `Sheet!H12: …`, all at once. Any problem rejects the whole file. The file is
//! untrusted: it is opened through [`egov_import::package`], which checks the zip before inflating
//! anything and streams only the cells that hold a value within [`Limits::FORMS`] (a cell at
//! XFD1048576 is refused as [`TemplateError::TooLarge`] naming that cell, never allocated as a grid).

use std::collections::{HashMap, HashSet};
use std::fmt;

use calamine::{Data, Reader as _};
use egov_core::dataset::{DataProblem, Dataset, DatasetMeta, Source, Unit, Value};
use egov_core::edition::{Edition, Input, InputKind, NaPolicy, Node, Operand, Rule};
use egov_core::lang::Lang;
use egov_core::text::clean;
use egov_import::package::{self, Limits, PackageError, Sheet};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format as XFormat, FormatAlign, FormatBorder,
    Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::ExportError;

/// Written to and checked on the meta sheet; bump when the layout changes incompatibly.
pub const FORMAT_VERSION: &str = "egov-template/1";
/// The very hidden sheet with the format version, edition id, sheet map and validation lists.
pub const META_SHEET: &str = "_egov";
/// Unit columns of a block sheet in a template made without units.
pub const BLANK_UNIT_COLUMNS: u16 = 30;

const FONT: &str = "Times New Roman";
const NA_VI: &str = "Không áp dụng";
const NA_EN: &str = "Not applicable";

// Rows and columns of a block sheet (0-based).
const KEY_ROW: u32 = 0;
const TITLE_ROW: u32 = 1;
const SUBTITLE_ROW: u32 = 2;
const HEAD_ROW: u32 = 3;
const NAME_ROW: u32 = 4;
const CODE_ROW: u32 = 5;
const CATEGORY_ROW: u32 = 6;
const FLAGS_ROW: u32 = 7;
const FIRST_ITEM_ROW: u32 = 8;
const KEY_COL: u16 = 0;
const UNIT_COL: u16 = 7;

const KEY_MARK: &str = "#key";
const UNIT_MARK: &str = "#unit";
const NAME_KEY: &str = "#name";
const CODE_KEY: &str = "#code";
const CATEGORY_KEY: &str = "#category";
const FLAGS_KEY: &str = "#flags";

/// A value to pre-fill in an entry cell (see [`template_prefilled`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Written as a numeric cell.
    Number(Decimal),
    /// Written as text, exactly as given (an answer, "Không áp dụng", or anything an officer might type).
    Text(String),
}

/// The Excel entry template of `edition`: instructions, one sheet per ranking block, nothing filled in.
///
/// With `units`, each block sheet has one locked column per unit of the block (in the given order); without,
/// [`BLANK_UNIT_COLUMNS`] empty columns where officers enter their unit's name, code, category and flags.
pub fn template(
    edition: &Edition,
    units: Option<&[Unit]>,
    lang: Lang,
) -> Result<Vec<u8>, ExportError> {
    build(edition, units, &HashMap::new(), lang)
}

/// The template with the entry cells of `data` filled in: a submission sent back for correction, or last
/// year's values as a starting point. Items that cannot apply to a unit stay locked as "Không áp dụng".
pub fn template_with_values(
    edition: &Edition,
    data: &Dataset,
    lang: Lang,
) -> Result<Vec<u8>, ExportError> {
    let mut entries = HashMap::new();
    // Points a dataset gives at a node the form has no row for (a category total entered over its
    // groups, as published decisions print them) would be dropped from the form without a word, and
    // the unit's total would change when the form comes back: refused, naming them.
    let rows: std::collections::HashSet<String> = entry_keys(edition).into_iter().collect();
    let mut missing: Vec<String> = Vec::new();
    for (u, unit) in data.units.iter().enumerate() {
        for (i, input) in edition.inputs.iter().enumerate() {
            if let Some(e) = value_entry(&data.input(u, i), Some(input), lang) {
                entries.insert((unit.code.clone(), input.id.clone()), e);
            }
        }
        for (n, node) in edition.nodes.iter().enumerate().skip(1) {
            if let Some(e) = data.given(u, n).and_then(|v| value_entry(v, None, lang)) {
                if !rows.contains(&node.code) {
                    missing.push(format!("{} ở {}", unit.code, node.code));
                    continue;
                }
                entries.insert((unit.code.clone(), node.code.clone()), e);
            }
        }
    }
    if !missing.is_empty() {
        let n = missing.len();
        missing.truncate(5);
        return Err(ExportError::Table {
            table: "mẫu nhập liệu".into(),
            message: format!(
                "bộ dữ liệu cho điểm trực tiếp ở {n} chỗ mà mẫu không có ô để nhập ({}{}); mẫu sẽ làm mất các điểm này và đổi tổng điểm. Hãy bỏ các điểm đó khỏi bộ dữ liệu (chỉ giữ điểm các tiêu chí của mẫu) rồi tạo lại mẫu",
                missing.join(", "),
                if n > 5 { ", …" } else { "" }
            ),
        });
    }
    build(edition, Some(&data.units), &entries, lang)
}

/// The template with entry cells pre-filled from `(unit code, key) → entry`, written without checking
/// them (reading the file back checks every cell). Keys are input ids or criterion codes.
pub fn template_prefilled(
    edition: &Edition,
    units: &[Unit],
    entries: &HashMap<(String, String), Entry>,
    lang: Lang,
) -> Result<Vec<u8>, ExportError> {
    build(edition, Some(units), entries, lang)
}

fn value_entry(v: &Value, input: Option<&Input>, lang: Lang) -> Option<Entry> {
    match v {
        Value::Missing => None,
        Value::Number(d) => Some(Entry::Number(*d)),
        Value::Bool(b) => Some(Entry::Text(yes_no(*b, lang).to_string())),
        Value::Choice(k) => match input.map(|i| &i.kind) {
            Some(InputKind::Choice(choices)) => {
                choices.get(*k as usize).map(|c| Entry::Text(c.clone()))
            }
            _ => None,
        },
        Value::NotApplicable => Some(Entry::Text(na_text(lang).to_string())),
    }
}

fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::Vi) => "Có",
        (false, Lang::Vi) => "Không",
        (true, Lang::En) => "Yes",
        (false, Lang::En) => "No",
    }
}

fn na_text(lang: Lang) -> &'static str {
    lang.tr(NA_VI, NA_EN)
}

/// A decimal as Vietnamese (or English) prose writes it: `0,5`, `100`.
fn num_text(d: Decimal, lang: Lang) -> String {
    let s = d.normalize().to_string();
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

// ---------------------------------------------------------------------------------------------
// The rows of a block sheet
// ---------------------------------------------------------------------------------------------

/// What a data row's key refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Input(usize),
    Node(usize),
}

enum RowSpec {
    /// An aggregate (category, group): code, name, maximum.
    Group(usize),
    /// A scored criterion whose rule reads the inputs in the rows below it.
    Criterion(usize),
    /// An entry row.
    Entry(Key),
    /// Heading of the inputs no rule reads (collected, not scored).
    Extra,
}

/// The rows of every block sheet, in order, and which leaves read each input.
struct Plan {
    rows: Vec<RowSpec>,
    /// Leaves whose rule reads the input.
    users: Vec<Vec<usize>>,
}

fn plan(edition: &Edition) -> Plan {
    let mut users = vec![Vec::new(); edition.inputs.len()];
    let mut rows = Vec::new();
    let mut placed = vec![false; edition.inputs.len()];
    for (n, node) in edition.nodes.iter().enumerate().skip(1) {
        if !node.is_leaf() {
            rows.push(RowSpec::Group(n));
            continue;
        }
        match &node.rule {
            None | Some(Rule::Points) | Some(Rule::Manual) => {
                rows.push(RowSpec::Entry(Key::Node(n)))
            }
            Some(rule) => {
                rows.push(RowSpec::Criterion(n));
                let mut ids = Vec::new();
                rule.inputs(&mut ids);
                let mut seen = HashSet::new();
                for i in ids {
                    if !seen.insert(i) {
                        continue;
                    }
                    users[i].push(n);
                    if !placed[i] {
                        placed[i] = true;
                        rows.push(RowSpec::Entry(Key::Input(i)));
                    }
                }
            }
        }
    }
    if placed.iter().any(|p| !p) {
        rows.push(RowSpec::Extra);
        for (i, p) in placed.iter().enumerate() {
            if !p {
                rows.push(RowSpec::Entry(Key::Input(i)));
            }
        }
    }
    Plan { rows, users }
}

/// Whether `node` and all its ancestors apply to a unit of `category` with `flags` (the structural part
/// of applicability; a unit's own "Không áp dụng" is data).
fn applies(edition: &Edition, mut n: usize, category: usize, flags: &[String]) -> bool {
    while n > 0 {
        let node = &edition.nodes[n];
        if node
            .applies_to
            .as_ref()
            .is_some_and(|c| !c.contains(&category))
            || !node.requires_flags.iter().all(|f| flags.contains(f))
            || node.unless_flags.iter().any(|f| flags.contains(f))
        {
            return false;
        }
        n = node.parent.unwrap_or(0);
    }
    true
}

/// Whether an entry row can apply to the unit at all.
fn key_applies(
    edition: &Edition,
    plan: &Plan,
    key: Key,
    category: usize,
    flags: &[String],
) -> bool {
    match key {
        Key::Node(n) => applies(edition, n, category, flags),
        // An input no rule reads is collected from everyone.
        Key::Input(i) => {
            plan.users[i].is_empty()
                || plan.users[i]
                    .iter()
                    .any(|&n| applies(edition, n, category, flags))
        }
    }
}

/// Whether "Không áp dụng" means something for the item: the edition gives the node (or an ancestor) a
/// policy other than "counts as zero", or conditions of applicability.
fn na_meaningful(edition: &Edition, plan: &Plan, key: Key) -> bool {
    let meaningful = |mut n: usize| {
        while n > 0 {
            let node: &Node = &edition.nodes[n];
            if node.not_applicable != NaPolicy::Zero
                || node.applies_to.is_some()
                || !node.requires_flags.is_empty()
                || !node.unless_flags.is_empty()
            {
                return true;
            }
            n = node.parent.unwrap_or(0);
        }
        false
    };
    match key {
        Key::Node(n) => meaningful(n),
        Key::Input(i) => plan.users[i].iter().any(|&n| meaningful(n)),
    }
}

fn key_text(edition: &Edition, key: Key) -> &str {
    match key {
        Key::Input(i) => &edition.inputs[i].id,
        Key::Node(n) => &edition.nodes[n].code,
    }
}

/// How points are computed, for column F.
fn describe_rule(edition: &Edition, rule: &Rule, max: Decimal, lang: Lang) -> String {
    let name = |i: usize| {
        format!(
            "[{}]",
            lang.pick(
                &edition.inputs[i].name,
                edition.inputs[i].name_en.as_deref()
            )
        )
    };
    let p = |d: Decimal| num_text(d, lang);
    let pts = lang.tr("điểm", "points");
    match rule {
        Rule::Points => lang
            .tr("Nhập điểm trực tiếp", "Points entered directly")
            .to_string(),
        Rule::Manual => lang
            .tr(
                "Điểm do hội đồng thẩm định chấm, nhập trực tiếp",
                "Expert points, entered directly",
            )
            .to_string(),
        Rule::Ratio {
            numerator,
            denominator,
        } => {
            let den = match denominator {
                Operand::Input(i) => name(*i),
                Operand::Constant(c) => p(*c),
            };
            format!("{} ÷ {den} × {}", name(*numerator), p(max))
        }
        Rule::YesNo { yes, no, .. } => match lang {
            Lang::Vi => format!("Có: {} điểm; Không: {} điểm", p(*yes), p(*no)),
            Lang::En => format!("Yes: {} points; No: {} points", p(*yes), p(*no)),
        },
        Rule::Steps { steps, .. } => {
            let from = lang.tr("từ", "from");
            let mut parts: Vec<String> = steps
                .iter()
                .map(|(t, v)| format!("{from} {}: {} {pts}", p(*t), p(*v)))
                .collect();
            parts.push(lang.tr("thấp hơn: 0 điểm", "below: 0 points").to_string());
            parts.join("; ")
        }
        Rule::Choice { options, .. } => options
            .iter()
            .map(|(o, v)| format!("{o}: {} {pts}", p(*v)))
            .collect::<Vec<_>>()
            .join("; "),
        Rule::PerItem { input, per, cap } => {
            let unit = edition.inputs[*input]
                .unit
                .clone()
                .unwrap_or_else(|| lang.tr("mục", "item").to_string());
            match lang {
                Lang::Vi => format!("{} điểm mỗi {unit}, tối đa {} điểm", p(*per), p(*cap)),
                Lang::En => format!("{} points per {unit}, at most {}", p(*per), p(*cap)),
            }
        }
        Rule::Sum { .. } => lang
            .tr("Tổng các chỉ tiêu bên dưới", "Sum of the inputs below")
            .to_string(),
        Rule::BestOf { cases } => {
            let parts: Vec<String> = cases
                .iter()
                .map(|c| format!("({})", describe_rule(edition, c, max, lang)))
                .collect();
            format!(
                "{} {}",
                lang.tr("Lấy cao nhất:", "Best of:"),
                parts.join(lang.tr(" hoặc ", " or "))
            )
        }
        Rule::RelativeToBest { input } => match lang {
            Lang::Vi => format!(
                "{} ÷ giá trị cao nhất trong khối × {}",
                name(*input),
                p(max)
            ),
            Lang::En => format!("{} ÷ best value in the block × {}", name(*input), p(max)),
        },
    }
}

/// Column F of a criterion: code, maximum, rule and applicability.
fn criterion_text(edition: &Edition, n: usize, lang: Lang) -> String {
    let node = &edition.nodes[n];
    let rule = node.rule.as_ref().unwrap_or(&Rule::Points);
    let mut s = match lang {
        Lang::Vi => format!(
            "{}: tối đa {} điểm. {}",
            node.code,
            num_text(node.max, lang),
            describe_rule(edition, rule, node.max, lang)
        ),
        Lang::En => format!(
            "{}: at most {} points. {}",
            node.code,
            num_text(node.max, lang),
            describe_rule(edition, rule, node.max, lang)
        ),
    };
    if let Some(cats) = &node.applies_to {
        let names: Vec<&str> = cats
            .iter()
            .map(|&c| edition.categories[c].name.as_str())
            .collect();
        s.push_str(&format!(
            ". {} {}",
            lang.tr("Chỉ áp dụng cho:", "Applies only to:"),
            names.join(", ")
        ));
    }
    if !node.requires_flags.is_empty() {
        s.push_str(&format!(
            ". {} {}",
            lang.tr("Chỉ áp dụng cho đơn vị có cờ:", "Only for units flagged:"),
            node.requires_flags.join(", ")
        ));
    }
    if !node.unless_flags.is_empty() {
        s.push_str(&format!(
            ". {} {}",
            lang.tr("Không áp dụng cho đơn vị có cờ:", "Not for units flagged:"),
            node.unless_flags.join(", ")
        ));
    }
    match node.not_applicable {
        NaPolicy::Zero => {}
        NaPolicy::NotEvaluated => s.push_str(lang.tr(
            ". Không áp dụng: \"Không đánh giá\"",
            ". Not applicable: \"not evaluated\"",
        )),
        NaPolicy::Exclude => s.push_str(lang.tr(
            ". Không áp dụng: loại khỏi điểm tối đa và quy đổi",
            ". Not applicable: excluded from the maximum and rescaled",
        )),
    }
    if let Some(d) = &node.description {
        s.push_str(". ");
        s.push_str(d.trim());
    }
    s
}

/// Column E: what to type.
fn entry_hint(edition: &Edition, key: Key, na: bool, lang: Lang) -> String {
    let mut s = match key {
        Key::Node(n) => {
            let node = &edition.nodes[n];
            match lang {
                Lang::Vi => format!("Điểm từ 0 đến {}", num_text(node.max, lang)),
                Lang::En => format!("Points from 0 to {}", num_text(node.max, lang)),
            }
        }
        Key::Input(i) => {
            let input = &edition.inputs[i];
            let min = num_text(input.min.unwrap_or(Decimal::ZERO), lang);
            let what = match (&input.kind, lang) {
                (InputKind::Number, Lang::Vi) => "Số",
                (InputKind::Count, Lang::Vi) => "Số nguyên",
                (InputKind::Number, Lang::En) => "Number",
                (InputKind::Count, Lang::En) => "Whole number",
                _ => "",
            };
            match &input.kind {
                InputKind::Number | InputKind::Count => match (input.max, lang) {
                    (Some(max), Lang::Vi) => format!("{what} từ {min} đến {}", num_text(max, lang)),
                    (Some(max), Lang::En) => {
                        format!("{what} from {min} to {}", num_text(max, lang))
                    }
                    (None, Lang::Vi) => format!("{what} ≥ {min}"),
                    (None, Lang::En) => format!("{what} ≥ {min}"),
                },
                InputKind::YesNo => lang
                    .tr("Chọn Có hoặc Không", "Choose Yes or No")
                    .to_string(),
                InputKind::Choice(c) => {
                    format!("{} {}", lang.tr("Chọn một:", "Choose one:"), c.join("; "))
                }
            }
        }
    };
    if na {
        s.push_str(&format!(
            "; {} \"{}\"",
            lang.tr("hoặc", "or"),
            na_text(lang)
        ));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

struct Formats {
    title: XFormat,
    subtitle: XFormat,
    head: XFormat,
    group: XFormat,
    info: XFormat,
    info_center: XFormat,
    entry: XFormat,
    entry_text: XFormat,
    na: XFormat,
    key: XFormat,
    plain: XFormat,
    plain_bold: XFormat,
}

impl Formats {
    fn new() -> Formats {
        let base = XFormat::new().set_font_name(FONT).set_font_size(12);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let grey = Color::RGB(0xF2F2F2);
        let dark = Color::RGB(0xD9D9D9);
        Formats {
            title: base.clone().set_bold().set_font_size(13),
            subtitle: base.clone().set_italic(),
            head: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(dark),
            group: cell.clone().set_bold().set_background_color(dark),
            info: cell.clone().set_background_color(grey),
            info_center: cell
                .clone()
                .set_background_color(grey)
                .set_align(FormatAlign::Center),
            entry: cell.clone().set_unlocked(),
            entry_text: cell.clone().set_unlocked().set_num_format("@"),
            na: cell
                .set_italic()
                .set_align(FormatAlign::Center)
                .set_background_color(grey)
                .set_font_color(Color::RGB(0x595959)),
            key: base.clone().set_font_color(Color::RGB(0x808080)),
            plain: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            plain_bold: base.set_bold().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// A sheet name of the form: the workbook rule ([`crate::xlsx::sheet_name`]) with a base of at most 28
/// characters, "khoi" when nothing usable is left.
fn sheet_name(base: &str, used: &mut HashSet<String>) -> String {
    crate::xlsx::sheet_name(base, "khoi", 28, None, used)
}

#[cfg(test)]
mod sheet_name_tests {
    use super::*;

    #[test]
    fn names_stay_within_excel_limit_whatever_the_clashes() {
        let mut used = HashSet::new();
        let long = "khối-các-xã-miền-núi-và-vùng-cao-biên-giới";
        let names: Vec<String> = (0..150).map(|_| sheet_name(long, &mut used)).collect();
        assert!(names.iter().all(|n| n.chars().count() <= 31), "{names:?}");
        assert_eq!(used.len(), 150, "all distinct");
        assert_eq!(names[0].chars().count(), 28);
        assert!(names[149].ends_with("~150"));
    }
}

/// `'Hướng dẫn'!B7` or `khoi-xa!B7`, as Excel writes references.
fn cell_ref(sheet: &str, row: u32, col: u16) -> String {
    let plain = sheet
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '~');
    if plain {
        format!("{sheet}!{}", row_col_to_cell(row, col))
    } else {
        format!(
            "'{}'!{}",
            sheet.replace('\'', "''"),
            row_col_to_cell(row, col)
        )
    }
}

/// A block sheet: the block and its units.
struct SheetSpec<'a> {
    name: String,
    /// Ranking block code, or `""` for categories in no block.
    block: String,
    title: String,
    categories: Vec<usize>,
    units: Vec<&'a Unit>,
}

fn sheet_specs<'a>(
    edition: &Edition,
    units: Option<&'a [Unit]>,
    lang: Lang,
    used: &mut HashSet<String>,
) -> Vec<SheetSpec<'a>> {
    let mut specs = Vec::new();
    let pick = |cats: &[usize]| -> Vec<&'a Unit> {
        units
            .map(|us| us.iter().filter(|u| cats.contains(&u.category)).collect())
            .unwrap_or_default()
    };
    for b in &edition.blocks {
        let us = pick(&b.categories);
        if units.is_some() && us.is_empty() {
            continue;
        }
        specs.push(SheetSpec {
            name: sheet_name(&b.code, used),
            block: b.code.clone(),
            title: lang.pick(&b.name, b.name_en.as_deref()).to_string(),
            categories: b.categories.clone(),
            units: us,
        });
    }
    let loose: Vec<usize> = (0..edition.categories.len())
        .filter(|&c| edition.block_of_category(c).is_none())
        .collect();
    if !loose.is_empty() {
        let us = pick(&loose);
        if units.is_none() || !us.is_empty() {
            specs.push(SheetSpec {
                name: sheet_name(lang.tr("khac", "other"), used),
                block: String::new(),
                title: lang
                    .tr(
                        "Đơn vị không thuộc khối xếp hạng nào",
                        "Units in no ranking block",
                    )
                    .to_string(),
                categories: loose,
                units: us,
            });
        }
    }
    specs
}

/// The meta sheet's lists, each a column from row 2, referenced by validations.
struct Lists {
    columns: Vec<(String, Vec<String>)>,
    index: HashMap<String, usize>,
}

impl Lists {
    const FIRST_COL: u16 = 4;

    /// The absolute reference of a list, adding it on first use.
    fn reference(&mut self, id: &str, items: impl FnOnce() -> Vec<String>) -> String {
        let k = match self.index.get(id) {
            Some(&k) => k,
            None => {
                self.columns.push((id.to_string(), items()));
                self.index.insert(id.to_string(), self.columns.len() - 1);
                self.columns.len() - 1
            }
        };
        let col = Self::FIRST_COL + k as u16;
        let len = self.columns[k].1.len().max(1) as u32;
        format!(
            "='{META_SHEET}'!{}:{}",
            rust_xlsxwriter::utility::row_col_to_cell_absolute(1, col),
            rust_xlsxwriter::utility::row_col_to_cell_absolute(len, col)
        )
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn validation_with_texts(
    dv: DataValidation,
    title: &str,
    message: &str,
    lang: Lang,
) -> Result<DataValidation, XlsxError> {
    dv.set_input_title(truncate(title, 32))?
        .set_input_message(truncate(message, 255))?
        .set_error_title(truncate(
            lang.tr("Giá trị không hợp lệ", "Invalid value"),
            32,
        ))?
        .set_error_message(truncate(message, 255))
        .map(|d| d.set_error_style(DataValidationErrorStyle::Stop))
}

/// The validation of an entry row over its unit cells, anchored at `(row, first)` for relative formulas.
fn entry_validation(
    edition: &Edition,
    key: Key,
    na: bool,
    row: u32,
    first: u16,
    lists: &mut Lists,
    lang: Lang,
) -> Result<DataValidation, XlsxError> {
    let c = row_col_to_cell(row, first);
    let na_txt = na_text(lang);
    let or_na = |cond: String| {
        if na {
            format!("=OR({cond},{c}=\"{na_txt}\")")
        } else {
            format!("={cond}")
        }
    };
    let bounds = |min: Decimal, max: Option<Decimal>, whole: bool| {
        let mut parts = vec![
            format!("ISNUMBER({c})"),
            format!("{c}>={}", min.normalize()),
        ];
        if let Some(m) = max {
            parts.push(format!("{c}<={}", m.normalize()));
        }
        if whole {
            parts.push(format!("{c}=INT({c})"));
        }
        format!("AND({})", parts.join(","))
    };
    let hint = entry_hint(edition, key, na, lang);
    let (dv, title) = match key {
        Key::Node(n) => {
            let node = &edition.nodes[n];
            let max = if node.cap { None } else { Some(node.max) };
            (
                DataValidation::new().allow_custom(Formula::new(or_na(bounds(
                    Decimal::ZERO,
                    max,
                    false,
                )))),
                node.code.clone(),
            )
        }
        Key::Input(i) => {
            let input = &edition.inputs[i];
            let dv = match &input.kind {
                InputKind::Number | InputKind::Count => {
                    DataValidation::new().allow_custom(Formula::new(or_na(bounds(
                        input.min.unwrap_or(Decimal::ZERO),
                        input.max,
                        input.kind == InputKind::Count,
                    ))))
                }
                InputKind::YesNo => {
                    let mut items = vec![yes_no(true, lang), yes_no(false, lang)];
                    if na {
                        items.push(na_txt);
                    }
                    DataValidation::new().allow_list_strings(&items)?
                }
                InputKind::Choice(choices) => {
                    let id = format!("{}{}", input.id, if na { "+na" } else { "" });
                    let r = lists.reference(&id, || {
                        let mut v = choices.clone();
                        if na {
                            v.push(na_txt.to_string());
                        }
                        v
                    });
                    DataValidation::new().allow_list_formula(Formula::new(r))
                }
            };
            (
                dv,
                lang.pick(&input.name, input.name_en.as_deref()).to_string(),
            )
        }
    };
    validation_with_texts(dv, &title, &hint, lang)
}

fn build(
    edition: &Edition,
    units: Option<&[Unit]>,
    entries: &HashMap<(String, String), Entry>,
    lang: Lang,
) -> Result<Vec<u8>, ExportError> {
    let plan = plan(edition);
    let f = Formats::new();
    let mut wb = Workbook::new();
    let mut used: HashSet<String> = HashSet::new();
    let instructions = sheet_name(lang.tr("Hướng dẫn", "Instructions"), &mut used);
    used.insert(META_SHEET.to_lowercase());
    let specs = sheet_specs(edition, units, lang, &mut used);
    let mut lists = Lists {
        columns: Vec::new(),
        index: HashMap::new(),
    };

    write_instructions(
        wb.add_worksheet(),
        &instructions,
        edition,
        &specs,
        units.is_none(),
        &f,
        lang,
    )?;
    for spec in &specs {
        let ws = wb.add_worksheet();
        write_block_sheet(
            ws,
            spec,
            edition,
            &plan,
            entries,
            units.is_none(),
            &mut lists,
            &f,
            lang,
        )?;
    }

    let ws = wb.add_worksheet();
    ws.set_name(META_SHEET)?;
    let meta: [(&str, String); 4] = [
        ("format", FORMAT_VERSION.to_string()),
        ("edition", edition.id.clone()),
        ("year", edition.year.to_string()),
        ("instructions", instructions.clone()),
    ];
    for (r, (k, v)) in meta.iter().enumerate() {
        ws.write_string(r as u32, 0, *k)?;
        ws.write_string(r as u32, 1, v)?;
    }
    ws.write_string(5, 0, "sheet")?;
    ws.write_string(5, 1, "block")?;
    for (r, spec) in specs.iter().enumerate() {
        ws.write_string(6 + r as u32, 0, &spec.name)?;
        ws.write_string(6 + r as u32, 1, &spec.block)?;
    }
    for (k, (id, items)) in lists.columns.iter().enumerate() {
        let col = Lists::FIRST_COL + k as u16;
        ws.write_string(0, col, id)?;
        for (r, item) in items.iter().enumerate() {
            ws.write_string(1 + r as u32, col, item)?;
        }
    }
    ws.protect();
    ws.set_very_hidden(true);
    Ok(wb.save_to_buffer()?)
}

fn write_instructions(
    ws: &mut Worksheet,
    name: &str,
    edition: &Edition,
    specs: &[SheetSpec<'_>],
    blank_units: bool,
    f: &Formats,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 100)?;
    ws.write_string_with_format(
        0,
        0,
        lang.tr(
            "HƯỚNG DẪN NHẬP SỐ LIỆU TỰ ĐÁNH GIÁ",
            "HOW TO FILL IN THE SELF-ASSESSMENT",
        ),
        &f.title,
    )?;
    let mut r = 2;
    let mut pair = |ws: &mut Worksheet, k: &str, v: &str| -> Result<(), XlsxError> {
        ws.write_string_with_format(r, 0, k, &f.plain_bold)?;
        ws.write_string_with_format(r, 1, v, &f.plain)?;
        r += 1;
        Ok(())
    };
    pair(ws, lang.tr("Bộ chỉ số", "Edition"), edition.title(lang))?;
    pair(ws, lang.tr("Mã bộ chỉ số", "Edition id"), &edition.id)?;
    pair(
        ws,
        lang.tr("Năm đánh giá", "Year"),
        &edition.year.to_string(),
    )?;
    for lb in &edition.legal_basis {
        let mut s = lb.number.clone();
        if let Some(d) = &lb.date {
            let dmy: Vec<&str> = d.split('-').rev().collect();
            s.push_str(&format!(" {} {}", lang.tr("ngày", "of"), dmy.join("/")));
        }
        if let Some(i) = &lb.issuer {
            s.push_str(&format!(" {} {i}", lang.tr("của", "by")));
        }
        if let Some(role) = &lb.role {
            s.push_str(&format!(" ({role})"));
        }
        pair(ws, lang.tr("Căn cứ", "Legal basis"), &s)?;
    }
    pair(
        ws,
        lang.tr("Phiên bản mẫu", "Template format"),
        FORMAT_VERSION,
    )?;
    let sheets: Vec<String> = specs
        .iter()
        .map(|s| format!("{} ({})", s.name, s.title))
        .collect();
    pair(
        ws,
        lang.tr("Các trang nhập liệu", "Entry sheets"),
        &sheets.join("; "),
    )?;
    r += 1;
    let na = na_text(lang);
    let mut steps: Vec<String> = match lang {
        Lang::Vi => vec![
            "Mỗi trang nhập liệu là một khối xếp hạng. Mỗi dòng là một chỉ tiêu (hoặc một tiêu chí nhập điểm trực tiếp); mỗi cột từ cột H là một đơn vị.".into(),
            "Chỉ nhập vào các ô nền trắng. Các ô nền xám là nội dung của bộ chỉ số và đã được khóa. Không thêm, xóa, đổi tên trang tính, dòng hay cột.".into(),
            "Cột F ghi mã tiêu chí, điểm tối đa và cách tính điểm; cột G ghi \"Có\" nếu phải gửi kèm tài liệu kiểm chứng (minh chứng) theo hướng dẫn của Sở Thông tin và Truyền thông.".into(),
            "Số: nhập số, không kèm đơn vị tính; dấu phẩy thập phân (27,5) hoặc dấu chấm (27.5) đều được. Chỉ tiêu \"Số nguyên\" (số người, số hồ sơ …) phải là số nguyên.".into(),
            "Có / Không: chọn \"Có\" khi đơn vị đã đáp ứng chỉ tiêu, \"Không\" khi chưa đáp ứng.".into(),
            "Phương án: chọn đúng một phương án trong danh sách thả xuống; điểm của từng phương án ghi ở cột F.".into(),
            format!("\"{na}\": chỉ chọn khi chỉ tiêu không áp dụng với đơn vị theo quy định của bộ chỉ số (ghi ở cột F); \"{na}\" khác với 0 điểm. Ô nền xám ghi sẵn \"{na}\" là chỉ tiêu không áp dụng cho loại hoặc đặc điểm của đơn vị đó."),
            "Ô để trống là chưa có số liệu và được tính 0 điểm.".into(),
            "Lưu tệp dạng .xlsx và gửi lại. Chương trình kiểm tra từng ô và báo mọi lỗi kèm vị trí ô (ví dụ khoi-xa!H12); tệp còn lỗi thì không được nhận một phần nào.".into(),
        ],
        Lang::En => vec![
            "Each entry sheet is one ranking block. Each row is an input (or a criterion whose points are entered directly); each column from H is one unit.".into(),
            "Type only in white cells. Grey cells belong to the edition and are locked. Do not add, delete or rename sheets, rows or columns.".into(),
            "Column F gives the criterion code, its maximum points and how points are computed; column G says \"Yes\" when evidence must be attached.".into(),
            "Numbers: no units of measure in the cell; a decimal comma (27,5) or point (27.5) are both accepted. \"Whole number\" inputs must be whole.".into(),
            "Yes / No: choose \"Yes\" when the unit meets the indicator, \"No\" otherwise.".into(),
            "Choices: pick exactly one answer from the drop-down list; the points of each answer are in column F.".into(),
            format!("\"{na}\": only where the edition allows it (column F); it is not the same as 0 points. Grey cells reading \"{na}\" cannot apply to that unit's category or flags."),
            "An empty cell means no data and counts as 0 points.".into(),
            "Save as .xlsx and send it back. Every cell is checked and every problem is reported with its cell (e.g. khoi-xa!H12); a file with any problem is not accepted in part.".into(),
        ],
    };
    if blank_units {
        steps.push(
            lang.tr(
                "Ở đầu mỗi cột đơn vị, nhập tên, mã (do Sở cấp), loại đơn vị (chọn trong danh sách) và các cờ đặc điểm nếu có (cách nhau bởi dấu ;). Cột để trống hoàn toàn được bỏ qua.",
                "At the top of each unit column enter the unit's name, code, category (from the list) and flags if any (separated by ;). Empty columns are ignored.",
            )
            .to_string(),
        );
    }
    for (k, s) in steps.iter().enumerate() {
        ws.write_string_with_format(r, 0, format!("{}.", k + 1), &f.plain_bold)?;
        ws.write_string_with_format(r, 1, s, &f.plain)?;
        r += 1;
    }
    ws.protect();
    ws.set_active(true);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_block_sheet(
    ws: &mut Worksheet,
    spec: &SheetSpec<'_>,
    edition: &Edition,
    plan: &Plan,
    entries: &HashMap<(String, String), Entry>,
    blank_units: bool,
    lists: &mut Lists,
    f: &Formats,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(&spec.name)?;
    let n_units: u16 = if blank_units {
        BLANK_UNIT_COLUMNS
    } else {
        spec.units.len() as u16
    };
    let last_unit_col = UNIT_COL + n_units.max(1) - 1;

    // Machine keys: row 1 and column A, hidden.
    ws.write_string_with_format(KEY_ROW, KEY_COL, KEY_MARK, &f.key)?;
    for c in 0..n_units {
        ws.write_string_with_format(KEY_ROW, UNIT_COL + c, UNIT_MARK, &f.key)?;
    }
    ws.set_row_hidden(KEY_ROW)?;
    ws.set_column_hidden(KEY_COL)?;

    ws.set_column_width(1, 8)?;
    ws.set_column_width(2, 48)?;
    ws.set_column_width(3, 11)?;
    ws.set_column_width(4, 26)?;
    ws.set_column_width(5, 40)?;
    ws.set_column_width(6, 10)?;
    ws.set_column_range_width(UNIT_COL, last_unit_col, 18)?;

    ws.write_string_with_format(TITLE_ROW, 1, &spec.title, &f.title)?;
    let sub = match lang {
        Lang::Vi => format!(
            "{} (mã {}, năm {})",
            edition.title(lang),
            edition.id,
            edition.year
        ),
        Lang::En => format!(
            "{} (id {}, year {})",
            edition.title(lang),
            edition.id,
            edition.year
        ),
    };
    ws.write_string_with_format(SUBTITLE_ROW, 1, &sub, &f.subtitle)?;

    let heads = [
        lang.tr("Mã", "Code"),
        lang.tr("Tiêu chí, chỉ tiêu", "Criterion, input"),
        lang.tr("Đơn vị tính", "Unit of measure"),
        lang.tr("Cách nhập", "What to enter"),
        lang.tr("Điểm tối đa, cách tính điểm", "Maximum and scoring"),
        lang.tr("Minh chứng", "Evidence"),
    ];
    for (k, h) in heads.iter().enumerate() {
        ws.write_string_with_format(HEAD_ROW, 1 + k as u16, *h, &f.head)?;
    }
    let values_head = lang.tr("Số liệu của đơn vị", "Unit's values");
    if last_unit_col > UNIT_COL {
        ws.merge_range(
            HEAD_ROW,
            UNIT_COL,
            HEAD_ROW,
            last_unit_col,
            values_head,
            &f.head,
        )?;
    } else {
        ws.write_string_with_format(HEAD_ROW, UNIT_COL, values_head, &f.head)?;
    }

    // Unit identity rows.
    let id_rows: [(u32, &str, &str, &str); 4] = [
        (NAME_ROW, NAME_KEY, lang.tr("Tên đơn vị", "Unit name"), ""),
        (CODE_ROW, CODE_KEY, lang.tr("Mã đơn vị", "Unit code"), ""),
        (
            CATEGORY_ROW,
            CATEGORY_KEY,
            lang.tr("Loại đơn vị", "Category"),
            lang.tr("Chọn trong danh sách", "Choose from the list"),
        ),
        (
            FLAGS_ROW,
            FLAGS_KEY,
            lang.tr("Đặc điểm (cờ)", "Flags"),
            lang.tr("Các cờ, cách nhau bởi dấu ;", "Flags separated by ;"),
        ),
    ];
    let cat_names: Vec<String> = spec
        .categories
        .iter()
        .map(|&c| edition.categories[c].name.clone())
        .collect();
    for (row, key, label, hint) in id_rows {
        ws.write_string_with_format(row, KEY_COL, key, &f.key)?;
        ws.write_blank(row, 1, &f.info)?;
        ws.write_string_with_format(row, 2, label, &f.group)?;
        ws.write_blank(row, 3, &f.info)?;
        ws.write_string_with_format(row, 4, hint, &f.info)?;
        ws.write_blank(row, 5, &f.info)?;
        ws.write_blank(row, 6, &f.info)?;
        if blank_units {
            for c in 0..n_units {
                ws.write_blank(row, UNIT_COL + c, &f.entry_text)?;
            }
        } else {
            for (c, u) in spec.units.iter().enumerate() {
                let text = match row {
                    NAME_ROW => u.name.clone(),
                    CODE_ROW => u.code.clone(),
                    CATEGORY_ROW => edition.categories[u.category].name.clone(),
                    _ => u.flags.join("; "),
                };
                ws.write_string_with_format(row, UNIT_COL + c as u16, text, &f.info_center)?;
            }
        }
    }
    if blank_units {
        let r = lists.reference(&format!("#category:{}", spec.block), || cat_names.clone());
        let dv = validation_with_texts(
            DataValidation::new().allow_list_formula(Formula::new(r)),
            lang.tr("Loại đơn vị", "Category"),
            &cat_names.join("; "),
            lang,
        )?;
        ws.add_data_validation(CATEGORY_ROW, UNIT_COL, CATEGORY_ROW, last_unit_col, &dv)?;
    }

    // Criteria and entry rows.
    for (row, spec_row) in (FIRST_ITEM_ROW..).zip(&plan.rows) {
        match spec_row {
            RowSpec::Group(n) | RowSpec::Criterion(n) => {
                let node = &edition.nodes[*n];
                let fmt = if matches!(spec_row, RowSpec::Group(_)) {
                    &f.group
                } else {
                    &f.info
                };
                ws.write_blank(row, KEY_COL, &f.key)?;
                ws.write_string_with_format(row, 1, &node.code, fmt)?;
                ws.write_string_with_format(row, 2, node.label(lang), fmt)?;
                ws.write_blank(row, 3, fmt)?;
                let how = if matches!(spec_row, RowSpec::Criterion(_)) {
                    lang.tr(
                        "Tính từ các chỉ tiêu bên dưới",
                        "Computed from the inputs below",
                    )
                    .to_string()
                } else {
                    String::new()
                };
                ws.write_string_with_format(row, 4, how, fmt)?;
                let ftext = if matches!(spec_row, RowSpec::Criterion(_)) {
                    criterion_text(edition, *n, lang)
                } else {
                    match lang {
                        Lang::Vi => format!("Tối đa {} điểm", num_text(node.max, lang)),
                        Lang::En => format!("At most {} points", num_text(node.max, lang)),
                    }
                };
                ws.write_string_with_format(row, 5, ftext, fmt)?;
                let ev = if node.evidence {
                    yes_no(true, lang)
                } else {
                    ""
                };
                ws.write_string_with_format(row, 6, ev, &f.info_center)?;
                for c in 0..n_units {
                    ws.write_blank(row, UNIT_COL + c, fmt)?;
                }
            }
            RowSpec::Extra => {
                ws.write_blank(row, KEY_COL, &f.key)?;
                ws.write_blank(row, 1, &f.group)?;
                ws.write_string_with_format(
                    row,
                    2,
                    lang.tr(
                        "Chỉ tiêu thu thập thêm (không tính điểm)",
                        "Other inputs (not scored)",
                    ),
                    &f.group,
                )?;
                for c in 3..UNIT_COL + n_units {
                    ws.write_blank(row, c, &f.group)?;
                }
            }
            RowSpec::Entry(key) => {
                write_entry_row(
                    ws,
                    row,
                    *key,
                    spec,
                    edition,
                    plan,
                    entries,
                    n_units,
                    blank_units,
                    lists,
                    f,
                    lang,
                )?;
            }
        }
    }
    ws.set_freeze_panes(FIRST_ITEM_ROW, UNIT_COL)?;
    ws.set_landscape();
    ws.set_repeat_rows(TITLE_ROW, FLAGS_ROW)?;
    // Officers may resize and select, never restructure.
    let opts = ProtectionOptions {
        format_columns: false,
        format_rows: false,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&opts);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_entry_row(
    ws: &mut Worksheet,
    row: u32,
    key: Key,
    spec: &SheetSpec<'_>,
    edition: &Edition,
    plan: &Plan,
    entries: &HashMap<(String, String), Entry>,
    n_units: u16,
    blank_units: bool,
    lists: &mut Lists,
    f: &Formats,
    lang: Lang,
) -> Result<(), XlsxError> {
    let na = na_meaningful(edition, plan, key);
    let k = key_text(edition, key);
    ws.write_string_with_format(row, KEY_COL, k, &f.key)?;
    let (code, label, unit, evidence, ftext) = match key {
        Key::Node(n) => {
            let node = &edition.nodes[n];
            (
                node.code.clone(),
                node.label(lang).to_string(),
                lang.tr("điểm", "points").to_string(),
                node.evidence,
                criterion_text(edition, n, lang),
            )
        }
        Key::Input(i) => {
            let input = &edition.inputs[i];
            let users: Vec<&str> = plan.users[i]
                .iter()
                .map(|&n| edition.nodes[n].code.as_str())
                .collect();
            let ftext = if users.len() > 1 {
                format!(
                    "{} {}",
                    lang.tr("Dùng cho tiêu chí", "Used by"),
                    users.join(", ")
                )
            } else {
                String::new()
            };
            (
                String::new(),
                format!("– {}", lang.pick(&input.name, input.name_en.as_deref())),
                input.unit.clone().unwrap_or_default(),
                input.evidence,
                ftext,
            )
        }
    };
    ws.write_string_with_format(row, 1, code, &f.info)?;
    ws.write_string_with_format(row, 2, label, &f.info)?;
    ws.write_string_with_format(row, 3, unit, &f.info_center)?;
    ws.write_string_with_format(row, 4, entry_hint(edition, key, na, lang), &f.info)?;
    ws.write_string_with_format(row, 5, ftext, &f.info)?;
    ws.write_string_with_format(
        row,
        6,
        if evidence { yes_no(true, lang) } else { "" },
        &f.info_center,
    )?;
    for c in 0..n_units {
        let col = UNIT_COL + c;
        let unit = if blank_units {
            None
        } else {
            spec.units.get(c as usize)
        };
        if let Some(u) = unit {
            if !key_applies(edition, plan, key, u.category, &u.flags) {
                ws.write_string_with_format(row, col, na_text(lang), &f.na)?;
                continue;
            }
            match entries.get(&(u.code.clone(), k.to_string())) {
                Some(Entry::Number(d)) => {
                    ws.write_number_with_format(row, col, to_f64(*d), &f.entry)?;
                }
                Some(Entry::Text(t)) => {
                    ws.write_string_with_format(row, col, t, &f.entry)?;
                }
                None => {
                    ws.write_blank(row, col, &f.entry)?;
                }
            }
        } else {
            ws.write_blank(row, col, &f.entry)?;
        }
    }
    if n_units > 0 {
        let dv = entry_validation(edition, key, na, row, UNIT_COL, lists, lang)?;
        ws.add_data_validation(row, UNIT_COL, row, UNIT_COL + n_units - 1, &dv)?;
    }
    Ok(())
}

/// The double a spreadsheet cell holds for an exact value (≤ 15 significant digits survive exactly).
fn to_f64(d: Decimal) -> f64 {
    d.to_f64()
        .unwrap_or_else(|| d.to_string().parse().unwrap_or(f64::NAN))
}

// ---------------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------------

/// One bad cell of a filled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// `khoi-xa!H12`, quoted as Excel quotes sheet names with spaces.
    pub cell: String,
    pub message: String,
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.cell, self.message)
    }
}

/// Every bad cell of a filled template; the file is rejected whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellErrors {
    pub file: String,
    pub problems: Vec<CellProblem>,
    /// Problems not listed because there were too many.
    pub more: usize,
}

impl fmt::Display for CellErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {p}", self.file)?;
        }
        if self.more > 0 {
            let (file, more) = (&self.file, self.more);
            write!(
                f,
                "\n{}",
                egov_core::msg!("{file}: … và {more} lỗi khác", "{file}: … and {more} more")
            )?;
        }
        Ok(())
    }
}

/// Why a filled template was not accepted, in the message language (Vietnamese unless `--lang en`):
/// the unit officer reads them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{}", egov_core::msg!("{file}: không mở được tệp Excel (.xlsx): {message}", "{file}: cannot open the Excel file (.xlsx): {message}"))]
    Open { file: String, message: String },
    #[error("{}", egov_core::msg!(
        "{file}: không phải mẫu nhập liệu của egov (thiếu trang ẩn '{META_SHEET}'); hãy dùng mẫu tạo bằng `egov template`",
        "{file}: not an egov entry form (the hidden sheet '{META_SHEET}' is missing); use a form made by `egov template`"
    ))]
    NotATemplate { file: String },
    #[error("{}", egov_core::msg!(
        "{file}: mẫu phiên bản '{found}', chương trình này đọc mẫu '{expected}'; hãy tạo lại mẫu bằng `egov template`",
        "{file}: a form of version '{found}', this program reads forms '{expected}'; make the form again with `egov template`"
    ))]
    Version {
        file: String,
        found: String,
        expected: String,
    },
    #[error("{}", egov_core::msg!(
        "{file}: mẫu của bộ chỉ số '{found}', không phải bộ chỉ số '{expected}' đang nhập",
        "{file}: a form of the edition '{found}', not of the edition '{expected}' being imported"
    ))]
    EditionMismatch {
        file: String,
        found: String,
        expected: String,
    },
    #[error("{}", egov_core::msg!(
        "{file}: trang tính '{sheet}' không thuộc mẫu (các trang của mẫu: {known}); không thêm hay đổi tên trang tính",
        "{file}: the sheet '{sheet}' is not one of the form's (the form's sheets: {known}); add or rename no sheet"
    ))]
    UnknownSheet {
        file: String,
        sheet: String,
        known: String,
    },
    /// A sheet name longer than Excel allows: the form was written by something other than Excel.
    #[error("{}", egov_core::msg!(
        "{file}: trang tính '{sheet}' có tên dài {chars} ký tự, quá {} ký tự Excel cho phép; mẫu đã bị can thiệp, hãy nhập lại vào mẫu mới tạo bằng `egov template`",
        "{file}: the sheet '{sheet}' has a name {chars} characters long, more than the {} Excel allows; the form was tampered with, enter the values again in a new form made by `egov template`",
        package::SHEET_NAME_CHARS
    ))]
    SheetName {
        file: String,
        sheet: String,
        chars: usize,
    },
    #[error("{}", egov_core::msg!("{file}: thiếu trang tính '{sheet}' của mẫu", "{file}: the form's sheet '{sheet}' is missing"))]
    MissingSheet { file: String, sheet: String },
    #[error("{}", egov_core::msg!(
        "{file}: {cell}: thiếu dòng mã ẩn của mẫu (ô này phải là '{KEY_MARK}'); trang tính đã bị sửa cấu trúc, hãy nhập lại vào mẫu mới",
        "{file}: {cell}: the form's hidden key row is missing (this cell must be '{KEY_MARK}'); the sheet's structure was changed, enter the values again in a new form"
    ))]
    MissingKeyRow { file: String, cell: String },
    /// Refused for its size before reading (too many zip entries, a part too large once
    /// decompressed, a cell past the limits of a sheet); the message names the part or the cell.
    #[error("{}", egov_core::msg!("{file}: tệp quá lớn để đọc: {source}", "{file}: the file is too large to read: {source}"))]
    TooLarge {
        file: String,
        #[source]
        source: PackageError,
    },
    /// A sheet of the form other than egov's own is very hidden (`state="veryHidden"`): Excel's menus
    /// cannot do that, so the form was altered by other means and none of it is trusted.
    #[error("{}", egov_core::msg!(
        "{file}: trang tính '{sheet}' bị ẩn sâu (veryHidden), điều Excel không cho làm bằng menu; mẫu đã bị can thiệp, hãy nhập lại vào mẫu mới tạo bằng `egov template`",
        "{file}: the sheet '{sheet}' is very hidden (veryHidden), which Excel's menus cannot do; the form was tampered with, enter the values again in a new form made by `egov template`"
    ))]
    VeryHidden { file: String, sheet: String },
    /// Not one value in the whole form: a blank template read back would give every unit nothing.
    #[error("{}", egov_core::msg!(
        "{file}: biểu mẫu chưa có giá trị nào (mọi ô nhập đều trống); hãy điền giá trị của các đơn vị vào mẫu rồi nhập lại",
        "{file}: the form holds no value (every entry cell is blank); fill in the units' values, then import it again"
    ))]
    Empty { file: String },
    #[error("{0}")]
    Cells(CellErrors),
}

impl TemplateError {
    fn from_package(file: &str, e: PackageError) -> TemplateError {
        let file = file.to_string();
        match e {
            PackageError::Zip(message) | PackageError::Sheet { message, .. } => {
                TemplateError::Open { file, message }
            }
            PackageError::Part { part, message } => TemplateError::Open {
                file,
                message: format!("{part}: {message}"),
            },
            source => TemplateError::TooLarge { file, source },
        }
    }
}

/// Reads a filled template back into a dataset of `edition`, checking every cell as [`Dataset::from_csv`]
/// checks a CSV file. `name` is the file name used in messages.
pub fn read_values(edition: &Edition, name: &str, bytes: &[u8]) -> Result<Dataset, TemplateError> {
    read_values_csv(edition, name, bytes).map(|(ds, _)| ds)
}

/// The CSV form a filled template was checked as: `units.csv` (`code,name,category,flags`) and
/// `values.csv` in the long form (`unit,key,value`), ready to be written next to an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvForm {
    pub units: String,
    pub values: String,
}

/// Like [`read_values`], also returning the CSV texts the dataset was parsed from.
pub fn read_values_csv(
    edition: &Edition,
    name: &str,
    bytes: &[u8],
) -> Result<(Dataset, CsvForm), TemplateError> {
    let file = name.to_string();
    let package_err = |e: PackageError| TemplateError::from_package(name, e);
    let mut book = package::Workbook::open(bytes, Limits::FORMS).map_err(package_err)?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == META_SHEET) {
        return Err(TemplateError::NotATemplate { file });
    }
    let meta = book.sheet(META_SHEET).map_err(package_err)?;
    let mut kv = HashMap::new();
    let mut sheets: Vec<(String, String)> = Vec::new();
    let mut in_sheets = false;
    // Rows are keyed by column A; a row without a key says nothing.
    for ((r, _), d) in meta.cells().filter(|&((_, c), _)| c == 0) {
        let k = cell_text(d);
        let v = meta.get(r, 1).map(cell_text).unwrap_or_default();
        if k == "sheet" && v == "block" {
            in_sheets = true;
        } else if in_sheets && !k.is_empty() {
            sheets.push((k, v));
        } else if !k.is_empty() {
            kv.insert(k, v);
        }
    }
    let found = kv.get("format").cloned().unwrap_or_default();
    if found != FORMAT_VERSION {
        return Err(TemplateError::Version {
            file,
            found,
            expected: FORMAT_VERSION.into(),
        });
    }
    let found = kv.get("edition").cloned().unwrap_or_default();
    if found != edition.id {
        return Err(TemplateError::EditionMismatch {
            file,
            found,
            expected: edition.id.clone(),
        });
    }
    let instructions = kv.get("instructions").cloned().unwrap_or_default();
    let known: Vec<&str> = std::iter::once(instructions.as_str())
        .chain(sheets.iter().map(|s| s.0.as_str()))
        .collect();
    for n in &names {
        let chars = n.chars().count();
        if chars > package::SHEET_NAME_CHARS {
            return Err(TemplateError::SheetName {
                file,
                sheet: package::shown_name(n),
                chars,
            });
        }
        if n != META_SHEET && !known.contains(&n.as_str()) {
            // Names as Excel allows them (31 characters): a tampered form's may be any length.
            return Err(TemplateError::UnknownSheet {
                file,
                sheet: package::shown_name(n),
                known: known
                    .iter()
                    .map(|k| package::shown_name(k))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    for (s, _) in &sheets {
        if !names.contains(s) {
            return Err(TemplateError::MissingSheet {
                file,
                sheet: package::shown_name(s),
            });
        }
    }
    // The package checks above bound the archive; calamine opened a second time gives what the sparse
    // sheets leave out: sheet states, formulas and every `<c>` element as written.
    let mut raw =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| TemplateError::Open {
            file: file.clone(),
            message: e.to_string(),
        })?;
    if let Some(s) = raw
        .sheets_metadata()
        .iter()
        .find(|s| s.visible == calamine::SheetVisible::VeryHidden && s.name != META_SHEET)
    {
        return Err(TemplateError::VeryHidden {
            file,
            sheet: egov_core::text::quote_short(&s.name).into_owned(),
        });
    }

    let mut grid = Grid::default();
    for (sheet, block) in &sheets {
        let cells = book.sheet(sheet).map_err(package_err)?;
        grid.problems
            .extend(
                written_cells(&mut raw, sheet).map_err(|message| TemplateError::Open {
                    file: file.clone(),
                    message,
                })?,
            );
        grid.read_sheet(edition, &file, sheet, block, &cells)?;
    }
    grid.finish(edition, &file)
}

/// Problems of cell elements as the sheet's XML writes them, which the sparse sheet cannot show: a
/// formula without a cached value (calamine reads it as a blank, so the unit would silently score
/// nothing), and a cell written twice (which of the two values Excel shows is not for egov to guess).
/// Called after the sheet was read within the form's limits, so its elements are bounded; at most
/// [`MAX_WRITTEN_PROBLEMS`] are listed.
fn written_cells(
    book: &mut calamine::Xlsx<std::io::Cursor<&[u8]>>,
    sheet: &str,
) -> Result<Vec<(String, u32, u16, String)>, String> {
    let mut out = Vec::new();
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(out),
        Err(e) => return Err(broken_sheet(sheet, &e)),
    };
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| broken_sheet(sheet, &e))?
    {
        let (row, col) = cell.pos;
        let empty = matches!(cell.value, calamine::DataRef::Empty);
        if empty && cell.formula.is_none() {
            continue;
        }
        let Ok(c) = u16::try_from(col) else { continue };
        let message = if !seen.insert((row, col)) {
            egov_core::msg!(
                "ô này xuất hiện hai lần trong trang tính (tệp đã bị sửa ngoài Excel); không biết giá trị nào đúng, hãy nhập lại vào mẫu mới",
                "this cell is written twice in the sheet (the file was edited outside Excel); which value is right is unknown, enter the values again in a new form"
            )
        } else if empty {
            egov_core::msg!(
                "ô có công thức nhưng không có giá trị đã tính (tệp được lưu mà không tính lại); hãy nhập giá trị trực tiếp, không dùng công thức",
                "the cell has a formula but no computed value (the file was saved without recalculating); enter the value itself, not a formula"
            )
        } else {
            continue;
        };
        if out.len() < MAX_WRITTEN_PROBLEMS {
            out.push((sheet.to_string(), row, c, message));
        }
    }
    Ok(out)
}

/// Cell-element problems listed per sheet (see [`written_cells`]).
const MAX_WRITTEN_PROBLEMS: usize = 200;

/// Whether a cell holds a date or a duration: the entry cells of a form are numbers and answers, so a
/// date there is Excel's reading of what was typed (`1.5` or `1/5` became 1 May).
fn is_date(d: &Data) -> bool {
    matches!(
        d,
        Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_)
    )
}

/// The message for a value in a column that is not a unit's (see `Grid::read_sheet`).
fn stray_message() -> String {
    egov_core::msg!(
        "ô có giá trị nhưng cột này không phải cột đơn vị của mẫu (dòng mã ẩn ở hàng 1 không đánh dấu cột); có thể cột đã bị chèn hoặc dòng mã bị sửa, hãy nhập lại vào mẫu mới tạo bằng `egov template`",
        "the cell has a value but its column is not a unit's column of the form (the hidden key row in row 1 does not mark it); a column may have been inserted or the key row edited, enter the values again in a new form made by `egov template`"
    )
}

/// Why calamine could not read a sheet of the form, in the message language (its English only in
/// English).
fn broken_sheet(sheet: &str, e: &dyn std::fmt::Display) -> String {
    let sheet = egov_core::text::quote_short(sheet);
    egov_core::msg!(
        "{sheet}: trang tính hỏng, không đọc được",
        "{sheet}: the sheet is broken and cannot be read ({e})"
    )
}

/// The message for a date-formatted cell (see [`is_date`]).
fn date_message() -> String {
    egov_core::msg!(
        "ô được định dạng ngày tháng (Excel đã đổi số hay phân số vừa nhập thành ngày, ví dụ 1.5 hay 1/5 thành ngày 1 tháng 5); hãy định dạng ô là Số hoặc Văn bản rồi nhập lại",
        "the cell is formatted as a date (Excel turned a number or fraction just typed into a date, e.g. 1.5 or 1/5 into the 1st of May); format the cell as Number or Text and enter it again"
    )
}

/// Text of a cell as a CSV field: numbers in their shortest exact decimal form.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust prints the shortest text that reads back as the same double, which is what was typed; the
        // decimal comma makes messages read as the officer's Vietnamese Excel shows the number.
        Data::Float(f) => format!("{f}").replace('.', ","),
        Data::Bool(b) => {
            if *b {
                "có".into()
            } else {
                "không".into()
            }
        }
        Data::DateTime(dt) => format!("{}", dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A unit column read from a sheet.
struct UnitCol {
    sheet: String,
    col: u16,
    /// Rows of the identity fields in the sheet.
    rows: [u32; 4],
    fields: [String; 4],
    /// Categories allowed on this sheet.
    categories: Vec<usize>,
    block: String,
}

/// The cells of all sheets on their way to CSV, with where each came from.
#[derive(Default)]
struct Grid {
    units: Vec<UnitCol>,
    /// `(unit index, key, raw text, sheet, row, col)`.
    cells: Vec<(usize, String, String, String, u32, u16)>,
    /// Problems found before CSV (cell errors, wrong block).
    problems: Vec<(String, u32, u16, String)>,
}

impl Grid {
    fn read_sheet(
        &mut self,
        edition: &Edition,
        file: &str,
        sheet: &str,
        block: &str,
        cells: &Sheet,
    ) -> Result<(), TemplateError> {
        let text = |r: u32, c: u16| {
            cells
                .get(r, u32::from(c))
                .map(cell_text)
                .unwrap_or_default()
        };
        if clean(&text(KEY_ROW, KEY_COL)) != KEY_MARK {
            return Err(TemplateError::MissingKeyRow {
                file: file.to_string(),
                cell: cell_ref(sheet, KEY_ROW, KEY_COL),
            });
        }
        // Only cells with a value are visited (never the sheet's bounding box): a crafted sheet costs
        // no more than its cells, which the workbook's limits bound.
        let unit_cols: Vec<u16> = cells
            .row(KEY_ROW)
            .filter(|(_, d)| clean(&cell_text(d)) == UNIT_MARK)
            .filter_map(|(c, _)| u16::try_from(c).ok())
            .collect();
        let unit_set: HashSet<u16> = unit_cols.iter().copied().collect();
        let mut id_rows: HashMap<&str, u32> = HashMap::new();
        let mut data_rows: Vec<(u32, String)> = Vec::new();
        for ((r, _), d) in cells
            .cells()
            .filter(|&((r, c), _)| r > KEY_ROW && c == u32::from(KEY_COL))
        {
            let k = clean(&cell_text(d));
            match k.as_str() {
                "" => {}
                NAME_KEY | CODE_KEY | CATEGORY_KEY | FLAGS_KEY => {
                    let key: &str = [NAME_KEY, CODE_KEY, CATEGORY_KEY, FLAGS_KEY]
                        .into_iter()
                        .find(|x| *x == k)
                        .unwrap_or(NAME_KEY);
                    id_rows.insert(key, r);
                }
                _ => data_rows.push((r, k)),
            }
        }
        let id_row = |key: &str| -> Result<u32, TemplateError> {
            id_rows
                .get(key)
                .copied()
                .ok_or_else(|| TemplateError::MissingKeyRow {
                    file: file.to_string(),
                    cell: cell_ref(sheet, KEY_ROW, KEY_COL),
                })
        };
        let rows = [
            id_row(CODE_KEY)?,
            id_row(NAME_KEY)?,
            id_row(CATEGORY_KEY)?,
            id_row(FLAGS_KEY)?,
        ];
        let categories: Vec<usize> = match edition.blocks.iter().find(|b| b.code == block) {
            Some(b) => b.categories.clone(),
            None => (0..edition.categories.len())
                .filter(|&c| edition.block_of_category(c).is_none())
                .collect(),
        };
        // The entry cells of every unit column, in row order, gathered in one pass over the cells.
        let key_of: HashMap<u32, &str> = data_rows.iter().map(|(r, k)| (*r, k.as_str())).collect();
        // A value right of the labels in a column the hidden key row does not mark as a unit's would
        // be dropped without a word (the key row was damaged, or a column inserted): refused at the
        // first such cell of each column.
        let mut stray: HashSet<u32> = HashSet::new();
        for ((r, c), d) in cells.cells() {
            let in_form = key_of.contains_key(&r) || rows.contains(&r);
            let entry_side = c >= u32::from(UNIT_COL);
            let unmarked = u16::try_from(c).map_or(true, |c| !unit_set.contains(&c));
            if in_form
                && entry_side
                && unmarked
                && !clean(&cell_text(d)).is_empty()
                && stray.len() < MAX_WRITTEN_PROBLEMS
                && stray.insert(c)
            {
                self.problems.push((
                    sheet.to_string(),
                    r,
                    u16::try_from(c).unwrap_or(u16::MAX),
                    stray_message(),
                ));
            }
        }
        let mut by_col: HashMap<u16, Vec<(u32, &Data)>> =
            unit_cols.iter().map(|&c| (c, Vec::new())).collect();
        for ((r, c), d) in cells.cells() {
            if key_of.contains_key(&r)
                && let Some(col) = u16::try_from(c).ok().and_then(|c| by_col.get_mut(&c))
            {
                col.push((r, d));
            }
        }
        for &c in &unit_cols {
            for r in rows {
                if cells.get(r, u32::from(c)).is_some_and(is_date) {
                    self.problems
                        .push((sheet.to_string(), r, c, date_message()));
                }
            }
            let fields = rows.map(|r| clean(&text(r, c)).replace(['\n', '\r'], " "));
            let mut values: Vec<(u32, String, String)> = Vec::new();
            for &(r, d) in by_col.get(&c).map(Vec::as_slice).unwrap_or_default() {
                let k = key_of.get(&r).copied().unwrap_or_default();
                if let Data::Error(e) = d {
                    self.problems.push((
                        sheet.to_string(),
                        r,
                        c,
                        egov_core::msg!(
                            "ô có lỗi công thức ({e:?}); nhập một giá trị",
                            "the cell holds a formula error ({e:?}); enter a value"
                        ),
                    ));
                    continue;
                }
                if is_date(d) {
                    self.problems
                        .push((sheet.to_string(), r, c, date_message()));
                    continue;
                }
                let t = clean(&cell_text(d)).replace(['\n', '\r'], " ");
                if !t.is_empty() {
                    values.push((r, k.to_string(), t));
                }
            }
            if fields.iter().all(String::is_empty) && values.is_empty() {
                continue;
            }
            let u = self.units.len();
            for (r, k, t) in values {
                self.cells.push((u, k, t, sheet.to_string(), r, c));
            }
            self.units.push(UnitCol {
                sheet: sheet.to_string(),
                col: c,
                rows,
                fields,
                categories: categories.clone(),
                block: block.to_string(),
            });
        }
        Ok(())
    }

    fn category_code(edition: &Edition, text: &str) -> Option<usize> {
        let low = text.to_lowercase();
        edition.category(text).or_else(|| {
            edition
                .categories
                .iter()
                .position(|c| c.name.to_lowercase() == low || c.code.to_lowercase() == low)
        })
    }

    /// The units and values CSV texts, and where each units field starts (character column) on its line.
    /// Units in `placeholders` get a stand-in code and a valid category so that their cells can still be
    /// checked after the unit itself was rejected.
    fn csv_texts(
        &self,
        edition: &Edition,
        placeholders: &HashSet<usize>,
    ) -> (String, String, Vec<[usize; 4]>) {
        let mut units = String::from("code,name,category,flags\n");
        let mut field_starts: Vec<[usize; 4]> = Vec::new();
        let mut codes = Vec::with_capacity(self.units.len());
        for (i, u) in self.units.iter().enumerate() {
            let [code, name, cat, flags] = &u.fields;
            let mut cat_code = match Self::category_code(edition, cat) {
                Some(c) => edition.categories[c].code.clone(),
                None => cat.clone(),
            };
            let (mut code, mut name) = (code.clone(), name.clone());
            if placeholders.contains(&i) {
                // Spaces and parentheses make the stand-in unique: no unit code of the file can be it.
                let col = rust_xlsxwriter::utility::column_number_to_name(u.col);
                code = if code.is_empty() {
                    format!("(cột {col})")
                } else {
                    format!("{code} (cột {col})")
                };
                if name.is_empty() {
                    name = code.clone();
                }
                if let Some(&c) = u.categories.first() {
                    cat_code = edition.categories[c].code.clone();
                }
            }
            let flags = flags
                .split([';', ',', ' '])
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(";");
            let fields = [
                code.as_str(),
                name.as_str(),
                cat_code.as_str(),
                flags.as_str(),
            ]
            .map(csv_field);
            let mut starts = [1usize; 4];
            for k in 1..4 {
                starts[k] = starts[k - 1] + fields[k - 1].chars().count() + 1;
            }
            field_starts.push(starts);
            units.push_str(&fields.join(","));
            units.push('\n');
            codes.push(code);
        }
        let mut values = String::from("unit,key,value\n");
        for (u, k, t, ..) in &self.cells {
            values.push_str(&[csv_field(&codes[*u]), csv_field(k), csv_value(t)].join(","));
            values.push('\n');
        }
        (units, values, field_starts)
    }

    /// A category that exists but belongs to another block than the sheet's (Excel's list prevents it
    /// only while the validation is intact).
    fn block_problems(&self, edition: &Edition) -> Vec<(String, u32, u16, String)> {
        let mut out = Vec::new();
        for u in &self.units {
            let cat = &u.fields[2];
            if let Some(c) = Self::category_code(edition, cat)
                && !u.categories.contains(&c)
            {
                let allowed: Vec<&str> = u
                    .categories
                    .iter()
                    .map(|&k| edition.categories[k].name.as_str())
                    .collect();
                out.push((
                    u.sheet.clone(),
                    u.rows[2],
                    u.col,
                    egov_core::msg!(
                        "loại đơn vị '{cat}' không thuộc khối '{}' của trang này ({})",
                        "unit category '{cat}' is not in the block '{}' of this sheet ({})",
                        u.block,
                        allowed.join("; ")
                    ),
                ));
            }
        }
        out
    }

    fn finish(
        mut self,
        edition: &Edition,
        file: &str,
    ) -> Result<(Dataset, CsvForm), TemplateError> {
        let mut problems: Vec<(String, u32, u16, String)> = std::mem::take(&mut self.problems);
        problems.extend(self.block_problems(edition));
        let (units, values, field_starts) = self.csv_texts(edition, &HashSet::new());
        if self.cells.is_empty() && problems.is_empty() {
            return Err(TemplateError::Empty {
                file: file.to_string(),
            });
        }
        // Excel's number cells are written with a decimal comma (`cell_text`), exactly; text typed in
        // a cell is read as Vietnamese writes it.
        let meta = DatasetMeta {
            edition: Some(edition.id.clone()),
            title: None,
            source: Some(file.to_string()),
            number_style: Some(egov_core::num::NumberStyle::DecimalComma),
        };
        let parse = |units: &str, values: &str| {
            Dataset::from_csv(
                edition,
                Source {
                    name: "units",
                    text: units,
                },
                Source {
                    name: "values",
                    text: values,
                },
                meta.clone(),
            )
        };
        let mut more = 0;
        match parse(&units, &values) {
            Ok(ds) if problems.is_empty() => return Ok((ds, CsvForm { units, values })),
            Ok(_) => {}
            Err(e) => {
                more = e.more;
                let bad_units: HashSet<usize> = e
                    .problems
                    .iter()
                    .filter(|p| p.file == "units")
                    .filter_map(|p| p.line.checked_sub(2))
                    .collect();
                for p in e
                    .problems
                    .iter()
                    .filter(|p| p.file != "values" || bad_units.is_empty())
                {
                    problems.push(self.locate(p, &field_starts));
                }
                if !bad_units.is_empty() {
                    // A rejected unit's values were not checked: check them again under a stand-in unit,
                    // so that one wrong code does not hide every other mistake in its column.
                    let (units2, values2, starts2) = self.csv_texts(edition, &bad_units);
                    if let Err(e2) = parse(&units2, &values2) {
                        more += e2.more;
                        for p in e2.problems.iter().filter(|p| p.file == "values") {
                            problems.push(self.locate(p, &starts2));
                        }
                    }
                }
            }
        }
        problems.sort_by(|a, b| {
            (self.sheet_order(&a.0), a.2, a.1).cmp(&(self.sheet_order(&b.0), b.2, b.1))
        });
        problems.dedup();
        Err(TemplateError::Cells(CellErrors {
            file: file.to_string(),
            problems: problems
                .into_iter()
                .map(|(s, r, c, m)| CellProblem {
                    cell: cell_ref(&s, r, c),
                    message: m,
                })
                .collect(),
            more,
        }))
    }

    fn sheet_order(&self, sheet: &str) -> usize {
        self.units
            .iter()
            .position(|u| u.sheet == sheet)
            .unwrap_or(usize::MAX)
    }

    /// The cell a CSV problem is about. Line numbers inside messages ("đã có ở dòng 3") are replaced by
    /// the cell they mean; a problem that maps to no cell (cannot happen with the CSV written here) is
    /// put on the first sheet's key cell rather than lost.
    fn locate(&self, p: &DataProblem, field_starts: &[[usize; 4]]) -> (String, u32, u16, String) {
        let fallback = || {
            let sheet = self
                .units
                .first()
                .map(|u| u.sheet.clone())
                .unwrap_or_default();
            (sheet, KEY_ROW, KEY_COL, p.message.clone())
        };
        let Some(idx) = p.line.checked_sub(2) else {
            return fallback();
        };
        if p.file == "units" {
            let Some(u) = self.units.get(idx) else {
                return fallback();
            };
            let field = field_starts
                .get(idx)
                .map(|s| s.iter().rposition(|&st| st <= p.column).unwrap_or(0))
                .unwrap_or(0);
            (
                u.sheet.clone(),
                u.rows[field],
                u.col,
                self.cell_for_line(&p.message),
            )
        } else {
            match self.cells.get(idx) {
                Some((_, _, _, sheet, r, c)) => (sheet.clone(), *r, *c, p.message.clone()),
                None => fallback(),
            }
        }
    }

    /// Rewrites "(đã có ở dòng N)" of the units CSV to the code cell of the unit on that line.
    fn cell_for_line(&self, message: &str) -> String {
        const AT: &str = "(đã có ở dòng ";
        let Some(i) = message.find(AT) else {
            return message.to_string();
        };
        let rest = &message[i + AT.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let unit = digits
            .parse::<usize>()
            .ok()
            .and_then(|l| l.checked_sub(2))
            .and_then(|k| self.units.get(k));
        match unit {
            Some(u) => format!(
                "{}(đã có ở {}{}",
                &message[..i],
                cell_ref(&u.sheet, u.rows[0], u.col),
                &rest[digits.len()..]
            ),
            None => message.to_string(),
        }
    }
}

/// A text field of the dataset CSVs (codes, names, keys, answers), spreadsheet-safe: a unit named
/// `=HYPERLINK(…)` must not run when a clerk opens `units.csv` (the dataset reader undoes the guard);
/// quoted also when it begins or ends with a space, which a reader would trim.
fn csv_field(s: &str) -> String {
    let safe = egov_core::spreadsheet::csv_text(s);
    if matches!(safe, std::borrow::Cow::Borrowed(_)) && (s.starts_with(' ') || s.ends_with(' ')) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        safe.into_owned()
    }
}

/// A value cell of `values.csv`: a number as typed (`-3,5` stays a number for the spreadsheet), any
/// other text through [`csv_field`].
fn csv_value(s: &str) -> String {
    if egov_core::num::parse_decimal(s).is_ok() {
        egov_core::spreadsheet::csv_number(s).into_owned()
    } else {
        csv_field(s)
    }
}

/// What a row of the entry form is (see [`form_rows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRowKind {
    /// An aggregate (category, group): code, name, maximum.
    Group,
    /// A scored criterion whose rule reads the inputs in the entry rows below it.
    Criterion,
    /// A row where the unit types a value: an input, or the points of a criterion entered directly.
    Entry,
    /// The heading of the inputs no rule reads (collected, not scored).
    Extra,
}

/// One row of the entry form as [`template`] lays it out, with the texts of its columns, for another
/// rendering of the same form (the web application's), so both say the same thing about every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRow {
    pub kind: FormRowKind,
    /// The node of a group or criterion row, or of an entry row whose points are entered directly.
    pub node: Option<usize>,
    /// The input of an entry row that reads one.
    pub input: Option<usize>,
    /// The entry key of an entry row (input id or criterion code): what [`read_values`] accepts.
    pub key: Option<String>,
    /// Columns B–G: code, label, unit of measure, what to type, maximum and scoring, evidence.
    pub code: String,
    pub label: String,
    pub unit: String,
    pub hint: String,
    pub scoring: String,
    pub evidence: bool,
    /// Whether "Không áp dụng" means something for this entry (the edition gives it a policy).
    pub na: bool,
    /// Whether the row can apply to the unit asked about (its category and flags); always true
    /// without a unit.
    pub applies: bool,
}

/// The rows of the entry form of `edition`, in sheet order, as [`template`] writes them; with `unit`,
/// whether each applies to it.
pub fn form_rows(edition: &Edition, unit: Option<&Unit>, lang: Lang) -> Vec<FormRow> {
    let plan = plan(edition);
    let applies =
        |key: Key| unit.is_none_or(|u| key_applies(edition, &plan, key, u.category, &u.flags));
    plan.rows
        .iter()
        .map(|r| match r {
            RowSpec::Group(n) | RowSpec::Criterion(n) => {
                let node = &edition.nodes[*n];
                let group = matches!(r, RowSpec::Group(_));
                FormRow {
                    kind: if group {
                        FormRowKind::Group
                    } else {
                        FormRowKind::Criterion
                    },
                    node: Some(*n),
                    input: None,
                    key: None,
                    code: node.code.clone(),
                    label: node.label(lang).to_string(),
                    unit: String::new(),
                    hint: String::new(),
                    scoring: if group {
                        match lang {
                            Lang::Vi => format!("Tối đa {} điểm", num_text(node.max, lang)),
                            Lang::En => format!("At most {} points", num_text(node.max, lang)),
                        }
                    } else {
                        criterion_text(edition, *n, lang)
                    },
                    evidence: node.evidence,
                    na: false,
                    applies: unit.is_none_or(|u| applies_node(edition, *n, u)),
                }
            }
            RowSpec::Extra => FormRow {
                kind: FormRowKind::Extra,
                node: None,
                input: None,
                key: None,
                code: String::new(),
                label: lang
                    .tr(
                        "Chỉ tiêu thu thập thêm (không tính điểm)",
                        "Other inputs (not scored)",
                    )
                    .to_string(),
                unit: String::new(),
                hint: String::new(),
                scoring: String::new(),
                evidence: false,
                na: false,
                applies: true,
            },
            RowSpec::Entry(key) => {
                let na = na_meaningful(edition, &plan, *key);
                let hint = entry_hint(edition, *key, na, lang);
                let common = |node, input, code, label, unit, evidence, scoring| FormRow {
                    kind: FormRowKind::Entry,
                    node,
                    input,
                    key: Some(key_text(edition, *key).to_string()),
                    code,
                    label,
                    unit,
                    hint: hint.clone(),
                    scoring,
                    evidence,
                    na,
                    applies: applies(*key),
                };
                match *key {
                    Key::Node(n) => {
                        let node = &edition.nodes[n];
                        common(
                            Some(n),
                            None,
                            node.code.clone(),
                            node.label(lang).to_string(),
                            lang.tr("điểm", "points").to_string(),
                            node.evidence,
                            criterion_text(edition, n, lang),
                        )
                    }
                    Key::Input(i) => {
                        let input = &edition.inputs[i];
                        let users: Vec<&str> = plan.users[i]
                            .iter()
                            .map(|&n| edition.nodes[n].code.as_str())
                            .collect();
                        let scoring = if users.len() > 1 {
                            format!(
                                "{} {}",
                                lang.tr("Dùng cho tiêu chí", "Used by"),
                                users.join(", ")
                            )
                        } else {
                            String::new()
                        };
                        common(
                            None,
                            Some(i),
                            String::new(),
                            lang.pick(&input.name, input.name_en.as_deref()).to_string(),
                            input.unit.clone().unwrap_or_default(),
                            input.evidence,
                            scoring,
                        )
                    }
                }
            }
        })
        .collect()
}

fn applies_node(edition: &Edition, n: usize, u: &Unit) -> bool {
    applies(edition, n, u.category, &u.flags)
}

/// Keys of the entry rows of a template, in sheet order: what [`read_values`] accepts.
pub fn entry_keys(edition: &Edition) -> Vec<String> {
    plan(edition)
        .rows
        .iter()
        .filter_map(|r| match r {
            RowSpec::Entry(k) => Some(key_text(edition, *k).to_string()),
            _ => None,
        })
        .collect()
}
