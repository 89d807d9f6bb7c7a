//! Writes a [`Plan`] as an edition file in the format `egov_core::edition` reads.
//!
//! The text is written by hand rather than through a serializer so that it reads like the shipped
//! editions: header and provenance first, then categories, blocks, inputs, the criteria tree in
//! pre-order, level bands and the annex layout, with rules as one-line inline tables.

use std::fmt::Write;

use rust_decimal::Decimal;

use crate::plan::{InputType, Plan};
use crate::{Level, SynthOptions};

/// A TOML basic string.
pub(crate) fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn list(items: &[&str]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// The id of the edition generated for `opts`.
pub(crate) fn edition_id(opts: &SynthOptions) -> String {
    let level = match opts.level {
        Level::Commune => "xa",
        Level::Commune2025 => "xa-2025",
        Level::Agency => "so-huyen",
    };
    format!("synth-{level}-s{}", opts.seed)
}

// `write!` into a String cannot fail; the results are ignored on purpose.
pub(crate) fn write(plan: &Plan, opts: &SynthOptions) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let level_vi = match plan.level {
        Level::Commune => "cấp xã",
        Level::Commune2025 => "cấp xã (sau sắp xếp 2025)",
        Level::Agency => "các sở, ban, ngành và UBND cấp huyện",
    };
    let _ = writeln!(
        o,
        "# Bộ chỉ số tổng hợp (dữ liệu giả lập) sinh bởi `egov synth`: không phải số liệu thật."
    );
    let _ = writeln!(o, "id = {}", q(&edition_id(opts)));
    let _ = writeln!(
        o,
        "title = {}",
        q(&format!(
            "Bộ chỉ số đánh giá mức độ chuyển đổi số {level_vi} (dữ liệu giả lập)"
        ))
    );
    let _ = writeln!(
        o,
        "title_en = {}",
        q("Digital transformation index (synthetic data)")
    );
    let _ = writeln!(o, "year = 2024");
    let _ = writeln!(
        o,
        "description = {}",
        q(&format!(
            "Sinh tự động với hạt giống {}: {} chỉ số thành phần thuộc 2 hạng mục, 6 nhóm tiêu chí, đủ các kiểu quy tắc tính điểm.",
            opts.seed,
            plan.leaves().count()
        ))
    );
    o.push('\n');
    let _ = writeln!(o, "[[legal_basis]]");
    let _ = writeln!(o, "number = {}", q("0000/QĐ-UBND"));
    let _ = writeln!(o, "date = {}", q("2024-01-15"));
    let _ = writeln!(o, "issuer = {}", q("UBND tỉnh (giả lập)"));
    let _ = writeln!(o, "role = {}", q("tiêu chí"));
    let _ = writeln!(
        o,
        "title = {}",
        q("Ban hành Bộ chỉ số đánh giá chuyển đổi số (văn bản giả định cho dữ liệu tổng hợp)")
    );
    o.push('\n');
    let _ = writeln!(o, "[provenance]");
    let _ = writeln!(
        o,
        "published = {}",
        q("Không có: toàn bộ bộ chỉ số và số liệu là dữ liệu giả lập.")
    );
    let _ = writeln!(
        o,
        "assumed = {}",
        q(
            "Tên tiêu chí, điểm tối đa, quy tắc tính điểm, đơn vị và giá trị đều do bộ sinh dữ liệu tạo ra, dùng để kiểm thử và đo hiệu năng."
        )
    );
    let _ = writeln!(o, "illustrative = true");
    o.push('\n');
    let _ = writeln!(
        o,
        "[scoring]\nrounding = \"half-up\"\ndecimals = 2\ntotal_name = \"Tổng điểm\"\ntotal_name_en = \"Total\"\n"
    );
    let _ = writeln!(o, "[ranking]\nties = \"dense\"\non = \"rounded\"\n");

    for c in &plan.categories {
        let _ = writeln!(
            o,
            "[[category]]\ncode = {}\nname = {}\nname_en = {}\n",
            q(c.code),
            q(c.name),
            q(c.name_en)
        );
    }
    for b in &plan.blocks {
        let _ = writeln!(
            o,
            "[[block]]\ncode = {}\nname = {}\nname_en = {}\ncategories = {}\nranked = {}\n",
            q(b.code),
            q(b.name),
            q(b.name_en),
            list(b.categories),
            b.ranked
        );
    }
    for i in &plan.inputs {
        let _ = writeln!(o, "[[input]]\nid = {}\nname = {}", q(&i.id), q(&i.name));
        match &i.ty {
            InputType::Number { max } => {
                let _ = writeln!(o, "type = \"number\"\nmin = 0");
                if let Some(m) = max {
                    let _ = writeln!(o, "max = {}", dec(*m));
                }
            }
            InputType::Count => {
                let _ = writeln!(o, "type = \"count\"\nmin = 0");
            }
            InputType::YesNo => {
                let _ = writeln!(o, "type = \"yes-no\"");
            }
            InputType::Choice(c) => {
                let _ = writeln!(o, "type = \"choice\"\nchoices = {}", list(&c[..]));
            }
        }
        if let Some(u) = i.unit {
            let _ = writeln!(o, "unit = {}", q(u));
        }
        if i.evidence {
            let _ = writeln!(o, "evidence = true");
        }
        o.push('\n');
    }
    for t in &plan.tops {
        let _ = writeln!(
            o,
            "[[criterion]]\ncode = {}\nname = {}\nname_en = {}{}\n",
            q(t.code),
            q(t.name),
            q(t.name_en),
            if t.rescale { "\nrescale = true" } else { "" }
        );
        for g in &t.groups {
            let _ = writeln!(
                o,
                "[[criterion]]\ncode = {}\nname = {}\nname_en = {}",
                q(&g.code),
                q(&g.name),
                q(&g.name_en)
            );
            for e in &g.extra {
                let _ = writeln!(o, "{e}");
            }
            o.push('\n');
            for l in &g.leaves {
                let _ = writeln!(
                    o,
                    "[[criterion]]\ncode = {}\nname = {}\nname_en = {}\nmax = {}\nrule = {}",
                    q(&l.code),
                    q(&l.name),
                    q(&l.name_en),
                    dec(l.max),
                    l.rule
                );
                for e in &l.extra {
                    let _ = writeln!(o, "{e}");
                }
                o.push('\n');
            }
        }
    }
    for (name, name_en, pct) in [
        ("Tốt", "Good", 80),
        ("Khá", "Fair", 65),
        ("Trung bình", "Average", 50),
        ("Yếu", "Weak", 0),
    ] {
        let _ = writeln!(
            o,
            "[[band]]\nname = {}\nname_en = {}\nmin_percent = {pct}\n",
            q(name),
            q(name_en)
        );
    }

    let _ = writeln!(o, "[annex]");
    let _ = writeln!(
        o,
        "title = {}",
        q(&format!(
            "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG MỨC ĐỘ CHUYỂN ĐỔI SỐ {} NĂM 2024",
            level_vi.to_uppercase()
        ))
    );
    let _ = writeln!(
        o,
        "title_en = {}",
        q("DIGITAL TRANSFORMATION INDEX AND RANKING 2024 (SYNTHETIC)")
    );
    let _ = writeln!(
        o,
        "subtitle = [{}]\n",
        q("(Dữ liệu giả lập, sinh bởi egov synth)")
    );
    let roman = ["I", "II", "III", "IV", "V", "VI"];
    let tables: [AnnexTable<'_>; 3] = [
        (
            "tong-hop",
            "Chỉ số và xếp hạng chuyển đổi số (tổng hợp)",
            "Overall index and ranking",
            None,
            plan.tops.iter().map(|t| t.code).collect(),
            2,
            "dense",
        ),
        (
            "A",
            "Chỉ số thành phần: Chính quyền số",
            "Component index: digital government",
            Some("A"),
            group_codes(plan, 0),
            2,
            "dense",
        ),
        (
            "B",
            "Chỉ số thành phần: Phục vụ người dân và doanh nghiệp",
            "Component index: serving citizens and businesses",
            Some("B"),
            group_codes(plan, 1),
            1,
            "competition",
        ),
    ];
    for (id, title, title_en, node, columns, decimals, ties) in tables {
        let _ = writeln!(
            o,
            "[[annex.table]]\nid = {}\ntitle = {}\ntitle_en = {}",
            q(id),
            q(title),
            q(title_en)
        );
        if let Some(n) = node {
            let _ = writeln!(o, "node = {}", q(n));
        }
        let _ = writeln!(
            o,
            "columns = {}\ncolumn_group = \"Điểm\"\ncolumn_group_en = \"Points\"\ndecimals = {decimals}\nties = {}\n",
            list(&columns),
            q(ties)
        );
        for (k, b) in plan.blocks.iter().enumerate() {
            let _ = writeln!(
                o,
                "[[annex.table.section]]\nlabel = {}\ntitle = {}\ntitle_en = {}\nblocks = [{}]\n",
                q(roman[k.min(roman.len() - 1)]),
                q(b.name),
                q(b.name_en),
                q(b.code)
            );
        }
    }
    o
}

/// id, title, English title, node (`None` = total), columns, decimals, ties.
type AnnexTable<'a> = (
    &'a str,
    &'a str,
    &'a str,
    Option<&'a str>,
    Vec<&'a str>,
    u32,
    &'a str,
);

fn group_codes(plan: &Plan, top: usize) -> Vec<&str> {
    plan.tops[top]
        .groups
        .iter()
        .map(|g| g.code.as_str())
        .collect()
}
