#!/usr/bin/env python3
"""The NumPy peer of `egov robustness` (issue #13), run by bench/compare-robustness.

    python bench/peer_numpy_robustness.py DIR OUT.json
    python bench/peer_numpy_robustness.py --self-test

DIR is the problem egov writes with `egov robustness … --write-problem DIR` (problem.json and the .npy
arrays: each ranked table reduced to a linear model over the criteria tree's leaves, and every evaluation's
leaf weights and setting as egov drew them). The peer redoes the Monte-Carlo part from the same draws, the way
a competent NumPy analyst would: evaluations grouped by scenario and taken in batches, one matmul per batch
and table for the totals, the exclude-and-rescale correction and the per-evaluation rounding as array
expressions, ranks per section from one argsort along the unit axis (dense and competition ranks from the
sorted keys with a diff and a cumsum / running maximum), percentiles with np.percentile(method=
"inverted_cdf") along the draw axis, and the Saltelli/Jansen indices vectorised over units. It writes the
subset of egov's JSON that bench/check_robustness.py compares.

It is given the leaf points and the draws; egov's timed run does more (reads the edition and the CSV files,
scores exactly, draws). `--self-test` checks the vectorised code against a plain per-evaluation loop on a
generated problem and against hand-computed answers, so that a wrong peer cannot pass for a wrong egov.
"""

import json
import os
import sys
import tempfile

import numpy as np

# Evaluations per matmul. A batch's totals are [units, BATCH] float64 (3,321 units: 13 MB at 500), and the
# sort that ranks them about as much again; the ranks of a whole table are kept as int32 ([R, units]).
BATCH = 500
# The section-level bootstrap's generator (its intervals are not compared with egov's).
BOOTSTRAP_SEED = 20261129


def load(path):
    with open(os.path.join(path, "problem.json"), encoding="utf-8") as f:
        problem = json.load(f)
    arrays = {
        name: np.load(os.path.join(path, f"{name}.npy"))
        for name in ["points", "excluded", "fullmax", "weights", "setting"]
    }
    return problem, arrays


def keys_for(v, rank_on, rounding, decimals, tol=0.0):
    """The ranking keys of totals v under one setting: the exact totals (rank_on 1), or the printed values
    scaled to integers (rank_on 0 at the table's decimals, 2 at whole points) rounded half-up (0),
    half-even (1) or down (2). A scaled value within tol of a rounding boundary counts as on it (egov's
    round_tolerance: 0,285 is 28.499999999999996 in f64)."""
    if rank_on == 1:
        return v
    scaled = v * (10.0 ** (decimals if rank_on == 0 else 0))
    if rounding == 0:
        return np.floor(scaled + 0.5 + tol)
    if rounding == 1:
        f = np.floor(scaled)
        return np.where(np.abs(scaled - f - 0.5) <= tol, f + (f % 2 != 0), np.rint(scaled))
    return np.floor(scaled + tol)


def rank_rows(keys, ties):
    """Ranks (highest key = 1) of each row of keys [B, m]; ties 0 = dense (1,2,2,3), 1 = competition
    (1,2,2,4): from the keys sorted descending, a new rank starts where the key changes."""
    b, m = keys.shape
    order = np.argsort(-keys, axis=1)
    sorted_keys = np.take_along_axis(keys, order, axis=1)
    new = np.ones((b, m), dtype=bool)
    new[:, 1:] = sorted_keys[:, 1:] != sorted_keys[:, :-1]
    if ties == 0:
        ranked = np.cumsum(new, axis=1, dtype=np.int32)
    else:
        ranked = np.maximum.accumulate(np.where(new, np.arange(1, m + 1, dtype=np.int32), 0), axis=1)
    ranks = np.empty((b, m), dtype=np.int32)
    np.put_along_axis(ranks, order, ranked, axis=1)
    return ranks


def table_ranks(table, arrays, tol=0.0, problem_rescalers=()):
    """Every evaluation's rank of every unit of the table's sections: {block: int32 [R, m]}.

    The evaluations are grouped by their setting (scenario, tie rule, rank on rounded or exact, rounding),
    so that each batch is one matmul over one scenario's points and one key and rank rule."""
    points, excluded, fullmax = arrays["points"], arrays["excluded"], arrays["fullmax"]
    weights, setting = arrays["weights"], arrays["setting"]
    leaves = np.asarray(table["leaves"], dtype=np.intp)
    # Rescaling nodes within the table, deepest first (egov's problem lists them so).
    rescalers = [(r, np.asarray(problem_rescalers[r]["leaves"], dtype=np.intp), set(problem_rescalers[r]["inside"]))
                 for r in table.get("rescalers", [])]
    decimals = int(table["decimals"])
    sections = [(s["block"], np.asarray(s["units"], dtype=np.intp)) for s in table["sections"]]
    members = np.concatenate([u for _, u in sections]) if sections else np.zeros(0, dtype=np.intp)
    # Where each section's units sit among the table's members.
    offsets = np.cumsum([0] + [len(u) for _, u in sections])
    evaluations = weights.shape[0]
    out = {block: np.empty((evaluations, len(u)), dtype=np.int32) for block, u in sections}
    fmax = fullmax[leaves]
    w_table = weights[:, leaves]
    # −1 in a setting: the table's own tie rule / rank key.
    table_ties = {"dense": 0, "competition": 1}[table.get("ties", "dense")]
    table_on = {"rounded": 0, "exact": 1}[table.get("rank_on", "rounded")]
    groups, group_of = np.unique(setting, axis=0, return_inverse=True)
    for gi, (s, ties, rank_on, rounding) in enumerate(groups):
        ties = table_ties if ties < 0 else ties
        rank_on = table_on if rank_on < 0 else rank_on
        evals = np.flatnonzero(group_of == gi)
        pts_t = points[s][np.ix_(members, leaves)].T  # [Lt, m]
        ex_s = excluded[s][members]  # [m, L]
        per_r = [(r, lr, inside, points[s][np.ix_(members, lr)].T, ((ex_s[:, lr] == r + 1) * fullmax[lr]).T)
                 for r, lr, inside in rescalers]
        for start in range(0, len(evals), BATCH):
            batch = evals[start : start + BATCH]
            w = w_table[batch]
            v = w @ pts_t  # [B, m]
            # Exclude and rescale at each rescaling node, deepest first: an inner node's correction is
            # part of the sum an outer one rescales.
            corr = {}
            for r, lr, inside, pts_r, exmax_r in per_r:
                wr = weights[batch][:, lr]
                full = (wr @ fullmax[lr])[:, None]  # [B, 1]
                x = wr @ exmax_r  # [B, m]
                sr = wr @ pts_r
                for q in inside:
                    if q in corr:
                        sr = sr + corr[q]
                base = full - x
                with np.errstate(divide="ignore", invalid="ignore"):
                    corr[r] = np.where(x > 0, np.where(base > 0, sr * (full / base - 1.0), -sr), 0.0)
            for c in corr.values():
                v = v + c
            keys = keys_for(v, rank_on, rounding, decimals, tol)
            for i, (block, _) in enumerate(sections):
                out[block][batch] = rank_rows(keys[:, offsets[i] : offsets[i + 1]], ties)
    return out


def indices(y, n, k):
    """First-order (Saltelli 2010, centred as egov does: (y(B) − ȳ) in place of y(B), which converges to
    the same index without the noise of ȳ·Σ(y(A_B) − y(A))) and total (Jansen) indices of y [R, …] per
    choice: two [k, …] arrays; both 0 where the 2n draws do not vary."""
    y = y.reshape((n, k + 2) + y.shape[1:])
    a, b = y[:, 0], y[:, 1]
    both = np.concatenate([a, b])
    mean = both.mean(axis=0, dtype=np.float64)
    var = np.var(both, axis=0, dtype=np.float64)
    zero = var == 0
    safe = np.where(zero, 1.0, var)
    bc = b - mean
    first = np.empty((k,) + var.shape)
    total = np.empty((k,) + var.shape)
    # Integer ranks stay int32 in the differences (their squares fit), the means accumulate in float64.
    for i in range(k):
        d = y[:, 2 + i] - a
        first[i] = np.where(zero, 0.0, np.mean(bc * d, axis=0) / safe)
        total[i] = np.where(zero, 0.0, np.mean(d * d, axis=0, dtype=np.float64) / 2 / safe)
    return first, total


def correlations(ranks, nominal):
    """Pearson correlation of each evaluation's ranks [R, m] with the nominal ranks [m] (Spearman's rho
    on ranks); 1.0 / 0.0 (equal / not) when either vector is constant."""
    nominal = np.asarray(nominal)
    constant = (ranks.max(axis=1) == ranks.min(axis=1)) | (nominal.max() == nominal.min())
    equal = np.all(ranks == nominal[None, :], axis=1)
    rc = ranks - ranks.mean(axis=1, keepdims=True)
    nc = nominal.astype(np.float64) - nominal.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (rc @ nc) / np.sqrt(np.einsum("ij,ij->i", rc, rc) * (nc @ nc))
    return np.where(constant, np.where(equal, 1.0, 0.0), rho)


def bootstrap(y, n, k, resamples, rng):
    """Percentile-bootstrap 95 % intervals of the indices of y [R], resampling the groups g."""
    y = y.reshape(n, k + 2)
    g = rng.integers(0, n, size=(resamples, n))
    first, total = indices(y[g].transpose(1, 2, 0).reshape(n * (k + 2), resamples), n, k)
    lo_hi = lambda x: np.percentile(x, [2.5, 97.5], axis=1).T  # noqa: E731
    return lo_hi(first), lo_hi(total)


def solve(problem, arrays):
    n, k = int(problem["base"]), int(problem["k"])
    if int(problem["evaluations"]) != n * (k + 2) or arrays["weights"].shape[0] != n * (k + 2):
        raise SystemExit("peer: evaluations is not base × (k + 2)")
    qs = problem["percentiles"]
    tops = problem["top"]
    resamples = int(problem.get("bootstrap", 200))
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    slot = np.arange(n * (k + 2)) % (k + 2)
    draws = slot < 2  # A_g and B_g: the 2n independent draws
    tables = []
    for table in problem["tables"]:
        ranks = table_ranks(table, arrays, float(problem.get("round_tolerance", 0.0)), problem.get("rescalers", []))
        sections = []
        for section in table["sections"]:
            r = ranks.pop(section["block"])
            d = r[draws]
            pct = np.percentile(d, qs, axis=0, method="inverted_cdf").astype(np.int64)
            mean = d.mean(axis=0, dtype=np.float64)
            top = np.stack([(d <= t).mean(axis=0, dtype=np.float64) for t in tops], axis=1)
            first, total = indices(r, n, k)
            units = []
            for j, code in enumerate(section["codes"]):
                units.append(
                    {
                        "code": code,
                        "nominal": int(section["nominal"][j]),
                        "p5": int(pct[0, j]),
                        "median": int(pct[1, j]),
                        "p95": int(pct[2, j]),
                        "mean": float(mean[j]),
                        "top": [float(x) for x in top[j]],
                        "sensitivity": [
                            {"first": float(first[i, j]), "total": float(total[i, j])} for i in range(k)
                        ],
                    }
                )
            rho = correlations(r, section["nominal"])
            sfirst, stotal = indices(rho, n, k)
            first_ci, total_ci = bootstrap(rho, n, k, resamples, rng)
            cp = np.percentile(rho[draws], [5, 50], method="inverted_cdf")
            sections.append(
                {
                    "block": section["block"],
                    "units": units,
                    "correlation": {
                        "mean": float(rho[draws].mean()),
                        "p5": float(cp[0]),
                        "median": float(cp[1]),
                    },
                    "sensitivity": [
                        {
                            "first": float(sfirst[i]),
                            "total": float(stotal[i]),
                            "first_ci": [float(x) for x in first_ci[i]],
                            "total_ci": [float(x) for x in total_ci[i]],
                        }
                        for i in range(k)
                    ],
                }
            )
        tables.append({"id": table["id"], "sections": sections})
    return {
        "evaluations": n * (k + 2),
        "base": n,
        "draws": 2 * n,
        "choices": [{"id": c["id"], "options": c["options"]} for c in problem["choices"]],
        "top": tops,
        "tables": tables,
    }


# ---------------------------------------------------------------------------------------------------------
# Self-test: the vectorised code against a plain loop, and against answers worked out by hand.


def reference(problem, arrays):
    """The spec's computation, one evaluation and one section at a time, in plain Python."""
    import math

    points, excluded, fullmax = arrays["points"], arrays["excluded"], arrays["fullmax"]
    weights, setting = arrays["weights"], arrays["setting"]
    n, k = int(problem["base"]), int(problem["k"])
    tol = float(problem.get("round_tolerance", 0.0))
    out = {}
    for table in problem["tables"]:
        lt = table["leaves"]
        for section in table["sections"]:
            rows = []
            for e in range(n * (k + 2)):
                s, ties, rank_on, rounding = (int(x) for x in setting[e])
                if ties < 0:
                    ties = {"dense": 0, "competition": 1}[table["ties"]]
                if rank_on < 0:
                    rank_on = {"rounded": 0, "exact": 1}[table["rank_on"]]
                keys = []
                for u in section["units"]:
                    v = sum(points[s, u, l] * weights[e, l] for l in lt)
                    corr = {}
                    for r in table.get("rescalers", []):
                        rz = problem["rescalers"][r]
                        lr = rz["leaves"]
                        f = sum(weights[e, l] * fullmax[l] for l in lr)
                        x = sum(fullmax[l] * weights[e, l] for l in lr if excluded[s, u, l] == r + 1)
                        sr = sum(points[s, u, l] * weights[e, l] for l in lr)
                        sr += sum(corr[q] for q in rz["inside"] if q in corr)
                        if x > 0:
                            corr[r] = sr * (f / (f - x) - 1.0) if f - x > 0 else -sr
                        else:
                            corr[r] = 0.0
                    v += sum(corr.values())
                    scaled = v * 10.0 ** (table["decimals"] if rank_on == 0 else 0)
                    if rank_on == 1:
                        key = v
                    elif rounding == 0:
                        key = math.floor(scaled + 0.5 + tol)
                    elif rounding == 1:
                        f = math.floor(scaled)
                        if abs(scaled - f - 0.5) <= tol:
                            key = f if f % 2 == 0 else f + 1
                        else:
                            key = round(scaled)
                    else:
                        key = math.floor(scaled + tol)
                    keys.append(key)
                distinct = sorted(set(keys), reverse=True)
                if ties == 0:
                    rows.append([distinct.index(x) + 1 for x in keys])
                else:
                    rows.append([1 + sum(1 for y in keys if y > x) for x in keys])
            out[(table["id"], section["block"])] = rows
    return out


def write_problem(path, problem, arrays):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "problem.json"), "w", encoding="utf-8") as f:
        json.dump(problem, f)
    for name, a in arrays.items():
        np.save(os.path.join(path, f"{name}.npy"), a)


def random_problem(seed=7):
    """2 scenarios, 30 units, 7 leaves, 2 tables (one rescaling, 1 decimal; one not, 2 decimals) with two
    sections each, leaf points on a coarse grid so that rounded and exact ties both occur."""
    rng = np.random.default_rng(seed)
    s_count, units, leaves, n, k = 2, 30, 7, 40, 4
    r = n * (k + 2)
    fullmax = np.array([10, 5, 20, 8, 2.5, 15, 4], dtype=np.float64)
    points = np.round(rng.uniform(0, 1, (s_count, units, leaves)) * fullmax * 4) / 4
    points[:, 3] = points[:, 4]  # identical units: exact ties
    excluded = (rng.uniform(size=(s_count, units, leaves)) < 0.15).astype(np.uint8)
    excluded[0, 5] = 1  # every leaf excluded: no base left, total 0
    points[excluded == 1] = 0
    # Leaves 5 and 6 are rescaled by an inner node (rescaler 0), the others by the root (rescaler 1).
    excluded[:, :, :5] *= 2
    weights = rng.uniform(0.8, 1.2, (r, leaves))
    weights[rng.uniform(size=r) < 0.2, 5:] = 0  # a dropped group
    weights[::9] = 1.0  # nominal weights: rounded totals land on ties exactly
    # −1: the table's own tie rule or rank key; rank key 2: whole points.
    setting = np.stack(
        [rng.integers(0, s_count, r), rng.integers(-1, 2, r), rng.integers(-1, 3, r), rng.integers(0, 3, r)],
        axis=1,
    ).astype(np.int32)
    perm = rng.permutation(units)
    problem = {
        "evaluations": r,
        "base": n,
        "k": k,
        "choices": [{"id": c, "options": ["a", "b"]} for c in ["weights", "na", "ties", "rounding"]],
        "percentiles": [5, 50, 95],
        "top": [1, 3, 10],
        "bootstrap": 50,
        "round_tolerance": 1e-9,
        "scenarios": s_count,
        "units": units,
        "leaves": leaves,
        "rescalers": [
            {"node": "B", "leaves": [5, 6], "inside": []},
            {"node": "", "leaves": list(range(leaves)), "inside": [0]},
        ],
        "tables": [
            {
                "id": "tong-hop",
                "leaves": list(range(leaves)),
                "rescalers": [0, 1],
                "decimals": 1,
                "ties": "competition",
                "rank_on": "rounded",
                "sections": [
                    {"block": "I", "units": perm[:18].tolist(), "nominal": list(range(1, 19)),
                     "codes": [f"U{u:02}" for u in perm[:18]]},
                    {"block": "II", "units": perm[18:].tolist(), "nominal": list(range(1, 13)),
                     "codes": [f"U{u:02}" for u in perm[18:]]},
                ],
            },
            {
                "id": "A",
                "leaves": [0, 2, 3, 5],
                "rescalers": [],
                "decimals": 2,
                "ties": "dense",
                "rank_on": "exact",
                "sections": [
                    {"block": "I", "units": perm[:18].tolist(), "nominal": list(range(1, 19)),
                     "codes": [f"U{u:02}" for u in perm[:18]]},
                    {"block": "II", "units": perm[18:].tolist(), "nominal": [1, 1] + list(range(3, 13)),
                     "codes": [f"U{u:02}" for u in perm[18:]]},
                ],
            },
        ],
    }
    arrays = {"points": points, "excluded": excluded, "fullmax": fullmax, "weights": weights, "setting": setting}
    return problem, arrays


def flip_problem(n=4000, seed=3):
    """Two units, two leaves: unit X has 10 points on leaf 0, unit Y 10.5 on leaf 1. Leaf 0's weight is
    uniform on [0.9, 1.2] (choice 0), leaf 1's is 1. X ranks first iff 10·w > 10.5, i.e. w > 1.05:
    P = 0.15 / 0.3 = 0.5 exactly. A second choice (ties, dense vs competition) changes nothing for two
    distinct totals: its indices must be 0. Ranked on exact values."""
    rng = np.random.default_rng(seed)
    k = 2
    r = n * (k + 2)
    a = rng.uniform(0.9, 1.2, n)
    b = rng.uniform(0.9, 1.2, n)
    ta, tb = rng.integers(0, 2, n), rng.integers(0, 2, n)
    w0 = np.stack([a, b, b, a], axis=1).reshape(r)  # A, B, A with B's choice 0, A with B's choice 1
    ties = np.stack([ta, tb, ta, tb], axis=1).reshape(r)
    weights = np.stack([w0, np.ones(r)], axis=1)
    setting = np.stack([np.zeros(r), ties, np.ones(r), np.zeros(r)], axis=1).astype(np.int32)
    points = np.array([[[10.0, 0.0], [0.0, 10.5]]])
    problem = {
        "evaluations": r, "base": n, "k": k,
        "choices": [{"id": "weights", "options": []}, {"id": "ties", "options": ["dense", "competition"]}],
        "percentiles": [5, 50, 95], "top": [1], "bootstrap": 20,
        "scenarios": 1, "units": 2, "leaves": 2,
        "tables": [{"id": "t", "leaves": [0, 1], "rescalers": [], "decimals": 2, "ties": "dense", "rank_on": "exact",
                    "sections": [{"block": "I", "units": [1, 0], "nominal": [1, 2], "codes": ["Y", "X"]}]}],
    }
    arrays = {"points": points, "excluded": np.zeros((1, 2, 2), dtype=np.uint8),
              "fullmax": np.array([10.0, 10.5]), "weights": weights, "setting": setting}
    return problem, arrays


def self_test():
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        # 1. Vectorised ranks against the plain loop, on a problem written to disk and read back.
        problem, arrays = random_problem()
        write_problem(tmp, problem, arrays)
        problem, arrays = load(tmp)
        ref = reference(problem, arrays)
        tied = 0
        for table in problem["tables"]:
            got = table_ranks(table, arrays, float(problem.get("round_tolerance", 0.0)), problem.get("rescalers", []))
            for section in table["sections"]:
                want = np.array(ref[(table["id"], section["block"])])
                tied += int(np.sum(np.diff(np.sort(want, axis=1), axis=1) == 0))
                check(np.array_equal(got[section["block"]], want), f"ranks {table['id']}/{section['block']}")
        check(tied > 0, "the random problem has no ties: it tests too little")

        # 2. Percentiles, mean, top and the indices against plain per-unit loops over the loop's ranks.
        out = solve(problem, arrays)
        n, k = problem["base"], problem["k"]
        for table, ot in zip(problem["tables"], out["tables"]):
            for section, osec in zip(table["sections"], ot["sections"]):
                ranks = ref[(table["id"], section["block"])]
                for j, unit in enumerate(osec["units"]):
                    y = [row[j] for row in ranks]
                    d = sorted(y[e] for e in range(len(y)) if e % (k + 2) < 2)
                    for key, q in [("p5", 5), ("median", 50), ("p95", 95)]:
                        # smallest r with at least q % of the draws <= r
                        want = next(x for x in d if sum(1 for z in d if z <= x) * 100 >= q * len(d))
                        check(unit[key] == want, f"{key} {section['block']} {unit['code']}")
                    check(abs(unit["mean"] - sum(d) / len(d)) < 1e-12, f"mean {unit['code']}")
                    check(abs(unit["top"][1] - sum(1 for z in d if z <= 3) / len(d)) < 1e-12, f"top3 {unit['code']}")
                    ya = [y[g * (k + 2)] for g in range(n)]
                    yb = [y[g * (k + 2) + 1] for g in range(n)]
                    both = ya + yb
                    mu = sum(both) / len(both)
                    var = sum((z - mu) ** 2 for z in both) / len(both)
                    for i in range(k):
                        yab = [y[g * (k + 2) + 2 + i] for g in range(n)]
                        f = sum((yb[g] - mu) * (yab[g] - ya[g]) for g in range(n)) / n / var if var else 0.0
                        t = sum((ya[g] - yab[g]) ** 2 for g in range(n)) / n / 2 / var if var else 0.0
                        s = unit["sensitivity"][i]
                        check(abs(s["first"] - f) < 1e-9 and abs(s["total"] - t) < 1e-9,
                              f"indices {section['block']} {unit['code']} choice {i}")

        # 3. Known answers: the flip probability and a choice that changes nothing.
        problem, arrays = flip_problem()
        write_problem(os.path.join(tmp, "flip"), problem, arrays)
        problem, arrays = load(os.path.join(tmp, "flip"))
        out = solve(problem, arrays)
        y, x = out["tables"][0]["sections"][0]["units"]
        draws = 2 * problem["base"]
        p = x["top"][0]
        err = 4 * np.sqrt(0.25 / draws)  # four standard errors
        check(abs(p - 0.5) < err, f"flip probability {p}, expected 0.5 ± {err:.3f}")
        check(abs(p + y["top"][0] - 1) < 1e-12, "exactly one of the two units is first in each draw")
        check(abs(x["mean"] - (2 - p)) < 1e-12, "mean rank of X is 2 − P(first)")
        # The rank is an indicator of w > 1.05; the weight is the only thing that moves it: S1 = ST = 1.
        for u in (x, y):
            check(abs(u["sensitivity"][0]["first"] - 1) < 0.1, f"first index of the weight {u['sensitivity'][0]}")
            check(abs(u["sensitivity"][0]["total"] - 1) < 0.1, f"total index of the weight {u['sensitivity'][0]}")
            check(u["sensitivity"][1] == {"first": 0.0, "total": 0.0}, f"tie rule indices {u['sensitivity'][1]}")
        check(out["tables"][0]["sections"][0]["sensitivity"][1]["total"] == 0.0, "section: tie rule total index")

        # 4. Tiny cases worked out by hand.
        keys = np.array([[3.0, 5.0, 5.0, 1.0], [2.0, 2.0, 2.0, 2.0]])
        check(rank_rows(keys, 0).tolist() == [[2, 1, 1, 3], [1, 1, 1, 1]], "dense ranks")
        check(rank_rows(keys, 1).tolist() == [[3, 1, 1, 4], [1, 1, 1, 1]], "competition ranks")
        # 1.005·100 = 100.49999999999999 in f64 and 2.125·100 = 212.5 exactly.
        v = np.array([[1.005, 2.125]])
        check(keys_for(v, 0, 0, 2).tolist() == [[100.0, 213.0]], "half-up keys, 2 decimals")
        check(keys_for(v, 0, 1, 2).tolist() == [[100.0, 212.0]], "half-even keys, 2 decimals")
        # With egov's tolerance 1.005 is on the half-way point, as its decimal is.
        check(keys_for(v, 0, 0, 2, 1e-9).tolist() == [[101.0, 213.0]], "half-up keys within the tolerance")
        check(keys_for(v, 0, 1, 2, 1e-9).tolist() == [[100.0, 212.0]], "half-even keys within the tolerance")
        check(keys_for(v * 100 + 0.5, 0, 2, 0, 1e-9).tolist() == [[101.0, 213.0]], "down keys within the tolerance")
        check(keys_for(np.array([[2.5, 3.5, -2.5]]), 0, 1, 0, 1e-9).tolist() == [[2.0, 4.0, -2.0]], "half-even ties")
        check(keys_for(np.array([[2.345, 7.5]]), 2, 0, 2, 1e-9).tolist() == [[2.0, 8.0]], "whole points")
        v = np.array([[1.005, 0.25, 0.75, -0.25]])  # ·10: 10.05, 2.5, 7.5, −2.5
        check(keys_for(v, 0, 0, 1).tolist() == [[10.0, 3.0, 8.0, -2.0]], "half-up keys")
        check(keys_for(v, 0, 1, 1).tolist() == [[10.0, 2.0, 8.0, -2.0]], "half-even keys")
        check(keys_for(v, 0, 2, 1).tolist() == [[10.0, 2.0, 7.0, -3.0]], "down keys")
        check(keys_for(v * 10, 0, 1, 0).tolist() == [[10.0, 2.0, 8.0, -2.0]], "half-even keys, 0 decimals")
        check(keys_for(v, 1, 2, 1).tolist() == v.tolist(), "exact keys")
        nominal = np.array([1, 2, 3])
        rho = correlations(np.array([[1, 2, 3], [3, 2, 1], [1, 1, 1], [1, 3, 2]]), nominal)
        check(np.allclose(rho, [1.0, -1.0, 0.0, 0.5]), f"correlations {rho}")
        check(correlations(np.array([[1, 1], [1, 2]]), np.array([1, 1])).tolist() == [1.0, 0.0], "constant nominal")

    for f in failures:
        print(f"peer self-test: FAILED {f}", file=sys.stderr)
    if failures:
        return 1
    print(f"peer self-test: vectorised ranks equal the loop's ({tied} ties), statistics and known answers hold")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    problem, arrays = load(argv[1])
    out = solve(problem, arrays)
    # One string, then one write (json.dump would encode piece by piece, in Python).
    text = json.dumps(out, ensure_ascii=False)
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
