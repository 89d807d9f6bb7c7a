"""The computation of `egov annex`, written once as column expressions, for the polars and DuckDB peers.

bench/peer_polars.py and bench/peer_duckdb.py compute exactly what bench/peer_pandas.py computes (the same
rule kinds, not-applicable policies, cohort pass, rescaling, half-up rounding after snapping to 7
decimals, ranks per section), but as an engine would: every criterion of the edition becomes a column
expression over all units, and the engine evaluates them (vectorised, on all cores). The edition is data
(100 criteria, each with its rule), so an analyst using either engine generates the expressions from the
edition rather than typing them; this module is that generator. It is pure Python (no numpy, no pandas)
and knows nothing of the engines: a backend object supplies the operations (`col`, `lit`, `where`, …) and
an engine's expressions combine with Python's operators (+ - * / < <= >= == & | ~), which polars'
expressions have and peer_duckdb's SQL fragments implement.

Columns derived per unit, in stages (a stage only reads columns of earlier stages):
  parse       num:<column> (float or null: blank, not applicable, unknown word), na:<column> (the cell
              said "không áp dụng"), and the units' cat (category index), blk (block index), flags.
  policy      pol:<node>: -1 = the node applies, else the not-applicable policy in force (0 zero,
              1 not evaluated, 2 excluded), inherited from the nearest ancestor that does not apply.
  cohort      best:<leaf>:<input>: the best value of the input among the block's units the leaf
              applies to (maximum over the block: a window or a grouped aggregate joined back).
  scores      pts:<node>, st:<node> (engine status), exc:<node> / unev:<node> (points excluded / not
              evaluated below the node), leaves first, then aggregates by height.
"""

import json
import tomllib
from decimal import Decimal
from functools import reduce

NA_MARKERS = {"na", "n/a", "kad", "không áp dụng", "không đánh giá", "not applicable", "not evaluated"}
# As bench/peer_pandas.py: the markers as people type them, matched exactly.
NA_VARIANTS = sorted({f(m) for m in NA_MARKERS for f in (str, str.capitalize, str.upper, str.title)})
YES = {"có", "co", "yes", "true", "1", "x", "đạt"}
NO = {"không", "khong", "no", "false", "0", "không đạt"}
YES_NO = {**{w: 1.0 for w in YES}, **{w: 0.0 for w in NO}}

SCORED, GIVEN, MISSING, NA_ZERO, NOT_EVAL, EXCLUDED = range(6)
POLICY = {"zero": 0, "not-evaluated": 1, "exclude": 2}


def roman(n):
    """n in Roman numerals, as egov names a block printed without a label."""
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += digits
            n -= value
    return out


def block_id(doc, sec, si):
    """egov's block id of a section: its label; else that of a labelled section of any table holding the
    same categories; else the Roman numeral of its place (one scheme in every table)."""
    if "label" in sec:
        return sec["label"]
    blocks = {b["code"]: b for b in doc.get("block", [])}

    def cats(s):
        out = []
        for b in s.get("blocks", []):
            out += blocks[b]["categories"]
        out += s.get("categories", [])
        return sorted(out)

    mine = cats(sec)
    for t in doc.get("annex", {}).get("table", []):
        for other in t.get("section", []):
            if "label" in other and cats(other) == mine:
                return other["label"]
    return roman(si + 1)


def num(v):
    """A TOML number or a '5,5' string as float (exact for the decimals editions use)."""
    if isinstance(v, str):
        return float(Decimal(v.replace(",", ".")))
    return float(v)


# --------------------------------------------------------------------------------------------
# Edition
# --------------------------------------------------------------------------------------------


class Node:
    def __init__(self, code, raw):
        self.code = code
        self.raw = raw
        self.children = []
        self.parent = None
        self.depth = 0
        self.height = 0
        self.max = 0.0
        self.rule = None
        self.policy = POLICY[raw.get("not_applicable", "zero")]
        self.cap = bool(raw.get("cap", False))
        self.rescale = bool(raw.get("rescale", False))


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
        self.block_of_cat = [-1] * len(self.categories)
        for b, blk in enumerate(self.blocks):
            for c in blk["categories"]:
                self.block_of_cat[self.cat_index[c]] = b
        self.inputs = {i["id"]: i for i in doc.get("input", [])}
        raw = doc.get("criterion", [])
        by_code = {c["code"]: Node(c["code"], c) for c in raw}
        root = Node("", {})
        for c in raw:
            n = by_code[c["code"]]
            pcode = c["code"].rsplit(".", 1)[0] if "." in c["code"] else None
            n.parent = by_code[pcode] if pcode else root
            n.parent.children.append(n)
        self.nodes = []  # pre-order
        stack = [root]
        while stack:
            n = stack.pop()
            n.depth = n.parent.depth + 1 if n.parent else 0
            self.nodes.append(n)
            stack.extend(reversed(n.children))
        for n in reversed(self.nodes):
            if n.children:
                n.max = num(n.raw["max"]) if "max" in n.raw else sum(c.max for c in n.children)
                n.height = 1 + max(c.height for c in n.children)
            elif n is not root:
                n.max = num(n.raw["max"])
                n.rule = n.raw.get("rule", {"kind": "points"})
        if "total_max" in scoring:
            root.max = num(scoring["total_max"])
        self.root = root
        self.node_by_code = {n.code: n for n in self.nodes}

    def column_kind(self, column):
        """How a values.csv column is read: number, count, yes-no or choice (a criterion code: number)."""
        inp = self.inputs.get(column)
        kind = inp["type"] if inp else "number"
        if kind not in ("number", "count", "yes-no", "choice"):
            raise SystemExit(f"peer: input type {kind} not implemented")
        return kind

    def choice_index(self, column):
        """{lower-cased label: index} of a choice input."""
        return {c.strip().lower(): float(i) for i, c in enumerate(self.inputs[column]["choices"])}


def load_edition(path):
    with open(path, "rb") as f:
        return Edition(tomllib.load(f))


def read_header(path):
    """The column names of a CSV file's first line (the files egov writes quote no header)."""
    with open(path, encoding="utf-8-sig") as f:
        return [c.strip() for c in f.readline().rstrip("\r\n").split(",")]


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
# Scoring as staged column expressions
# --------------------------------------------------------------------------------------------


class Plan:
    """Builds the stages of derived columns; `B` is the engine's backend (see the module doc)."""

    def __init__(self, edition, B, columns):
        self.e = edition
        self.B = B
        self.columns = set(columns)  # the values.csv columns present

    # Column references (null / false when the data has no such column).
    def num(self, key):
        B = self.B
        return B.col(f"num:{key}") if key in self.columns else B.null()

    def na(self, key):
        return self.B.col(f"na:{key}") if key in self.columns else None

    def has_flag(self, flag):
        return self.B.has_flag(self.B.col("flags"), flag)

    def evaluate(self, rule, mx, node):
        """(points, valid) of a rule; points only matter where valid."""
        B = self.B
        k = rule["kind"]
        if k in ("points", "manual"):
            return B.lit(0.0), B.false()
        if k == "ratio":
            a = self.num(rule["numerator"])
            b = self.num(rule["denominator"]) if "denominator" in rule else B.lit(num(rule["denominator_value"]))
            valid = B.not_null(a) & B.not_null(b)
            return B.where(b <= B.lit(0.0), B.lit(0.0), B.least(a * B.lit(mx) / b, B.lit(mx))), valid
        if k == "yes-no":
            v = self.num(rule["input"])
            yes, no = num(rule.get("yes", mx)), num(rule.get("no", 0))
            return B.where(v == B.lit(1.0), B.lit(yes), B.lit(no)), B.not_null(v)
        if k == "steps":
            v = self.num(rule["input"])
            steps = sorted(((num(t), num(p)) for t, p in rule["steps"]), reverse=True)
            return B.case([(v >= B.lit(t), B.lit(p)) for t, p in steps], B.lit(0.0)), B.not_null(v)
        if k == "choice":
            v = self.num(rule["input"])
            choices = self.e.inputs[rule["input"]]["choices"]
            opts = {label.strip().lower(): num(pts) for label, pts in rule["options"].items()}
            table = [opts.get(c.strip().lower(), 0.0) for c in choices]
            return B.case([(v == B.lit(float(i)), B.lit(p)) for i, p in enumerate(table)], B.lit(0.0)), B.not_null(v)
        if k == "per-item":
            v = self.num(rule["input"])
            cap = num(rule.get("cap", mx))
            return B.least(v * B.lit(num(rule["per"])), B.lit(cap)), B.not_null(v)
        if k == "sum":
            vs = [self.num(i) for i in rule["inputs"]]
            valid = B.any([B.not_null(v) for v in vs])
            total = reduce(lambda x, y: x + y, [B.coalesce(v, B.lit(0.0)) for v in vs])
            return B.least(total, B.lit(mx)), valid
        if k == "best-of":
            best = B.lit(float("-inf"))
            valids = []
            for c in rule["cases"]:
                p, ok = self.evaluate(c, mx, node)
                best = B.where(ok, B.greatest(best, p), best)
                valids.append(ok)
            valid = B.any(valids)
            return B.where(valid, best, B.lit(0.0)), valid
        if k == "relative-to-best":
            v = self.num(rule["input"])
            top = B.col(f"best:{node.code}:{rule['input']}")
            valid = B.not_null(v) & B.not_null(top)
            return B.where(top <= B.lit(0.0), B.lit(0.0), B.least(v * B.lit(mx) / top, B.lit(mx))), valid
        raise SystemExit(f"peer: rule kind {k} not implemented")

    def stages(self):
        """[(kind, [(name, expression), …]), …]: the stages after parsing, in order. kind "columns": each
        expression is the named column; kind "cohort": the named column is the maximum of the expression
        (null where the unit is not in the cohort) over the units of the unit's block (null for a unit in
        no block, or when no unit of the block has a value)."""
        e, B = self.e, self.B
        stages = []
        # 1. Applicability, top-down: one stage per depth.
        by_depth = {}
        for node in e.nodes:
            if node is not e.root:
                by_depth.setdefault(node.depth, []).append(node)
        for depth in sorted(by_depth):
            stage = []
            for node in by_depth[depth]:
                raw = node.raw
                local = []
                if "applies_to" in raw:
                    local.append(~B.isin(B.col("cat"), [e.cat_index[c] for c in raw["applies_to"]]))
                local += [~self.has_flag(f) for f in raw.get("requires_flags", [])]
                local += [self.has_flag(f) for f in raw.get("unless_flags", [])]
                keys = [node.code] + (rule_inputs(node.rule) if node.rule is not None else [])
                local += [m for m in (self.na(k) for k in dict.fromkeys(keys)) if m is not None]
                mine = B.where(B.any(local), B.ilit(node.policy), B.ilit(-1)) if local else B.ilit(-1)
                if node.parent is e.root:
                    expr = mine
                else:
                    inherited = B.col(f"pol:{node.parent.code}")
                    expr = B.where(inherited >= B.ilit(0), inherited, mine)
                stage.append((f"pol:{node.code}", expr))
            stages.append(("columns", stage))

        leaves = [n for n in e.nodes if not n.children and n is not e.root]
        # 2. The cohort pass: per relative-to-best input, the best value of the unit's block among the
        # units the leaf applies to and that have no given points.
        cohort = []
        for node in leaves:
            if not needs_cohort(node.rule):
                continue
            pending = (B.col(f"pol:{node.code}") < B.ilit(0)) & B.is_null(self.num(node.code))
            for key in dict.fromkeys(relative_inputs(node.rule)):
                v = self.num(key)
                cohort.append((f"best:{node.code}:{key}", B.where(pending & B.not_null(v), v, B.null())))
        if cohort:
            stages.append(("cohort", cohort))

        # 3. Leaves.
        stage = []
        for node in leaves:
            pol = B.col(f"pol:{node.code}")
            given = self.num(node.code)
            has_given = B.not_null(given)
            applies = pol < B.ilit(0)
            p, ok = self.evaluate(node.rule, node.max, node)
            p = B.least(B.greatest(p, B.lit(0.0)), B.lit(node.max))
            leaf_pts = B.where(has_given, given, B.where(ok, p, B.lit(0.0)))
            leaf_status = B.where(has_given, B.ilit(GIVEN), B.where(ok, B.ilit(SCORED), B.ilit(MISSING)))
            stage += self._outputs(node, pol, applies, leaf_pts, leaf_status, B.lit(0.0), B.lit(0.0))
        stages.append(("columns", stage))

        # 4. Aggregates, bottom-up by height, with exclude-and-rescale and "không đánh giá".
        aggregates = {}
        for node in e.nodes:
            if node.children:
                aggregates.setdefault(node.height, []).append(node)
        for height in sorted(aggregates):
            stage = []
            for node in aggregates[height]:
                stage += self._aggregate(node)
            stages.append(("columns", stage))
        return stages

    def _outputs(self, node, pol, applies, p, s, e, unev):
        """pts / st / exc / unev of a node: its own values where it applies, its policy's otherwise."""
        B = self.B
        mx = B.lit(node.max)
        zero = B.lit(0.0)
        return [
            (f"pts:{node.code}", B.where(applies, p, zero)),
            (f"st:{node.code}", B.where(applies, s, pol + B.ilit(NA_ZERO))),
            (f"exc:{node.code}", B.where(applies, e, B.where(pol == B.ilit(2), mx, zero))),
            (f"unev:{node.code}", B.where(applies, unev, B.where(pol == B.ilit(1), mx, zero))),
        ]

    def _aggregate(self, node):
        B = self.B
        e = self.e
        is_root = node is e.root
        kids = node.children
        st = [B.col(f"st:{c.code}") for c in kids]
        zero = B.lit(0.0)
        mx = B.lit(node.max)
        counted = [(s != B.ilit(EXCLUDED)) & (s != B.ilit(NOT_EVAL)) for s in st]
        total = reduce(lambda x, y: x + y, [B.where(ok, B.col(f"pts:{c.code}"), zero) for ok, c in zip(counted, kids)])
        d_exc = reduce(lambda x, y: x + y, [B.col(f"exc:{c.code}") for c in kids])
        d_unev = reduce(lambda x, y: x + y, [B.col(f"unev:{c.code}") for c in kids])
        any_counted = B.any(counted)
        any_data = B.any([B.isin(s, [SCORED, GIVEN, NA_ZERO]) for s in st])
        all_excluded = B.all([s == B.ilit(EXCLUDED) for s in st])
        p = B.least(total, mx) if node.cap else total
        exc_out = d_exc
        if node.rescale or is_root:
            rescale = d_exc > zero
            base = mx - d_exc
            p = B.where(rescale, B.where(base > zero, p * mx / base, zero), p)
            exc_out = B.where(rescale, zero, d_exc)
        s = B.where(any_data, B.ilit(SCORED), B.ilit(MISSING))
        unev = d_unev
        if not is_root:
            empty = ~any_counted
            p = B.where(empty, zero, p)
            s = B.where(empty, B.where(all_excluded, B.ilit(EXCLUDED), B.ilit(NOT_EVAL)), s)
            exc_out = B.where(empty, B.where(all_excluded, mx, zero), exc_out)
            unev = B.where(empty, B.where(all_excluded, zero, mx), d_unev)
            pol = B.col(f"pol:{node.code}")
            return self._outputs(node, pol, pol < B.ilit(0), p, s, exc_out, unev)
        return [(f"pts:", p), (f"st:", s), (f"exc:", exc_out), (f"unev:", unev)]


# --------------------------------------------------------------------------------------------
# Annex tables
# --------------------------------------------------------------------------------------------


class Column:
    """One printed column of a table (or its total): label, node code, decimals, value and kind
    expressions (kind 0 = a number, 1 = "not_evaluated", 2 = blank)."""

    def __init__(self, label, code, decimals, value, kind):
        self.label, self.code, self.decimals, self.value, self.kind = label, code, decimals, value, kind


class Section:
    def __init__(self, index, label, title, ranked, categories):
        self.index, self.label, self.title, self.ranked, self.categories = index, label, title, ranked, categories


class Table:
    def __init__(self, edition, plan, t):
        e, B = edition, plan.B
        self.raw = t
        self.id = t["id"]
        self.node = e.node_by_code[t["node"]] if t.get("node") else e.root
        self.show = t.get("show", "points")
        self.decimals = t.get("decimals", e.decimals)
        self.ties = t.get("ties", e.ties)
        self.rank_on = t.get("rank_on", e.rank_on)
        self.per_section = t.get("numbering", "per-section") == "per-section"
        cdec = t.get("column_decimals", {})
        labels = t.get("column_labels", {})

        def shown(src):
            if src.startswith("input:"):
                key = src[len("input:"):]
                v = plan.num(key)
                na = plan.na(key)
                kind = B.where(B.is_null(v), B.ilit(2), B.ilit(0))
                if na is not None:
                    kind = B.where(na, B.ilit(1), kind)
                return B.coalesce(v, B.lit(0.0)), kind
            nd = e.node_by_code[src]
            st = B.col(f"st:{nd.code}")
            v = B.col(f"pts:{nd.code}")
            kind = B.case([(st == B.ilit(NOT_EVAL), B.ilit(1)), (st == B.ilit(EXCLUDED), B.ilit(2))], B.ilit(0))
            if self.show == "fraction":
                if nd.max > 0:
                    v = v / B.lit(nd.max)
                else:
                    kind = B.where(kind == B.ilit(0), B.ilit(2), kind)
            return v, kind

        self.columns = []
        for c in t["columns"]:
            if c.startswith("input:"):
                label = labels.get(c, e.inputs[c[len("input:"):]]["name"])
                code = None
            else:
                label = labels.get(c, e.node_by_code[c].raw.get("name", ""))
                code = c
            v, kind = shown(c)
            self.columns.append(Column(label, code, cdec.get(c, self.decimals), v, kind))
        tv, tkind = shown(self.node.code)
        self.total = Column(None, self.node.code, self.decimals, tv, tkind)

        block_index = {b["code"]: i for i, b in enumerate(e.blocks)}
        self.sections = []
        seen = set()
        for si, sec in enumerate(t["section"]):
            cats = []
            all_ranked = True
            for b in sec.get("blocks", []):
                blk = e.blocks[block_index[b]]
                cats += [e.cat_index[c] for c in blk["categories"]]
                all_ranked &= blk.get("ranked", True)
            cats += [e.cat_index[c] for c in sec.get("categories", [])]
            if seen & set(cats):
                raise SystemExit(f"peer: table {self.id}: a category in two sections is not implemented")
            seen |= set(cats)
            label = block_id(e.doc, sec, si)
            self.sections.append(Section(si, label, sec.get("title"), sec.get("ranked", all_ranked), cats))

    def section_of(self, B):
        """The section index of the unit's category (-1 = not in this table)."""
        return B.case([(B.isin(B.col("cat"), s.categories), B.ilit(s.index)) for s in self.sections], B.ilit(-1))

    def ranked_sections(self):
        return [s.index for s in self.sections if s.ranked]

    def header(self, edition):
        """The table's JSON object without its rows, as text ending just before the rows' array."""
        t, e = self.raw, edition
        head = {
            "id": t["id"],
            "title": t["title"],
            "part": t.get("part"),
            "columns": [c.label for c in self.columns],
            "column_info": [
                {"label": c.label, "group": t.get("column_group"), "node": c.code, "decimals": c.decimals} for c in self.columns
            ],
            "total_label": t.get("total_label", "Tổng điểm" if self.node is e.root else self.node.raw.get("name")),
            "rank_label": "Xếp hạng",
            "decimals": self.decimals,
            "blocks": [{"id": s.label, "label": s.label if "label" in t["section"][s.index] else None, "title": s.title, "ranked": s.ranked} for s in self.sections],
        }
        return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"rows":['


def tables(edition, plan):
    return [Table(edition, plan, t) for t in edition.doc.get("annex", {}).get("table", [])]


def row_prefix(labels):
    """The JSON text before each value cell of a row's "values" object: '{"A":', ',"B":', …"""
    return ["{" + json.dumps(labels[0], ensure_ascii=False) + ":"] + [
        "," + json.dumps(label, ensure_ascii=False) + ":" for label in labels[1:]
    ]


def document(edition, table_objs, rows_text):
    """The annex JSON document: the head from Python, each table's rows (a JSON array body) from the engine."""
    annex = edition.doc.get("annex", {})
    head = {"edition": edition.id, "title": annex.get("title", edition.doc.get("title")), "subtitle": annex.get("subtitle", [])}
    parts = [json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1], ',"tables":[']
    for i, (t, rows) in enumerate(zip(table_objs, rows_text)):
        parts += ["," if i else "", t.header(edition), rows, "]}"]
    parts.append("]}")
    return "".join(parts)


def check_rounding(round_half_up):
    """The rounding convention is half-up as decimal.ROUND_HALF_UP (on values a float holds inexactly)."""
    got = round_half_up([2.675, 0.125, 21.55, 1.005], 2)
    if got != [268, 13, 2155, 101]:
        raise SystemExit(f"peer: half-up rounding is wrong: {got}")
