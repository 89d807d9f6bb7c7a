//! The synthetic edition as a plan: categories, blocks, the criteria tree with a rule on every leaf,
//! and the inputs units fill in, each with how its values are drawn.
//!
//! The plan is the single description both outputs are written from: [`crate::edition_toml`] turns it
//! into an edition file and [`crate::data`] draws the values it asks for, so the two cannot disagree
//! (an input the data fills is always declared, a choice answer is always one of the choices).

use rust_decimal::Decimal;

use crate::bank;
use crate::rng::Draw;
use crate::{Level, SynthOptions};

/// Fewest leaf indicators: two per group and one more for the exclude-and-rescale group.
pub const MIN_INDICATORS: usize = 14;
/// Most leaf indicators: every leaf keeps at least 0,01 points.
pub const MAX_INDICATORS: usize = 10_000;

pub(crate) struct CategoryPlan {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// Share of units (the category marked `rest` takes what the others leave).
    pub share: f64,
    pub rest: bool,
    /// Most units of this kind a province can have (departments, special zones).
    pub cap: Option<usize>,
    /// Relative size of a unit (population, case load), scales counts.
    pub size: f64,
    /// Name prefixes with their weights (`"Xã "`), or fixed names.
    pub naming: Naming,
}

pub(crate) enum Naming {
    Place(&'static [(&'static str, u32)]),
    /// Fixed names first, then places with this prefix.
    Fixed(&'static [&'static str], &'static str),
}

pub(crate) struct BlockPlan {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub categories: &'static [&'static str],
    pub ranked: bool,
}

/// How the values of an input are drawn for a unit of quality `q`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Gen {
    /// A total (denominator), `lo..=hi` times the unit's size; occasionally zero.
    Total {
        lo: i64,
        hi: i64,
    },
    /// A part of the total in input `of` (numerator).
    Part {
        of: usize,
    },
    /// A percentage with one decimal.
    Percent,
    YesNo,
    /// One of three answers, best first.
    Choice,
    /// A count of items, typically up to `full`.
    Items {
        full: i64,
    },
    /// Points of a sub-item, up to `max`, in steps of `step`.
    SubPoints {
        max: Decimal,
        step: Decimal,
    },
    /// A volume compared across the block.
    Volume {
        scale: i64,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum InputType {
    Number { max: Option<Decimal> },
    Count,
    YesNo,
    Choice([&'static str; 3]),
}

pub(crate) struct InputPlan {
    pub id: String,
    pub name: String,
    pub ty: InputType,
    pub unit: Option<&'static str>,
    pub evidence: bool,
    pub draw: Gen,
}

pub(crate) struct LeafPlan {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub max: Decimal,
    /// The rule as a TOML inline table.
    pub rule: String,
    /// Inputs the rule reads (indices into [`Plan::inputs`]).
    pub inputs: Vec<usize>,
    /// Points given directly in the data under the leaf's code, drawn in steps of this size.
    pub points_step: Option<Decimal>,
    /// Extra TOML lines (applicability, not-applicable policy).
    pub extra: Vec<String>,
    /// Units often declare this item not applicable to them ("Không áp dụng"): at the full NA rate
    /// rather than a tenth of it.
    pub na_prone: bool,
}

pub(crate) struct GroupPlan {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub extra: Vec<String>,
    pub leaves: Vec<LeafPlan>,
}

pub(crate) struct TopPlan {
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// Exclude-and-rescale at this category (B): what its groups exclude is rescaled here, and B.2,
    /// which rescales too, is a rescaling node nested in another.
    pub rescale: bool,
    pub groups: Vec<GroupPlan>,
}

pub(crate) struct Plan {
    pub level: Level,
    pub categories: Vec<CategoryPlan>,
    pub blocks: Vec<BlockPlan>,
    pub inputs: Vec<InputPlan>,
    pub tops: Vec<TopPlan>,
}

impl Plan {
    pub fn leaves(&self) -> impl Iterator<Item = &LeafPlan> {
        self.tops
            .iter()
            .flat_map(|t| t.groups.iter())
            .flat_map(|g| g.leaves.iter())
    }
}

fn categories(level: Level) -> Vec<CategoryPlan> {
    match level {
        Level::Commune => commune_categories(),
        Level::Commune2025 => commune_2025_categories(),
        Level::Agency => agency_categories(),
    }
}

fn commune_categories() -> Vec<CategoryPlan> {
    vec![
        CategoryPlan {
            code: "xa",
            name: "Xã",
            name_en: "Commune",
            share: 0.82,
            rest: true,
            cap: None,
            size: 1.0,
            naming: Naming::Place(&[("Xã ", 1)]),
        },
        CategoryPlan {
            code: "phuong",
            name: "Phường",
            name_en: "Ward",
            share: 0.12,
            rest: false,
            cap: None,
            size: 1.8,
            naming: Naming::Place(&[("Phường ", 1)]),
        },
        CategoryPlan {
            code: "thi-tran",
            name: "Thị trấn",
            name_en: "Township",
            share: 0.06,
            rest: false,
            cap: None,
            size: 1.3,
            naming: Naming::Place(&[("Thị trấn ", 1)]),
        },
    ]
}

fn commune_2025_categories() -> Vec<CategoryPlan> {
    vec![
        CategoryPlan {
            code: "xa",
            name: "Xã",
            name_en: "Commune",
            share: 0.79,
            rest: true,
            cap: None,
            size: 2.5,
            naming: Naming::Place(&[("Xã ", 1)]),
        },
        CategoryPlan {
            code: "phuong",
            name: "Phường",
            name_en: "Ward",
            share: 0.20,
            rest: false,
            cap: None,
            size: 3.5,
            naming: Naming::Place(&[("Phường ", 1)]),
        },
        CategoryPlan {
            code: "dac-khu",
            name: "Đặc khu",
            name_en: "Special zone",
            share: 0.004,
            rest: false,
            cap: Some(crate::names::SPECIAL_ZONES.len()),
            size: 1.0,
            naming: Naming::Fixed(crate::names::SPECIAL_ZONES, "Đặc khu "),
        },
    ]
}

fn agency_categories() -> Vec<CategoryPlan> {
    vec![
        CategoryPlan {
            code: "so-dvc",
            name: "Sở, ban, ngành có cung cấp dịch vụ công",
            name_en: "Departments providing public services",
            share: 0.45,
            rest: false,
            cap: Some(crate::names::DEPARTMENTS.len()),
            size: 2.0,
            naming: Naming::Fixed(crate::names::DEPARTMENTS, "Ban quản lý "),
        },
        CategoryPlan {
            code: "so-khac",
            name: "Sở, ban, ngành không cung cấp dịch vụ công",
            name_en: "Departments without public services",
            share: 0.05,
            rest: false,
            cap: Some(crate::names::OTHER_BODIES.len()),
            size: 1.0,
            naming: Naming::Fixed(crate::names::OTHER_BODIES, "Văn phòng "),
        },
        CategoryPlan {
            code: "huyen",
            name: "UBND huyện, thị xã, thành phố",
            name_en: "District people's committees",
            share: 0.50,
            rest: true,
            cap: None,
            size: 6.0,
            naming: Naming::Place(&[
                ("UBND huyện ", 15),
                ("UBND thị xã ", 2),
                ("UBND thành phố ", 3),
            ]),
        },
    ]
}

fn blocks(level: Level) -> Vec<BlockPlan> {
    match level {
        Level::Commune => vec![
            BlockPlan {
                code: "XA",
                name: "Khối xã",
                name_en: "Communes",
                categories: &["xa"],
                ranked: true,
            },
            BlockPlan {
                code: "DT",
                name: "Khối phường, thị trấn",
                name_en: "Wards and townships",
                categories: &["phuong", "thi-tran"],
                ranked: true,
            },
        ],
        Level::Commune2025 => vec![
            BlockPlan {
                code: "XA",
                name: "Khối xã",
                name_en: "Communes",
                categories: &["xa"],
                ranked: true,
            },
            BlockPlan {
                code: "PHUONG",
                name: "Khối phường",
                name_en: "Wards",
                categories: &["phuong"],
                ranked: true,
            },
            BlockPlan {
                code: "DK",
                name: "Đặc khu (không xếp hạng)",
                name_en: "Special zones (not ranked)",
                categories: &["dac-khu"],
                ranked: false,
            },
        ],
        Level::Agency => vec![
            BlockPlan {
                code: "SBN-DVC",
                name: "Sở, ban, ngành có hạng mục cung cấp dịch vụ công",
                name_en: "Departments with public services",
                categories: &["so-dvc"],
                ranked: true,
            },
            BlockPlan {
                code: "SBN-KHAC",
                name: "Sở, ban, ngành không có hạng mục cung cấp dịch vụ công (không xếp hạng)",
                name_en: "Departments without public services (not ranked)",
                categories: &["so-khac"],
                ranked: false,
            },
            BlockPlan {
                code: "HUYEN",
                name: "UBND huyện, thị xã, thành phố",
                name_en: "Districts",
                categories: &["huyen"],
                ranked: true,
            },
        ],
    }
}

/// Categories for which the smart-city group is evaluated; elsewhere it is "Không đánh giá".
pub(crate) fn urban(level: Level) -> &'static [&'static str] {
    match level {
        Level::Commune => &["phuong", "thi-tran"],
        Level::Commune2025 => &["phuong", "dac-khu"],
        Level::Agency => &["huyen"],
    }
}

/// Rule kinds of ordinary leaves and their weights (per 100 leaves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ratio,
    Percent,
    YesNo,
    Steps,
    Choice,
    PerItem,
    Sum,
    BestOf,
    Relative,
    Points,
}

const KIND_WEIGHTS: &[(Kind, usize)] = &[
    (Kind::Ratio, 18),
    (Kind::Percent, 4),
    (Kind::YesNo, 18),
    (Kind::Steps, 14),
    (Kind::Choice, 9),
    (Kind::PerItem, 10),
    (Kind::Sum, 8),
    (Kind::BestOf, 8),
    (Kind::Relative, 6),
    (Kind::Points, 5),
];

/// Groups: code, name, English name, maximum points.
const GROUPS: &[(&str, &str, &str, i64)] = &[
    (
        "A.1",
        "Hạ tầng và nền tảng số",
        "Digital infrastructure and platforms",
        25,
    ),
    (
        "A.2",
        "Ứng dụng công nghệ thông tin trong nội bộ",
        "IT in internal operations",
        20,
    ),
    ("A.3", "Đô thị thông minh", "Smart city", 15),
    (
        "B.1",
        "Cung cấp dịch vụ công trực tuyến",
        "Online public services",
        15,
    ),
    (
        "B.2",
        "Thanh toán trực tuyến và số hóa hồ sơ",
        "Online payment and digitised records",
        15,
    ),
    (
        "B.3",
        "Kinh tế số và xã hội số",
        "Digital economy and society",
        10,
    ),
];

pub(crate) fn build(opts: &SynthOptions, d: &mut Draw) -> Plan {
    let level = opts.level;
    let k = opts.indicators.clamp(MIN_INDICATORS, MAX_INDICATORS);
    let categories = categories(level);

    // Leaves per group, proportional to the group's maximum (largest remainder), at least two (three
    // in B.2, which needs two excludable leaves and one that always counts).
    let least = |i: usize| if GROUPS[i].0 == "B.2" { 3 } else { 2 };
    let ki = k as i64;
    let mut per_group: Vec<i64> = (0..GROUPS.len())
        .map(|i| (ki * GROUPS[i].3 / 100).max(least(i)))
        .collect();
    while per_group.iter().sum::<i64>() < ki {
        let i = (0..GROUPS.len())
            .max_by_key(|&i| (ki * GROUPS[i].3 - 100 * per_group[i], usize::MAX - i))
            .unwrap_or(0);
        per_group[i] += 1;
    }
    while per_group.iter().sum::<i64>() > ki {
        let i = (0..GROUPS.len())
            .filter(|&i| per_group[i] > least(i))
            .max_by_key(|&i| (100 * per_group[i] - ki * GROUPS[i].3, usize::MAX - i))
            .unwrap_or(0);
        per_group[i] -= 1;
    }

    // Kinds: every kind at least once, in proportion otherwise, in a seeded order.
    let mut kinds: Vec<Kind> = Vec::with_capacity(k);
    for &(kind, w) in KIND_WEIGHTS {
        let n = (w * k / 100).max(1);
        kinds.extend(std::iter::repeat_n(kind, n));
    }
    // The floors add up to at most k for every k ≥ MIN_INDICATORS; the rest cycles through the kinds.
    let mut fill = 0;
    while kinds.len() < k {
        kinds.push(KIND_WEIGHTS[fill % KIND_WEIGHTS.len()].0);
        fill += 1;
    }
    d.shuffle(&mut kinds);

    let mut b = Builder {
        inputs: Vec::new(),
        used: [0; 10],
        d,
    };
    let mut tops = vec![
        TopPlan {
            code: "A",
            name: "Chính quyền số",
            name_en: "Digital government",
            rescale: false,
            groups: Vec::new(),
        },
        TopPlan {
            code: "B",
            name: "Phục vụ người dân và doanh nghiệp",
            name_en: "Serving citizens and businesses",
            rescale: true,
            groups: Vec::new(),
        },
    ];
    let mut next_kind = kinds.into_iter();
    // Every rule kind under every not-applicable policy: the first leaf of a kind that is not placed
    // below is excluded when a unit declares it not applicable, the next one is not evaluated; the
    // rest count as zero (the default policy).
    let mut kind_excluded = [false; KIND_WEIGHTS.len()];
    let mut kind_not_evaluated = [false; KIND_WEIGHTS.len()];
    for (gi, &(code, name, name_en, gmax)) in GROUPS.iter().enumerate() {
        let n = per_group[gi] as usize;
        // Quarter points while there is room for them, hundredths otherwise.
        let (unit, total) = if gmax as usize * 4 >= n {
            (Decimal::new(25, 2), gmax * 4)
        } else {
            (Decimal::new(1, 2), gmax * 100)
        };
        let shares = split(total, n, b.d);
        let mut extra_lines = Vec::new();
        match code {
            "A.3" => {
                extra_lines.push(format!(
                    "applies_to = [{}]",
                    urban(level)
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                extra_lines.push("not_applicable = \"not-evaluated\"".into());
            }
            "B.2" => extra_lines.push("rescale = true".into()),
            _ => {}
        }
        let mut leaves = Vec::with_capacity(n);
        for (j, &share) in shares.iter().enumerate() {
            let max = unit * Decimal::from(share);
            let kind = next_kind.next().unwrap_or(Kind::YesNo);
            let leaf_code = format!("{code}.{}", j + 1);
            let mut leaf = b.leaf(kind, leaf_code, max, unit);
            if code == "B.2" && j == 0 {
                // Applies only to border units; elsewhere it leaves the maximum and B.2 is rescaled.
                leaf.name.push_str(" (đơn vị biên giới)");
                leaf.extra.push("requires_flags = [\"bien-gioi\"]".into());
                leaf.extra.push("not_applicable = \"exclude\"".into());
            } else if code == "B.2" && j == 1 {
                leaf.extra.push("not_applicable = \"exclude\"".into());
                leaf.na_prone = true;
                kind_excluded[kind as usize] = true;
            } else if j == 0 && matches!(code, "A.1" | "A.3" | "B.1") {
                // Excluded at each rescale position: A.1's maximum is rescaled at the root (neither A
                // nor A.1 rescales), B.1's at B; A.3's at the root too, for urban units only, since
                // A.3 is not evaluated for the others — exclusion mixed with not-evaluated.
                leaf.extra.push("not_applicable = \"exclude\"".into());
                leaf.na_prone = true;
                kind_excluded[kind as usize] = true;
            } else if !kind_excluded[kind as usize] {
                leaf.extra.push("not_applicable = \"exclude\"".into());
                leaf.na_prone = true;
                kind_excluded[kind as usize] = true;
            } else if !kind_not_evaluated[kind as usize] {
                leaf.extra.push("not_applicable = \"not-evaluated\"".into());
                leaf.na_prone = true;
                kind_not_evaluated[kind as usize] = true;
            }
            leaves.push(leaf);
        }
        let top = if code.starts_with('A') { 0 } else { 1 };
        tops[top].groups.push(GroupPlan {
            code: code.into(),
            name: name.into(),
            name_en: name_en.into(),
            extra: extra_lines,
            leaves,
        });
    }
    Plan {
        level,
        categories,
        blocks: blocks(level),
        inputs: b.inputs,
        tops,
    }
}

/// Splits `total` steps over `n` leaves with seeded weights (2–6), each leaf at least one step, the
/// sum exactly `total` (largest remainder), so group maxima stay round while leaves differ.
fn split(total: i64, n: usize, d: &mut Draw) -> Vec<i64> {
    let weights: Vec<i64> = (0..n).map(|_| d.between(2, 6)).collect();
    let wsum: i64 = weights.iter().sum();
    let spare = total - n as i64;
    let mut shares: Vec<i64> = weights.iter().map(|w| 1 + spare * w / wsum).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&j| (std::cmp::Reverse((spare * weights[j]) % wsum), j));
    let short = total - shares.iter().sum::<i64>();
    for &j in order.iter().take(short as usize) {
        shares[j] += 1;
    }
    shares
}

struct Builder<'a> {
    inputs: Vec<InputPlan>,
    /// How many topics of each kind were used (for unique names).
    used: [usize; 10],
    d: &'a mut Draw,
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

impl Builder<'_> {
    fn input(
        &mut self,
        id: String,
        name: String,
        ty: InputType,
        unit: Option<&'static str>,
        draw: Gen,
    ) -> usize {
        let evidence = matches!(ty, InputType::YesNo | InputType::Choice(_));
        self.inputs.push(InputPlan {
            id,
            name,
            ty,
            unit,
            evidence,
            draw,
        });
        self.inputs.len() - 1
    }

    /// A leaf read from one input, named after the next topic of `bank`: the leaf gets the topic's name,
    /// the input (id `id`) the topic's question and unit.
    fn one_input_leaf(
        &mut self,
        leaf: &mut LeafPlan,
        kind: Kind,
        bank: &[bank::Topic],
        id: &str,
        ty: InputType,
        draw: Gen,
    ) {
        let (t, q) = self.topic(kind, bank.len());
        let t = &bank[t];
        let i = self.input(id.to_string(), format!("{}{q}", t.input), ty, t.unit, draw);
        leaf.name = format!("{}{q}", t.name);
        leaf.name_en = t.name_en.into();
        leaf.inputs = vec![i];
    }

    fn topic(&mut self, kind: Kind, len: usize) -> (usize, String) {
        let slot = kind as usize;
        let k = self.used[slot];
        self.used[slot] += 1;
        bank::qualified(k, len)
    }

    fn ratio_inputs(&mut self, id: &str, t: &bank::RatioTopic, q: &str) -> (usize, usize) {
        let lo = *self.d.pick(&[10i64, 20, 50, 100]);
        let hi = lo * *self.d.pick(&[10i64, 20, 40]);
        // Numerator first, as forms ask for it first; the denominator follows it.
        let den_at = self.inputs.len() + 1;
        let num = self.input(
            format!("{id}_tu"),
            format!("{}{q}", t.numerator),
            InputType::Count,
            Some(t.unit),
            Gen::Part { of: den_at },
        );
        let den = self.input(
            format!("{id}_mau"),
            format!("{}{q}", t.denominator),
            InputType::Count,
            Some(t.unit),
            Gen::Total { lo, hi },
        );
        (num, den)
    }

    fn leaf(&mut self, kind: Kind, code: String, max: Decimal, unit: Decimal) -> LeafPlan {
        let id = format!("c{}", code.replace('.', "_").to_lowercase());
        let quarter = |f: i64| max * Decimal::from(f) / Decimal::from(4);
        let mut leaf = LeafPlan {
            code,
            name: String::new(),
            name_en: String::new(),
            max,
            rule: String::new(),
            inputs: Vec::new(),
            points_step: None,
            extra: Vec::new(),
            na_prone: false,
        };
        match kind {
            Kind::Ratio => {
                let (t, q) = self.topic(kind, bank::RATIO.len());
                let t = &bank::RATIO[t];
                let (num, den) = self.ratio_inputs(&id, t, &q);
                leaf.name = format!("{}{q}", t.name);
                leaf.name_en = t.name_en.into();
                leaf.rule = format!(
                    "{{ kind = \"ratio\", numerator = \"{}\", denominator = \"{}\" }}",
                    self.inputs[num].id, self.inputs[den].id
                );
                leaf.inputs = vec![num, den];
            }
            Kind::Percent => {
                let percent = InputType::Number {
                    max: Some(Decimal::ONE_HUNDRED),
                };
                self.one_input_leaf(&mut leaf, kind, bank::PERCENT, &id, percent, Gen::Percent);
                leaf.rule = format!(
                    "{{ kind = \"ratio\", numerator = \"{id}\", denominator_value = 100 }}"
                );
            }
            Kind::YesNo => {
                self.one_input_leaf(
                    &mut leaf,
                    kind,
                    bank::YES_NO,
                    &id,
                    InputType::YesNo,
                    Gen::YesNo,
                );
                leaf.rule = format!("{{ kind = \"yes-no\", input = \"{id}\" }}");
            }
            Kind::Steps => {
                let percent = InputType::Number {
                    max: Some(Decimal::ONE_HUNDRED),
                };
                self.one_input_leaf(&mut leaf, kind, bank::STEPS, &id, percent, Gen::Percent);
                leaf.rule = format!(
                    "{{ kind = \"steps\", input = \"{id}\", steps = [[90, {}], [70, {}], [50, {}], [30, {}]] }}",
                    dec(max),
                    dec(quarter(3)),
                    dec(quarter(2)),
                    dec(quarter(1))
                );
            }
            Kind::Choice => {
                let (t, q) = self.topic(kind, bank::CHOICE.len());
                let t = &bank::CHOICE[t];
                let i = self.input(
                    id.clone(),
                    format!("{}{q}", t.input),
                    InputType::Choice(t.choices),
                    None,
                    Gen::Choice,
                );
                leaf.name = format!("{}{q}", t.name);
                leaf.name_en = t.name_en.into();
                leaf.rule = format!(
                    "{{ kind = \"choice\", input = \"{id}\", options = {{ \"{}\" = {}, \"{}\" = {}, \"{}\" = 0 }} }}",
                    t.choices[0],
                    dec(max),
                    t.choices[1],
                    dec(quarter(2)),
                    t.choices[2]
                );
                leaf.inputs = vec![i];
            }
            Kind::PerItem => {
                let items = Gen::Items { full: 4 };
                self.one_input_leaf(
                    &mut leaf,
                    kind,
                    bank::PER_ITEM,
                    &id,
                    InputType::Count,
                    items,
                );
                leaf.rule = format!(
                    "{{ kind = \"per-item\", input = \"{id}\", per = {} }}",
                    dec(quarter(1))
                );
            }
            Kind::Sum => {
                let (t, q) = self.topic(kind, bank::SUM.len());
                let t = &bank::SUM[t];
                let parts = t.parts.len() as i64;
                // Each part is worth a share of the leaf; together they may exceed it and are capped.
                let part_max =
                    (max * Decimal::new(12, 1) / Decimal::from(parts) / unit).ceil() * unit;
                let ids: Vec<usize> = (0..t.parts.len())
                    .map(|p| {
                        self.input(
                            format!("{id}_{}", p + 1),
                            format!("{}{q}", t.parts[p]),
                            InputType::Number { max: Some(max) },
                            Some("điểm"),
                            Gen::SubPoints {
                                max: part_max.min(max),
                                step: unit,
                            },
                        )
                    })
                    .collect();
                leaf.name = format!("{}{q}", t.name);
                leaf.name_en = t.name_en.into();
                leaf.rule = format!(
                    "{{ kind = \"sum\", inputs = [{}] }}",
                    ids.iter()
                        .map(|&i| format!("\"{}\"", self.inputs[i].id))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                leaf.inputs = ids;
            }
            Kind::BestOf => {
                let (t, q) = self.topic(kind, bank::BEST_OF.len());
                let t = &bank::BEST_OF[t];
                let (num, den) = self.ratio_inputs(&format!("{id}_a"), &t.ratio, &q);
                let yn = self.input(
                    format!("{id}_b"),
                    format!("{}{q}", t.alternative),
                    InputType::YesNo,
                    None,
                    Gen::YesNo,
                );
                leaf.name = format!("{}{q}", t.ratio.name);
                leaf.name_en = t.ratio.name_en.into();
                leaf.rule = format!(
                    "{{ kind = \"best-of\", cases = [{{ kind = \"ratio\", numerator = \"{}\", denominator = \"{}\" }}, {{ kind = \"yes-no\", input = \"{}\", yes = {} }}] }}",
                    self.inputs[num].id,
                    self.inputs[den].id,
                    self.inputs[yn].id,
                    dec(quarter(2))
                );
                leaf.inputs = vec![num, den, yn];
            }
            Kind::Relative => {
                let volume = Gen::Volume {
                    scale: *self.d.pick(&[500i64, 2000, 10_000]),
                };
                self.one_input_leaf(
                    &mut leaf,
                    kind,
                    bank::RELATIVE,
                    &id,
                    InputType::Count,
                    volume,
                );
                leaf.rule = format!("{{ kind = \"relative-to-best\", input = \"{id}\" }}");
            }
            Kind::Points => {
                let (t, q) = self.topic(kind, bank::POINTS.len());
                let (name, name_en) = bank::POINTS[t];
                leaf.name = format!("{name}{q}");
                leaf.name_en = name_en.into();
                leaf.rule = "{ kind = \"points\" }".into();
                leaf.points_step = Some(unit);
            }
        }
        leaf
    }
}
