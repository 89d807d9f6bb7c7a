#!/usr/bin/env python3
"""Peer implementation of `egov annex --format json` in Python with DuckDB.

Computes exactly what bench/peer_pandas.py computes (see there, and bench/peer_plan.py for the
expressions), the way a competent DuckDB user would: one SQL query per annex table over one scored
table — `read_csv` with the columns and their types given (no sniffing; every value cell VARCHAR, since
any cell may say "Không áp dụng", then CAST to DOUBLE), every criterion of the edition a SQL expression
over all units (generated from the edition by peer_plan), the stages as a chain of CTEs, the cohort's bests
as one `GROUP BY block` joined back, ranks as `dense_rank()` / `rank() OVER (PARTITION BY section
ORDER BY total DESC)`, and each JSON row built in SQL (text fields escaped by `to_json`), aggregated with
`string_agg(... ORDER BY ...)` into one string per table — all run by DuckDB's vectorised, multithreaded
engine. Python only assembles the document's head and writes it once. Doubles inside; the published
numbers are made exact by the same snap-then-half-up rounding as the pandas peer, and
bench/check_annex.py checks every number against egov's output.

Usage: peer_duckdb.py DIR OUT.json   (DIR holds edition.toml, units.csv, values.csv)
"""

import re
import sys

import duckdb

import peer_plan as P


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def text(s):
    return "'" + s.replace("'", "''") + "'"


class S:
    """A SQL expression; Python's operators build larger ones."""

    __slots__ = ("sql",)

    def __init__(self, sql):
        self.sql = sql

    def __str__(self):
        return self.sql

    def _op(self, op, other):
        return S(f"({self.sql} {op} {other.sql})")

    def __add__(self, o):
        return self._op("+", o)

    def __sub__(self, o):
        return self._op("-", o)

    def __mul__(self, o):
        return self._op("*", o)

    def __truediv__(self, o):
        return self._op("/", o)

    def __lt__(self, o):
        return self._op("<", o)

    def __le__(self, o):
        return self._op("<=", o)

    def __ge__(self, o):
        return self._op(">=", o)

    def __gt__(self, o):
        return self._op(">", o)

    def __eq__(self, o):
        return self._op("=", o)

    def __ne__(self, o):
        return self._op("<>", o)

    def __and__(self, o):
        return self._op("AND", o)

    def __or__(self, o):
        return self._op("OR", o)

    def __invert__(self):
        return S(f"(NOT {self.sql})")

    __hash__ = None


class Backend:
    """The operations of peer_plan as SQL."""

    @staticmethod
    def col(name):
        return S(ident(name))

    @staticmethod
    def lit(x):
        return S(f"'{x!r}'::DOUBLE")

    @staticmethod
    def ilit(i):
        return S(f"{int(i)}")

    @staticmethod
    def null():
        return S("NULL::DOUBLE")

    @staticmethod
    def false():
        return S("false")

    @staticmethod
    def where(c, a, b):
        return S(f"CASE WHEN {c} THEN {a} ELSE {b} END")

    @staticmethod
    def case(pairs, default):
        return S("CASE " + " ".join(f"WHEN {c} THEN {v}" for c, v in pairs) + f" ELSE {default} END")

    @staticmethod
    def least(a, b):
        return S(f"least({a}, {b})")

    @staticmethod
    def greatest(a, b):
        return S(f"greatest({a}, {b})")

    @staticmethod
    def not_null(x):
        return S(f"({x} IS NOT NULL)")

    @staticmethod
    def is_null(x):
        return S(f"({x} IS NULL)")

    @staticmethod
    def coalesce(a, b):
        return S(f"coalesce({a}, {b})")

    @staticmethod
    def any(xs):
        return S("(" + " OR ".join(str(x) for x in xs) + ")")

    @staticmethod
    def all(xs):
        return S("(" + " AND ".join(str(x) for x in xs) + ")")

    @staticmethod
    def isin(x, values):
        return S(f"({x} IN ({', '.join(str(int(v)) for v in values)}))") if values else S("false")

    @staticmethod
    def has_flag(flags, flag):
        return S(f"regexp_matches({flags}, {text('(?:^|[; ])' + flag.replace('.', '[.]') + '(?:$|[; ])')})")


B = Backend


def round_half_up(v, decimals):
    """Half-up rounding to `decimals`, as an integer of 10**-decimals (snapped to 7 decimals first)."""
    return f"CAST(floor(round({v} * {float(10**decimals)!r}::DOUBLE, 7) + 0.5::DOUBLE) AS BIGINT)"


def cell(col):
    """The cell's JSON text: the number with exactly its column's decimals, "not_evaluated" or null."""
    k = round_half_up(col.value, col.decimals)
    d = col.decimals
    number = f"CAST({k} AS VARCHAR)" if d == 0 else f"printf('%.{d}f', {k} / {float(10**d)!r}::DOUBLE)"
    return f"CASE {col.kind} WHEN 0 THEN {number} WHEN 1 THEN '\"not_evaluated\"' ELSE 'null' END"


def scored_sql(edition, d):
    """The SQL of the scored units (a chain of CTEs) and the plan."""
    header = P.read_header(f"{d}/values.csv")
    key, columns = header[0], header[1:]
    units_header = [c.lower() for c in P.read_header(f"{d}/units.csv")]
    vtypes = ", ".join(f"{text(c)}: 'VARCHAR'" for c in header)
    utypes = ", ".join(f"{text(c)}: 'VARCHAR'" for c in units_header)
    read = "header = true, auto_detect = false, quote = '\"', escape = '\"', delim = ','"
    values = f"read_csv({text(d + '/values.csv')}, {read}, columns = {{{vtypes}}})"
    units = f"read_csv({text(d + '/units.csv')}, {read}, columns = {{{utypes}}})"
    cat_case = "CASE u.category " + " ".join(f"WHEN {text(c)} THEN {i}" for c, i in edition.cat_index.items()) + " END"
    blk_case = "CASE u.category " + " ".join(f"WHEN {text(c)} THEN {edition.block_of_cat[i]}" for c, i in edition.cat_index.items()) + " END"
    # The not-applicable markers as one regular expression (`IN` with 25 strings becomes a join per column).
    na_regex = text("|".join(re.escape(m) for m in P.NA_VARIANTS))
    parsed = []
    for c in columns:
        v = f"v.{ident(c)}"
        # Numbers begin with a digit, '-' or '.', all before 'A': only words are matched against the markers.
        na = f"CASE WHEN {v} >= 'A' THEN regexp_full_match({v}, {na_regex}) ELSE false END"
        kind = edition.column_kind(c)
        if kind in ("number", "count"):
            num = f"CAST(CASE WHEN {na} THEN NULL ELSE {v} END AS DOUBLE)"
        else:
            words = P.YES_NO if kind == "yes-no" else edition.choice_index(c)
            num = f"CASE lower(trim({v})) " + " ".join(f"WHEN {text(w)} THEN {x!r}::DOUBLE" for w, x in words.items()) + " ELSE NULL END"
        parsed += [f"{num} AS {ident('num:' + c)}", f"{na} AS {ident('na:' + c)}"]
    flags = "coalesce(trim(flags), '')" if "flags" in units_header else "''"
    ctes = [
        f"""units AS (SELECT trim(code) AS code, trim(name) AS name, trim(category) AS category, {flags} AS flags
                      FROM {units})""",
        f"""s0 AS (SELECT u.code, u.name, u.flags, {cat_case} AS cat, {blk_case} AS blk, {', '.join(parsed)}
                   FROM units u LEFT JOIN {values} v ON trim(v.{ident(key)}) = u.code)""",
    ]
    plan = P.Plan(edition, B, columns)
    for i, (kind, stage) in enumerate(plan.stages(), 1):
        if kind == "cohort":
            # The best of each block: one grouped aggregate, joined back to the units by block.
            best = ", ".join(f"max({e}) AS {ident(name)}" for name, e in stage)
            ctes.append(f"best AS (SELECT blk, {best} FROM s{i - 1} WHERE blk >= 0 GROUP BY blk)")
            ctes.append(f"s{i} AS (SELECT * FROM s{i - 1} LEFT JOIN best USING (blk))")
            continue
        cols = ", ".join(f"{e} AS {ident(name)}" for name, e in stage)
        ctes.append(f"s{i} AS (SELECT *, {cols} FROM s{i - 1})")
    # Keep what the annex prints: the nodes' points and statuses, the inputs shown as columns.
    keep = ["code", "name", "cat"] + [f"{x}:{n.code}" for n in edition.nodes for x in ("pts", "st")]
    for t in edition.doc.get("annex", {}).get("table", []):
        keep += [f"{x}:{c[len('input:'):]}" for c in t["columns"] if c.startswith("input:") and c[len("input:"):] in columns for x in ("num", "na")]
    select = ", ".join(ident(c) for c in dict.fromkeys(keep))
    return "WITH " + ",\n".join(ctes) + f"\nSELECT {select} FROM s{i}", plan


def table_sql(t):
    """One row, one column: the table's rows as the body of a JSON array."""
    tk = round_half_up(t.total.value, t.decimals)
    ok = f"({t.total.kind} = 0)"
    key = tk if t.rank_on == "rounded" else str(t.total.value)
    ranked = f"({B.isin(S('sec'), t.ranked_sections())} AND {ok})"
    rank_fn = "dense_rank()" if t.ties == "dense" else "rank()"
    labels = "CASE sec " + " ".join(f"WHEN {s.index} THEN {text(s.label)}" for s in t.sections) + " END"
    prefixes = P.row_prefix([c.label for c in t.columns])
    values = " || ".join(f"{text(pre)} || {cell(c)}" for pre, c in zip(prefixes, t.columns))
    tt_part = "PARTITION BY sec " if t.per_section else ""
    return f"""
WITH a AS (SELECT *, {t.section_of(B)} AS sec FROM scored),
b AS (
    SELECT name, code, sec, {values} AS vals, {cell(t.total)} AS total, {ranked} AS ranked, {key} AS key,
           CASE WHEN {ok} THEN {t.total.value} ELSE '-inf'::DOUBLE END AS exact
    FROM a WHERE sec >= 0),
c AS (
    SELECT *, CASE WHEN ranked THEN {rank_fn} OVER (PARTITION BY sec, ranked ORDER BY key DESC) ELSE 0 END AS rank
    FROM b),
d AS (
    SELECT *, row_number() OVER ({tt_part}ORDER BY sec, ranked DESC, rank, exact DESC, name) AS tt FROM c)
SELECT string_agg(
    '{{"tt":"' || tt || '","unit":' || to_json(name) || ',"unit_code":' || to_json(code) || ',"values":' || vals
    || '}},"total":' || total || ',"rank":' || CASE WHEN ranked THEN CAST(rank AS VARCHAR) ELSE 'null' END
    || ',"block":' || to_json({labels}) || '}}',
    ',' ORDER BY sec, tt)
FROM d"""


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: peer_duckdb.py DIR OUT.json")
    d, out = argv[1], argv[2]
    edition = P.load_edition(f"{d}/edition.toml")
    con = duckdb.connect()
    scored, plan = scored_sql(edition, d)
    tables = P.tables(edition, plan)
    con.execute(f"CREATE TEMP TABLE scored AS {scored}")
    rows = [con.execute(table_sql(t)).fetchone()[0] or "" for t in tables]
    text_out = P.document(edition, tables, rows)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text_out)
    P.check_rounding(
        lambda xs, d: [con.execute(f"SELECT {round_half_up(f'{x!r}::DOUBLE', d)}").fetchone()[0] for x in xs]
    )


if __name__ == "__main__":
    main(sys.argv)
