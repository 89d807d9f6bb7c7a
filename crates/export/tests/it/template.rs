//! The Excel entry template: written for the shipped editions, filled, read back into the same dataset;
//! planted bad cells each reported at their exact `Sheet!Cell` with nothing returned; the protection and
//! data validation present in the sheet XML; foreign or damaged workbooks refused with a clear reason.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use egov_core::dataset::{Dataset, DatasetMeta, Source, Value};
use egov_core::edition::Edition;
use egov_core::engine;
use egov_core::lang::Lang;
use egov_export::template::{
    self, BLANK_UNIT_COLUMNS, CellProblem, Entry, FORMAT_VERSION, META_SHEET, TemplateError,
};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");

fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}{rel}"))
        .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn edition(id: &str) -> Edition {
    Edition::from_toml(&read(&format!("data/editions/{id}.toml")), id)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn dataset(ed: &Edition, units: &str, values: &str) -> Dataset {
    Dataset::from_csv(
        ed,
        Source {
            name: "units.csv",
            text: units,
        },
        Source {
            name: "values.csv",
            text: values,
        },
        DatasetMeta::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn commune() -> (Edition, Dataset) {
    let ed = edition("commune-2392");
    let ds = dataset(
        &ed,
        &read("data/examples/commune-2392/units.csv"),
        &read("data/examples/commune-2392/values.csv"),
    );
    (ed, ds)
}

/// Hòa Bình 2019 as published, without the category totals A and B: the template asks for the points
/// entered directly (the groups), not for aggregates the engine computes.
fn hoabinh() -> (Edition, Dataset) {
    let ed = edition("hoabinh-2019");
    let published = read("data/published/hoabinh-2019/values.csv");
    let mut rdr = csv::Reader::from_reader(published.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let keep: Vec<usize> = (0..headers.len())
        .filter(|&i| !matches!(&headers[i], "A" | "B"))
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(keep.iter().map(|&i| &headers[i])).unwrap();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        w.write_record(keep.iter().map(|&i| &rec[i])).unwrap();
    }
    let values = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert!(
        values.starts_with("unit,A.1,A.2,A.3,B.1,B.2,B.3\n"),
        "{values}"
    );
    let ds = dataset(&ed, &read("data/published/hoabinh-2019/units.csv"), &values);
    (ed, ds)
}

/// Whether `key` (input id or criterion code) can apply to the unit at all, decided here independently
/// of the template code from the shipped editions' documented conditions.
fn structurally_na(edition_id: &str, category: &str, flags: &[String], key: &str) -> bool {
    let flag = |f: &str| flags.iter().any(|x| x == f);
    match edition_id {
        "commune-2392" => match key {
            "co_htth" => flag("dac-biet-kho-khan"),
            "co_ioc" => category == "xa",
            "ty_le_dung_han" => flag("moi-sap-xep"),
            _ => false,
        },
        "hoabinh-2019" => key == "B.3" && category == "so-khac",
        _ => unreachable!(),
    }
}

/// The read-back dataset equals the original: same units (code, name, category, flags), the same value
/// for every input and every criterion given directly — except that a cell which cannot apply to the unit
/// reads back as "Không áp dụng" where the original left it empty — and the same scores at every node.
fn assert_same(ed: &Edition, orig: &Dataset, back: &Dataset) {
    assert_eq!(back.units.len(), orig.units.len());
    for (u, unit) in orig.units.iter().enumerate() {
        let b = back
            .unit_index(&unit.code)
            .unwrap_or_else(|| panic!("unit {} lost", unit.code));
        assert_eq!(&back.units[b], unit);
        let cat = ed.categories[unit.category].code.as_str();
        for (i, input) in ed.inputs.iter().enumerate() {
            let (o, r) = (orig.input(u, i), back.input(b, i));
            if structurally_na(&ed.id, cat, &unit.flags, &input.id) {
                assert!(
                    matches!(o, Value::Missing | Value::NotApplicable),
                    "{} {}: {o:?}",
                    unit.code,
                    input.id
                );
                assert_eq!(r, Value::NotApplicable, "{} {}", unit.code, input.id);
            } else {
                assert_eq!(r, o, "{} {}", unit.code, input.id);
            }
        }
        for (n, node) in ed.nodes.iter().enumerate().skip(1) {
            let (o, r) = (orig.given(u, n), back.given(b, n));
            if structurally_na(&ed.id, cat, &unit.flags, &node.code) {
                assert!(
                    matches!(o, None | Some(Value::NotApplicable)),
                    "{} {}: {o:?}",
                    unit.code,
                    node.code
                );
                assert_eq!(
                    r,
                    Some(&Value::NotApplicable),
                    "{} {}",
                    unit.code,
                    node.code
                );
            } else {
                assert_eq!(r, o, "{} {}", unit.code, node.code);
            }
        }
    }
    let (so, sb) = (engine::score(ed, orig), engine::score(ed, back));
    for (u, unit) in orig.units.iter().enumerate() {
        let b = back.unit_index(&unit.code).unwrap();
        for n in 0..ed.nodes.len() {
            assert_eq!(
                so.get(u, n),
                sb.get(b, n),
                "{} node {:?}",
                unit.code,
                ed.nodes[n].code
            );
        }
    }
}

#[test]
fn commune_filled_template_round_trips() {
    let (ed, ds) = commune();
    for lang in [Lang::Vi, Lang::En] {
        let bytes = template::template_with_values(&ed, &ds, lang).unwrap();
        let back = template::read_values(&ed, "xa.xlsx", &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&ed, &ds, &back);
        assert_eq!(back.meta.edition.as_deref(), Some("commune-2392"));
    }
}

#[test]
fn hoabinh_filled_template_round_trips() {
    let (ed, ds) = hoabinh();
    let bytes = template::template_with_values(&ed, &ds, Lang::Vi).unwrap();
    let back = template::read_values(&ed, "hoabinh.xlsx", &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_same(&ed, &ds, &back);
    // Published as "Không đánh giá", read back as not applicable: exactly the same value.
    let vp = back.unit_index("VPUBND").unwrap();
    assert_eq!(
        back.given(vp, ed.node("B.3").unwrap()),
        Some(&Value::NotApplicable)
    );
    let lacson = back.unit_index("LACSON").unwrap();
    assert_eq!(
        back.given(lacson, ed.node("B.2").unwrap()),
        Some(&Value::Number("25.06".parse().unwrap()))
    );
}

#[test]
fn csv_form_reads_as_the_same_dataset() {
    let (ed, ds) = commune();
    let bytes = template::template_with_values(&ed, &ds, Lang::Vi).unwrap();
    let (back, csv) = template::read_values_csv(&ed, "xa.xlsx", &bytes).unwrap();
    assert!(csv.values.starts_with("unit,key,value\n"));
    assert!(
        csv.units
            .contains("X02,Xã Thượng Tiến,xa,dac-biet-kho-khan\n"),
        "{}",
        csv.units
    );
    let again = dataset(&ed, &csv.units, &csv.values);
    assert_same(&ed, &back, &again);
}

/// The raw cells of the commune example as an officer would have typed them.
fn commune_entries(ed: &Edition, ds: &Dataset) -> HashMap<(String, String), Entry> {
    let mut e = HashMap::new();
    for (u, unit) in ds.units.iter().enumerate() {
        for (i, input) in ed.inputs.iter().enumerate() {
            let v = match ds.input(u, i) {
                Value::Number(d) => Entry::Number(d),
                Value::Bool(b) => Entry::Text(if b { "Có" } else { "Không" }.into()),
                Value::Choice(k) => match &input.kind {
                    egov_core::edition::InputKind::Choice(c) => Entry::Text(c[k as usize].clone()),
                    _ => unreachable!(),
                },
                Value::NotApplicable => Entry::Text("Không áp dụng".into()),
                Value::Missing => continue,
            };
            e.insert((unit.code.clone(), input.id.clone()), v);
        }
        for code in ["B.3.3", "B.4.3"] {
            if let Some(Value::Number(d)) = ds.given(u, ed.node(code).unwrap()) {
                e.insert((unit.code.clone(), code.into()), Entry::Number(*d));
            }
        }
    }
    e
}

#[test]
fn prefilled_valid_cells_read_back() {
    let (ed, ds) = commune();
    let bytes =
        template::template_prefilled(&ed, &ds.units, &commune_entries(&ed, &ds), Lang::Vi).unwrap();
    let back = template::read_values(&ed, "xa.xlsx", &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_same(&ed, &ds, &back);
}

#[test]
fn planted_bad_cells_are_each_reported_and_nothing_is_accepted() {
    let (ed, ds) = commune();
    let mut e = commune_entries(&ed, &ds);
    let mut plant = |unit: &str, key: &str, v: Entry| {
        e.insert((unit.into(), key.into()), v);
    };
    // Rows follow the criteria tree (A 9, A.1 10, A.1.1 11, so_may_tinh 12, so_cbcc 13, …); unit columns
    // start at H in the block's order (X01 H, X02 I, …; P01 H, P02 I, T01 J, T02 K on khoi-do-thi).
    plant("X01", "so_cbcc", Entry::Text("hai mươi bốn".into())); // text in a number cell
    plant("X04", "ck_tthc", Entry::Number("2.5".parse().unwrap())); // above the input's max 2
    plant("X05", "ket_noi_mang", Entry::Text("Cáp quang".into())); // not one of the choices
    plant("P01", "co_bang_rong", Entry::Text("Cóo".into())); // Có/Không typo
    plant("T02", "B.4.3", Entry::Number("4.5".parse().unwrap())); // points above the criterion's max 4
    plant("X02", "so_chung_chi", Entry::Number("2.5".parse().unwrap())); // a count that is not whole
    let bytes = template::template_prefilled(&ed, &ds.units, &e, Lang::Vi).unwrap();
    let err = template::read_values(&ed, "xa.xlsx", &bytes).unwrap_err();
    let TemplateError::Cells(cells) = &err else {
        panic!("{err}")
    };
    let got: Vec<&str> = cells.problems.iter().map(|p| p.cell.as_str()).collect();
    assert_eq!(
        got,
        [
            "khoi-xa!H13",
            "khoi-xa!I26",
            "khoi-xa!K41",
            "khoi-xa!L17",
            "khoi-do-thi!H15",
            "khoi-do-thi!K68"
        ],
        "{err}"
    );
    let msg = |cell: &str| {
        &cells
            .problems
            .iter()
            .find(|p: &&CellProblem| p.cell == cell)
            .unwrap()
            .message
    };
    assert!(msg("khoi-xa!H13").contains("không phải là số"), "{err}");
    assert!(msg("khoi-xa!I26").contains("số nguyên"), "{err}");
    assert!(
        msg("khoi-xa!K41").contains("giá trị 2,5 lớn hơn mức tối đa 2"),
        "{err}"
    );
    assert!(msg("khoi-xa!L17").contains("Cáp quang"), "{err}");
    assert!(msg("khoi-do-thi!H15").contains("Có/Không"), "{err}");
    assert!(msg("khoi-do-thi!K68").contains("vượt điểm tối đa"), "{err}");
    assert_eq!(cells.more, 0);
    let text = err.to_string();
    assert!(
        text.lines().all(|l| l.starts_with("xa.xlsx: khoi-")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 6);
}

/// The cell of `key` for `unit` found through the machine keys, to check the pinned addresses above
/// against the file itself.
#[test]
fn pinned_addresses_match_the_machine_keys() {
    use calamine::{Data, Reader, Xlsx};
    let (ed, ds) = commune();
    let bytes = template::template_with_values(&ed, &ds, Lang::Vi).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let find = |book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str, unit: &str, key: &str| -> String {
        let r = book.worksheet_range(sheet).unwrap();
        let s = |row: u32, col: u32| match r.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            _ => String::new(),
        };
        let row = (0..200).find(|&row| s(row, 0) == key).unwrap();
        let code_row = (0..200).find(|&row| s(row, 0) == "#code").unwrap();
        let col = (0..100).find(|&c| s(code_row, c) == unit).unwrap();
        rust_xlsxwriter::utility::row_col_to_cell(row, col as u16)
    };
    assert_eq!(find(&mut book, "khoi-xa", "X01", "so_cbcc"), "H13");
    assert_eq!(find(&mut book, "khoi-xa", "X02", "so_chung_chi"), "I26");
    assert_eq!(find(&mut book, "khoi-xa", "X04", "ck_tthc"), "K41");
    assert_eq!(find(&mut book, "khoi-xa", "X05", "ket_noi_mang"), "L17");
    assert_eq!(find(&mut book, "khoi-do-thi", "P01", "co_bang_rong"), "H15");
    assert_eq!(find(&mut book, "khoi-do-thi", "T02", "B.4.3"), "K68");
}

fn unzip(bytes: &[u8]) -> HashMap<String, String> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = HashMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(name, s);
        }
    }
    out
}

#[test]
fn blank_template_is_protected_and_validated() {
    let ed = edition("commune-2392");
    let bytes = template::template(&ed, None, Lang::Vi).unwrap();
    let files = unzip(&bytes);
    let wb = &files["xl/workbook.xml"];
    for name in ["Hướng dẫn", "khoi-xa", "khoi-do-thi"] {
        assert!(wb.contains(&format!("name=\"{name}\"")), "{wb}");
    }
    assert!(
        wb.contains(&format!(
            "name=\"{META_SHEET}\" sheetId=\"4\" state=\"veryHidden\""
        )),
        "{wb}"
    );
    let sheet = &files["xl/worksheets/sheet2.xml"];
    assert!(sheet.contains("<sheetProtection"), "no protection");
    assert!(files["xl/worksheets/sheet1.xml"].contains("<sheetProtection"));
    assert!(files["xl/worksheets/sheet4.xml"].contains("<sheetProtection"));
    // One validation per entry row plus the category list.
    let n_entries = template::entry_keys(&ed).len();
    assert_eq!(
        n_entries,
        ed.inputs.len() + 2,
        "inputs and the two criteria entered directly"
    );
    assert!(
        sheet.contains(&format!("<dataValidations count=\"{}\">", n_entries + 1)),
        "{sheet}"
    );
    let last = rust_xlsxwriter::utility::column_number_to_name(7 + BLANK_UNIT_COLUMNS - 1);
    // so_cbcc, a count: a whole number ≥ 0, no "Không áp dụng".
    assert!(sheet.contains("type=\"custom\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\" errorTitle=\"Giá trị không hợp lệ\""), "{sheet}");
    assert!(
        sheet.contains(&format!(
            "sqref=\"H13:{last}13\"><formula1>AND(ISNUMBER(H13),H13&gt;=0,H13=INT(H13))</formula1>"
        )),
        "{sheet}"
    );
    // ty_le_dung_han: a number 0–100, or "Không áp dụng" (not evaluated for newly merged units).
    assert!(
        sheet.contains("OR(AND(ISNUMBER(H55),H55&gt;=0,H55&lt;=100),H55=\"Không áp dụng\")"),
        "{sheet}"
    );
    // co_bang_rong: a Có/Không list; ket_noi_mang: a list on the hidden sheet (answers contain commas).
    assert!(
        sheet.contains("<formula1>\"Có,Không\"</formula1>"),
        "{sheet}"
    );
    assert!(
        sheet.contains(&format!("<formula1>'{META_SHEET}'!$F$2:$F$4</formula1>")),
        "{sheet}"
    );
    // Entry cells are unlocked; the hidden key row and column exist.
    assert!(files["xl/styles.xml"].contains("locked=\"0\""));
    let row1 = &sheet[sheet.find("<row r=\"1\" ").unwrap()..];
    assert!(
        row1[..row1.find('>').unwrap()].contains("hidden=\"1\""),
        "key row not hidden"
    );
    assert!(
        sheet.contains("<col min=\"1\" max=\"1\" width=\"0\" hidden=\"1\""),
        "key column not hidden"
    );
    // The category of a blank unit column is chosen from the block's categories (on the hidden sheet).
    assert!(
        sheet.contains(&format!(
            "sqref=\"H7:{last}7\"><formula1>'{META_SHEET}'!$E$2:$E$2</formula1>"
        )),
        "{sheet}"
    );
    let meta = &files["xl/sharedStrings.xml"];
    assert!(meta.contains(FORMAT_VERSION) && meta.contains("commune-2392"));
    assert!(
        meta.contains("Không áp dụng") && meta.contains("Chỉ tiêu"),
        "instructions in Vietnamese"
    );
    // An empty template is refused: read back, it would give every unit nothing.
    let e = template::read_values(&ed, "trong.xlsx", &bytes).unwrap_err();
    assert!(matches!(e, template::TemplateError::Empty { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("trong.xlsx: biểu mẫu chưa có giá trị nào"),
        "{e}"
    );
}

#[test]
fn instructions_name_the_edition_and_its_legal_basis() {
    let ed = edition("hoabinh-2019");
    let bytes = template::template(&ed, None, Lang::Vi).unwrap();
    let strings = &unzip(&bytes)["xl/sharedStrings.xml"];
    for s in [
        "HƯỚNG DẪN NHẬP SỐ LIỆU TỰ ĐÁNH GIÁ",
        "hoabinh-2019",
        "391/QĐ-UBND ngày 28/02/2019",
        "Không áp dụng",
        "được khóa",
    ] {
        assert!(strings.contains(s), "missing {s}");
    }
}

#[test]
fn foreign_and_damaged_workbooks_are_refused() {
    let (ed, ds) = commune();
    let hb = edition("hoabinh-2019");
    let bytes = template::template_with_values(&ed, &ds, Lang::Vi).unwrap();
    match template::read_values(&hb, "xa.xlsx", &bytes) {
        Err(TemplateError::EditionMismatch {
            found, expected, ..
        }) => {
            assert_eq!(
                (found.as_str(), expected.as_str()),
                ("commune-2392", "hoabinh-2019")
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        template::read_values(&ed, "x.xlsx", b"not a zip"),
        Err(TemplateError::Open { .. })
    ));

    // Hand-made workbooks: no meta sheet; a wrong version; an extra sheet; a block sheet without keys.
    let book = |meta: Option<(&str, &str)>, sheets: &[(&str, bool)]| -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, keys) in sheets {
            let ws = wb.add_worksheet();
            ws.set_name(*name).unwrap();
            if *keys {
                ws.write_string(0, 0, "#key").unwrap();
            }
        }
        if let Some((format, edition)) = meta {
            let ws = wb.add_worksheet();
            ws.set_name(META_SHEET).unwrap();
            for (r, (k, v)) in [
                ("format", format),
                ("edition", edition),
                ("instructions", "Hướng dẫn"),
            ]
            .iter()
            .enumerate()
            {
                ws.write_string(r as u32, 0, *k).unwrap();
                ws.write_string(r as u32, 1, *v).unwrap();
            }
            ws.write_string(5, 0, "sheet").unwrap();
            ws.write_string(5, 1, "block").unwrap();
            ws.write_string(6, 0, "khoi-xa").unwrap();
            ws.write_string(6, 1, "khoi-xa").unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    let r = |b: Vec<u8>| template::read_values(&ed, "m.xlsx", &b).unwrap_err();
    assert!(matches!(
        r(book(None, &[("Sheet1", false)])),
        TemplateError::NotATemplate { .. }
    ));
    match r(book(
        Some(("egov-template/0", "commune-2392")),
        &[("khoi-xa", true)],
    )) {
        TemplateError::Version { found, .. } => assert_eq!(found, "egov-template/0"),
        other => panic!("{other:?}"),
    }
    match r(book(
        Some((FORMAT_VERSION, "commune-2392")),
        &[("Hướng dẫn", false), ("khoi-xa", true), ("Ghi chú", false)],
    )) {
        TemplateError::UnknownSheet { sheet, .. } => assert_eq!(sheet, "Ghi chú"),
        other => panic!("{other:?}"),
    }
    let e = r(book(
        Some((FORMAT_VERSION, "commune-2392")),
        &[("Hướng dẫn", false), ("khoi-xa", false)],
    ));
    assert!(
        matches!(&e, TemplateError::MissingKeyRow { cell, .. } if cell == "khoi-xa!A1"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "m.xlsx: khoi-xa!A1: thiếu dòng mã ẩn của mẫu (ô này phải là '#key'); trang tính đã bị sửa cấu trúc, hãy nhập lại vào mẫu mới"
    );
    let e = r(book(
        Some((FORMAT_VERSION, "commune-2392")),
        &[("Hướng dẫn", false)],
    ));
    assert!(
        matches!(&e, TemplateError::MissingSheet { sheet, .. } if sheet == "khoi-xa"),
        "{e:?}"
    );
}

#[test]
fn a_single_unit_template_is_the_self_assessment_form() {
    let (ed, ds) = commune();
    let one = &ds.units[1..2];
    let bytes = template::template(&ed, Some(one), Lang::Vi).unwrap();
    let files = unzip(&bytes);
    let wb = &files["xl/workbook.xml"];
    assert!(
        wb.contains("name=\"khoi-xa\"") && !wb.contains("name=\"khoi-do-thi\""),
        "{wb}"
    );
    let sheet = &files["xl/worksheets/sheet2.xml"];
    assert!(!sheet.contains("<c r=\"I"), "only one unit column");
    // X02 is flagged dac-biet-kho-khan: its video-conference cell is locked and says so.
    let back = template::read_values(&ed, "x02.xlsx", &bytes).unwrap();
    assert_eq!(back.units, one);
    let htth = ed.input("co_htth").unwrap();
    assert_eq!(back.input(0, htth), Value::NotApplicable);
    assert_eq!(back.input(0, ed.input("so_cbcc").unwrap()), Value::Missing);
}

#[test]
fn a_rejected_unit_still_has_its_cells_checked_and_duplicates_name_the_first_cell() {
    let (ed, ds) = commune();
    let mut units = ds.units.clone();
    // The same code given to a ward: the second column is rejected, pointing at the first one's cell.
    units.push(egov_core::dataset::Unit {
        code: "X01".into(),
        name: "Phường Trùng Mã".into(),
        category: ed.category("phuong").unwrap(),
        flags: Vec::new(),
    });
    let mut e = commune_entries(&ed, &ds);
    e.insert(("X01".into(), "so_cbcc".into()), Entry::Text("abc".into()));
    let bytes = template::template_prefilled(&ed, &units, &e, Lang::Vi).unwrap();
    let err = template::read_values(&ed, "xa.xlsx", &bytes).unwrap_err();
    let TemplateError::Cells(cells) = &err else {
        panic!("{err}")
    };
    let got: Vec<String> = cells.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "khoi-xa!H13: đơn vị X01, 'so_cbcc': \"abc\" không phải là số",
            "khoi-do-thi!L6: mã đơn vị 'X01' bị trùng (đã có ở khoi-xa!H6)",
            "khoi-do-thi!L13: đơn vị X01 (cột L), 'so_cbcc': \"abc\" không phải là số",
        ],
        "{err}"
    );
}

/// A form sheet ending in one cell at the far corner: `worksheet_range` would allocate the 17 billion
/// cells in between; the form is refused at that cell instead, quickly and without the memory.
#[test]
fn a_far_corner_cell_is_refused_where_it_is() {
    let ed = edition("commune-2392");
    let far = |block_sheet: bool| -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("khoi-xa").unwrap();
        ws.write_string(0, 0, "#key").unwrap();
        if block_sheet {
            ws.write_string(1_048_575, 16_383, "x").unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name(META_SHEET).unwrap();
        for (r, (k, v)) in [
            ("format", FORMAT_VERSION),
            ("edition", "commune-2392"),
            ("sheet", "block"),
            ("khoi-xa", "khoi-xa"),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string(r as u32, 0, k).unwrap();
            ws.write_string(r as u32, 1, v).unwrap();
        }
        if !block_sheet {
            ws.write_string(1_048_575, 16_383, "x").unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    for (block_sheet, cell) in [(false, "_egov!XFD1048576"), (true, "khoi-xa!XFD1048576")] {
        let e = template::read_values(&ed, "mau.xlsx", &far(block_sheet)).unwrap_err();
        assert!(
            matches!(
                &e,
                TemplateError::TooLarge {
                    source: egov_import::package::PackageError::TooManyRows { .. },
                    ..
                }
            ),
            "{e:?}"
        );
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "mau.xlsx: tệp quá lớn để đọc: {cell}: ô ở hàng 1.048.576"
            )),
            "{text}"
        );
    }
}

/// A filled form padded to more zip entries than any workbook has is refused before it is opened.
#[test]
fn a_form_with_too_many_zip_entries_is_refused() {
    use std::io::Write;
    let (ed, ds) = commune();
    let bytes = template::template_with_values(&ed, &ds, Lang::Vi).unwrap();
    assert!(template::read_values(&ed, "xa.xlsx", &bytes).is_ok());
    let mut zip = zip::ZipWriter::new_append(Cursor::new(bytes)).unwrap();
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..egov_import::package::MAX_ENTRIES {
        zip.start_file(format!("xl/media/pad{i}.bin"), opts)
            .unwrap();
        zip.write_all(b"").unwrap();
    }
    let padded = zip.finish().unwrap().into_inner();
    let e = template::read_values(&ed, "xa.xlsx", &padded).unwrap_err();
    assert!(
        matches!(
            &e,
            TemplateError::TooLarge {
                source: egov_import::package::PackageError::TooManyEntries { max: 10_000, .. },
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("vượt giới hạn 10.000 mục"), "{e}");
}

/// A filled form with its XML parts rewritten by `edit(part, text)` (`None` keeps a part as it is), as
/// someone editing the file outside Excel would leave it.
fn tampered(bytes: &[u8], edit: impl Fn(&str, &str) -> Option<String>) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let data = match std::str::from_utf8(&data).ok().and_then(|t| edit(&name, t)) {
            Some(t) => t.into_bytes(),
            None => data,
        };
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The worksheet part of a sheet of a form written by rust_xlsxwriter (`sheetN.xml` in workbook order).
fn sheet_part(bytes: &[u8], sheet: &str) -> String {
    let wb = &unzip(bytes)["xl/workbook.xml"];
    let k = wb
        .split("<sheet ")
        .skip(1)
        .position(|s| s.contains(&format!("name=\"{sheet}\"")))
        .unwrap();
    format!("xl/worksheets/sheet{}.xml", k + 1)
}

/// The `<c r="…">…</c>` element of a cell in a sheet's XML.
fn cell_element<'a>(xml: &'a str, cell: &str) -> &'a str {
    let start = xml.find(&format!("<c r=\"{cell}\"")).unwrap();
    let end = start + xml[start..].find("</c>").unwrap() + 4;
    &xml[start..end]
}

/// A filled commune form (valid as it is) and the part of its `khoi-xa` sheet.
fn filled_form() -> (Edition, Vec<u8>, String) {
    let (ed, ds) = commune();
    let bytes =
        template::template_prefilled(&ed, &ds.units, &commune_entries(&ed, &ds), Lang::Vi).unwrap();
    assert!(template::read_values(&ed, "xa.xlsx", &bytes).is_ok());
    let part = sheet_part(&bytes, "khoi-xa");
    (ed, bytes, part)
}

/// Asserts that a tampered form is refused whole, with one problem at `cell` whose message says `what`.
#[track_caller]
fn refused_at(ed: &Edition, bytes: &[u8], cell: &str, what: &str) {
    let err = template::read_values(ed, "xa.xlsx", bytes).unwrap_err();
    let TemplateError::Cells(cells) = &err else {
        panic!("{err}")
    };
    let p = cells
        .problems
        .iter()
        .find(|p| p.cell == cell)
        .unwrap_or_else(|| panic!("no problem at {cell}: {err}"));
    assert!(p.message.contains(what), "{err}");
    assert!(
        err.to_string().contains(&format!("xa.xlsx: {cell}: ")),
        "{err}"
    );
}

#[test]
fn a_formula_without_a_cached_value_is_refused_at_its_cell() {
    let (ed, bytes, part) = filled_form();
    // H13 is X01's so_cbcc (see the pinned addresses above): a formula saved without its result.
    let bad = tampered(&bytes, |name, xml| {
        (name == part).then(|| {
            let el = cell_element(xml, "H13");
            let head = &el[..el.find('>').unwrap() + 1];
            xml.replacen(el, &format!("{head}<f>10+14</f></c>"), 1)
        })
    });
    refused_at(&ed, &bad, "khoi-xa!H13", "công thức");
    // With its cached value the formula's result is read.
    let ok = tampered(&bytes, |name, xml| {
        (name == part).then(|| {
            let el = cell_element(xml, "H13");
            let head = &el[..el.find('>').unwrap() + 1];
            let v = &el[el.find("<v>").unwrap()..];
            xml.replacen(el, &format!("{head}<f>10+14</f>{v}"), 1)
        })
    });
    assert!(template::read_values(&ed, "xa.xlsx", &ok).is_ok());
}

#[test]
fn a_cell_written_twice_is_refused_at_its_cell() {
    let (ed, bytes, part) = filled_form();
    let bad = tampered(&bytes, |name, xml| {
        (name == part).then(|| {
            let el = cell_element(xml, "H13");
            xml.replacen(el, &format!("{el}{}", el.replace("<v>", "<v>1")), 1)
        })
    });
    refused_at(&ed, &bad, "khoi-xa!H13", "hai lần");
}

#[test]
fn a_date_formatted_number_is_refused_at_its_cell() {
    let (ed, bytes, part) = filled_form();
    // A cell format with Excel's built-in date format 14 appended to the styles, and H13 given it.
    let styles = &unzip(&bytes)["xl/styles.xml"];
    let xfs = &styles[styles.find("<cellXfs").unwrap()..];
    let count: usize = xfs["<cellXfs count=\"".len()..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let bad = tampered(&bytes, |name, xml| {
        if name == "xl/styles.xml" {
            Some(
                xml.replacen(
                    &format!("<cellXfs count=\"{count}\">"),
                    &format!("<cellXfs count=\"{}\">", count + 1),
                    1,
                )
                .replacen(
                    "</cellXfs>",
                    "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>",
                    1,
                ),
            )
        } else if name == part {
            let el = cell_element(xml, "H13");
            let v = &el[el.find("<v>").unwrap()..];
            Some(xml.replacen(el, &format!("<c r=\"H13\" s=\"{count}\">{v}"), 1))
        } else {
            None
        }
    });
    refused_at(&ed, &bad, "khoi-xa!H13", "ngày tháng");
}

#[test]
fn a_very_hidden_block_sheet_refuses_the_form() {
    let (ed, bytes, _) = filled_form();
    let bad = tampered(&bytes, |name, xml| {
        (name == "xl/workbook.xml").then(|| {
            xml.replacen(
                "name=\"khoi-do-thi\"",
                "name=\"khoi-do-thi\" state=\"veryHidden\"",
                1,
            )
        })
    });
    let err = template::read_values(&ed, "xa.xlsx", &bad).unwrap_err();
    assert!(
        matches!(&err, TemplateError::VeryHidden { sheet, .. } if sheet == "khoi-do-thi"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("xa.xlsx: trang tính 'khoi-do-thi' bị ẩn sâu"),
        "{err}"
    );
    // Egov's own sheet is very hidden by design.
    assert!(unzip(&bytes)["xl/workbook.xml"].contains("veryHidden"));
}

/// The parts of a package (name, bytes), in order.
type Parts = Vec<(String, Vec<u8>)>;

fn package_parts(bytes: &[u8]) -> Parts {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn package_of(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        out.start_file(name.as_str(), opts).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Pieces a tampering hand or a broken tool might leave in a form's sheet XML.
fn sheet_piece() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        Just("<c r=\"H13\"><v>1e308</v></c>".to_string()),
        Just("<c r=\"H13\" t=\"inlineStr\"><is><t>=SUM(A1)</t></is></c>".to_string()),
        Just("<c r=\"I14\"><f>1/0</f></c>".to_string()),
        Just("<c r=\"XFD1\" t=\"s\"><v>32</v></c>".to_string()),
        Just("<c r=\"H9\" t=\"e\"><v>#DIV/0!</v></c>".to_string()),
        Just("<c r=\"H10\" t=\"b\"><v>1</v></c>".to_string()),
        Just("<c r=\"H11\" s=\"999\"><v>2</v></c>".to_string()),
        Just("<row r=\"9\">".to_string()),
        Just("</row>".to_string()),
        Just("<c/>".to_string()),
        Just("".to_string()),
        "[0-9,.\\-]{1,12}".prop_map(|s| format!("<c r=\"H12\"><v>{s}</v></c>")),
        "\\PC{0,8}".prop_map(|s| format!("<c r=\"I12\" t=\"inlineStr\"><is><t>{s}</t></is></c>")),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// The fuzz target's property on stable: a filled form whose block sheet has pieces spliced in at
    /// any place (or is cut short) reads as a dataset or is refused with a reason, never a panic, and
    /// whatever it reads is a dataset the engine scores.
    #[test]
    fn tampered_forms_never_panic(
        cuts in proptest::collection::vec((0.0f64..1.0, sheet_piece()), 1..6),
        truncate in proptest::option::of(0.0f64..1.0),
    ) {
        use std::sync::OnceLock;
        static FORM: OnceLock<(Edition, Parts)> = OnceLock::new();
        let (ed, parts) = FORM.get_or_init(|| {
            let (ed, ds) = commune();
            let bytes = template::template_with_values(&ed, &ds, Lang::Vi).unwrap();
            (ed, package_parts(&bytes))
        });
        let mut parts = parts.clone();
        let sheet = parts
            .iter_mut()
            .find(|(n, _)| n == "xl/worksheets/sheet2.xml")
            .expect("a block sheet");
        let mut xml = String::from_utf8(sheet.1.clone()).unwrap();
        for (at, piece) in &cuts {
            let mut i = (at * xml.len() as f64) as usize;
            while !xml.is_char_boundary(i) {
                i -= 1;
            }
            xml.insert_str(i, piece);
        }
        if let Some(t) = truncate {
            let mut i = (t * xml.len() as f64) as usize;
            while !xml.is_char_boundary(i) {
                i -= 1;
            }
            xml.truncate(i);
        }
        sheet.1 = xml.into_bytes();
        let bytes = package_of(&parts);
        if let Ok(ds) = template::read_values(ed, "xa.xlsx", &bytes) {
            let _ = engine::score(ed, &ds);
        }
    }
}

#[test]
fn a_dataset_with_points_the_form_cannot_hold_is_refused() {
    // The published Hòa Bình dataset gives category totals (A, B) over their groups, as the decision
    // prints them; a form has rows for the groups only, so prefilling it would drop them and change
    // the totals when the form comes back.
    let ed = edition("hoabinh-2019");
    let ds = dataset(
        &ed,
        &read("data/published/hoabinh-2019/units.csv"),
        &read("data/published/hoabinh-2019/values.csv"),
    );
    let err = template::template_with_values(&ed, &ds, Lang::Vi).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("SKHDT ở A"), "{msg}");
    assert!(msg.contains("mẫu không có ô"), "{msg}");
}
