"""fastback.neuro.data and ``fastback neuro``: labels, shards, the builder,
the command line.

Labels are checked by PySAT, not by fastback: every backbone literal must be
forced (the formula plus its negation is UNSAT) and every other variable
must take both values in some model. Shards must load back bit for bit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import numpy as np
import pytest
from pysat.solvers import Solver as PySatSolver

import fastback.sat
from fastback.cli import main
from fastback.neuro import data as D
from fastback.neuro import families as F
from fastback.sat import Solver

# Cheap to label at "small" scale (well under 0.1 s each).
FAST_FAMILIES = ["colouring", "clique", "blocksworld", "circuit", "factoring", "latin"]


def _fallback_backbone(formula, *, time_limit=None, conflict_limit=None, seed=None) -> Optional[List[int]]:
    """Stand-in for fastback.sat.backbone while a build lacks it (tests only):
    one solve per candidate under its negation; a model that flips a
    candidate rules it out."""
    flat = np.asarray(formula).tolist()
    clauses, current = [], []
    for lit in flat:
        if lit == 0:
            clauses.append(current)
            current = []
        else:
            current.append(lit)
    with Solver(bootstrap_with=clauses, seed=seed or 0) as s:
        if not s.solve():
            return None
        used = {abs(lit) for c in clauses for lit in c}
        candidates = {abs(lit): lit for lit in s.get_model() if abs(lit) in used}
        forced = []
        for var in sorted(candidates):
            lit = candidates.get(var)
            if lit is None:
                continue
            if s.solve(assumptions=[-lit]):
                for other in s.get_model():
                    if candidates.get(abs(other)) == -other:
                        del candidates[abs(other)]
            else:
                forced.append(lit)
                s.add_clause([lit])
        return forced


@pytest.fixture(autouse=True)
def backbone_available(monkeypatch):
    """fastback.sat.backbone where the build has it, the stand-in otherwise."""
    if not hasattr(fastback.sat, "backbone"):
        monkeypatch.setattr(fastback.sat, "backbone", _fallback_backbone, raising=False)


def check_labels_with_pysat(formula: F.Formula, labels: D.Labels) -> None:
    n = formula.num_vars
    tf = labels.true_fraction
    assert labels.phase.shape == labels.is_backbone.shape == tf.shape == (n,)
    assert ((tf >= 0) & (tf <= 1)).all()
    with PySatSolver(name="cadical153", bootstrap_with=formula.clauses()) as ps:
        for v in range(1, n + 1):
            i = v - 1
            if labels.is_backbone[i]:
                lit = v if labels.phase[i] > 0 else -v
                assert ps.solve(assumptions=[-lit]) is False, f"backbone literal {lit} is not forced"
                assert tf[i] == (1.0 if lit > 0 else 0.0)
            else:
                assert ps.solve(assumptions=[v]) and ps.solve(assumptions=[-v]), \
                    f"variable {v} is labelled free but takes one value in every model"
                expected = 1 if tf[i] > 0.5 else -1 if tf[i] < 0.5 else 0
                assert labels.phase[i] == expected


@pytest.mark.parametrize("family,seed", [(f, s) for f in FAST_FAMILIES for s in (0, 1)] + [("ksat", 2)])
def test_labels_match_pysat(family, seed):
    formula = F.generate(family, "small", seed)
    outcome = D.label_formula(formula, samples=8, seed=seed, time_limit=20)
    assert outcome.status == "ok"
    assert outcome.labels.samples == 8
    check_labels_with_pysat(formula, outcome.labels)


def test_labelling_is_deterministic():
    formula = F.generate("clique", "small", 4)
    a = D.label_formula(formula, seed=3).labels
    b = D.label_formula(formula, seed=3).labels
    assert np.array_equal(a.phase, b.phase) and np.array_equal(a.true_count, b.true_count)
    assert np.array_equal(a.is_backbone, b.is_backbone)


def flat(clauses: List[List[int]], num_vars: int, family: str = "test") -> F.Formula:
    lits = np.array([lit for c in clauses for lit in c], dtype=np.int32)
    offsets = np.cumsum([0] + [len(c) for c in clauses]).astype(np.int64)
    return F.Formula(num_vars, lits, offsets, family)


def test_unsat_and_timeout_are_reported_not_labelled():
    unsat = D.label_formula(flat([[1, 2], [1, -2], [-1, 2], [-1, -2]], 2))
    assert (unsat.status, unsat.labels) == ("unsat", None)
    # Pigeonhole 10 -> 9: minutes for CDCL, stopped after a millisecond.
    holes, pigeons = 9, 10
    var = lambda p, h: p * holes + h + 1  # noqa: E731
    php = [[var(p, h) for h in range(holes)] for p in range(pigeons)]
    php += [[-var(a, h), -var(b, h)] for h in range(holes)
            for a in range(pigeons) for b in range(a + 1, pigeons)]
    timeout = D.label_formula(flat(php, pigeons * holes), time_limit=0.001)
    assert (timeout.status, timeout.labels) == ("timeout", None)


def test_variables_in_no_clause_are_free():
    outcome = D.label_formula(flat([[1, 2], [-1]], 4), samples=16, seed=1)
    labels = outcome.labels
    assert labels.is_backbone.tolist() == [True, True, False, False]
    assert labels.phase[:2].tolist() == [-1, 1]
    assert 0 < labels.true_count[2] < 16 and 0 < labels.true_count[3] < 16  # random phases


def test_bad_samples():
    with pytest.raises(ValueError, match="samples must be in"):
        D.label_formula(flat([[1]], 1), samples=0)


def labelled(family: str, seed: int) -> D.Example:
    formula = F.generate(family, "small", seed)
    outcome = D.label_formula(formula, samples=4, seed=seed)
    return D.Example(family, "small", seed, formula.num_vars, formula.lits, formula.offsets,
                     outcome.labels, outcome.stats)


def assert_same(a: D.Example, b: D.Example) -> None:
    assert (a.family, a.scale, a.seed, a.num_vars) == (b.family, b.scale, b.seed, b.num_vars)
    for name in ("lits", "offsets"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y)
    for name in ("phase", "is_backbone", "true_count"):
        x, y = getattr(a.labels, name), getattr(b.labels, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert a.labels.samples == b.labels.samples and a.stats == b.stats
    assert np.array_equal(a.true_fraction, b.true_fraction)


def test_shard_round_trip(tmp_path):
    examples = [labelled(family, seed) for seed in (0, 1) for family in ("latin", "circuit", "factoring")]
    examples[0] = D.Example(**{**examples[0].__dict__, "seed": 2**63 + 5})  # a full 64-bit seed
    D.save_shard(tmp_path / "shard-00000.npz", examples)
    D.save_shard(tmp_path / "shard-00001.npz", examples[:1])
    back = D.load_dataset(tmp_path)
    assert len(back) == len(examples) + 1
    for a, b in zip(examples + examples[:1], back):
        assert_same(a, b)
    assert len(D.load_dataset(tmp_path / "shard-00001.npz")) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no shard"):
        D.load_dataset(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        D.load_dataset(tmp_path / "missing.npz")


def test_make_dataset_is_the_same_with_any_worker_count(tmp_path):
    kwargs = dict(families=["latin", "clique", "ksat"], count_per_family=3, scale="small", seed=9,
                  progress=False, samples=4, shard_size=4)
    one = D.make_dataset(tmp_path / "one", workers=1, **kwargs)
    two = D.make_dataset(tmp_path / "two", workers=2, **kwargs)
    a, b = D.load_dataset(tmp_path / "one"), D.load_dataset(tmp_path / "two")
    assert len(a) == len(b) == one.kept == two.kept
    # Index-major, families interleaved, discarded formulas skipped.
    order = [(f, D.formula_seed(9, f, i)) for i in range(3) for f in kwargs["families"]]
    kept = [(e.family, e.seed) for e in a]
    assert [job for job in order if job in kept] == kept
    for x, y in zip(a, b):
        assert (x.family, x.seed) == (y.family, y.seed)
        assert np.array_equal(x.phase, y.phase) and np.array_equal(x.lits, y.lits)
    assert len(one.shards) == -(-one.kept // 4)
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["options"]["families"] == ["latin", "clique", "ksat"]
    assert manifest["summary"]["families"]["latin"]["kept"] == 3
    f = one.families["ksat"]
    assert f.kept + f.unsat + f.timeout == 3
    # Each example regenerates from its recorded family, scale and seed.
    e = a[0]
    assert np.array_equal(F.generate(e.family, e.scale, e.seed).lits, e.lits)
    assert e.seed == D.formula_seed(9, "latin", 0)


def test_make_dataset_refuses_bad_input(tmp_path):
    with pytest.raises(ValueError, match="unknown family 'nope'"):
        D.make_dataset(tmp_path / "x", ["latin", "nope"], 1, "small")
    with pytest.raises(ValueError, match="scale"):
        D.make_dataset(tmp_path / "x", ["latin"], 1, "huge")
    D.make_dataset(tmp_path / "d", ["latin"], 1, "small", progress=False, samples=2)
    with pytest.raises(FileExistsError, match="already holds a dataset"):
        D.make_dataset(tmp_path / "d", ["latin"], 1, "small", progress=False)


# -- the command line -----------------------------------------------------------


def test_cli_make_data(tmp_path, capsys):
    out = tmp_path / "ds"
    status = main(["neuro", "make-data", str(out), "--families", "latin,factoring", "--count", "2",
                   "--scale", "small", "--seed", "4", "--workers", "2", "--samples", "4", "--no-progress"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "family" in captured.out and "latin" in captured.out and "factoring" in captured.out
    assert "4 formulas in 1 shard(s)" in captured.out
    examples = D.load_dataset(out)
    assert sorted(e.family for e in examples) == ["factoring", "factoring", "latin", "latin"]
    assert all(e.labels.samples == 4 for e in examples)


@pytest.mark.parametrize("args,message", [
    (["--families", "latin,bogus"], "unknown family 'bogus'; known: ksat"),
    (["--families", ","], "no families given"),
])
def test_cli_bad_families(tmp_path, capsys, args, message):
    status = main(["neuro", "make-data", str(tmp_path / "ds"), "--count", "1", "--no-progress"] + args)
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("fastback neuro make-data: error: ") and message in err


def test_cli_unwritable_directory(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status = main(["neuro", "make-data", str(blocker / "ds"), "--families", "latin", "--count", "1",
                   "--no-progress"])
    err = capsys.readouterr().err
    assert status == 1
    assert "fastback neuro make-data: error: " in err and str(blocker) in err
    assert "Traceback" not in err


def test_cli_existing_dataset(tmp_path, capsys):
    args = ["neuro", "make-data", str(tmp_path), "--families", "latin", "--count", "1", "--no-progress"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 1
    assert "already holds a dataset" in capsys.readouterr().err


def test_cli_list_families_runs_without_torch():
    """``python -m fastback neuro list-families`` end to end; importing the
    neuro package and the CLI must not import torch."""
    run = subprocess.run([sys.executable, "-m", "fastback", "neuro", "list-families"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    names = [line.split()[0] for line in run.stdout.splitlines()]
    assert names == list(F.FAMILIES)
    probe = ("import sys, fastback.cli, fastback.neuro.cli, fastback.neuro.data, "
             "fastback.neuro.families; print('torch' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "False", run.stderr


def test_cli_needs_a_subcommand(capsys):
    with pytest.raises(SystemExit) as e:
        main(["neuro"])
    assert e.value.code == 2
    assert "make-data" in capsys.readouterr().err
