#!/usr/bin/env python3
"""Checks that two annex JSON files (egov's and the pandas peer's) agree on every number.

Tables are matched by id and rows by unit code; for each row the values of every column, the total,
the rank and the block must be equal, and each table must have the same columns and the same set of
units. Numbers are compared as printed — the same value at the same scale — so 73.2 differs from
73.20 and 27 from 27.0: the number of decimals printed is part of the annex contract. Row order and TT
numbers are not compared: among units with equal rank and equal exact total egov orders by Vietnamese
collation.

Usage: check_annex.py EGOV.json PEER.json   (exit 0 = agree; 1 = differences, listed)
       check_annex.py --self-test           (the comparison itself: equal numbers agree, 43.9 vs 43.90
                                             and 27 vs 27.0 differ; exit 0 = the check works)
"""

import json
import sys
from decimal import Decimal


class Printed:
    """A JSON number as printed: its exact value and its scale (digits after the point)."""

    __slots__ = ("text", "value", "scale")

    def __init__(self, text):
        self.text = text
        self.value = Decimal(text)
        self.scale = -self.value.as_tuple().exponent

    def __eq__(self, other):
        return isinstance(other, Printed) and self.value == other.value and self.scale == other.scale

    def __repr__(self):
        return self.text


def loads(text):
    return json.loads(text, parse_float=Printed, parse_int=Printed)


def load(path):
    with open(path, encoding="utf-8") as f:
        return loads(f.read())


def same(a, b):
    return a == b


def compare(a, b):
    """(numbers compared, problems) between two loaded annexes."""
    problems = []
    numbers = 0
    if a["edition"] != b["edition"]:
        problems.append(f"edition {a['edition']} != {b['edition']}")
    tb = {t["id"]: t for t in b["tables"]}
    if [t["id"] for t in a["tables"]] != [t["id"] for t in b["tables"]]:
        problems.append("table ids differ")
    for ta in a["tables"]:
        t2 = tb.get(ta["id"])
        if t2 is None:
            continue
        if ta["columns"] != t2["columns"]:
            problems.append(f"{ta['id']}: columns {ta['columns']} != {t2['columns']}")
        rb = {r["unit_code"]: r for r in t2["rows"]}
        if set(rb) != {r["unit_code"] for r in ta["rows"]} or len(rb) != len(ta["rows"]):
            problems.append(f"{ta['id']}: the sets of units differ")
        for r in ta["rows"]:
            r2 = rb.get(r["unit_code"])
            if r2 is None:
                continue
            for col in ta["columns"]:
                numbers += 1
                if not same(r["values"].get(col), r2["values"].get(col)):
                    problems.append(f"{ta['id']} {r['unit_code']} {col!r}: {r['values'].get(col)} != {r2['values'].get(col)}")
            for key in ("total", "rank", "block", "unit"):
                numbers += key in ("total", "rank")
                if not same(r[key], r2[key]):
                    problems.append(f"{ta['id']} {r['unit_code']} {key}: {r[key]} != {r2[key]}")
    return numbers, problems


def self_test():
    def annex(total, value):
        return loads(
            '{"edition":"e","tables":[{"id":"t","columns":["A"],"rows":[{"unit_code":"U1","unit":"X",'
            f'"values":{{"A":{value}}},"total":{total},"rank":1,"block":"I"}}]}}]}}'
        )

    cases = [
        (("43.90", "27.0"), ("43.90", "27.0"), 0),
        (("43.90", "27.0"), ("43.9", "27.0"), 1),
        (("43.90", "27"), ("43.90", "27.0"), 1),
        (("43.90", "27.0"), ("43.91", "27.0"), 1),
    ]
    for (ta, va), (tb, vb), want in cases:
        _, problems = compare(annex(ta, va), annex(tb, vb))
        if len(problems) != want:
            print(f"self-test: total {ta} / {tb}, value {va} / {vb}: {len(problems)} differences, expected {want}")
            return 1
    print(f"self-test: {len(cases)} cases, scale differences are found")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 3:
        raise SystemExit("usage: check_annex.py EGOV.json PEER.json")
    numbers, problems = compare(load(argv[1]), load(argv[2]))
    for p in problems[:30]:
        print(p)
    if len(problems) > 30:
        print(f"... and {len(problems) - 30} more")
    print(f"check: {numbers} numbers compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
