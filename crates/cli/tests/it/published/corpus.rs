//! The real published rankings of `crates/import/tests/corpus` through `egov audit`: clean as
//! published (exit 0), and a planted wrong DTI index found with `--edition dti-2022-province` (exit 1,
//! JSON `edition_total`, the message in the chosen language).

use crate::cli::egov;

const CORPUS: &str = "crates/import/tests/corpus";

#[test]
fn the_corpus_audits_clean() {
    for f in [
        "hue-2021-cchc-so.txt",
        "vinhphuc-2017-cpdt-tinh.txt",
        "quangnam-2023-dti-so-huyen.txt",
        "dti-2022-tinh.txt",
    ] {
        let path = format!("{CORPUS}/{f}");
        let (code, out, err) = egov(&["audit", &path]);
        assert_eq!(code, 0, "{f}: {out}{err}");
    }
    let (code, out, err) = egov(&[
        "audit",
        &format!("{CORPUS}/dti-2022-tinh.txt"),
        "--edition",
        "dti-2022-province",
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_wrong_dti_index_is_found_with_the_edition() {
    let text = std::fs::read_to_string(format!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../{}/dti-2022-tinh.txt"),
        CORPUS
    ))
    .unwrap();
    let planted = text.replacen(" 0.3590 0.7163", " 0.3590 0.7263", 1);
    assert_ne!(planted, text);
    let dir = std::env::temp_dir().join(format!("egov-dti-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dti.txt");
    std::fs::write(&path, planted).unwrap();
    let p = path.to_str().unwrap();
    let (code, out, err) = egov(&[
        "audit",
        p,
        "--edition",
        "dti-2022-province",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["kind"], "edition_total");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["unit"], "TP. Hồ Chí Minh");
    assert_eq!(f["found"].to_string(), "0.7263");
    assert_eq!(f["expected"].to_string(), "0.7164");
    assert_eq!(f["line"], 95);
    let (code, out, _) = egov(&["--lang", "en", "audit", p, "--edition", "dti-2022-province"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("edition dti-2022-province aggregates"),
        "{out}"
    );
    let (code, out, _) = egov(&["audit", p]);
    assert_eq!(
        code, 0,
        "without the edition nothing says how the index follows: {out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
