#!/usr/bin/env python3
"""Peer implementation of `egov annex --format json` in Python with pandas/numpy.

Reads the same edition.toml (tomllib), units.csv and values.csv (wide form) as egov, computes every rule
kind (ratio, yes-no, steps, choice, per-item, sum, best-of, relative-to-best with its cohort pass,
points entered directly), the not-applicable policies (zero / not-evaluated / exclude-and-rescale),
applicability by category and flags, sums with caps, rounding half-up to each column's decimals, ranks
(dense / competition, on rounded or exact values) per section, and writes the annex JSON in the shape
of egov's contract.

It is written the way a competent analyst would: one numpy vector per criterion over all units, no
Python loop over units except to emit JSON rows. Scores are float64 inside; the published values are
exact because rounding first snaps the scaled value to 7 decimals (removing float noise of ~1e-10,
e.g. 2.675 held as 2.67499999…) and then rounds half up — so terminating decimals such as 0.125 or
21.55 round exactly as Python's decimal.ROUND_HALF_UP would. A non-terminating value lying within
5e-8 of a rounding midpoint could round differently from exact arithmetic; bench/check_annex.py
verifies every number against egov's output on each run. Numbers are written with exactly their
column's decimals (43.90, not 43.9), since the printed scale is part of the annex contract.

What the peer does not do (egov does): validate inputs with located errors, NFC-normalise text, collate
names in Vietnamese order (rows with equal rank and equal exact total may come in another order; the
checker compares rows by unit code), explanation traces, long-form values, points given at aggregates.

Usage: peer_pandas.py DIR OUT.json   (DIR holds edition.toml, units.csv, values.csv)
"""

import json
import re
import sys
import tomllib
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

# egov's block ids, shared with the polars and DuckDB peers (the same scheme as the annex).
from peer_plan import block_id

NA_MARKERS = {"na", "n/a", "kad", "không áp dụng", "không đánh giá", "not applicable", "not evaluated"}
# The markers as people type them (egov compares case-insensitively after trimming; the peer matches
# these spellings exactly, which covers the generated data).
NA_VARIANTS = sorted({f(m) for m in NA_MARKERS for f in (str, str.capitalize, str.upper, str.title)})
YES = {"có", "co", "yes", "true", "1", "x", "đạt"}
NO = {"không", "khong", "no", "false", "0", "không đạt"}
YES_NO = {**{w: 1.0 for w in YES}, **{w: 0.0 for w in NO}}

# Node status codes (as egov's engine::Status).
SCORED, GIVEN, MISSING, NA_ZERO, NOT_EVAL, EXCLUDED = range(6)
# Not-applicable policies; -1 = applies.
POLICY = {"zero": 0, "not-evaluated": 1, "exclude": 2}
POLICY_STATUS = np.array([NA_ZERO, NOT_EVAL, EXCLUDED], dtype=np.int8)


def num(v):
    """A TOML number or a '5,5' string as float (exact for the decimals editions use)."""
    if isinstance(v, str):
        return float(Decimal(v.replace(",", ".")))
    return float(v)


def round_half_up(x, decimals):
    """Half-up rounding of a float vector to `decimals`, as integers of 10**-decimals."""
    scaled = np.round(x * 10.0**decimals, 7)
    return np.floor(scaled + 0.5)


# --------------------------------------------------------------------------------------------
# Edition
# --------------------------------------------------------------------------------------------


class Node:
    def __init__(self, code, raw):
        self.code = code
        self.raw = raw
        self.children = []
        self.parent = None
        self.max = 0.0
        self.rule = None
        self.policy = POLICY[raw.get("not_applicable", "zero")] if raw else 0
        self.cap = bool(raw.get("cap", False)) if raw else False
        self.rescale = bool(raw.get("rescale", False)) if raw else False


class Edition:
    def __init__(self, doc):
        self.doc = doc
        self.id = doc["id"]
        scoring = doc.get("scoring", {})
        self.decimals = scoring.get("decimals", 2)
        if scoring.get("rounding", "half-up") != "half-up":
            raise SystemExit("peer: only half-up rounding is implemented")
        ranking = doc.get("ranking", {})
        self.ties = ranking.get("ties", "dense")
        self.rank_on = ranking.get("on", "rounded")
        self.categories = [c["code"] for c in doc.get("category", [])]
        self.cat_index = {c: i for i, c in enumerate(self.categories)}
        self.blocks = doc.get("block", [])
        self.block_of_cat = np.full(len(self.categories), -1)
        for b, blk in enumerate(self.blocks):
            for c in blk["categories"]:
                self.block_of_cat[self.cat_index[c]] = b
        self.inputs = {i["id"]: i for i in doc.get("input", [])}
        # Criteria tree in pre-order with an implicit root (code "").
        raw = doc.get("criterion", [])
        by_code = {c["code"]: Node(c["code"], c) for c in raw}
        root = Node("", {})
        root.raw = {}
        for c in raw:
            n = by_code[c["code"]]
            pcode = c["code"].rsplit(".", 1)[0] if "." in c["code"] else None
            n.parent = by_code[pcode] if pcode else root
            n.parent.children.append(n)
        self.nodes = []
        stack = [root]
        while stack:
            n = stack.pop()
            self.nodes.append(n)
            stack.extend(reversed(n.children))
        for n in reversed(self.nodes):
            if n.children:
                n.max = num(n.raw["max"]) if "max" in n.raw else sum(c.max for c in n.children)
            elif n is not root:
                n.max = num(n.raw["max"])
                n.rule = n.raw.get("rule", {"kind": "points"})
        if "total_max" in scoring:
            root.max = num(scoring["total_max"])
        self.root = root
        self.node_by_code = {n.code: n for n in self.nodes}


def needs_cohort(rule):
    k = rule["kind"]
    return k == "relative-to-best" or (k == "best-of" and any(needs_cohort(c) for c in rule["cases"]))


def relative_inputs(rule):
    if rule["kind"] == "relative-to-best":
        return [rule["input"]]
    if rule["kind"] == "best-of":
        return [i for c in rule["cases"] for i in relative_inputs(c)]
    return []


def rule_inputs(rule):
    k = rule["kind"]
    if k == "ratio":
        return [rule["numerator"]] + ([rule["denominator"]] if "denominator" in rule else [])
    if k in ("yes-no", "steps", "choice", "per-item", "relative-to-best"):
        return [rule["input"]]
    if k == "sum":
        return list(rule["inputs"])
    if k == "best-of":
        return [i for c in rule["cases"] for i in rule_inputs(c)]
    return []


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


class Data:
    def __init__(self, edition, units_path, values_path):
        units = pd.read_csv(units_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        units.columns = [c.strip().lower() for c in units.columns]
        self.units = units.apply(lambda s: s.str.strip())
        self.n = len(self.units)
        self.category = self.units["category"].map(edition.cat_index).to_numpy()
        if np.isnan(self.category.astype(float)).any():
            raise SystemExit("peer: unknown unit category")
        self.category = self.category.astype(np.int64)
        self.block = edition.block_of_cat[self.category]
        self.flags = self.units["flags"] if "flags" in self.units else pd.Series([""] * self.n)
        # Two passes of pandas' C parser: one typed, with blanks and not-applicable markers as NaN, so
        # number columns arrive as float64; one as text, to know which cells were "không áp dụng".
        unit_col = pd.read_csv(values_path, nrows=0, encoding="utf-8-sig").columns[0]
        opts = dict(keep_default_na=False, encoding="utf-8-sig")
        typed = pd.read_csv(values_path, na_values=[""] + NA_VARIANTS, dtype={unit_col: str}, **opts)
        text = pd.read_csv(values_path, dtype=str, **opts)
        na = text.iloc[:, 1:].isin(NA_VARIANTS)
        na.index = typed[unit_col].str.strip()
        typed = typed.set_index(unit_col)
        typed.index = typed.index.str.strip()
        # One row per unit, in the order of units.csv; a unit without a row has only blanks.
        self.values = typed.reindex(self.units["code"])
        na = na.reindex(self.units["code"], fill_value=False)
        self.num = {}  # column -> float vector (NaN = missing or not applicable)
        self.na = {col: na[col].to_numpy(dtype=bool) for col in na.columns}  # "không áp dụng"
        for col in self.values.columns:
            self._column(edition, col)

    def _column(self, edition, col):
        raw = self.values[col]
        inp = edition.inputs.get(col)
        kind = inp["type"] if inp else "number"  # a criterion code: points given directly
        if kind in ("number", "count"):
            if not pd.api.types.is_numeric_dtype(raw.dtype):
                bad = raw[pd.to_numeric(raw, errors="coerce").isna() & raw.notna()]
                raise SystemExit(f"peer: '{col}': not a number: {bad.iloc[0]!r}")
            v = raw.to_numpy(dtype=float, copy=True)
        else:
            low = raw.str.strip().str.lower()
            if kind == "yes-no":
                v = low.map(YES_NO).to_numpy(dtype=float, copy=True)
            elif kind == "choice":
                choices = {c.strip().lower(): float(i) for i, c in enumerate(inp["choices"])}
                v = low.map(choices).to_numpy(dtype=float, copy=True)
            else:
                raise SystemExit(f"peer: input type {kind} not implemented")
        self.num[col] = v

    def col(self, key):
        v = self.num.get(key)
        return v if v is not None else np.full(self.n, np.nan)

    def has_flag(self, flag):
        pat = r"(?:^|[; ])" + re.escape(flag) + r"(?:$|[; ])"
        return self.flags.str.contains(pat, regex=True).to_numpy()


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def evaluate(rule, mx, data, edition, best=None):
    """(points, valid) of a rule over all units; `valid` False where the inputs it needs are missing.

    `best` maps each relative-to-best input to the best value of the unit's block (cohort pass)."""
    k = rule["kind"]
    n = data.n
    if k in ("points", "manual"):
        return np.zeros(n), np.zeros(n, dtype=bool)
    if k == "ratio":
        a = data.col(rule["numerator"])
        b = data.col(rule["denominator"]) if "denominator" in rule else np.full(n, num(rule["denominator_value"]))
        valid = ~np.isnan(a) & ~np.isnan(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(b <= 0, 0.0, np.minimum(a * mx / b, mx))
        return p, valid
    if k == "yes-no":
        v = data.col(rule["input"])
        yes = num(rule.get("yes", mx))
        no = num(rule.get("no", 0))
        return np.where(v == 1.0, yes, no), ~np.isnan(v)
    if k == "steps":
        v = data.col(rule["input"])
        steps = sorted(((num(t), num(p)) for t, p in rule["steps"]), reverse=True)
        p = np.select([v >= t for t, _ in steps], [pt for _, pt in steps], 0.0)
        return p, ~np.isnan(v)
    if k == "choice":
        v = data.col(rule["input"])
        choices = edition.inputs[rule["input"]]["choices"]
        opts = {label.strip().lower(): num(pts) for label, pts in rule["options"].items()}
        table = np.array([opts.get(c.strip().lower(), 0.0) for c in choices])
        valid = ~np.isnan(v)
        p = np.where(valid, table[np.where(valid, v, 0).astype(np.int64)], 0.0)
        return p, valid
    if k == "per-item":
        v = data.col(rule["input"])
        cap = num(rule.get("cap", mx))
        return np.minimum(v * num(rule["per"]), cap), ~np.isnan(v)
    if k == "sum":
        vs = np.vstack([data.col(i) for i in rule["inputs"]])
        valid = (~np.isnan(vs)).any(axis=0)
        return np.minimum(np.nansum(vs, axis=0), mx), valid
    if k == "best-of":
        best_p = np.full(n, -np.inf)
        valid = np.zeros(n, dtype=bool)
        for c in rule["cases"]:
            p, ok = evaluate(c, mx, data, edition, best)
            best_p = np.where(ok, np.maximum(best_p, p), best_p)
            valid |= ok
        return np.where(valid, best_p, 0.0), valid
    if k == "relative-to-best":
        v = data.col(rule["input"])
        if best is None or rule["input"] not in best:
            return np.zeros(n), np.zeros(n, dtype=bool)
        top = best[rule["input"]]
        valid = ~np.isnan(v) & ~np.isnan(top)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(top <= 0, 0.0, np.minimum(v * mx / top, mx))
        return p, valid
    raise SystemExit(f"peer: rule kind {k} not implemented")


def score(edition, data):
    n = data.n
    nodes = edition.nodes
    # 1. Applicability, top-down: the effective policy of every node (-1 = applies).
    policy = {}
    for node in nodes:
        if node is edition.root:
            policy[id(node)] = np.full(n, -1, dtype=np.int8)
            continue
        inherited = policy[id(node.parent)]
        local = np.zeros(n, dtype=bool)
        raw = node.raw
        if "applies_to" in raw:
            local |= ~np.isin(data.category, [edition.cat_index[c] for c in raw["applies_to"]])
        for f in raw.get("requires_flags", []):
            local |= ~data.has_flag(f)
        for f in raw.get("unless_flags", []):
            local |= data.has_flag(f)
        if node.code in data.na:
            local |= data.na[node.code]
        if node.rule is not None:
            for i in rule_inputs(node.rule):
                if i in data.na:
                    local |= data.na[i]
        policy[id(node)] = np.where(inherited >= 0, inherited, np.where(local, node.policy, -1)).astype(np.int8)

    # 2. Leaves: given points, then the rule; the cohort rules after all units are known.
    pts, status, exc, unev = {}, {}, {}, {}
    for node in nodes:
        if node.children or node is edition.root:
            continue
        pol = policy[id(node)]
        given = data.col(node.code) if node.code in data.num else np.full(n, np.nan)
        has_given = ~np.isnan(given)
        applies = pol < 0
        if needs_cohort(node.rule):
            # The cohort pass: per input, the best value among the block's units the leaf applies to.
            pending = applies & ~has_given
            best = {}
            for key in dict.fromkeys(relative_inputs(node.rule)):
                v = data.col(key)
                top = np.full(n, np.nan)
                for b in range(len(edition.blocks)):
                    vals = v[pending & (data.block == b)]
                    vals = vals[~np.isnan(vals)]
                    if vals.size:
                        top[data.block == b] = vals.max()
                best[key] = top
            p, ok = evaluate(node.rule, node.max, data, edition, best)
        else:
            p, ok = evaluate(node.rule, node.max, data, edition)
        p = np.clip(p, 0.0, node.max)
        leaf_pts = np.where(has_given, given, np.where(ok, p, 0.0))
        leaf_status = np.where(has_given, GIVEN, np.where(ok, SCORED, MISSING))
        pts[id(node)] = np.where(applies, leaf_pts, 0.0)
        status[id(node)] = np.where(applies, leaf_status, POLICY_STATUS[np.maximum(pol, 0)]).astype(np.int8)
        exc[id(node)] = np.where(pol == 2, node.max, 0.0)
        unev[id(node)] = np.where(pol == 1, node.max, 0.0)

    # 3. Aggregates, bottom-up, with exclude-and-rescale and "không đánh giá".
    for node in reversed(nodes):
        if not node.children:
            continue
        pol = policy[id(node)]
        st = np.vstack([status[id(c)] for c in node.children])
        cp = np.vstack([pts[id(c)] for c in node.children])
        counted = (st != EXCLUDED) & (st != NOT_EVAL)
        total = np.where(counted, cp, 0.0).sum(axis=0)
        d_exc = np.vstack([exc[id(c)] for c in node.children]).sum(axis=0)
        d_unev = np.vstack([unev[id(c)] for c in node.children]).sum(axis=0)
        any_counted = counted.any(axis=0)
        any_data = ((st == SCORED) | (st == GIVEN) | (st == NA_ZERO)).any(axis=0)
        all_excluded = (st == EXCLUDED).all(axis=0)
        is_root = node is edition.root
        p = np.minimum(total, node.max) if node.cap else total
        rescale = (d_exc > 0) & (node.rescale or is_root)
        base = node.max - d_exc
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(rescale, np.where(base > 0, p * node.max / base, 0.0), p)
        e = np.where(rescale, 0.0, d_exc)
        s = np.where(any_data, SCORED, MISSING)
        if not is_root:
            empty = ~any_counted
            p = np.where(empty, 0.0, p)
            s = np.where(empty, np.where(all_excluded, EXCLUDED, NOT_EVAL), s)
            e = np.where(empty & all_excluded, node.max, np.where(empty, 0.0, e))
            d_unev = np.where(empty & ~all_excluded, node.max, np.where(empty, 0.0, d_unev))
        na = pol >= 0
        pts[id(node)] = np.where(na, 0.0, p)
        status[id(node)] = np.where(na, POLICY_STATUS[np.maximum(pol, 0)], s).astype(np.int8)
        exc[id(node)] = np.where(na, np.where(pol == 2, node.max, 0.0), e)
        unev[id(node)] = np.where(na, np.where(pol == 1, node.max, 0.0), d_unev)
    return pts, status


# --------------------------------------------------------------------------------------------
# Annex
# --------------------------------------------------------------------------------------------


# A number is emitted with exactly its column's decimals (27.0, 43.90), as egov prints it: the JSON
# encoder would write a float's shortest form (27.0 → 27.0 but 43.90 → 43.9), so cells hold a marked
# string that `dump_json` turns into a bare JSON number after encoding.
MARK = "\x00"
MARKED = re.compile(r'"\\u0000(-?[0-9]+(?:\.[0-9]+)?)"')


def fmt(k, decimals):
    """JSON number k × 10^-decimals (k an integer-valued float) with exactly `decimals` places."""
    k = int(k)
    if decimals == 0:
        return f"{MARK}{k}"
    sign = "-" if k < 0 else ""
    digits = str(abs(k)).rjust(decimals + 1, "0")
    return f"{MARK}{sign}{digits[:-decimals]}.{digits[-decimals:]}"


def dump_json(doc):
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return MARKED.sub(r"\1", text)


def build_annex(edition, data, pts, status):
    doc = edition.doc
    annex = doc.get("annex", {})
    out_tables = []
    block_index = {b["code"]: i for i, b in enumerate(edition.blocks)}
    names = data.units["name"].to_numpy()
    codes = data.units["code"].to_numpy()
    for t in annex.get("table", []):
        node = edition.node_by_code[t.get("node", "")] if t.get("node") else edition.root
        show = t.get("show", "points")
        tdec = t.get("decimals", edition.decimals)
        cdec = t.get("column_decimals", {})
        labels = t.get("column_labels", {})
        ties = t.get("ties", edition.ties)
        rank_on = t.get("rank_on", edition.rank_on)

        def shown(src):
            """(exact float vector, kind vector: 0 number, 1 not evaluated, 2 blank)."""
            if src.startswith("input:"):
                key = src[len("input:"):]
                v = data.col(key)
                na = data.na.get(key, np.zeros(data.n, dtype=bool))
                kind = np.where(na, 1, np.where(np.isnan(v), 2, 0))
                return np.nan_to_num(v), kind
            nd = edition.node_by_code[src]
            st = status[id(nd)]
            v = pts[id(nd)]
            kind = np.where(st == NOT_EVAL, 1, np.where(st == EXCLUDED, 2, 0))
            if show == "fraction":
                if nd.max > 0:
                    v = v / nd.max
                else:
                    kind = np.where(kind == 0, 2, kind)
            return v, kind

        columns = []
        for c in t["columns"]:
            if c.startswith("input:"):
                label = labels.get(c, edition.inputs[c[len("input:"):]]["name"])
                code = None
            else:
                nd = edition.node_by_code[c]
                label = labels.get(c, nd.raw.get("name", ""))
                code = c
            d = cdec.get(c, tdec)
            v, kind = shown(c)
            k = round_half_up(v, d)
            cells = [fmt(x, d) if kd == 0 else ("not_evaluated" if kd == 1 else None) for x, kd in zip(k.tolist(), kind.tolist())]
            columns.append((label, code, d, cells))
        tv, tkind = shown(node.code)
        tk = round_half_up(tv, tdec)
        total_cells = [fmt(x, tdec) if kd == 0 else ("not_evaluated" if kd == 1 else None) for x, kd in zip(tk.tolist(), tkind.tolist())]

        rows = []
        blocks_json = []
        tt = 0
        for si, sec in enumerate(t["section"]):
            cats = []
            all_ranked = True
            for b in sec.get("blocks", []):
                blk = edition.blocks[block_index[b]]
                cats += [edition.cat_index[c] for c in blk["categories"]]
                all_ranked &= blk.get("ranked", True)
            for c in sec.get("categories", []):
                cats.append(edition.cat_index[c])
            ranked = sec.get("ranked", all_ranked)
            bid = block_id(edition.doc, sec, si)
            blocks_json.append({"id": bid, "label": sec.get("label"), "title": sec.get("title"), "ranked": ranked})
            if t.get("numbering", "per-section") == "per-section":
                tt = 0
            members = np.flatnonzero(np.isin(data.category, cats))
            rank = np.full(members.size, np.nan)
            if ranked:
                ok = tkind[members] == 0
                key = tk[members] if rank_on == "rounded" else tv[members]
                r = pd.Series(key[ok]).rank(method="dense" if ties == "dense" else "min", ascending=False)
                rank[ok] = r.to_numpy()
            sec_df = pd.DataFrame(
                {
                    "i": members,
                    "ranked": ~np.isnan(rank),
                    "rank": np.nan_to_num(rank, nan=0),
                    "exact": np.where(tkind[members] == 0, tv[members], -np.inf),
                    "name": names[members],
                }
            )
            sec_df = sec_df.sort_values(["ranked", "rank", "exact", "name"], ascending=[False, True, False, True], kind="stable")
            for i, rk, is_ranked in zip(sec_df["i"].tolist(), sec_df["rank"].tolist(), sec_df["ranked"].tolist()):
                tt += 1
                rows.append(
                    {
                        "tt": str(tt),
                        "unit": names[i],
                        "unit_code": codes[i],
                        "values": {label: cells[i] for label, _, _, cells in columns},
                        "total": total_cells[i],
                        "rank": int(rk) if is_ranked else None,
                        "block": bid,
                    }
                )
        out_tables.append(
            {
                "id": t["id"],
                "title": t["title"],
                "part": t.get("part"),
                "columns": [c[0] for c in columns],
                "column_info": [{"label": c[0], "group": t.get("column_group"), "node": c[1], "decimals": c[2]} for c in columns],
                "total_label": t.get("total_label", "Tổng điểm" if node is edition.root else node.raw.get("name")),
                "rank_label": "Xếp hạng",
                "decimals": tdec,
                "blocks": blocks_json,
                "rows": rows,
            }
        )
    return {
        "edition": edition.id,
        "title": annex.get("title", doc.get("title")),
        "subtitle": annex.get("subtitle", []),
        "tables": out_tables,
    }


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: peer_pandas.py DIR OUT.json")
    d, out = argv[1], argv[2]
    with open(f"{d}/edition.toml", "rb") as f:
        edition = Edition(tomllib.load(f))
    data = Data(edition, f"{d}/units.csv", f"{d}/values.csv")
    pts, status = score(edition, data)
    annex = build_annex(edition, data, pts, status)
    with open(out, "w", encoding="utf-8") as f:
        f.write(dump_json(annex))
    # Decimal is imported for the exactness argument above; keep a cheap self-check that the rounding
    # convention is half-up as in decimal.ROUND_HALF_UP.
    assert round_half_up(np.array([2.675, 0.125]), 2).tolist() == [
        float(Decimal("2.675").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100),
        float(Decimal("0.125").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100),
    ]


if __name__ == "__main__":
    main(sys.argv)
