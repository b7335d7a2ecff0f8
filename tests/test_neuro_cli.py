"""`fastback sat --neural`, `fastback neuro predict` and `fastback neuro
train`, run as a user would (subprocesses), with answers checked
independently: models clause by clause, UNSAT by a DRAT proof check."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fastback.neuro.priors import default_model_path, model_info, predict_phases
from fastback.sat import check_drat
from sat_helpers import php, random_kcnf, satisfies, write_cnf

CLI = [sys.executable, "-m", "fastback"]


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), capture_output=True, timeout=timeout, text=True)


def model_of(stdout: str) -> list:
    return [int(t) for line in stdout.splitlines() if line.startswith("v ") for t in line[2:].split() if t != "0"]


def test_shipped_model_is_there_and_described():
    info = model_info()
    assert info["format"] == "fastback-neuroback" and info["hidden"] == "64"
    assert os.path.getsize(default_model_path()) < 1_000_000


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("threshold", ["0.9", "0.6"])
def test_sat_neural_models_are_correct(tmp_path, seed, threshold):
    clauses = random_kcnf(random.Random(seed), 80, 320, 3)
    path = write_cnf(tmp_path / "f.cnf", clauses, 80)
    r = run("sat", str(path), "--neural", "--prior-threshold", threshold)
    assert r.returncode in (10, 20), r.stderr
    assert "c neural priors from the shipped model" in r.stdout
    if r.returncode == 10:
        assert satisfies(clauses, model_of(r.stdout))


def test_sat_neural_unsat_proof_checks(tmp_path):
    clauses = php(6, 5)
    path = write_cnf(tmp_path / "php.cnf", clauses)
    proof = tmp_path / "p.drat"
    r = run("sat", str(path), "--neural", "--proof", str(proof))
    assert r.returncode == 20, r.stderr
    assert check_drat(clauses, proof.read_bytes()).verified


def test_sat_neural_bad_model_and_threshold(tmp_path):
    path = write_cnf(tmp_path / "f.cnf", [[1, 2]])
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00" * 32)
    r = run("sat", str(path), "--neural", str(bad))
    assert r.returncode == 1 and "--neural" in r.stderr and "bad.safetensors" in r.stderr
    r = run("sat", str(path), "--neural", "--prior-threshold", "0.3")
    assert r.returncode == 2 and "outside (0.5, 1]" in r.stderr


def test_predict_matches_the_api(tmp_path):
    clauses = random_kcnf(random.Random(7), 30, 100, 3)
    path = write_cnf(tmp_path / "f.cnf", clauses, 30)
    r = run("neuro", "predict", str(path))
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.splitlines() if not line.startswith("c")]
    assert [int(v) for v, _ in rows] == list(range(1, 31))
    np.testing.assert_allclose([float(p) for _, p in rows], predict_phases(clauses), atol=1e-4)
    r = run("neuro", "predict", str(tmp_path / "absent.cnf"))
    assert r.returncode == 1 and "absent.cnf" in r.stderr


def test_make_data_then_train_end_to_end(tmp_path):
    """The whole loop on a tiny dataset: make-data, train (gnn extra), and the
    trained file used by the native solver path."""
    if not os.environ.get("FASTBACK_REQUIRE_GNN"):
        pytest.importorskip("torch")
        pytest.importorskip("torch_geometric")
    data = tmp_path / "data"
    r = run("neuro", "make-data", str(data), "--families", "circuit,latin", "--count", "4",
            "--scale", "small", "--seed", "3", "--no-progress")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "m.safetensors"
    r = run("neuro", "train", str(data), "--out", str(out), "--epochs", "2", "--hidden", "16",
            "--gin-layers", "1", "--gat-layers", "1", "--heads", "2", "--holdout", "0.25")
    assert r.returncode == 0, r.stderr
    for name in ("model", "all true", "all false", "family majority", "polarity"):
        assert name in r.stdout
    assert model_info(str(out))["hidden"] == "16"
    cnf = write_cnf(tmp_path / "f.cnf", [[1, -2], [2, 3], [-1, -3]])
    r = run("sat", str(cnf), "--neural", str(out))
    assert r.returncode == 10 and satisfies([[1, -2], [2, 3], [-1, -3]], model_of(r.stdout))


def test_solving_with_priors_never_imports_torch(tmp_path):
    path = write_cnf(tmp_path / "f.cnf", [[1, -2], [2, 3]])
    code = ("import sys, fastback.cli, fastback.neuro.priors, fastback.neuro.train, fastback.neuro\n"
            f"assert fastback.cli.main(['sat', '--neural', '-q', {str(path)!r}]) == 10\n"
            "fastback.neuro.predict_phases([[1, 2]]); fastback.neuro.build_graph([[1, 2]])\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
