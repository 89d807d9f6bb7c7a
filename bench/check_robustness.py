#!/usr/bin/env python3
"""Checks that the NumPy peer's robustness JSON agrees with egov's (issue #13), for bench/compare-robustness.

    python bench/check_robustness.py EGOV.json PEER.json
    python bench/check_robustness.py --self-test

Both files hold the same draws' statistics, so they must agree: per table, section (block) and unit (matched
by code) the nominal rank and the rank percentiles p5, median and p95 exactly; the mean rank and every top-k
probability within 1e-9; every sensitivity index (first and total, per choice, of each unit's rank and of the
section's rank correlation) within 1e-6 absolute; the section's correlation mean, p5 and median within 1e-9.
The bootstrap intervals are not compared (each tool draws its own resamples). Also compared: the number of
evaluations, the base sample, the draws, the choices (ids, in factor order) and the top-k list; a table,
section or unit that one side has and the other has not is a difference.

Prints the number of values compared and of differences (the first 10 listed); exit status 0 when they agree,
1 when they differ, 2 when a file cannot be read. `--self-test` shows on a built-in case that a changed
percentile, a changed index and a missing unit are found.
"""

import copy
import json
import sys

EXACT = ("nominal", "p5", "median", "p95")
PROBABILITY_TOL = 1e-9
INDEX_TOL = 1e-6
CORRELATION_TOL = 1e-9


class Comparison:
    def __init__(self):
        self.compared = 0
        self.differences = []

    def differ(self, where, egov, peer):
        self.differences.append(f"{where}: egov {egov!r}, peer {peer!r}")

    def exact(self, where, egov, peer):
        self.compared += 1
        if egov != peer or isinstance(egov, bool) != isinstance(peer, bool):
            self.differ(where, egov, peer)

    def close(self, where, egov, peer, tol):
        self.compared += 1
        ok = (
            isinstance(egov, (int, float))
            and isinstance(peer, (int, float))
            and not isinstance(egov, bool)
            and not isinstance(peer, bool)
            and abs(egov - peer) <= tol
        )
        if not ok:
            self.differ(where, egov, peer)

    def lists(self, where, egov, peer, tol):
        if not isinstance(egov, list) or not isinstance(peer, list) or len(egov) != len(peer):
            self.compared += 1
            self.differ(where, egov, peer)
            return
        for i, (a, b) in enumerate(zip(egov, peer)):
            self.close(f"{where}[{i}]", a, b, tol)


def by_key(items, key, where, cmp):
    """{key: item} of a list, a duplicate key being a difference."""
    out = {}
    for item in items:
        k = item.get(key)
        if k in out:
            cmp.compared += 1
            cmp.differ(f"{where} {key} {k!r}", "unique", "duplicate")
        out[k] = item
    return out


def matched(egov_items, peer_items, key, where, cmp):
    """The pairs (k, egov item, peer item) present on both sides; one-sided items are differences."""
    e = by_key(egov_items, key, where, cmp)
    p = by_key(peer_items, key, where, cmp)
    for k in e.keys() - p.keys():
        cmp.compared += 1
        cmp.differ(f"{where} {k}", "present", "missing")
    for k in p.keys() - e.keys():
        cmp.compared += 1
        cmp.differ(f"{where} {k}", "missing", "present")
    return [(k, e[k], p[k]) for k in e if k in p]


def sensitivity(where, egov, peer, cmp):
    if not isinstance(egov, list) or not isinstance(peer, list) or len(egov) != len(peer):
        cmp.compared += 1
        cmp.differ(f"{where} sensitivity", egov, peer)
        return
    for i, (a, b) in enumerate(zip(egov, peer)):
        for key in ("first", "total"):
            cmp.close(f"{where} sensitivity[{i}].{key}", a.get(key), b.get(key), INDEX_TOL)


def compare(egov, peer):
    cmp = Comparison()
    for key in ("evaluations", "base", "draws"):
        cmp.exact(key, egov.get(key), peer.get(key))
    cmp.exact("choices", [c.get("id") for c in egov.get("choices", [])], [c.get("id") for c in peer.get("choices", [])])
    cmp.exact("top", egov.get("top"), peer.get("top"))
    for tid, et, pt in matched(egov.get("tables", []), peer.get("tables", []), "id", "table", cmp):
        for block, es, ps in matched(et.get("sections", []), pt.get("sections", []), "block", f"table {tid} section", cmp):
            where = f"{tid}/{block}"
            for code, eu, pu in matched(es.get("units", []), ps.get("units", []), "code", f"{where} unit", cmp):
                at = f"{where}/{code}"
                for key in EXACT:
                    cmp.exact(f"{at} {key}", eu.get(key), pu.get(key))
                cmp.close(f"{at} mean", eu.get("mean"), pu.get("mean"), PROBABILITY_TOL)
                cmp.lists(f"{at} top", eu.get("top"), pu.get("top"), PROBABILITY_TOL)
                sensitivity(at, eu.get("sensitivity"), pu.get("sensitivity"), cmp)
            ec, pc = es.get("correlation") or {}, ps.get("correlation") or {}
            for key in ("mean", "p5", "median"):
                cmp.close(f"{where} correlation.{key}", ec.get(key), pc.get(key), CORRELATION_TOL)
            sensitivity(where, es.get("sensitivity"), ps.get("sensitivity"), cmp)
    return cmp


def report(cmp, out=sys.stdout):
    for d in cmp.differences[:10]:
        print(f"  {d}", file=out)
    if len(cmp.differences) > 10:
        print(f"  … and {len(cmp.differences) - 10} more", file=out)
    print(f"check: {cmp.compared} values compared, {len(cmp.differences)} differences", file=out)


def sample():
    unit = lambda code, nominal: {  # noqa: E731
        "code": code, "name": code, "nominal": nominal, "median": nominal, "p5": nominal, "p95": nominal + 1,
        "mean": nominal + 0.25, "top": [0.5, 0.75, 1.0], "bands": [],
        "sensitivity": [{"first": 0.5, "total": 0.625}, {"first": 0.0, "total": 0.0}],
    }
    return {
        "edition": "e", "evaluations": 40, "base": 10, "draws": 20, "seed": 1,
        "choices": [{"id": "weights", "label": "w", "options": []}, {"id": "ties", "label": "t", "options": []}],
        "top": [1, 3, 10],
        "tables": [{"id": "tong-hop", "title": "T", "sections": [{
            "block": "I", "title": "I", "units": [unit("X", 1), unit("Y", 2)],
            "correlation": {"mean": 0.9, "p5": 0.5, "median": 1.0},
            "sensitivity": [{"first": 0.7, "total": 0.8, "first_ci": [0.6, 0.8], "total_ci": [0.7, 0.9]},
                            {"first": 0.0, "total": 0.0, "first_ci": [0, 0], "total_ci": [0, 0]}],
            "summary": "…"}]}],
    }


def self_test():
    base = sample()
    cases = []

    def case(name, change, expected):
        peer = copy.deepcopy(base)
        change(peer)
        cases.append((name, compare(base, peer), expected))

    def at(doc):
        return doc["tables"][0]["sections"][0]

    case("identical", lambda d: None, 0)
    case("the intervals are not compared", lambda d: at(d)["sensitivity"][0].update(first_ci=[0.0, 1.0]), 0)
    case("index within 1e-6", lambda d: at(d)["units"][0]["sensitivity"][0].update(first=0.5 + 5e-7), 0)
    case("p95 changed", lambda d: at(d)["units"][1].update(p95=4), 1)
    case("median changed", lambda d: at(d)["units"][0].update(median=2), 1)
    case("percentile missing", lambda d: at(d)["units"][0].pop("p5"), 1)
    case("unit index changed", lambda d: at(d)["units"][1]["sensitivity"][1].update(total=2e-6), 1)
    case("section index changed", lambda d: at(d)["sensitivity"][0].update(first=0.7 + 2e-6), 1)
    case("top probability changed", lambda d: at(d)["units"][0]["top"].__setitem__(1, 0.75 + 1e-8), 1)
    case("mean changed", lambda d: at(d)["units"][1].update(mean=2.26), 1)
    case("correlation changed", lambda d: at(d)["correlation"].update(median=0.99), 1)
    case("unit missing", lambda d: at(d)["units"].pop(), 1)
    case("index missing", lambda d: at(d)["units"][0]["sensitivity"].pop(), 1)
    case("units matched by code, not position", lambda d: at(d)["units"].reverse(), 0)
    failed = [(n, c, e) for n, c, e in cases if len(c.differences) != e]
    for name, cmp, expected in cases:
        print(f"  {name}: {len(cmp.differences)} differences, expected {expected}", file=sys.stderr)
    if failed:
        print("check self-test: FAILED " + "; ".join(n for n, _, _ in failed), file=sys.stderr)
        return 1
    print(f"check self-test: {len(cases)} cases, changed percentiles and indices are found")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        docs = []
        for path in argv[1:]:
            with open(path, encoding="utf-8") as f:
                docs.append(json.load(f))
    except (OSError, ValueError) as e:
        print(f"check: {e}", file=sys.stderr)
        return 2
    cmp = compare(*docs)
    report(cmp)
    return 1 if cmp.differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
