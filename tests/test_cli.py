"""``fastback sat`` and the SAT competition output conventions.

The CLI runs as a subprocess (``python -m fastback``), as a user would run
it; its model is checked against the file by the tests' own evaluator and
its proofs with check_drat.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

from fastback import _core
from fastback.sat import check_drat
from sat_helpers import php, satisfies, signal_when_ready, write_cnf

CLI = [sys.executable, "-m", "fastback"]


def run(*args: str, input: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), input=input, capture_output=True, timeout=timeout)


def s_lines(stdout: bytes) -> List[str]:
    return [line for line in stdout.decode().splitlines() if line.startswith("s ")]


def model_of(stdout: bytes) -> List[int]:
    lines = [line for line in stdout.decode().splitlines() if line.startswith("v")]
    assert lines, "no v lines"
    assert all(len(line) <= 80 for line in lines)
    tokens = [int(t) for line in lines for t in line[1:].split()]
    assert tokens[-1] == 0 and 0 not in tokens[:-1]
    assert lines[-1].split()[-1] == "0"
    return tokens[:-1]


@pytest.fixture
def sat_file(tmp_path) -> Path:
    return write_cnf(tmp_path / "sat.cnf", php(9, 9) + [[-1]], num_vars=85)


@pytest.fixture
def unsat_file(tmp_path) -> Path:
    return write_cnf(tmp_path / "unsat.cnf", php(6, 5))


@pytest.fixture
def hard_file(tmp_path) -> Path:
    return write_cnf(tmp_path / "hard.cnf", php(12, 11))


def test_sat_exit_10_and_model(sat_file):
    r = run("sat", str(sat_file))
    assert r.returncode == 10, r.stderr
    assert s_lines(r.stdout) == ["s SATISFIABLE"]
    model = model_of(r.stdout)
    clauses = [[int(t) for t in line.split()[:-1]] for line in sat_file.read_text().splitlines()[1:]]
    assert satisfies(clauses, model)
    assert [abs(lit) for lit in model] == list(range(1, 86))  # every header variable
    out = r.stdout.decode().splitlines()
    assert all(line[:2] in ("c ", "s ", "v ") or line == "c" for line in out)


def test_unsat_exit_20(unsat_file):
    r = run("sat", str(unsat_file))
    assert r.returncode == 20
    assert s_lines(r.stdout) == ["s UNSATISFIABLE"]
    assert b"\nv " not in r.stdout


def test_no_model(sat_file):
    r = run("sat", str(sat_file), "--no-model")
    assert r.returncode == 10
    assert s_lines(r.stdout) == ["s SATISFIABLE"]
    assert not [line for line in r.stdout.decode().splitlines() if line.startswith("v")]


def test_quiet(sat_file):
    r = run("sat", str(sat_file), "-q")
    assert r.returncode == 10
    lines = r.stdout.decode().splitlines()
    assert lines[0] == "s SATISFIABLE"
    assert all(line.startswith("v ") for line in lines[1:])


def test_stdin(unsat_file):
    r = run("sat", "-", input=unsat_file.read_bytes())
    assert r.returncode == 20
    assert s_lines(r.stdout) == ["s UNSATISFIABLE"]


@pytest.mark.parametrize("binary", [False, True])
def test_proof_checks(tmp_path, unsat_file, binary):
    proof = tmp_path / "p.drat"
    args = ["sat", str(unsat_file), "--proof", str(proof)] + (["--binary-proof"] if binary else [])
    r = run(*args)
    assert r.returncode == 20
    data = proof.read_bytes()
    assert data
    if binary:
        assert data[:1] in (b"a", b"d")
    else:
        assert re.fullmatch(rb"(d )?(-?\d+ )*0\n", data.split(b"\n", 1)[0] + b"\n")
    report = check_drat(php(6, 5), data, format="binary" if binary else "text")
    assert report.verified, report.message


def test_proof_to_unwritable_path(tmp_path, unsat_file):
    r = run("sat", str(unsat_file), "--proof", str(tmp_path / "no" / "dir" / "p.drat"))
    assert r.returncode == 1
    assert b"c error:" in r.stderr
    assert s_lines(r.stdout) == []


REQUIRED_STATS = ["conflicts", "decisions", "propagations", "propagations-per-second", "restarts", "seconds"]


def test_stats(unsat_file):
    r = run("sat", str(unsat_file), "--stats")
    assert r.returncode == 20
    stats = {}
    for line in r.stdout.decode().splitlines():
        m = re.fullmatch(r"c ([a-z-]+):\s+(\S+)", line)
        if m:
            stats[m.group(1)] = m.group(2)
    for name in REQUIRED_STATS:
        assert name in stats, name
        float(stats[name])
    assert int(stats["conflicts"]) > 0
    quiet = run("sat", str(unsat_file), "--stats", "-q")
    names = [line.split(":")[0] for line in quiet.stdout.decode().splitlines() if line.startswith("c ")]
    assert "c conflicts" in names  # asked for explicitly, so printed even with -q


def test_conflict_limit_gives_unknown(hard_file):
    r = run("sat", str(hard_file), "--conflicts", "1")
    assert r.returncode == 0
    assert s_lines(r.stdout) == ["s UNKNOWN"]


def test_time_limit_gives_unknown(hard_file):
    start = time.monotonic()
    r = run("sat", str(hard_file), "--time", "0.5")
    assert r.returncode == 0
    assert s_lines(r.stdout) == ["s UNKNOWN"]
    assert time.monotonic() - start < 30


def test_seed_and_options(sat_file):
    options = _core.solver_options()
    name, _default, lo, hi, _ = next(o for o in options if o[0] != "seed")
    r = run("sat", str(sat_file), "--seed", "5", f"--{name}={hi}")
    assert r.returncode == 10
    assert f"{name}={hi}".encode() in r.stdout
    bad = run("sat", str(sat_file), f"--{name}={hi + 1}")
    assert bad.returncode == 2
    assert f"must be in [{lo}, {hi}]".encode() in bad.stderr
    helptext = run("sat", "--help").stdout.decode()
    for opt_name, default, lo, hi, desc in options:
        assert f"--{opt_name}" in helptext


def test_unknown_flag_and_missing_file(tmp_path):
    assert run("sat", "--no-such-flag", "x").returncode == 2
    assert run("sat", "--time", "-1", "x").returncode == 2
    assert run("sat", "--conflicts", "many", "x").returncode == 2
    r = run("sat", str(tmp_path / "missing.cnf"))
    assert r.returncode == 1
    assert b"c error:" in r.stderr and b"missing.cnf" in r.stderr


def test_version_and_subcommand_required():
    assert run("--version").stdout.startswith(b"fastback ")
    assert run().returncode == 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_prints_unknown(hard_file, sig):
    # "parsed" is the last header comment flushed before the search runs.
    code, out, err, waited = signal_when_ready(CLI + ["sat", str(hard_file)], "parsed", sig)
    assert code == 0, err
    assert s_lines(out.encode()) == ["s UNKNOWN"]
    assert waited < 5


def test_huge_header_small_file(tmp_path):
    # The header may claim 2^31 - 2 variables; loading must not create them all.
    path = tmp_path / "huge.cnf"
    path.write_text("p cnf 2147483646 2\n1 -7 0\n7 0\n")
    r = run("sat", str(path), timeout=60)
    assert r.returncode == 10
    model = model_of(r.stdout)
    assert satisfies([[1, -7], [7]], model)
