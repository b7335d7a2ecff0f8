"""fastback.batch on a thread pool and ``fastback batch sat`` (issue 6).

Answers are checked by the tests' own means: models against the clauses as
this file parses them (``sat_helpers.satisfies``, no fastback code), UNSAT
answers against the shared manifest or against formulas unsatisfiable by
construction (pigeonhole), Sudoku solutions by the rules
(``sudoku_helpers.check_solution``). The checks the tasks run themselves
(``check_model``, ``check_sudoku_solution``) are property-tested against
those helpers. Resume is tested by counting the solver calls a rerun makes.

Kept light (two shared cores): small instances, short limits, < 60 s.
"""

from __future__ import annotations

import csv
import gzip
import json
import lzma
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest
from hypothesis import given, settings, strategies as st

from fastback.batch import (BatchInterrupted, CallTask, ConfigError, DuplicateTaskError, InstanceError,
                            LR2BenchTask, ResultsFileError, SatTask, SudokuTask, check_model,
                            check_sudoku_solution, find_sat_instances, parse_config, read_results, run,
                            sat_tasks)
from fastback.batch.tasks import RECORD_KEYS
from sat_helpers import _default_signal_handling, php, random_kcnf, satisfies, write_cnf
from sudoku_helpers import check_solution

SHARED_SAT = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "sat"
SHARED_SUDOKU = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "sudoku"
CLI = [sys.executable, "-m", "fastback"]

#: Quick shared instances that each solve in well under 0.2 s.
SMALL = ["bmc-ibm-2.cnf", "bmc-ibm-7.cnf", "rsolve_009.cnf", "kcolor4-gnp120-0.09.cnf",
         "kcolor5-gnp70-0.25.cnf", "parity-11.cnf", "rand3-v220-s1.cnf", "rand5-v60-s1.cnf",
         "sat09-3sat-k3-r4.25-v400-c1700-S1326039470-063.cnf"]

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def needs_shared_sat() -> None:
    if not (SHARED_SAT / "manifest.csv").is_file():
        pytest.skip(f"{SHARED_SAT} is not there")


def parse_dimacs(path: Path) -> List[List[int]]:
    """Clauses of a DIMACS file (plain, .gz, .xz), parsed here."""
    opener = gzip.open if path.suffix == ".gz" else lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt") as f:  # type: ignore[operator]
        tokens = [t for line in f if not line.startswith(("c", "p", "%")) for t in line.split()]
    clauses, clause = [], []
    for t in tokens:
        lit = int(t)
        if lit == 0:
            clauses.append(clause)
            clause = []
        else:
            clause.append(lit)
    return clauses


def manifest_status() -> Dict[str, str]:
    with open(SHARED_SAT / "manifest.csv", newline="") as f:
        return {row["file"]: row["status"] for row in csv.DictReader(f)}


def lines_of(path: Path) -> List[Dict[str, Any]]:
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "the results file must end with a whole line"
    return [json.loads(line) for line in text.splitlines()]


def check_contract(r: Dict[str, Any]) -> None:
    """One record against batch-contract.md."""
    assert list(r)[:len(RECORD_KEYS)] == list(RECORD_KEYS)
    assert isinstance(r["id"], str)
    if r["kind"] != "call" or "/" in r["id"]:
        assert r["id"] == f"{r['config']}/{r['instance']}"
    assert r["kind"] in ("sat", "sudoku", "lr2bench", "call")
    assert isinstance(r["family"], str)
    assert r["expected"] in ("sat", "unsat", None)
    if r["kind"] == "sat":
        assert r["status"] in ("sat", "unsat", "unknown", "error")
    else:
        assert r["status"] in ("solved", "unsolved", "unknown", "error")
    assert r["ok"] in (True, False, None)
    assert isinstance(r["time"], (int, float)) and r["time"] >= 0
    assert r["limit"] is None or isinstance(r["limit"], (int, float))
    assert r["conflicts"] is None or isinstance(r["conflicts"], int)
    assert (r["error"] is not None) == (r["status"] == "error")
    assert re.fullmatch(r".+:\d+", r["worker"])
    assert ISO.fullmatch(r["finished_at"])
    assert isinstance(r["fastback"], str) and r["fastback"]


class CountingSatTask(SatTask):
    """A SatTask that counts its runs (threads share this process)."""

    calls: Dict[str, int] = {}
    lock = threading.Lock()

    def run(self, ctx):  # type: ignore[override]
        with self.lock:
            self.calls[self.id] = self.calls.get(self.id, 0) + 1
        return super().run(ctx)


def raise_interrupt() -> None:
    raise KeyboardInterrupt


# --------------------------------------------------------------------------
# answers, checked independently
# --------------------------------------------------------------------------


def test_shared_small_instances_answers_checked_independently():
    needs_shared_sat()
    status = manifest_status()
    tasks = [SatTask(SHARED_SAT / name, time=20, expected=status[name], keep_model=True) for name in SMALL]
    records = run(tasks, workers=2, progress=False)
    assert [r["instance"] for r in records] == SMALL
    for r in records:
        check_contract(r)
        assert r["status"] == status[r["instance"]], r
        if r["status"] == "sat":
            assert satisfies(parse_dimacs(SHARED_SAT / r["instance"]), r["model"])
        assert r["ok"] is True and r["limit"] == 20.0 and r["conflicts"] >= 0


def test_folder_scan_families_and_compressed_files(tmp_path):
    (tmp_path / "php").mkdir()
    (tmp_path / "rand").mkdir()
    write_cnf(tmp_path / "php" / "php-4-3.cnf", php(4, 3))
    write_cnf(tmp_path / "php" / "php-3-3.cnf", php(3, 3))
    text = (tmp_path / "php" / "php-3-3.cnf").read_bytes()
    with gzip.open(tmp_path / "rand" / "r.cnf.gz", "wb") as f:
        import random

        clauses = random_kcnf(random.Random(1), 30, 90, 3)
        f.write(("p cnf 30 90\n" + "".join(" ".join(map(str, c)) + " 0\n" for c in clauses)).encode())
    with lzma.open(tmp_path / "top.cnf.xz", "wb") as f:
        f.write(text)
    (tmp_path / "notes.txt").write_text("not a formula")
    found = find_sat_instances(str(tmp_path))
    assert [(i.name, i.family, i.expected) for i in found] == [
        ("php/php-3-3.cnf", "php", None), ("php/php-4-3.cnf", "php", None),
        ("rand/r.cnf.gz", "rand", None), ("top.cnf.xz", "", None)]
    records = run(sat_tasks(found), workers=2, progress=False)
    by = {r["instance"]: r for r in records}
    assert by["php/php-4-3.cnf"]["status"] == "unsat" and by["php/php-4-3.cnf"]["ok"] is None
    for name in ("php/php-3-3.cnf", "top.cnf.xz", "rand/r.cnf.gz"):
        assert by[name]["status"] in ("sat", "unsat")
        if by[name]["status"] == "sat":
            assert by[name]["ok"] is True
    assert by["top.cnf.xz"]["status"] == "sat"


def test_unsat_checked_by_drat_proof(tmp_path):
    write_cnf(tmp_path / "php-5-4.cnf", php(5, 4))
    [r] = run([SatTask(tmp_path / "php-5-4.cnf", check_proof=True)], progress=False)
    assert r["status"] == "unsat" and r["proof_verified"] is True and r["ok"] is True


def test_wrong_answers_against_expected_are_flagged(tmp_path):
    write_cnf(tmp_path / "u.cnf", php(4, 3))
    write_cnf(tmp_path / "s.cnf", php(3, 3))
    records = run([SatTask(tmp_path / "u.cnf", expected="sat"), SatTask(tmp_path / "s.cnf", expected="unsat")],
                  progress=False)
    wrong, right_model = records
    assert wrong["status"] == "unsat" and wrong["ok"] is False and "WRONG" in wrong["note"]
    # A model that satisfies every clause is right whatever the manifest says; the note says so.
    assert right_model["status"] == "sat" and right_model["ok"] is True and "expected status is unsat" in right_model["note"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_check_model_agrees_with_plain_evaluation(data):
    nv = data.draw(st.integers(1, 8))
    lit = st.integers(1, nv).flatmap(lambda v: st.sampled_from([v, -v]))
    clauses = data.draw(st.lists(st.lists(lit, min_size=0, max_size=4), min_size=0, max_size=12))
    model = [v if data.draw(st.booleans()) else -v for v in range(1, nv + 1)]
    lits = [x for c in clauses for x in c]
    offsets = [0]
    for c in clauses:
        offsets.append(offsets[-1] + len(c))
    bad = check_model(lits, offsets, model)
    assert (bad is None) == satisfies(clauses, model)
    if bad is not None:
        assert not any(x in set(model) for x in clauses[bad])
        assert all(any(x in set(model) for x in c) for c in clauses[:bad])


def test_time_and_conflict_limits_are_enforced_inside_the_engine(tmp_path):
    write_cnf(tmp_path / "hard.cnf", php(12, 11))
    write_cnf(tmp_path / "easy.cnf", php(3, 3))
    t0 = time.monotonic()
    # One worker: the hard task must end by its own limit for the easy one to run at all.
    records = run([SatTask(tmp_path / "hard.cnf", time=0.4), SatTask(tmp_path / "hard.cnf", config="c", conflicts=500),
                   SatTask(tmp_path / "easy.cnf")], workers=1, progress=False)
    assert time.monotonic() - t0 < 10
    by_time, by_conflicts, easy = records
    assert by_time["status"] == "unknown" and by_time["reason"] == "time_limit"
    assert 0.3 < by_time["time"] < 2.0 and by_time["limit"] == 0.4
    assert by_conflicts["status"] == "unknown" and by_conflicts["reason"] == "conflict_limit"
    assert by_conflicts["conflicts"] == 500 and by_conflicts["limit"] is None
    assert easy["status"] == "sat"


def test_several_configs(tmp_path):
    needs_shared_sat()
    status = manifest_status()
    instances = [i for i in find_sat_instances(str(SHARED_SAT)) if i.name in SMALL[:4]]
    configs = [parse_config("default"), parse_config("s7:--seed=7"), parse_config("nosimp:--simplify=0,--seed 3"),
               parse_config("tight:--conflicts=1")]
    records = run(sat_tasks(instances, configs, time=20), workers=2, progress=False)
    assert len(records) == 16 and len({r["id"] for r in records}) == 16
    for r in records:
        check_contract(r)
        if r["config"] == "tight":
            assert r["status"] in ("unknown", status[r["instance"]])
            assert r["conflicts"] <= 1
        else:
            assert r["status"] == status[r["instance"]] and r["ok"] is True
            assert r["limit"] == 20.0


def test_neural_config_runs(tmp_path):
    write_cnf(tmp_path / "s.cnf", php(5, 5))
    [r] = run([SatTask(tmp_path / "s.cnf", config="neural", neural=True, keep_model=True)], progress=False)
    assert r["status"] == "sat" and r["ok"] is True and satisfies(php(5, 5), r["model"])


# --------------------------------------------------------------------------
# errors become records
# --------------------------------------------------------------------------


def not_json() -> Any:
    return {"value": {1, 2}}


def test_errors_become_error_records(tmp_path):
    (tmp_path / "bad.cnf").write_text("p cnf 2 1\n1 x 0\n")
    write_cnf(tmp_path / "ok.cnf", php(3, 3))
    tasks = [SatTask(tmp_path / "bad.cnf"), SatTask(tmp_path / "missing.cnf"),
             CallTask(int, "seven", id="call/int"), CallTask(not_json, id="call/set"),
             CallTask(lambda: float("nan"), id="call/nan"), SatTask(tmp_path / "ok.cnf")]
    records = run(tasks, out=tmp_path / "r.jsonl", workers=2, progress=False)
    bad, missing, int_call, set_call, nan_call, ok = records
    for r in records[:5]:
        check_contract(r)
        assert r["status"] == "error" and r["ok"] is None
    assert bad["error"].startswith(f"{tmp_path / 'bad.cnf'}:2:"), bad["error"]
    assert "missing.cnf" in missing["error"]
    assert int_call["error"].startswith("ValueError: invalid literal")
    assert "not JSON" in set_call["error"] and "not JSON" in nan_call["error"]
    assert ok["status"] == "sat"
    assert sorted(r["id"] for r in lines_of(tmp_path / "r.jsonl")) == sorted(t.id for t in tasks)


def test_records_outside_the_contract_become_error_records():
    records = run([CallTask(dict, id="a", kwargs={"status": "done"}), CallTask(dict, id="b", kwargs={"ok": "yes"}),
                   CallTask(dict, id="c", kwargs={"status": "error"})], progress=False)
    assert [r["status"] for r in records] == ["error"] * 3
    assert "status 'done' is not one of solved, unsolved, unknown, error" in records[0]["error"]
    assert "ok 'yes' is not true, false or null" in records[1]["error"]
    assert "without a message" in records[2]["error"]


def test_duplicate_ids_are_an_error_before_anything_runs(tmp_path):
    write_cnf(tmp_path / "a.cnf", php(3, 3))
    CountingSatTask.calls.clear()
    tasks = [CountingSatTask(tmp_path / "a.cnf"), CountingSatTask(tmp_path / "b.cnf"),
             CountingSatTask(tmp_path / "a.cnf")]
    with pytest.raises(DuplicateTaskError, match=r"'default/a.cnf': tasks 0 and 2"):
        run(tasks, out=tmp_path / "r.jsonl", progress=False)
    assert CountingSatTask.calls == {} and not (tmp_path / "r.jsonl").exists()


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="workers"):
        run([], workers=0)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex, pytest.raises(ValueError, match="size the executor"):
        run([], ex, workers=2)
    with pytest.raises(ValueError, match="unknown solver option 'nope'"):
        SatTask("x.cnf", options={"nope": 1})
    with pytest.raises(ValueError, match=r"restartint must be an int in \[1, 10000\]"):
        SatTask("x.cnf", options={"restartint": 0})


# --------------------------------------------------------------------------
# resume
# --------------------------------------------------------------------------


def _resume_tasks(folder: Path, stop_at: int = -1) -> List[Any]:
    tasks: List[Any] = []
    for k in range(8):
        path = folder / f"f{k}.cnf"
        if not path.exists():
            write_cnf(path, php(3 + k % 3, 3) if k % 2 else php(4, 3))
        tasks.append(CountingSatTask(path))
        if k == stop_at:
            tasks.append(CallTask(raise_interrupt, id="stop/here"))
    return tasks


def test_interrupted_run_resumes_without_redoing_tasks(tmp_path):
    out = tmp_path / "r.jsonl"
    CountingSatTask.calls.clear()
    # One worker, one task in flight: the CallTask after f3 stops the batch deterministically.
    with pytest.raises(BatchInterrupted) as info:
        run(_resume_tasks(tmp_path, stop_at=3), out=out, workers=1, max_in_flight=1, progress=False)
    first = lines_of(out)
    assert [r["id"] for r in first] == [f"default/f{k}.cnf" for k in range(4)]
    assert [r["id"] for r in info.value.results] == [r["id"] for r in first]
    CountingSatTask.calls.clear()
    records = run(_resume_tasks(tmp_path), out=out, workers=2, progress=False)
    assert sorted(CountingSatTask.calls) == [f"default/f{k}.cnf" for k in range(4, 8)]
    assert set(CountingSatTask.calls.values()) == {1}
    ids = [r["id"] for r in lines_of(out)]
    assert sorted(ids) == sorted(f"default/f{k}.cnf" for k in range(8)) and len(ids) == len(set(ids))
    assert [r["id"] for r in records] == [f"default/f{k}.cnf" for k in range(8)]
    assert records[:4] == first  # resumed records are read back as written
    CountingSatTask.calls.clear()
    run(_resume_tasks(tmp_path), out=out, progress=False)
    assert CountingSatTask.calls == {}


def test_truncated_last_line_is_dropped_and_redone(tmp_path):
    out = tmp_path / "r.jsonl"
    run(_resume_tasks(tmp_path), out=out, workers=2, progress=False)
    text = out.read_text()
    last = json.loads(text.splitlines()[-1])
    out.write_text(text[:-25])  # a crash in the middle of the last write
    CountingSatTask.calls.clear()
    run(_resume_tasks(tmp_path), out=out, workers=2, progress=False)
    assert CountingSatTask.calls == {last["id"]: 1}
    ids = [r["id"] for r in lines_of(out)]
    assert len(ids) == 8 == len(set(ids))


def test_whole_last_record_without_newline_is_kept(tmp_path):
    out = tmp_path / "r.jsonl"
    run(_resume_tasks(tmp_path), out=out, progress=False)
    out.write_text(out.read_text()[:-1])
    CountingSatTask.calls.clear()
    run(_resume_tasks(tmp_path), out=out, progress=False)
    assert CountingSatTask.calls == {}
    assert len(lines_of(out)) == 8


def test_damaged_middle_line_is_an_error_naming_the_line(tmp_path):
    out = tmp_path / "r.jsonl"
    run(_resume_tasks(tmp_path), out=out, progress=False)
    lines = out.read_text().splitlines(keepends=True)
    lines[2] = "{oops\n"
    out.write_text("".join(lines))
    before = out.read_text()
    with pytest.raises(ResultsFileError, match=r"r\.jsonl:3: not a JSON record"):
        run(_resume_tasks(tmp_path), out=out, progress=False)
    assert out.read_text() == before
    assert len(read_results_lenient(out)) == 7


def read_results_lenient(path: Path) -> List[Dict[str, Any]]:
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=6), min_size=1, max_size=6, unique=True), st.data())
def test_a_file_cut_at_any_byte_resumes_from_its_whole_records(tmp_path_factory, ids, data):
    from fastback.batch import ResultsFile

    path = tmp_path_factory.mktemp("cut") / "r.jsonl"
    with ResultsFile(path) as f:
        for i in ids:
            f.append({"id": i, "note": "é" * len(i)})
    raw = path.read_bytes()
    cut = data.draw(st.integers(0, len(raw)))
    path.write_bytes(raw[:cut])
    # A record counts when all of its line but at most the newline survived.
    ends = [k for k, b in enumerate(raw) if b == ord("\n")]
    kept = [i for i, end in zip(ids, ends) if end <= cut]
    with ResultsFile(path) as f:
        assert list(f.done) == kept
        assert f.dropped_partial == (cut not in [0] + [e + 1 for e in ends] + ends)
    after = path.read_bytes()
    assert after == b"" or after.endswith(b"\n")
    assert [json.loads(line)["id"] for line in after.splitlines()] == kept


def test_read_results_keeps_the_first_record_of_an_id(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "a", "n": 1}\n{"id": "b"}\n{"id": "a", "n": 2}\n{"id": "c", "n"')
    assert read_results(path) == [{"id": "a", "n": 1}, {"id": "b"}]


def test_results_file_is_locked_while_a_batch_writes(tmp_path):
    from fastback.batch import ResultsFile

    with ResultsFile(tmp_path / "r.jsonl"):
        with pytest.raises(ResultsFileError, match="another batch is writing"):
            run([], out=tmp_path / "r.jsonl")


def test_sigint_stops_running_solvers_and_writes_no_partial_record(tmp_path):
    write_cnf(tmp_path / "hard.cnf", php(12, 11))
    write_cnf(tmp_path / "easy.cnf", php(3, 3))
    tasks = [SatTask(tmp_path / "easy.cnf"), SatTask(tmp_path / "hard.cnf"),
             SatTask(tmp_path / "hard.cnf", config="b")]

    def first_result(record: Dict[str, Any]) -> None:
        # Delivered to the main thread, inside run(), whose handler turns it into a stop.
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()

    out = tmp_path / "r.jsonl"
    t0 = time.monotonic()
    with pytest.raises(BatchInterrupted) as info:
        run(tasks, out=out, workers=3, progress=False, on_result=first_result)
    assert time.monotonic() - t0 < 8
    assert [r["id"] for r in lines_of(out)] == ["default/easy.cnf"]
    assert info.value.dropped == 2
    assert signal.getsignal(signal.SIGINT) is not None  # restored (pytest's or the default)


def sleep_after(event: threading.Event, seconds: float) -> None:
    event.set()
    time.sleep(seconds)


def test_a_second_sigint_does_not_wait_for_running_tasks(tmp_path):
    started = threading.Event()

    def interrupt_twice() -> None:
        started.wait(10)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_twice, daemon=True).start()
    t0 = time.monotonic()
    # A CallTask cannot be interrupted: after the first signal the runner waits for it.
    with pytest.raises(KeyboardInterrupt) as info:
        run([CallTask(sleep_after, started, 3.0, id="slow")], out=tmp_path / "r.jsonl", progress=False)
    assert type(info.value) is KeyboardInterrupt
    assert time.monotonic() - t0 < 2.5
    assert (tmp_path / "r.jsonl").read_text() == ""


# --------------------------------------------------------------------------
# other task kinds, other executors
# --------------------------------------------------------------------------


def test_sudoku_tasks_from_a_file_in_chunks_and_a_list():
    path = SHARED_SUDOKU / "puzzles2_17_clue"
    if not path.is_file():
        pytest.skip(f"{path} is not there")
    tasks: List[Any] = [SudokuTask(path, start=k * 500, stop=(k + 1) * 500) for k in range(4)]
    good = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"
    tasks.append(SudokuTask([good, "11" + "." * 79], id="list/two"))
    records = run(tasks, workers=2, progress=False)
    for r in records[:4]:
        check_contract(r)
        assert r["status"] == "solved" and r["ok"] is True and r["puzzles"] == r["solved"] == 500
    assert records[0]["id"] == "default/puzzles2_17_clue[0:500]"
    assert records[4]["status"] == "unsolved" and records[4]["no_solution"] == [1] and records[4]["solved"] == 1


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_check_sudoku_solution_agrees_with_the_rules(data):
    from fastback import sudoku

    puzzle = sudoku.generate(4, seed=data.draw(st.integers(0, 50))).puzzle if data.draw(st.booleans()) else \
        "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"
    solution = sudoku.solve(puzzle)
    assert solution is not None
    n = round(len(solution) ** 0.5)
    cells = list(solution)
    for _ in range(data.draw(st.integers(0, 2))):
        i = data.draw(st.integers(0, len(cells) - 1))
        cells[i] = str(data.draw(st.integers(1, n)))
    candidate = "".join(cells)
    assert (check_sudoku_solution(puzzle, candidate) is None) == check_solution(puzzle, candidate)


def test_lr2bench_task_scores_a_level():
    from lr2bench_helpers import data_root

    root = data_root()
    [r] = run([LR2BenchTask("sudoku", "4_4_easy", root=str(root))], progress=False)
    check_contract(r)
    assert r["instance"] == "sudoku/4_4_easy" and r["family"] == "sudoku"
    assert r["scores"]["n"] == 50 and r["scores"]["em"] == 1.0
    assert r["status"] == "solved" and r["ok"] is True


def test_call_tasks_merge_dicts_and_keep_values():
    records = run([CallTask(sum, [1, 2, 3], id="a"), CallTask(dict, id="grade/b", kwargs={"status": "unsolved", "x": 1})],
                  progress=False)
    assert records[0]["value"] == 6 and records[0]["status"] == "solved" and records[0]["kind"] == "call"
    assert (records[0]["config"], records[0]["instance"]) == ("default", "a")
    assert (records[1]["config"], records[1]["instance"]) == ("grade", "b")
    assert records[1]["status"] == "unsolved" and records[1]["x"] == 1


def test_process_pool_executor_runs_picklable_tasks(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    for k in range(4):
        write_cnf(tmp_path / f"p{k}.cnf", php(3 + k % 2, 3))
    with ProcessPoolExecutor(2) as ex:
        records = run([SatTask(tmp_path / f"p{k}.cnf", keep_model=True) for k in range(4)], ex, progress=False)
    assert [r["status"] for r in records] == ["sat", "unsat", "sat", "unsat"]
    assert all(not r["worker"].endswith(f":{os.getpid()}") for r in records)
    assert satisfies(php(3, 3), records[0]["model"])


# --------------------------------------------------------------------------
# configs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("spec, expected", [
    ("default", dict(name="default")),
    ("neural:--neural", dict(name="neural", neural=True)),
    ("seed2:--seed=2", dict(name="seed2", seed=2)),
    ("t:--seed 3, --restartint=50 --time=1.5", dict(name="t", seed=3, options={"restartint": 50}, time=1.5)),
    ("c:--conflicts=10,--neural,--prior-threshold=0.95", dict(name="c", conflicts=10, neural=True, threshold=0.95)),
])
def test_parse_config(spec, expected):
    config = parse_config(spec)
    for key, value in expected.items():
        assert getattr(config, key) == value
    assert parse_config(config.spec()) == config


@pytest.mark.parametrize("spec, message", [
    ("", "missing name"),
    ("a/b", "config 'a/b': a name holds only"),
    ("x:", "config 'x': no flags after ':'"),
    ("x:--sed=2", "config 'x': unknown flag --sed"),
    ("x:seed=2", "config 'x': 'seed=2' is not a flag"),
    ("x:--seed=two", "config 'x': --seed expects an int, got 'two'"),
    ("x:--restartint=0", r"config 'x': --restartint must be in \[1, 10000\]"),
    ("x:--seed", "config 'x': --seed needs a value"),
    ("x:--seed=1,--seed=2", "config 'x': --seed given twice"),
    ("x:--neural=/no/such/model.safetensors", "config 'x': --neural=/no/such/model.safetensors: no such model file"),
    ("x:--prior-threshold=0.9", "config 'x': --prior-threshold without --neural"),
    ("x:--prior-threshold=0.4,--neural", r"config 'x': --prior-threshold must be in \(0.5, 1\]"),
])
def test_bad_configs_name_the_config(spec, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(spec)


# --------------------------------------------------------------------------
# fastback batch sat
# --------------------------------------------------------------------------


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "FASTBACK_NO_PROGRESS": "1", "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    return subprocess.run(CLI + ["batch", "sat", *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def bench(tmp_path) -> Path:
    """A folder of tiny formulas with a manifest (one row mislabelled on demand)."""
    folder = tmp_path / "bench"
    (folder / "holes").mkdir(parents=True)
    write_cnf(folder / "holes" / "php-4-3.cnf", php(4, 3))
    write_cnf(folder / "holes" / "php-3-3.cnf", php(3, 3))
    write_cnf(folder / "php-5-4.cnf", php(5, 4))
    (folder / "manifest.csv").write_text("file,status,set,family\n"
                                         "holes/php-4-3.cnf,unsat,quick,pigeons\n"
                                         "holes/php-3-3.cnf,sat,quick,pigeons\n"
                                         "php-5-4.cnf,unsat,medium,\n")
    return folder


def test_cli_jsonl_on_stdout_and_summary(bench):
    p = cli(str(bench), "--workers", "2")
    assert p.returncode == 0, p.stderr
    records = [json.loads(line) for line in p.stdout.splitlines()]
    assert sorted(r["id"] for r in records) == ["default/holes/php-3-3.cnf", "default/holes/php-4-3.cnf",
                                                "default/php-5-4.cnf"]
    for r in records:
        check_contract(r)
        assert r["ok"] is True
    by = {r["instance"]: r for r in records}
    assert by["holes/php-4-3.cnf"]["family"] == "pigeons" and by["php-5-4.cnf"]["family"] == ""
    assert "default: 3 of 3 solved (1 sat, 2 unsat), 0 unsolved, 0 errors, 0 wrong" in p.stderr


def test_cli_out_configs_resume_and_filters(bench, tmp_path):
    out = tmp_path / "r.jsonl"
    p = cli(str(bench), "--out", str(out), "--config", "default", "--config", "s2:--seed=2", "--set", "quick",
            "--time", "5")
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""
    records = lines_of(out)
    assert sorted(r["id"] for r in records) == sorted(f"{c}/holes/php-{k}-3.cnf" for c in ("default", "s2")
                                                      for k in (3, 4))
    assert all(r["limit"] == 5.0 for r in records)
    assert "s2: 2 of 2 solved" in p.stderr
    p = cli(str(bench), "--out", str(out), "--config", "default", "--config", "s2:--seed=2", "--time", "5")
    assert p.returncode == 0, p.stderr
    ids = [r["id"] for r in lines_of(out)]
    assert len(ids) == 6 == len(set(ids))
    p = cli(str(bench / "manifest.csv"), "--family", "pigeons", "-q")
    assert p.returncode == 0 and p.stderr == "" and len(p.stdout.splitlines()) == 2


def test_cli_wrong_answer_exits_3(bench):
    manifest = bench / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("holes/php-4-3.cnf,unsat", "holes/php-4-3.cnf,sat"))
    p = cli(str(bench), "-q")
    assert p.returncode == 3
    assert "WRONG ANSWER: default/holes/php-4-3.cnf" in p.stderr


def test_cli_error_record_exits_1(bench):
    (bench / "broken.cnf").write_text("p cnf 1 1\n1 2 3\n")
    p = cli(str(bench))
    assert p.returncode == 1
    broken = [json.loads(line) for line in p.stdout.splitlines() if "broken" in line]
    assert broken[0]["status"] == "error" and "broken.cnf" in broken[0]["error"]
    assert "1 error" in p.stderr


@pytest.mark.parametrize("setup, args, message", [
    (None, ["{t}/nowhere"], "{t}/nowhere: no such file or directory"),
    ("empty", ["{t}/empty"], "{t}/empty: no .cnf, .cnf.gz or .cnf.xz files"),
    ("nofile", ["{t}/m.csv"], "{t}/m.csv:1: no 'file' column (columns: name, status)"),
    ("badstatus", ["{t}/m.csv"], "{t}/m.csv:3: status 'maybe' is not sat, unsat or empty"),
    ("missing", ["{t}/m.csv"], "{t}/m.csv:2: gone.cnf: no such file"),
    ("cnf", ["{t}/one.cnf"], "a CNF file"),
    ("empty", ["{t}/empty", "--set", "quick"], "no .cnf"),
    ("bench", ["{t}/bench", "--set", "nope"], "3 CNF files, none in set nope (sets: medium, quick)"),
    ("bench", ["{t}/bench", "--scheduler", "tcp://127.0.0.1:1", "--time", "1"], "--scheduler tcp://127.0.0.1:1"),
    ("bench", ["{t}/bench", "--out", "{t}/no/dir/r.jsonl"], "{t}/no/dir/r.jsonl: cannot open for appending"),
])
def test_cli_bad_input_exits_1_with_a_message(tmp_path, bench, setup, args, message):
    t = str(tmp_path)
    if setup == "empty":
        (tmp_path / "empty").mkdir()
    elif setup == "nofile":
        (tmp_path / "m.csv").write_text("name,status\nx.cnf,sat\n")
    elif setup == "badstatus":
        write_cnf(tmp_path / "a.cnf", php(3, 3))
        (tmp_path / "m.csv").write_text("file,status\na.cnf,sat\na2.cnf,maybe\n")
    elif setup == "missing":
        (tmp_path / "m.csv").write_text("file,status\ngone.cnf,sat\n")
    elif setup == "cnf":
        write_cnf(tmp_path / "one.cnf", php(3, 3))
    p = cli(*[a.format(t=t) for a in args])
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert message.format(t=t) in p.stderr
    assert p.stderr.startswith("fastback batch sat: error: ") or "fastback batch sat: error: " in p.stderr
    assert p.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["--config", "x:--sed=1"], "argument --config: config 'x': unknown flag --sed"),
    (["--config", "a", "--config", "a:--seed=1"], "argument --config: config 'a' is given twice"),
    (["--workers", "0"], "argument --workers"),
    (["--scheduler", "tcp://x:1", "--workers", "2"], "--workers sizes the local thread pool"),
])
def test_cli_usage_errors_exit_2(bench, args, message):
    p = cli(str(bench), *args)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr


def test_cli_scheduler_without_dask_names_the_extra(bench):
    code = ("import sys; sys.modules['distributed'] = None; from fastback.cli import main; "
            f"sys.exit(main(['batch', 'sat', {str(bench)!r}, '--scheduler', 'tcp://127.0.0.1:1']))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "pip install 'fastback[dist]'" in p.stderr


def test_cli_ctrl_c_exits_130_and_the_rerun_resumes(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    write_cnf(folder / "a-easy.cnf", php(3, 3))
    write_cnf(folder / "b-hard.cnf", php(12, 11))
    out = tmp_path / "r.jsonl"
    env = {**os.environ, "FASTBACK_NO_PROGRESS": "1"}
    proc = subprocess.Popen(CLI + ["batch", "sat", str(folder), "--out", str(out), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=_default_signal_handling)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (out.exists() and out.read_text().endswith("\n")):
            time.sleep(0.05)
        time.sleep(0.3)  # the hard one is under way
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted: 1 of 2 tasks have records; rerun with the same --out to resume" in err
    assert [r["id"] for r in lines_of(out)] == ["default/a-easy.cnf"]
    p = cli(str(folder), "--out", str(out), "--time", "0.5")
    assert p.returncode == 0, p.stderr
    records = lines_of(out)
    assert [r["id"] for r in records] == ["default/a-easy.cnf", "default/b-hard.cnf"]
    assert records[1]["status"] == "unknown" and records[1]["limit"] == 0.5


def test_cli_shared_manifest_set_quick_selects_the_manifest_rows():
    needs_shared_sat()
    quick = [i.name for i in find_sat_instances(str(SHARED_SAT / "manifest.csv"), sets=["quick"])]
    with open(SHARED_SAT / "manifest.csv", newline="") as f:
        assert quick == [row["file"] for row in csv.DictReader(f) if row["set"] == "quick"]
    with pytest.raises(InstanceError, match="--set needs a manifest"):
        find_sat_instances(str(Path(__file__).parent.parent / "examples"), sets=["quick"])


def test_the_batch_parser_imports_nothing_heavy():
    # Every fastback command builds this parser: it must not pull in numpy, tqdm or dask.
    code = ("import argparse, sys; from fastback.batch import cli; p = argparse.ArgumentParser(); "
            "cli.add_arguments(p); p.parse_args(['sat', 'x', '--config', 'a:--seed=1', '--config', 'b']); "
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'dask', 'distributed', 'tqdm'}); "
            "print(heavy)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
