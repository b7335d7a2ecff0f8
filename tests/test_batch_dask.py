"""fastback.batch on a real Dask cluster, with a worker killed mid-run.

A ``LocalCluster`` of two worker processes (one thread each) runs twenty
SAT tasks of a few hundred milliseconds; after the third result, one worker
process is killed with SIGKILL while it is running a task. The scheduler
reschedules its work, and the batch must still end with every task's record
exactly once in the results file and every answer right: models checked
against the clauses by this file's own parser and evaluator, UNSAT answers
against the shared manifest.

dask.distributed is the optional ``dist`` extra: without it these tests
skip, or fail when FASTBACK_REQUIRE_DIST is set (``make test`` sets it).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from fastback.batch import SatTask, run
from sat_helpers import satisfies
from test_batch import SHARED_SAT, check_contract, lines_of, manifest_status, needs_shared_sat, parse_dimacs

if os.environ.get("FASTBACK_REQUIRE_DIST"):
    import distributed  # noqa: F401 - a missing dist extra fails here
else:
    pytest.importorskip("distributed", reason="the dist extra (dask.distributed) is not installed")

from distributed import Client, LocalCluster  # noqa: E402

#: Shared instances taking roughly 0.1-0.5 s each (any seed), SAT and UNSAT.
MEDIUM = ["op-40.cnf", "domset-7-gnd45-4.cnf", "bmc-ibm-11.cnf", "rand3-v220-s2.cnf", "bmc-ibm-4.cnf"]


@pytest.fixture(scope="module")
def cluster():
    needs_shared_sat()
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as c:
        yield c


def _check_answers(records: List[Dict[str, Any]]) -> None:
    status = manifest_status()
    clauses: Dict[str, Any] = {}
    for r in records:
        check_contract(r)
        assert r["status"] == status[r["instance"]], r
        assert r["ok"] is True
        if r["status"] == "sat":
            if r["instance"] not in clauses:
                clauses[r["instance"]] = parse_dimacs(SHARED_SAT / r["instance"])
            assert satisfies(clauses[r["instance"]], r["model"]), r["id"]


def test_batch_survives_a_killed_worker(cluster, tmp_path):
    out = tmp_path / "r.jsonl"
    tasks = [SatTask(SHARED_SAT / name, config=f"seed{seed}", seed=seed, time=30, keep_model=True,
                     expected=manifest_status()[name])
             for name in MEDIUM for seed in range(4)]
    assert len(tasks) == 20
    with Client(cluster) as client:
        pids = client.run(os.getpid)
        assert len(pids) == 2
        killed: Dict[str, Any] = {}

        def kill_a_busy_worker(record: Dict[str, Any]) -> None:
            if killed or len(lines_of(out)) < 3:
                return
            processing = client.processing()
            busy = [addr for addr, keys in processing.items() if keys and addr in pids]
            assert busy, processing
            killed["addr"] = busy[0]
            killed["pid"] = pids[busy[0]]
            killed["keys"] = len(processing[busy[0]])
            os.kill(killed["pid"], signal.SIGKILL)

        t0 = time.monotonic()
        records = run(tasks, client, out=out, progress=False, on_result=kill_a_busy_worker)
        elapsed = time.monotonic() - t0
        assert killed and killed["keys"] >= 1, "no worker was killed while running a task"
        # The worker is gone (its nanny may have started a new one).
        deadline = time.monotonic() + 20
        while killed["pid"] in client.run(os.getpid).values() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert killed["pid"] not in client.run(os.getpid).values()

    assert elapsed < 60
    written = lines_of(out)
    ids = [r["id"] for r in written]
    assert sorted(ids) == sorted(t.id for t in tasks), "a task is missing or duplicated"
    assert len(ids) == len(set(ids)) == 20
    assert [r["id"] for r in records] == [t.id for t in tasks]
    _check_answers(written)
    workers = {r["worker"] for r in written}
    assert len(workers) >= 2  # the work was spread over more than one process


def test_cli_scheduler_runs_on_the_cluster(cluster, tmp_path):
    out = tmp_path / "r.jsonl"
    env = {**os.environ, "FASTBACK_NO_PROGRESS": "1"}
    p = subprocess.run([sys.executable, "-m", "fastback", "batch", "sat", str(SHARED_SAT / "manifest.csv"),
                        "--family", "bmc-ibm", "--scheduler", cluster.scheduler_address, "--out", str(out),
                        "--time", "20", "--config", "default", "--config", "s1:--seed=1"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    assert f"on the Dask cluster at {cluster.scheduler_address}" in p.stderr
    records = lines_of(out)
    status = manifest_status()
    bmc = [name for name, _ in status.items() if name.startswith("bmc-ibm")]
    assert sorted(r["id"] for r in records) == sorted(f"{c}/{n}" for c in ("default", "s1") for n in bmc)
    for r in records:
        check_contract(r)
        assert r["status"] == status[r["instance"]] and r["ok"] is True
    ours = f":{os.getpid()}"
    assert not any(r["worker"].endswith(ours) for r in records)
    json.dumps(records)


def test_ctrl_c_stops_the_tasks_running_on_the_workers(cluster, tmp_path):
    from fastback.batch import BatchInterrupted
    from sat_helpers import php, write_cnf

    write_cnf(tmp_path / "hard.cnf", php(12, 11))  # far beyond a minute without a limit
    write_cnf(tmp_path / "easy.cnf", php(3, 3))
    out = tmp_path / "r.jsonl"
    tasks = [SatTask(tmp_path / "easy.cnf")] + [SatTask(tmp_path / "hard.cnf", config=f"h{k}") for k in range(6)]

    def after_first(record: Dict[str, Any]) -> None:
        # Delivered to the main thread, inside run(), whose handler turns it into a stop.
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT)).start()

    with Client(cluster) as client:
        t0 = time.monotonic()
        with pytest.raises(BatchInterrupted) as info:
            run(tasks, client, out=out, progress=False, on_result=after_first)
        assert time.monotonic() - t0 < 10
        assert [r["id"] for r in lines_of(out)] == ["default/easy.cnf"]
        assert info.value.dropped == 6
        # Both workers were solving the hard formula; a new batch runs at once
        # only if the stop reached their solvers (Dask cannot cancel a running task).
        t1 = time.monotonic()
        records = run([SatTask(tmp_path / "easy.cnf", config=f"e{k}") for k in range(4)], client, progress=False)
        assert time.monotonic() - t1 < 10
        assert [r["status"] for r in records] == ["sat"] * 4
