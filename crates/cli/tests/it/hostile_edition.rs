//! Hostile editions and datasets through the real binary, under the memory limit and the wall-clock
//! guard of [`super::hostile`]: maxima whose sums overflow and points per item past any decimal (which
//! made `validate`, `score` and `annex` panic), `decimals = 1000`, `max = 1e-300`, a 200-digit fraction,
//! an edition that is not UTF-8, and a 20 MB bad cell. Each is refused (exit 2) at its `file:line:column`
//! with a short message.

use std::path::Path;
use std::time::Duration;

use super::hostile::{assert_refused, egov_limited, scratch};

const GUARD: Duration = Duration::from_secs(120);

fn data(rel: &str) -> String {
    format!("{}/../../data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// A small valid edition for the units of `units.csv` below; `tail` adds criteria from line 19 on.
fn edition_text(tail: &str) -> String {
    format!(
        r#"id = "hostile"
title = "Bộ chỉ số thử"
year = 2024

[[category]]
code = "xa"
name = "Xã"

[[block]]
code = "k"
name = "Khối"
categories = ["xa"]

[[input]]
id = "n"
name = "Số lượng"
type = "count"
{tail}"#
    )
}

const UNITS: &str = "code,name,category\nX1,Xã Một,xa\n";

/// A folder with `e.toml` (from `tail`) and a dataset, for the three commands.
fn case(name: &str, tail: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("e.toml"), edition_text(tail)).unwrap();
    std::fs::create_dir_all(dir.join("d")).unwrap();
    std::fs::write(dir.join("d/units.csv"), UNITS).unwrap();
    std::fs::write(dir.join("d/values.csv"), "unit,n\nX1,3\n").unwrap();
    dir
}

/// Runs validate, score and annex on the case and asserts each is refused at `located`.
fn refused_everywhere(dir: &Path, located: &str) {
    for cmd in ["validate", "score", "annex"] {
        let run = egov_limited(dir, &[cmd, "--edition", "e.toml", "--data", "d"], GUARD);
        assert!(!run.stderr.contains("panicked"), "{cmd}: {}", run.stderr);
        assert_refused(&run, &[located]);
    }
}

#[test]
fn maxima_whose_sum_overflows_are_refused_by_every_command() {
    let dir = case(
        "overflow-max",
        "\n[[criterion]]\ncode = \"A\"\nname = \"Nhóm\"\n\n[[criterion]]\ncode = \"A.1\"\nname = \"Một\"\nmax = 7.9e28\n\n[[criterion]]\ncode = \"A.2\"\nname = \"Hai\"\nmax = 7.9e28\n",
    );
    refused_everywhere(&dir, "e.toml:26:7: criterion A.1 / max");
}

#[test]
fn points_per_item_past_any_decimal_are_refused_by_every_command() {
    let dir = case(
        "overflow-per",
        "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\nrule = { kind = \"per-item\", input = \"n\", per = 7e28 }\n",
    );
    refused_everywhere(&dir, "e.toml:23:8: criterion A / rule");
}

#[test]
fn decimals_tiny_maxima_and_long_fractions_are_refused_where_written() {
    let crit = "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\n";
    let dir = case("decimals", &format!("\n[scoring]\ndecimals = 1000\n{crit}"));
    refused_everywhere(&dir, "e.toml:20:12: scoring.decimals");
    let dir = case(
        "tiny-max",
        "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 1e-300\n",
    );
    refused_everywhere(&dir, "e.toml:22:7:");
    let dir = case(
        "long-fraction",
        &format!(
            "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 0.{}\n",
            "3".repeat(200)
        ),
    );
    refused_everywhere(&dir, "e.toml:22:7:");
}

#[test]
fn an_edition_that_is_not_utf8_is_refused_at_its_line_and_column() {
    let dir = case("not-utf8", "");
    let mut bytes =
        edition_text("\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\n").into_bytes();
    // "Xã" of the category's name, its second letter as a Latin-1 byte.
    let at = bytes.windows(2).position(|w| w == "ã".as_bytes()).unwrap();
    bytes.splice(at..at + 2, [0xE3]);
    std::fs::write(dir.join("e.toml"), bytes).unwrap();
    let run = egov_limited(
        &dir,
        &["validate", "--edition", "e.toml", "--data", "d"],
        GUARD,
    );
    assert_refused(&run, &["e.toml:7:10"]);
}

#[test]
fn a_huge_bad_cell_gives_a_short_message() {
    let dir = case(
        "huge-cell",
        "\n[[criterion]]\ncode = \"A\"\nname = \"Một\"\nmax = 10\nrule = { kind = \"per-item\", input = \"n\", per = 1 }\n",
    );
    let mut values = String::with_capacity(20 << 20);
    values.push_str("unit,n\nX1,");
    values.extend(std::iter::repeat_n('9', 20 << 20));
    values.push_str("x\n");
    std::fs::write(dir.join("d/values.csv"), values).unwrap();
    for cmd in ["validate", "score"] {
        let run = egov_limited(&dir, &[cmd, "--edition", "e.toml", "--data", "d"], GUARD);
        assert_refused(&run, &[":2:4:", "ký tự)"]);
    }
}

#[test]
fn the_shipped_example_still_validates() {
    let dir = scratch("shipped-example");
    let run = egov_limited(
        &dir,
        &[
            "validate",
            "--edition",
            "commune-2392",
            "--data",
            &data("examples/commune-2392"),
        ],
        GUARD,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}
