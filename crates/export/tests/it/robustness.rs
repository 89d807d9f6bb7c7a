//! The robustness chart and HTML section read back: the SVG parsed as XML, each drawn unit's interval,
//! median and published rank placed on one rank scale from the report's numbers, a 70-unit block cut
//! to 50 with the gap said, every name escaped, the PNG drawn; the HTML tables every unit and index
//! with the decimal comma, and the HTML report carries the section only when given a report; the DOCX
//! and the PDF end with the section's tables (read back from the XML, the PDF's page summaries and
//! poppler's text) after an annex left unchanged.

use std::collections::HashMap;

use egov_core::robustness::{
    BlockIndex, ChoiceReport, Report, SectionReport, TableReport, UnitReport, render,
};
use egov_export::{
    ChartOptions, Format, Lang, RenderOptions, png, render, report, robustness_chart,
    robustness_html,
};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::fixture;

const HOSTILE: &str = "<b>&\"x\"";

/// One element of the SVG: its name, attributes and (for `<text>`) its text, unescaped.
#[derive(Debug)]
struct Element {
    name: String,
    attrs: HashMap<String, String>,
    text: String,
}

impl Element {
    fn num(&self, key: &str) -> f64 {
        self.attrs[key].parse().unwrap()
    }
    fn class(&self) -> &str {
        self.attrs.get("class").map_or("", |s| s.as_str())
    }
}

/// Parses `xml` with quick-xml (panics when it is not well-formed) into its elements in order.
fn elements(xml: &str) -> Vec<Element> {
    let mut r = Reader::from_str(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.as_ref().to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push(Element {
                    name: e.name().as_ref().to_string(),
                    attrs,
                    text: String::new(),
                });
                // An empty element has no end event: only a start is kept open.
                if !xml[..r.buffer_position() as usize].ends_with("/>") {
                    open.push(out.len() - 1);
                }
            }
            Ok(Event::End(_)) => {
                open.pop().expect("balanced");
            }
            Ok(Event::Text(t)) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(g)) => {
                if let Some(&i) = open.last() {
                    let name = g.xml10_content();
                    out[i].text.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("unknown entity {name}")),
                    );
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", r.buffer_position()),
        }
    }
    assert!(open.is_empty(), "unclosed elements");
    out
}

fn unit(i: u32, n: u32, name: String) -> UnitReport {
    // Intervals of different widths around the published rank, the median inside them, some below
    // and some above it.
    let p5 = i.saturating_sub(1 + i % 3).max(1);
    let p95 = (i + i % 4).min(n);
    let median = if i.is_multiple_of(2) { p95 } else { i.max(p5) };
    UnitReport {
        code: format!("U{i}"),
        name,
        nominal: i,
        median,
        p5,
        p95,
        mean: median as f64,
        top: vec![
            if i == 1 { 0.7345 } else { 0.0 },
            (4.0 - i as f64).max(0.0) / 4.0,
        ],
        bands: Vec::new(),
        sensitivity: vec![(0.1, 0.2), (0.3, 0.4)],
        dominant: (!i.is_multiple_of(3)).then_some((i % 2) as usize),
    }
}

fn section(block: &str, title: &str, names: Vec<String>) -> SectionReport {
    let n = names.len() as u32;
    let units: Vec<UnitReport> = names
        .into_iter()
        .enumerate()
        .map(|(k, name)| unit(k as u32 + 1, n, name))
        .collect();
    let stable = units
        .iter()
        .filter(|u| u.p5 + 1 >= u.nominal && u.p95 <= u.nominal + 1)
        .count();
    SectionReport {
        block: block.into(),
        title: title.into(),
        units,
        correlation: (0.9123, 0.8, 0.93),
        sensitivity: vec![
            BlockIndex {
                first: 0.1234,
                total: 0.2468,
                first_ci: (0.1, 0.15),
                total_ci: (0.2, 0.3),
            },
            BlockIndex {
                first: 0.5,
                total: 0.75,
                first_ci: (0.45, 0.55),
                total_ci: (0.7, 0.8),
            },
        ],
        stable,
        dominant: Some(1),
    }
}

/// Two ranked blocks: five departments (one with a hostile name, bands given) and 70 communes.
fn sample() -> Report {
    let mut small = section(
        "I",
        "Khối sở có dịch vụ công",
        vec![
            "Sở Y tế".into(),
            HOSTILE.into(),
            "Sở Tài chính".into(),
            "Sở Nội vụ".into(),
            "Thanh tra tỉnh".into(),
        ],
    );
    for u in &mut small.units {
        u.bands = vec![0.25, 0.75];
    }
    let big = section("X", "", (1..=70).map(|i| format!("Xã số {i:02}")).collect());
    Report {
        edition: "mau-2025".into(),
        evaluations: 4000,
        base: 1000,
        draws: 2000,
        seed: 7,
        bootstrap: 200,
        choices: vec![
            ChoiceReport {
                id: "weights".into(),
                kind: "weights",
                label: "Trọng số ±10 %".into(),
                label_en: "Weights ±10 %".into(),
                options: Vec::new(),
            },
            ChoiceReport {
                id: "rank_on".into(),
                kind: "rank_on",
                label: "Xếp hạng trên điểm làm tròn hay chính xác".into(),
                label_en: "Ranking on rounded or exact points".into(),
                options: vec!["rounded".into(), "exact".into()],
            },
        ],
        top: vec![1, 3],
        bands: vec!["Tốt".into(), "Khá".into()],
        tables: vec![
            TableReport {
                id: "so".into(),
                title: "Bảng A".into(),
                sections: vec![small],
            },
            TableReport {
                id: "xa".into(),
                title: "Bảng B".into(),
                sections: vec![big],
            },
        ],
        declared: true,
    }
}

/// The units a block draws, in order: all of up to 60, else the first and last 25.
fn drawn(s: &SectionReport) -> Vec<&UnitReport> {
    if s.units.len() <= 60 {
        s.units.iter().collect()
    } else {
        s.units[..25]
            .iter()
            .chain(&s.units[s.units.len() - 25..])
            .collect()
    }
}

/// The x of the top vertex of a diamond (its centre).
fn diamond_x(e: &Element) -> f64 {
    e.attrs["points"]
        .split(' ')
        .next()
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn each_drawn_unit_has_its_interval_median_and_published_rank_on_one_scale() {
    let r = sample();
    let svg = robustness_chart(&r, Lang::Vi);
    let el = elements(&svg);
    let of = |class: &str| el.iter().filter(|e| e.class() == class).collect::<Vec<_>>();
    let (bars, medians, nominals) = (of("interval"), of("median"), of("nominal"));
    let units: Vec<&UnitReport> = r
        .tables
        .iter()
        .flat_map(|t| &t.sections)
        .flat_map(drawn)
        .collect();
    assert_eq!(units.len(), 55);
    assert_eq!(bars.len(), units.len());
    assert_eq!(medians.len(), units.len());
    assert_eq!(nominals.len(), units.len());
    assert!(bars.iter().all(|b| b.name == "rect"));
    // Each block has one width per place: the bar covers places p5..=p95, the median and the
    // published rank sit at the centres of their places.
    let mut at = 0;
    for s in r.tables.iter().flat_map(|t| &t.sections) {
        let d = drawn(s);
        let place = bars[at].num("width") / (d[0].p95 - d[0].p5 + 1) as f64;
        let origin = bars[at].num("x") - (d[0].p5 - 1) as f64 * place;
        for (k, u) in d.iter().enumerate() {
            let (b, m, n) = (bars[at + k], medians[at + k], nominals[at + k]);
            let (x, w) = (b.num("x"), b.num("width"));
            assert!(
                x <= m.num("cx") && m.num("cx") <= x + w,
                "{}: median outside its bar",
                u.name
            );
            assert!(
                (x - (origin + (u.p5 - 1) as f64 * place)).abs() < 0.02,
                "{}: p5",
                u.name
            );
            assert!(
                (x + w - (origin + u.p95 as f64 * place)).abs() < 0.03,
                "{}: p95",
                u.name
            );
            let centre = |rank: u32| origin + (rank as f64 - 0.5) * place;
            assert!(
                (m.num("cx") - centre(u.median)).abs() < 0.02,
                "{}: median",
                u.name
            );
            assert!(
                (diamond_x(n) - centre(u.nominal)).abs() < 0.02,
                "{}: published",
                u.name
            );
        }
        // Rows in published order, top to bottom.
        let ys: Vec<f64> = (0..d.len()).map(|k| bars[at + k].num("y")).collect();
        assert!(ys.windows(2).all(|w| w[0] < w[1]));
        at += d.len();
    }
    // The whole axis spans 560 px whatever the block's size.
    let small_place = bars[0].num("width")
        / (r.tables[0].sections[0].units[0].p95 - r.tables[0].sections[0].units[0].p5 + 1) as f64;
    assert!((small_place * 5.0 - 560.0).abs() < 0.1, "{small_place}");
}

#[test]
fn a_block_of_seventy_draws_fifty_and_says_how_many_are_not_drawn() {
    let r = sample();
    let el = elements(&robustness_chart(&r, Lang::Vi));
    let texts: Vec<&str> = el
        .iter()
        .filter(|e| e.name == "text")
        .map(|e| e.text.as_str())
        .collect();
    let gaps: Vec<&Element> = el.iter().filter(|e| e.class() == "gap").collect();
    assert_eq!(gaps.len(), 1);
    assert!(
        gaps[0]
            .text
            .contains("20 đơn vị ở giữa (hạng 26–45) không được vẽ"),
        "{}",
        gaps[0].text
    );
    for i in 1..=70 {
        let name = format!("Xã số {i:02}");
        assert_eq!(
            texts.contains(&name.as_str()),
            !(26..=45).contains(&i),
            "{name}"
        );
    }
    let en = elements(&robustness_chart(&r, Lang::En));
    assert!(en.iter().any(|e| {
        e.class() == "gap"
            && e.text
                .contains("20 units in between (ranks 26–45) not drawn")
    }));
}

#[test]
fn titles_summaries_legend_and_axis_are_written() {
    let r = sample();
    for lang in [Lang::Vi, Lang::En] {
        let el = elements(&robustness_chart(&r, lang));
        let texts: Vec<&str> = el
            .iter()
            .filter(|e| e.name == "text")
            .map(|e| e.text.as_str())
            .collect();
        // The summary is wrapped over lines: joined back, each block's sentence is there whole.
        let summaries: Vec<&str> = el
            .iter()
            .filter(|e| e.class() == "summary")
            .map(|e| e.text.as_str())
            .collect();
        let joined = summaries.join(" ");
        for t in &r.tables {
            for s in &t.sections {
                let sentence = render::summary(&r, s, lang);
                assert!(joined.contains(&sentence), "{sentence}");
            }
        }
        let (title, axis, legend) = match lang {
            Lang::Vi => (
                "Bảng A — Khối sở có dịch vụ công",
                "Thứ hạng (1 = cao nhất)",
                ["Khoảng 5–95 %", "Trung vị", "Hạng công bố"],
            ),
            Lang::En => (
                "Bảng A — Khối sở có dịch vụ công",
                "Rank (1 = best)",
                ["5–95 % interval", "Median", "Published rank"],
            ),
        };
        assert!(texts.contains(&title));
        assert!(
            texts.contains(&"Bảng B"),
            "a block without a title is named by its table"
        );
        assert_eq!(
            texts.iter().filter(|t| **t == axis).count(),
            2,
            "one axis per block"
        );
        for l in legend {
            assert!(texts.contains(&l), "{l}");
        }
    }
}

#[test]
fn names_are_escaped_in_the_chart() {
    let svg = robustness_chart(&sample(), Lang::Vi);
    assert!(!svg.contains(HOSTILE));
    assert!(svg.contains("&lt;b&gt;&amp;&quot;x&quot;"));
    let el = elements(&svg);
    assert!(el.iter().any(|e| e.name == "text" && e.text == HOSTILE));
    assert!(svg.contains("font-family=\"DejaVu Sans"));
}

#[test]
fn the_chart_renders_to_png() {
    let svg = robustness_chart(&sample(), Lang::Vi);
    let bytes = png("robustness", &svg).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let img = resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap();
    let root = &elements(&svg)[0];
    assert_eq!(img.width() as f64, 2.0 * root.num("width"));
    assert_eq!(img.height() as f64, 2.0 * root.num("height"));
    // The bars (sky blue) and the text (dark) are drawn.
    let sky = img
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) == (0x56, 0xb4, 0xe9))
        .count();
    let dark = img
        .pixels()
        .iter()
        .filter(|p| p.red() < 100 && p.green() < 100 && p.blue() < 100)
        .count();
    assert!(sky > 5000, "{sky} sky-blue pixels");
    assert!(dark > 5000, "{dark} dark pixels");
}

#[test]
fn html_section_tables_every_unit_and_index() {
    let r = sample();
    let html = robustness_html(&r, Lang::Vi);
    // The fragment is well-formed markup (the inline SVGs too).
    let el = elements(&html);
    assert_eq!(el[0].name, "section");
    assert!(!html.contains(HOSTILE));
    assert!(html.contains("&lt;b&gt;&amp;&quot;x&quot;"));
    // One chart per block, one row per unit (all 70, the table is not cut).
    assert_eq!(el.iter().filter(|e| e.name == "svg").count(), 2);
    let cells = |row: &str| format!("<tr><td class=\"l\">{row}</td>");
    for u in r
        .tables
        .iter()
        .flat_map(|t| &t.sections)
        .flat_map(|s| &s.units)
    {
        let name = egov_export::xml::esc(&u.name);
        let at = html.find(&cells(&name)).unwrap_or_else(|| panic!("{name}"));
        let row = &html[at..at + html[at..].find("</tr>").unwrap()];
        assert!(
            row.contains(&format!(
                "<td class=\"c\">{}</td><td class=\"c\">{}</td><td class=\"c\">{}–{}</td>",
                u.nominal, u.median, u.p5, u.p95
            )),
            "{row}"
        );
    }
    let tbodies = html
        .split("<tbody>")
        .skip(1)
        .map(|b| b.split("</tbody>").next().unwrap().matches("<tr>").count())
        .collect::<Vec<_>>();
    assert_eq!(
        tbodies,
        [5, 2, 70, 2],
        "units and sensitivity rows per block"
    );
    // Decimal comma; probabilities as percentages; the bands of the block that has them.
    assert!(html.contains("<td class=\"r\">73,5 %</td>"));
    assert!(html.contains("<td class=\"r\">0,123</td><td class=\"r\">[0,100; 0,150]</td><td class=\"r\">0,247</td><td class=\"r\">[0,200; 0,300]</td>"));
    assert!(html.contains("<th scope=\"col\">P(Tốt)</th>"));
    assert_eq!(
        html.matches("<th scope=\"col\">P(Tốt)</th>").count(),
        1,
        "no band columns for the block without bands"
    );
    assert!(html.contains("trung bình 0,912"));
    assert!(html.contains(&egov_export::xml::esc(&render::summary(
        &r,
        &r.tables[1].sections[0],
        Lang::Vi
    ))));
    assert!(html.contains(
        "<td class=\"l\">Xếp hạng trên điểm làm tròn hay chính xác</td><td class=\"r\">0,500</td>"
    ));
    let en = robustness_html(&r, Lang::En);
    assert!(
        en.contains("<td class=\"r\">73.5 %</td>")
            && en.contains("Ranking on rounded or exact points")
    );
}

#[test]
fn the_html_report_carries_the_section_only_when_given_a_report() {
    let annex = fixture::annex();
    let r = sample();
    let without = String::from_utf8(
        report(&annex, &RenderOptions::default(), &ChartOptions::default()).unwrap(),
    )
    .unwrap();
    assert!(!without.contains("class=\"robustness\""));
    assert!(
        !without.contains("section.robustness"),
        "no style for a section not there"
    );
    let opts = ChartOptions {
        robustness: Some(&r),
        ..Default::default()
    };
    let with =
        String::from_utf8(report(&annex, &RenderOptions::default(), &opts).unwrap()).unwrap();
    let at = with
        .find("<section class=\"robustness\"")
        .expect("the section");
    assert!(
        at > with.find("<figure class=\"chart\">").unwrap(),
        "after the annex and its charts"
    );
    assert!(with[at..].contains(&robustness_html(&r, Lang::Vi)));
    assert!(with.ends_with("</body>\n</html>\n"));
    assert!(with[..with.find("</head>").unwrap()].contains(egov_export::robustness::CSS));
}

/// The paragraphs and the tables (rows of cell texts) of a DOCX's `word/document.xml`, as a reader of
/// the document sees them: every `w:t` unescaped, a paragraph outside tables one string.
struct DocxText {
    xml: String,
    paragraphs: Vec<String>,
    tables: Vec<Vec<Vec<String>>>,
}

fn docx_text(bytes: &[u8]) -> DocxText {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let (mut paragraphs, mut tables) = (Vec::new(), Vec::<Vec<Vec<String>>>::new());
    let (mut depth, mut in_t, mut para) = (0usize, false, String::new());
    let mut r = Reader::from_str(&xml);
    let push = |s: &str, depth: usize, tables: &mut Vec<Vec<Vec<String>>>, para: &mut String| {
        if depth > 0 {
            tables
                .last_mut()
                .unwrap()
                .last_mut()
                .unwrap()
                .last_mut()
                .unwrap()
                .push_str(s);
        } else {
            para.push_str(s);
        }
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => match e.name().as_ref() {
                "w:tbl" => {
                    depth += 1;
                    tables.push(Vec::new());
                }
                "w:tr" => tables.last_mut().unwrap().push(Vec::new()),
                "w:tc" => tables
                    .last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push(String::new()),
                "w:t" => in_t = true,
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:tbl" => depth -= 1,
                "w:t" => in_t = false,
                "w:p" if depth == 0 && !para.is_empty() => {
                    paragraphs.push(std::mem::take(&mut para))
                }
                _ => {}
            },
            Event::Text(t) if in_t => push(&t.xml10_content(), depth, &mut tables, &mut para),
            Event::GeneralRef(g) if in_t => {
                let name = g.xml10_content();
                let ch = match name.strip_prefix('#') {
                    Some(code) => char::from_u32(code.parse().unwrap()).unwrap().to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap()
                        .to_string(),
                };
                push(&ch, depth, &mut tables, &mut para)
            }
            Event::Eof => break,
            _ => {}
        }
    }
    DocxText {
        xml,
        paragraphs,
        tables,
    }
}

fn with_report(r: &Report, lang: Lang) -> RenderOptions {
    RenderOptions {
        lang,
        robustness: Some(std::sync::Arc::new(r.clone())),
        ..Default::default()
    }
}

/// The text of the interval cell of a unit, from the report's numbers.
fn interval(u: &UnitReport) -> String {
    format!("{}–{}", u.p5, u.p95)
}

#[test]
fn the_docx_ends_with_the_section_every_unit_and_index_tabled() {
    let annex = fixture::annex();
    let r = sample();
    let without = docx_text(&render(&annex, Format::Docx, &RenderOptions::default()).unwrap());
    let with = docx_text(&render(&annex, Format::Docx, &with_report(&r, Lang::Vi)).unwrap());
    assert!(!without.paragraphs.iter().any(|p| p.contains("ĐỘ VỮNG")));

    // The annex is unchanged: the section only comes after it (a section break, then the section).
    let annex_body = &without.xml[..without.xml.rfind("<w:sectPr>").unwrap()];
    assert!(with.xml.starts_with(annex_body));
    let heading = with
        .paragraphs
        .iter()
        .position(|p| p == "ĐỘ VỮNG CỦA XẾP HẠNG")
        .expect("the section's heading");
    assert_eq!(heading, without.paragraphs.len(), "right after the annex");
    let intro = &with.paragraphs[heading + 1];
    for c in &r.choices {
        assert!(intro.contains(&c.label), "{} in {intro}", c.label);
    }
    assert!(intro.contains("4.000 lượt tính") && intro.contains("hạt giống 7"));

    // Per block: title, summary, then its two tables.
    let tables = &with.tables[without.tables.len()..];
    assert_eq!(tables.len(), 4);
    let sections: Vec<&SectionReport> = r.tables.iter().flat_map(|t| &t.sections).collect();
    for (k, s) in sections.iter().enumerate() {
        let summary = render::summary(&r, s, Lang::Vi);
        assert!(
            with.paragraphs.contains(&summary),
            "the summary of block {k}"
        );
        let units = &tables[2 * k];
        assert_eq!(
            units[0][..5],
            ["TT", "Đơn vị", "Hạng công bố", "Trung vị", "Khoảng 5–95 %"]
        );
        assert_eq!(units[0].last().unwrap(), "Yếu tố chính");
        let rows: Vec<&Vec<String>> = units[1..].iter().filter(|r| r.len() > 2).collect();
        assert_eq!(rows.len(), drawn(s).len());
        for (row, u) in rows.iter().zip(drawn(s)) {
            assert_eq!(row[1], u.name);
            assert_eq!(row[2], u.nominal.to_string());
            assert_eq!(row[3], u.median.to_string());
            assert_eq!(row[4], interval(u));
            let main = u
                .dominant
                .map_or("—".to_string(), |i| r.choices[i].label.clone());
            assert_eq!(row.last().unwrap(), &main);
        }
        let sens = &tables[2 * k + 1];
        assert_eq!(
            sens[0],
            [
                "TT",
                "Lựa chọn",
                "Chỉ số bậc 1 [95 %]",
                "Chỉ số tổng [95 %]"
            ]
        );
        assert_eq!(sens.len(), 1 + r.choices.len());
    }
    // The hostile name reads back whole, escaped in the XML; the top-1 probability as a percentage.
    let small = &tables[0];
    let hostile = small.iter().find(|row| row[1] == HOSTILE).unwrap();
    assert_eq!(hostile[4], interval(&r.tables[0].sections[0].units[1]));
    assert!(!with.xml.contains(HOSTILE));
    assert!(with.xml.contains("&lt;b&gt;&amp;"));
    assert_eq!(small[1][5], "73,5 %");
    assert_eq!(small[0][7..9], ["P(Tốt)", "P(Khá)"]);
    assert_eq!(
        tables[1][2][1..],
        [
            "Xếp hạng trên điểm làm tròn hay chính xác",
            "0,500 [0,450; 0,550]",
            "0,750 [0,700; 0,800]"
        ]
    );
    // The 70-unit block: its first and last 25, and a line saying how many are left out.
    let gap = tables[2]
        .iter()
        .find(|row| row.len() == 2)
        .expect("the line of the units left out");
    assert!(
        gap[1].contains("20 đơn vị ở giữa (hạng công bố 26–45)"),
        "{gap:?}"
    );

    let en = docx_text(&render(&annex, Format::Docx, &with_report(&r, Lang::En)).unwrap());
    assert!(en.paragraphs.iter().any(|p| p == "HOW SURE THE RANKS ARE"));
    assert!(en.xml.contains("73.5 %") && en.xml.contains("Ranking on rounded or exact points"));
}

#[test]
fn the_pdf_ends_with_the_section_from_a_new_page() {
    let annex = fixture::annex();
    let r = sample();
    let without = egov_export::pdf::render_with_summary(&annex, &RenderOptions::default()).unwrap();
    let with = egov_export::pdf::render_with_summary(&annex, &with_report(&r, Lang::Vi)).unwrap();
    // The annex's pages are the same; the section starts a page of its own with its heading.
    let n = without.pages.len();
    assert!(with.pages.len() > n);
    for (a, b) in without.pages.iter().zip(&with.pages) {
        assert_eq!(a.texts, b.texts);
    }
    let first = &with.pages[n];
    assert_eq!(first.paragraphs[0].0, "ĐỘ VỮNG CỦA XẾP HẠNG");
    let texts: Vec<&String> = with.pages[n..].iter().flat_map(|p| &p.texts).collect();
    let has = |t: &str| texts.iter().any(|x| x.as_str() == t);
    assert!(has(HOSTILE));
    assert!(has(&interval(&r.tables[0].sections[0].units[1])));
    assert!(has("73,5 %"));
    for s in r.tables.iter().flat_map(|t| &t.sections) {
        assert!(has(&render::summary(&r, s, Lang::Vi)));
        for u in drawn(s) {
            assert!(has(&u.name), "{}", u.name);
        }
    }
    assert!(!has("Xã số 30"), "the middle of a long block is left out");
    // Every heading paragraph of the section is followed by its table on the same page.
    for p in &with.pages[n..] {
        assert!(
            p.paragraphs.iter().all(|(_, followed)| *followed),
            "a heading alone at the foot of page {}: {:?}",
            p.number,
            p.paragraphs
        );
    }
}

#[test]
#[cfg_attr(
    not(egov_test_tools),
    ignore = "needs poppler-utils: set EGOV_TEST_TOOLS=1"
)]
fn poppler_reads_the_pdf_section() {
    let dir = std::env::temp_dir().join(format!("egov-export-robustness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("annex.pdf");
    let r = sample();
    let bytes = render(&fixture::annex(), Format::Pdf, &with_report(&r, Lang::Vi)).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let at = text
        .find("ĐỘ VỮNG CỦA XẾP HẠNG")
        .expect("the section's heading");
    let section = &text[at..];
    assert!(section.contains(HOSTILE));
    // One-line header cells (a wrapped one interleaves with its neighbours in reading order).
    assert!(section.contains("Yếu tố chính") && section.contains("Lựa chọn"));
    assert!(section.contains("0,500 [0,450; 0,550]"));
    std::fs::remove_dir_all(&dir).unwrap();
}
