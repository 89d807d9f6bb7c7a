//! Charts: SVG text read back (every ranked name and total, ties marked), the profile and slope charts,
//! and PNG rasterisation that is not blank.

use egov_core::table::RankCell;
use egov_export::{ChartOptions, Format, charts, layout::format_number};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::fixture;

/// The text content of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut r = Reader::from_str(svg);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == "text" => {
                inside = true;
                out.push(String::new());
            }
            Event::End(e) if e.name().as_ref() == "text" => inside = false,
            Event::Text(t) if inside => out.last_mut().unwrap().push_str(&t.xml10_content()),
            Event::GeneralRef(g) if inside => out.last_mut().unwrap().push_str(
                quick_xml::escape::resolve_predefined_entity(&g.xml10_content()).unwrap(),
            ),
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn ranking_bars_show_every_ranked_unit_and_ties() {
    let annex = fixture::annex();
    let files = charts(&annex, &ChartOptions::default()).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "so-tong-the-co-dvc-xep-hang.svg",
            "so-tong-the-diem-thanh-phan.svg",
            "huyen-hang-muc-a-huyen-xep-hang.svg",
            "huyen-hang-muc-a-diem-thanh-phan.svg"
        ],
        "no ranking chart for the unranked block"
    );
    let svg = String::from_utf8(files[0].1.clone()).unwrap();
    let texts = svg_texts(&svg);
    let t = &annex.tables[0];
    for row in t
        .rows
        .iter()
        .filter(|r| matches!(r.rank, RankCell::Ranked(_)))
    {
        assert!(texts.contains(&row.unit.to_string()), "{}", row.unit);
        let total = format_number(
            row.total.cell.number().unwrap(),
            1,
            egov_core::lang::Lang::Vi,
        );
        assert!(texts.contains(&total), "{total}");
    }
    assert!(
        !texts.iter().any(|s| s == "Thanh tra tỉnh"),
        "unranked units are not in the ranking chart"
    );
    assert_eq!(
        texts.iter().filter(|s| *s == "=2").count(),
        2,
        "the tie is visible"
    );
    assert!(texts.contains(&"= Đồng hạng".to_string()));
    // Ties are an outline and "=", not a colour of their own.
    assert!(svg.contains("fill=\"none\" stroke=\"#000000\""));
    assert!(!svg.contains("#dd6b20"));
    assert!(egov_core::text::is_nfc(&svg));
}

#[test]
fn profile_and_slope() {
    let annex = fixture::annex();
    let mut previous = fixture::annex();
    previous.edition = "hoabinh-2018".into();
    previous.tables[1].rows[0].rank = RankCell::Ranked(3);
    previous.tables[1].rows[2].rank = RankCell::Ranked(1);
    let opts = ChartOptions {
        unit: Some("Huyện Đà Bắc".into()),
        previous: Some(&previous),
        ..Default::default()
    };
    let files = charts(&annex, &opts).unwrap();
    let profile = files
        .iter()
        .find(|(n, _)| n == "huyen-hang-muc-a-ho-so-huyen-da-bac.svg")
        .unwrap();
    let texts = svg_texts(std::str::from_utf8(&profile.1).unwrap());
    for want in [
        "A.1",
        "A.2",
        "Điểm thưởng",
        "10,00",
        "9,05",
        "0",
        "Trung vị của khối",
        "Cao nhất của khối",
        // The radar's scale: rings at quarters of the block's highest value on each axis.
        "25 %",
        "100 %",
        "Thang đo: % so với điểm cao nhất của khối trên từng trục",
        "Huyện Đà Bắc",
    ] {
        assert!(texts.iter().any(|t| t == want), "{want} in {texts:?}");
    }
    let slope = files
        .iter()
        .find(|(n, _)| n == "huyen-hang-muc-a-doi-chieu-hang.svg")
        .unwrap();
    let texts = svg_texts(std::str::from_utf8(&slope.1).unwrap());
    // The years as the columns' labels (not the edition ids), each rank labelled once per side.
    for want in [
        "2018",
        "2019",
        "3 Thành phố Hòa Bình",
        "1 Thành phố Hòa Bình",
        "1 Huyện Lạc Sơn | Tân Lạc",
        "3 Huyện Lạc Sơn | Tân Lạc",
    ] {
        assert!(texts.iter().any(|t| t == want), "{want} in {texts:?}");
    }
    // Only the table with three or more value columns gets a profile.
    assert!(
        !files
            .iter()
            .any(|(n, _)| n.starts_with("so-tong-the-ho-so"))
    );
}

#[test]
fn png_is_a_non_blank_image() {
    let annex = fixture::annex();
    let opts = ChartOptions {
        format: Some(Format::Png),
        ..Default::default()
    };
    let files = charts(&annex, &opts).unwrap();
    assert_eq!(files.len(), 4);
    for (name, bytes) in &files {
        assert!(name.ends_with(".png"));
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}");
        let img = resvg::tiny_skia::Pixmap::decode_png(bytes).unwrap();
        let dark = img
            .pixels()
            .iter()
            .filter(|p| p.red() < 128 && p.alpha() > 0)
            .count();
        assert!(dark > 500, "{name}: {dark} dark pixels");
    }
    assert!(
        charts(
            &annex,
            &ChartOptions {
                format: Some(Format::Pdf),
                ..Default::default()
            }
        )
        .is_err()
    );
}

#[test]
fn slugs_are_ascii() {
    assert_eq!(
        egov_export::chart::slug("Sở Giáo dục và Đào tạo"),
        "so-giao-duc-va-dao-tao"
    );
    assert_eq!(egov_export::chart::slug("  "), "x");
}

/// At national scale (issue #11) a chart draws the first and last 25 units and counts those between,
/// so its size does not grow with the number of units; it has a value axis; a unit with a group not
/// evaluated or not ranked says so in words; tied units in a slope chart share one label.
#[test]
fn charts_stay_readable_at_national_scale() {
    let mut annex = fixture::annex();
    let t = &mut annex.tables[0];
    let template = t.rows[0].clone();
    let ne = t
        .rows
        .iter()
        .find(|r| {
            r.values
                .iter()
                .any(|e| matches!(e.cell, egov_core::table::Cell::NotEvaluated))
        })
        .cloned();
    t.rows = (0..10_000)
        .map(|i| {
            let mut r = template.clone();
            r.unit = format!("Xã số {}", i + 1).into();
            r.tt = Some((i + 1).to_string().into());
            r.rank = RankCell::Ranked(i as u32 / 2 + 1);
            r
        })
        .collect();
    if let Some(mut ne) = ne {
        ne.unit = "Xã không đánh giá".into();
        t.rows[3] = ne;
    }
    let files = charts(&annex, &ChartOptions::default()).unwrap();
    for (name, bytes) in files.iter().filter(|(n, _)| n.starts_with("so-tong-the")) {
        let svg = std::str::from_utf8(bytes).unwrap();
        let texts = svg_texts(svg);
        assert!(bytes.len() < 60_000, "{name}: {} bytes", bytes.len());
        assert!(
            texts.iter().any(|t| t.starts_with("⋯ 9950 đơn vị ở giữa")),
            "{name}: the units between counted"
        );
        assert!(
            texts.iter().any(|t| t == "Xã số 10000"),
            "{name}: the last unit"
        );
        assert!(!texts.iter().any(|t| t == "Xã số 5000"), "{name}");
        // The value axis starts at 0.
        assert!(texts.iter().any(|t| t == "0"), "{name}: a value axis");
    }
    let stacked = &files
        .iter()
        .find(|(n, _)| n == "so-tong-the-diem-thanh-phan.svg")
        .unwrap()
        .1;
    let texts = svg_texts(std::str::from_utf8(stacked).unwrap());
    assert!(
        texts.iter().any(|t| t.contains("(có nhóm không đánh giá")),
        "not evaluated is said, not drawn as zero: {texts:?}"
    );
    // PNG of the same chart: bounded by the image.
    let png = egov_export::chart::png("x", std::str::from_utf8(stacked).unwrap()).unwrap();
    assert!(png.len() < 400_000, "{} bytes", png.len());
}
