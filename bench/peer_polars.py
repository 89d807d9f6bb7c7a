#!/usr/bin/env python3
"""Peer implementation of `egov annex --format json` in Python with polars.

Computes exactly what bench/peer_pandas.py computes (see there, and bench/peer_plan.py for the
expressions), the way a competent polars user would: one lazy query from `scan_csv` to the annex text —
every cell read as text once, the columns parsed by expressions, every criterion of the edition an
expression over all units (generated from the edition by peer_plan), stages as `with_columns`, the
cohort's bests as window maxima over the block, ranks as `rank(...).over(section)`, each JSON row built
by `concat_str` (text fields escaped by `struct.json_encode`) and joined into one string per table — all
run by polars' multithreaded engine (`collect_all`, which shares the scored frame between the tables).
Python only assembles the document's head and writes it once. Floats inside; the published numbers are
made exact by the same snap-then-half-up rounding as the pandas peer, and bench/check_annex.py checks
every number against egov's output.

Usage: peer_polars.py DIR OUT.json [--engine auto|in-memory|streaming]   (DIR holds edition.toml,
       units.csv, values.csv)
"""

import sys

import polars as pl

import peer_plan as P


class Backend:
    """The operations of peer_plan on polars expressions."""

    col = staticmethod(pl.col)

    @staticmethod
    def lit(x):
        return pl.lit(x, dtype=pl.Float64)

    @staticmethod
    def ilit(i):
        return pl.lit(i, dtype=pl.Int32)

    @staticmethod
    def null():
        return pl.lit(None, dtype=pl.Float64)

    @staticmethod
    def false():
        return pl.lit(False)

    @staticmethod
    def where(c, a, b):
        return pl.when(c).then(a).otherwise(b)

    @staticmethod
    def case(pairs, default):
        (c, v), *rest = pairs
        e = pl.when(c).then(v)
        for c, v in rest:
            e = e.when(c).then(v)
        return e.otherwise(default)

    @staticmethod
    def least(a, b):
        return pl.min_horizontal(a, b)

    @staticmethod
    def greatest(a, b):
        return pl.max_horizontal(a, b)

    @staticmethod
    def not_null(x):
        return x.is_not_null()

    @staticmethod
    def is_null(x):
        return x.is_null()

    @staticmethod
    def coalesce(a, b):
        return pl.coalesce(a, b)

    @staticmethod
    def any(xs):
        return xs[0] if len(xs) == 1 else pl.any_horizontal(xs)

    @staticmethod
    def all(xs):
        return xs[0] if len(xs) == 1 else pl.all_horizontal(xs)

    @staticmethod
    def isin(x, values):
        return x.is_in(pl.Series(values, dtype=pl.Int32).implode())

    @staticmethod
    def has_flag(flags, flag):
        return flags.str.contains(r"(?:^|[; ])" + flag.replace(".", r"\.") + r"(?:$|[; ])")


B = Backend


def round_half_up(v, decimals):
    """Half-up rounding to `decimals`, as an integer of 10**-decimals (snapped to 7 decimals first)."""
    return ((v * (10.0**decimals)).round(7) + 0.5).floor().cast(pl.Int64)


def fmt(k, decimals):
    """The integer k × 10^-decimals as JSON text with exactly `decimals` places (43.90, not 43.9)."""
    if decimals == 0:
        return k.cast(pl.String)
    scale = 10**decimals
    a = k.abs()
    return pl.concat_str(
        pl.when(k < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (a // scale).cast(pl.String),
        pl.lit("."),
        (a % scale).cast(pl.String).str.zfill(decimals),
    )


def cell(col):
    k = round_half_up(col.value, col.decimals)
    return pl.when(col.kind == 0).then(fmt(k, col.decimals)).when(col.kind == 1).then(pl.lit('"not_evaluated"')).otherwise(pl.lit("null"))


def scored_frame(edition, d):
    header = P.read_header(f"{d}/values.csv")
    key, columns = header[0], header[1:]
    values = pl.scan_csv(f"{d}/values.csv", infer_schema=False)
    units = pl.scan_csv(f"{d}/units.csv", infer_schema=False)
    units = units.rename({c: c.strip().lower() for c in units.collect_schema().names()})
    units = units.select(
        pl.col("code").str.strip_chars(),
        pl.col("name").str.strip_chars(),
        pl.col("category").str.strip_chars().alias("category"),
        (pl.col("flags").str.strip_chars().fill_null("") if "flags" in units.collect_schema().names() else pl.lit("")).alias("flags"),
    )
    # One row per unit, in the order of units.csv; a unit without a row has only blanks.
    lf = units.join(values.with_columns(pl.col(key).str.strip_chars()), left_on="code", right_on=key, how="left", maintain_order="left")
    parsed = [
        pl.col("code"),
        pl.col("name"),
        pl.col("flags"),
        pl.col("category").replace_strict(edition.cat_index, return_dtype=pl.Int32).alias("cat"),
        pl.col("category").replace_strict({c: edition.block_of_cat[i] for c, i in edition.cat_index.items()}, return_dtype=pl.Int32).alias("blk"),
    ]
    for c in columns:
        na = pl.col(c).is_in(P.NA_VARIANTS).fill_null(False)
        kind = edition.column_kind(c)
        if kind in ("number", "count"):
            v = pl.when(na).then(None).otherwise(pl.col(c)).cast(pl.Float64)
        else:
            words = P.YES_NO if kind == "yes-no" else edition.choice_index(c)
            v = pl.col(c).str.strip_chars().str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Float64)
        parsed += [v.alias(f"num:{c}"), na.alias(f"na:{c}")]
    lf = lf.select(parsed)
    plan = P.Plan(edition, B, columns)
    for kind, stage in plan.stages():
        if kind == "cohort":  # the best of the block: a window maximum
            stage = [(name, pl.when(pl.col("blk") >= 0).then(e.max().over("blk"))) for name, e in stage]
        lf = lf.with_columns([e.alias(name) for name, e in stage])
    return lf, plan


def table_rows(scored, t):
    """A lazy frame of one string: the table's rows as the body of a JSON array."""
    tk = round_half_up(t.total.value, t.decimals)
    ok = t.total.kind == 0
    key = tk.cast(pl.Float64) if t.rank_on == "rounded" else t.total.value
    ranked = B.isin(pl.col("sec"), t.ranked_sections()) & ok
    rank = pl.when(pl.col("ranked")).then(pl.col("key")).rank("dense" if t.ties == "dense" else "min", descending=True).over("sec")
    labels = {s.index: s.label for s in t.sections}
    prefixes = P.row_prefix([c.label for c in t.columns])
    values = [x for pre, c in zip(prefixes, t.columns) for x in (pl.lit(pre), cell(c))]
    lf = (
        scored.with_columns(t.section_of(B).alias("sec"))
        .select(
            pl.col("name"),
            pl.col("code"),
            pl.col("sec"),
            *[x.alias(f"v{i}") for i, x in enumerate(values)],
            cell(t.total).alias("total"),
            ranked.alias("ranked"),
            key.alias("key"),
            pl.when(ok).then(t.total.value).otherwise(float("-inf")).alias("exact"),
        )
        .filter(pl.col("sec") >= 0)
        .with_columns(rank.fill_null(0).alias("rank"))
        .sort(["sec", "ranked", "rank", "exact", "name"], descending=[False, True, False, True, False])
    )
    tt = pl.int_range(1, pl.len() + 1).over("sec") if t.per_section else pl.int_range(1, pl.len() + 1)
    text = pl.struct(
        unit=pl.col("name"), unit_code=pl.col("code"), block=pl.col("sec").replace_strict(labels, return_dtype=pl.String)
    ).struct.json_encode()
    row = pl.concat_str(
        pl.lit('{"tt":"'),
        tt.cast(pl.String),
        pl.lit('",'),
        text.str.strip_prefix("{").str.strip_suffix("}"),
        pl.lit(',"values":'),
        *[pl.col(f"v{i}") for i in range(len(values))],
        pl.lit('},"total":'),
        pl.col("total"),
        pl.lit(',"rank":'),
        pl.when(pl.col("ranked")).then(pl.col("rank").cast(pl.String)).otherwise(pl.lit("null")),
        pl.lit("}"),
    )
    return lf.select(row.str.join(",").alias("rows"))


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--engine")]
    engine = next((a.split("=", 1)[1] for a in argv[1:] if a.startswith("--engine=")), "in-memory")
    if len(args) != 2:
        raise SystemExit("usage: peer_polars.py DIR OUT.json [--engine=auto|in-memory|streaming]")
    d, out = args
    edition = P.load_edition(f"{d}/edition.toml")
    scored, plan = scored_frame(edition, d)
    tables = P.tables(edition, plan)
    results = pl.collect_all([table_rows(scored, t) for t in tables], engine=engine)
    text = P.document(edition, tables, [r.item() for r in results])
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    P.check_rounding(lambda xs, d: pl.select(round_half_up(pl.lit(pl.Series(xs)), d)).to_series().to_list())


if __name__ == "__main__":
    main(sys.argv)
