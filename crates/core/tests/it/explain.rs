//! `engine::explain`: one unit's trace, node by node, in tree order, with the inputs read and arithmetic
//! that adds up (caps and exclude-and-rescale conversions shown), in Vietnamese with decimal commas.

use egov_core::Lang;
use egov_core::engine::{self, Status, TraceLine};

use super::*;

fn commune_trace(unit: &str) -> Vec<TraceLine> {
    let ed = shipped("commune-2392");
    let data = example(&ed, "commune-2392");
    let scores = engine::score(&ed, &data);
    engine::explain(
        &ed,
        &data,
        &scores,
        data.unit_index(unit).expect("unit"),
        Lang::Vi,
    )
}

fn line<'a>(trace: &'a [TraceLine], code: &str) -> &'a TraceLine {
    trace
        .iter()
        .find(|l| l.code == code)
        .unwrap_or_else(|| panic!("no line for {code}"))
}

#[test]
fn one_line_per_node_in_tree_order() {
    let ed = shipped("commune-2392");
    let trace = commune_trace("X03");
    let codes: Vec<&str> = trace.iter().map(|l| l.code.as_str()).collect();
    let tree: Vec<&str> = ed.nodes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, tree);
    assert_eq!(trace[0].name, "Tổng điểm");
    assert_eq!(line(&trace, "A.1.1").depth, 3);
}

#[test]
fn leaves_show_inputs_and_arithmetic() {
    let x03 = commune_trace("X03");
    let l = line(&x03, "A.1.1");
    assert_eq!(l.rule, "ratio");
    assert_eq!(l.inputs, ["so_may_tinh = 30", "so_cbcc = 30"]);
    assert_eq!(l.steps, ["tỷ lệ so_may_tinh / so_cbcc = 30 / 30 × 5 = 5"]);
    assert_eq!(
        (l.points, l.max, l.status),
        (d("5"), d("5"), Status::Scored)
    );

    let l = line(&x03, "B.2.4");
    assert_eq!(l.rule, "không áp dụng");
    assert_eq!(l.steps, ["không áp dụng cho đơn vị: Không đánh giá"]);
    assert_eq!(l.status, Status::NotEvaluated);

    let x02 = commune_trace("X02");
    let l = line(&x02, "B.2.3");
    assert_eq!(l.rule, "best-of");
    assert_eq!(
        l.inputs,
        [
            "thanh_toan_tt = 0",
            "ho_so_co_phi = 120",
            "co_ket_noi_tt = Không"
        ]
    );
    assert_eq!(
        l.steps,
        [
            "tỷ lệ thanh_toan_tt / ho_so_co_phi = 0 / 120 × 4 = 0",
            "co_ket_noi_tt = Không → 0",
            "lấy trường hợp cao nhất → 0"
        ]
    );
    let l = line(&x02, "A.3.2");
    assert_eq!(l.steps, ["kinh_phi = 8 ≥ 5 → 1"]);
    let l = line(&x02, "B.2.2");
    assert_eq!(
        l.steps,
        ["so với đơn vị tốt nhất của khối: 85 / 620 × 6 = 0,8225806451612903225806451613"]
    );
    let l = line(&x02, "B.3.3");
    assert_eq!(
        (l.rule.as_str(), l.status),
        ("nhập trực tiếp", Status::Given)
    );
    assert_eq!(l.steps, ["điểm nhập trực tiếp: 1,5"]);
    let l = line(&x02, "A.1.4");
    assert_eq!(
        l.steps,
        ["không áp dụng cho đơn vị: loại khỏi điểm tối đa, quy đổi ở cấp trên"]
    );
}

#[test]
fn aggregates_show_the_cap() {
    let x03 = commune_trace("X03");
    let l = line(&x03, "A.2");
    assert_eq!(l.rule, "tổng (chặn trên)");
    assert_eq!(l.steps, ["4 + 7 + 6 = 17", "chặn ở điểm tối đa 15"]);
    assert_eq!(l.points, d("15"));
}

#[test]
fn aggregates_show_the_rescaling_and_the_applicable_maximum() {
    let f = super::policies::fixture();
    let x = f.data.unit_index("X").expect("X");
    let trace = engine::explain(&f.ed, &f.data, &f.scores, x, Lang::Vi);
    assert_eq!(
        line(&trace, "A").steps,
        ["10 + 14 = 24", "quy đổi: 24 ÷ (40 − 10) × 40 = 32"]
    );
    assert_eq!(
        line(&trace, "B").steps,
        ["7 = 7", "điểm tối đa áp dụng 10 trên 20"]
    );
    assert_eq!(
        line(&trace, "").steps,
        [
            "32 + 7 + 11 + 0 = 50",
            "quy đổi: 50 ÷ (90 − 10) × 90 = 56,25"
        ]
    );
    let p = f.data.unit_index("P").expect("P");
    let trace = engine::explain(&f.ed, &f.data, &f.scores, p, Lang::Vi);
    assert_eq!(
        line(&trace, "C").steps,
        ["8 = 8", "điểm tối đa áp dụng 10 trên 20"]
    );
    assert_eq!(
        line(&trace, "").steps,
        ["30 + 14 + 8 + 5 = 57", "điểm tối đa áp dụng 80 trên 90"]
    );
}

#[test]
fn english_names_when_asked() {
    let ed = shipped("commune-2392");
    let data = example(&ed, "commune-2392");
    let scores = engine::score(&ed, &data);
    let trace = engine::explain(&ed, &data, &scores, 0, Lang::En);
    assert_eq!(line(&trace, "A").name, "E-government readiness");
}
