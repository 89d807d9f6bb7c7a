#!/usr/bin/env python3
"""Checks that two annex JSON files (egov's and the pandas peer's) agree on every number.

Tables are matched by id and rows by unit code; for each row the values of every column, the total,
the rank and the block must be equal (numbers compared as exact decimals, so 73.2 equals 73.20), and
each table must have the same columns and the same set of units. Row order and TT numbers are not
compared: among units with equal rank and equal exact total egov orders by Vietnamese collation.

Usage: check_annex.py EGOV.json PEER.json   (exit 0 = agree; 1 = differences, listed)
"""

import json
import sys
from decimal import Decimal


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal, parse_int=Decimal)


def same(a, b):
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return a == b


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: check_annex.py EGOV.json PEER.json")
    a, b = load(argv[1]), load(argv[2])
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
    for p in problems[:30]:
        print(p)
    if len(problems) > 30:
        print(f"... and {len(problems) - 30} more")
    print(f"check: {numbers} numbers compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
