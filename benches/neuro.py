#!/usr/bin/env python3
"""Neural phase priors, measured: graph building and inference time, and
solving with and without priors, side by side in one run.

Part 1 (``--part graph``): random 3-SAT at clause/variable ratio 4.2 with
10^3 .. 10^6 clauses. For each size: the Rust graph builder, a plain-Python
builder written from the same specification (what NeuroBack's public code
does, in Python), native inference (Rust, no torch, every core) and torch
CPU inference of the same model (forward pass only, graph given). Each time
is the best of ``--repeat`` runs.

Part 2 (``--part solve``): held-out formulas of the training families
(generated at the ``medium`` scale from seeds the training data never
used; the shipped model was trained on ``small``) and the satisfiable
instances of ``../shared/bench/sat``. Each formula is solved by fastback
without priors and with priors (native inference + solve, the inference time
included), same options, same time limit, one after the other in one process.
Reported per family: solved, PAR-2 (sum of times, unsolved counted as twice
the limit), the median of conflicts over formulas both solved, and the wall
time of inference.

    .venv/bin/python benches/neuro.py                       # both parts
    .venv/bin/python benches/neuro.py --part graph --sizes 1e3,1e4,1e5,1e6
    .venv/bin/python benches/neuro.py --part solve --timeout 20 --per-family 6

Needs the ``gnn`` extra for the torch column (skipped with a note otherwise).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import statistics
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED_SAT = os.path.join(ROOT, "..", "shared", "bench", "sat")
sys.path.insert(0, os.path.join(ROOT, "tests"))  # the plain-Python reference builder

from fastback import _core  # noqa: E402
from fastback.neuro import priors  # noqa: E402
from fastback.neuro.graph import build_graph  # noqa: E402
from fastback.sat import Solver, read_dimacs  # noqa: E402


def random_3sat(m: int, seed: int = 0) -> Tuple[int, np.ndarray, np.ndarray]:
    n = max(3, int(round(m / 4.2)))
    rng = np.random.default_rng(seed)
    # Three distinct variables per clause.
    v = np.empty((m, 3), dtype=np.int64)
    v[:, 0] = rng.integers(1, n + 1, m)
    v[:, 1] = (v[:, 0] - 1 + rng.integers(1, n, m)) % n + 1
    third = rng.integers(1, n + 1, m)
    clash = (third == v[:, 0]) | (third == v[:, 1])
    while clash.any():
        third[clash] = rng.integers(1, n + 1, int(clash.sum()))
        clash = (third == v[:, 0]) | (third == v[:, 1])
    v[:, 2] = third
    signs = np.where(rng.random((m, 3)) < 0.5, -1, 1)
    lits = (v * signs).astype(np.int32).ravel()
    offsets = np.arange(0, 3 * m + 1, 3, dtype=np.int64)
    return n, lits, offsets


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def part_graph(args: argparse.Namespace, model_path: str) -> List[Dict[str, Any]]:
    from neuro_reference import reference_graph

    try:
        import torch

        from fastback.neuro import model as M
        torch_ok = True
        torch.set_num_threads(os.cpu_count() or 1)
        net = M.load(model_path).eval()
    except ImportError:
        torch_ok = False
    native = _core.PhaseModel(model_path)
    rows = []
    for m in [int(float(s)) for s in args.sizes.split(",")]:
        n, lits, offsets = random_3sat(m)
        g = build_graph(n, lits, offsets)
        row: Dict[str, Any] = {"clauses": m, "vars": n, "nodes": g.num_nodes, "edges": g.num_edges}
        repeat = args.repeat if m <= 100_000 else 1
        row["rust_build_s"] = best_of(repeat, lambda: build_graph(n, lits, offsets))
        if m <= args.python_max:
            clauses = [lits[i:i + 3].tolist() for i in range(0, 3 * m, 3)]
            row["python_build_s"] = best_of(1, lambda: reference_graph(n, clauses))
        row["native_infer_s"] = best_of(repeat, lambda: native.predict(n, lits, offsets))
        if torch_ok and m <= args.torch_max:
            d = g.to_pyg()

            def fwd() -> None:
                with torch.no_grad():
                    net(d.x, d.edge_index, d.edge_type, d.var_mask)
            try:
                row["torch_infer_s"] = best_of(repeat, fwd)
            except RuntimeError as e:  # out of memory
                row["torch_infer_s"] = None
                row["torch_error"] = str(e).splitlines()[0]
            del d
        del g
        rows.append(row)
        print(_graph_row(row), flush=True)
    return rows


def _fmt(x: Optional[float]) -> str:
    return "—" if x is None else f"{x:.3f}"


GRAPH_HEAD = ("| clauses | vars | nodes | edges | Rust build (s) | Python build (s) | Python / Rust "
              "| native inference (s) | torch CPU forward (s) | torch / native |\n"
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def _graph_row(r: Dict[str, Any]) -> str:
    py, rb = r.get("python_build_s"), r["rust_build_s"]
    ti, ni = r.get("torch_infer_s"), r["native_infer_s"]
    return (f"| {r['clauses']:,} | {r['vars']:,} | {r['nodes']:,} | {r['edges']:,} | {rb:.4f} | {_fmt(py)} | "
            f"{'—' if py is None else f'{py / rb:.0f}×'} | {ni:.3f} | {_fmt(ti)} | "
            f"{'—' if ti is None else f'{ti / ni:.2f}'} |")


# --------------------------------------------------------------------------
# Solving with and without priors
# --------------------------------------------------------------------------


def solve_one(formula: Any, timeout: float, prior: Optional[np.ndarray], threshold: float) -> Dict[str, Any]:
    s = Solver()
    if prior is not None:
        s.set_phase_priors(prior, threshold)
    if hasattr(formula, "native") or isinstance(formula, _core.Cnf):
        s.append_formula(formula)
    else:
        s.add_clauses_flat(formula.lits, formula.offsets)
    s.time_budget(timeout)
    t0 = time.perf_counter()
    res = s.solve_limited()
    dt = time.perf_counter() - t0
    if res is True:
        model = s.get_model()
        assert model is not None
    conflicts = int(s.accum_stats().get("conflicts", 0))
    s.delete()
    return {"status": res, "seconds": dt, "conflicts": conflicts}


def instances(args: argparse.Namespace) -> List[Tuple[str, str, Any]]:
    """(group, name, formula) for the held-out families and shared SAT files."""
    out: List[Tuple[str, str, Any]] = []
    if args.per_family > 0:
        from fastback.neuro import families
        for fam in (args.families.split(",") if args.families else list(families.FAMILIES)):
            for i in range(args.per_family):
                seed = 10_000_000 + i  # the training data's seeds come from SeedSequence streams
                out.append((f"held-out {fam}", f"{fam}-medium-{seed}", families.generate(fam, "medium", seed)))
    if args.shared and os.path.isdir(SHARED_SAT):
        with open(os.path.join(SHARED_SAT, "manifest.csv")) as f:
            for row in csv.DictReader(f):
                if row["status"] == "sat" and row["set"] in args.sets.split(","):
                    out.append((f"shared {row['family']}", row["file"],
                                read_dimacs(os.path.join(SHARED_SAT, row["file"]))))
    return out


def part_solve(args: argparse.Namespace, model_path: str) -> List[Dict[str, Any]]:
    runs = []
    for group, name, formula in instances(args):
        base = solve_one(formula, args.timeout, None, args.threshold)
        t0 = time.perf_counter()
        p = priors.predict_phases(formula, model_path)
        infer = time.perf_counter() - t0
        confident = int(np.sum((p >= args.threshold) | (p <= 1 - args.threshold)))
        left = max(args.timeout - infer, 0.001)
        with_p = solve_one(formula, left, p, args.threshold)
        with_p["seconds"] += infer
        r = {"group": group, "name": name, "vars": int(p.shape[0]), "confident": confident,
             "infer_s": infer, "without": base, "with": with_p}
        runs.append(r)
        print(f"  {name:40s} without {_status(base)} {base['seconds']:7.2f}s {base['conflicts']:>9d}c   "
              f"with {_status(with_p)} {with_p['seconds']:7.2f}s {with_p['conflicts']:>9d}c  "
              f"(inference {infer:.3f}s, {confident}/{p.shape[0]} confident)", flush=True)
    return runs


def _status(r: Dict[str, Any]) -> str:
    return {True: "SAT", False: "UNSAT", None: "----"}[r["status"]]


def solve_table(runs: List[Dict[str, Any]], timeout: float) -> str:
    groups: Dict[str, List[Dict[str, Any]]] = {}
    for r in runs:
        groups.setdefault(r["group"], []).append(r)
    groups["ALL held-out families"] = [r for r in runs if r["group"].startswith("held-out")]
    groups["ALL shared SAT instances"] = [r for r in runs if r["group"].startswith("shared")]
    lines = ["| group | n | solved without | solved with | PAR-2 without (s) | PAR-2 with (s) | with / without "
             "| median conflicts without | median conflicts with | mean inference (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g, rs in groups.items():
        if not rs:
            continue
        def par2(key: str) -> float:
            return sum(r[key]["seconds"] if r[key]["status"] is not None else 2 * timeout for r in rs)
        both = [r for r in rs if r["without"]["status"] is not None and r["with"]["status"] is not None]
        med = lambda key: statistics.median(r[key]["conflicts"] for r in both) if both else float("nan")  # noqa: E731
        a, b = par2("without"), par2("with")
        lines.append(f"| {g} | {len(rs)} | {sum(r['without']['status'] is not None for r in rs)} | "
                     f"{sum(r['with']['status'] is not None for r in rs)} | {a:.1f} | {b:.1f} | "
                     f"{b / a if a else float('nan'):.2f} | {med('without'):.0f} | {med('with'):.0f} | "
                     f"{statistics.mean(r['infer_s'] for r in rs):.3f} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["graph", "solve", "all"], default="all")
    ap.add_argument("--model", default=None, help="model file (default: the shipped one)")
    ap.add_argument("--sizes", default="1e3,1e4,1e5,1e6")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--python-max", type=float, default=1e5, help="largest size for the Python builder")
    ap.add_argument("--torch-max", type=float, default=1e6, help="largest size for torch inference")
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--per-family", type=int, default=4, help="held-out formulas per family (0: none)")
    ap.add_argument("--families", default=None, help="comma-separated families (default: all)")
    ap.add_argument("--shared", type=int, default=1, help="include ../shared/bench/sat (0/1)")
    ap.add_argument("--sets", default="quick,medium", help="manifest sets of ../shared/bench/sat")
    ap.add_argument("--json", default=None, help="write all measurements here")
    args = ap.parse_args()
    model_path = args.model or priors.default_model_path()
    out: Dict[str, Any] = {"model": model_path, "args": vars(args)}
    print(f"model: {model_path}  {priors.model_info(model_path).get('hidden')} hidden; "
          f"{os.cpu_count()} cores\n")
    if args.part in ("graph", "all"):
        print("## Graph building and inference (random 3-SAT, ratio 4.2)\n")
        print(GRAPH_HEAD, flush=True)
        out["graph"] = part_graph(args, model_path)
        print()
    if args.part in ("solve", "all"):
        print(f"## Solving without / with priors (limit {args.timeout:g} s, threshold {args.threshold})\n")
        runs = part_solve(args, model_path)
        out["solve"] = runs
        print()
        print(solve_table(runs, args.timeout))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
