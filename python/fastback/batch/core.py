"""Running many tasks over an executor: the batch runner.

Why this shape: people sweep benchmark folders, compare configurations and
label training data, and they need three things their own loop rarely has:
parallelism (threads on one machine, since the Rust engines release the GIL,
or a Dask cluster), a record of every finished task that survives a crash,
and a clean stop on Ctrl-C. :func:`run` gives all three for any
``concurrent.futures.Executor`` and for a ``dask.distributed.Client``.

How it runs. Tasks are checked first (ids unique), the results file is read
(finished ids are skipped), then tasks are submitted, at most
``max_in_flight`` at a time on an executor (so a million tasks do not become
a million futures, and a stop has little to cancel), all at once on a Dask
client (the scheduler queues, balances and reschedules them). Each future
reports its completion through ``add_done_callback`` into one queue, which
the calling thread drains: it alone writes records (one line each, flushed)
and updates the progress, so records are never interleaved. Limits (time,
conflicts) are enforced by the engines inside each task, so a slow task
ends by itself and never blocks a worker for longer than its limit.

Worker loss on Dask: a task whose worker dies is rescheduled by the
scheduler and its future completes once, so every task yields exactly one
record; if a task kills workers repeatedly (``KilledWorker``) its record is
an error record.

Stopping. SIGINT and SIGTERM (when :func:`run` is called on the main
thread) only set a flag and interrupt the running engines, so a record is
never cut in half by a ``KeyboardInterrupt`` (a second signal does raise
one at once, for the impatient). The runner then submits
nothing more, cancels what has not started, tells running tasks to stop
(:func:`~fastback.batch.tasks.interrupt_batch`, locally and on every Dask
worker), waits briefly for them, records those that finished with a real
answer and discards the interrupted ones, and raises
:class:`BatchInterrupted`. Rerunning with the same ``out`` resumes; at most
the tasks in flight are lost.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
import uuid
from collections import deque
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Sequence, TextIO, Union

from fastback.batch.progress import ProgressBar, Tally, want_bar
from fastback.batch.store import PathLike, ResultsFile, dump_line
from fastback.batch.tasks import STOPPED, execute, forget_batch, interrupt_batch

__all__ = ["run", "BatchInterrupted", "DuplicateTaskError", "default_workers"]

#: Seconds the runner waits, after a stop, for running tasks to notice it.
DRAIN_SECONDS = 10.0


class BatchInterrupted(KeyboardInterrupt):
    """The batch was stopped (Ctrl-C, SIGTERM, or a task raising
    ``KeyboardInterrupt``). ``results`` holds the records of the tasks that
    finished, in input order (resumed ones included); every one of them is
    in the results file. ``dropped``: tasks submitted but left without a
    record (cancelled before they started, or interrupted). A
    ``KeyboardInterrupt``, so code that does not know about batches still
    stops."""

    def __init__(self, results: List[Dict[str, Any]], dropped: int) -> None:
        super().__init__(f"batch interrupted: {len(results)} tasks have records; {dropped} submitted "
                         f"tasks left none (they run again on resume)")
        self.results = results
        self.dropped = dropped


class DuplicateTaskError(ValueError):
    """Two tasks of one batch have the same id (the message names it and
    both positions)."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _is_dask_client(executor: Any) -> bool:
    mod = type(executor).__module__ or ""
    return mod.startswith("distributed") and type(executor).__name__ == "Client"


class _Backend:
    """Submission and stopping for a ``concurrent.futures.Executor``."""

    def __init__(self, executor: Any, batch: str) -> None:
        self.executor = executor
        self.batch = batch

    def submit(self, task: Any) -> Any:
        return self.executor.submit(execute, task, self.batch)

    def stop(self, futures: Sequence[Any]) -> None:
        for f in futures:
            f.cancel()
        interrupt_batch(self.batch)  # tasks running in this process (thread pools)

    def result(self, future: Any) -> Dict[str, Any]:
        record: Dict[str, Any] = future.result()
        return record

    def release(self, future: Any) -> None:
        pass

    def window(self) -> Optional[int]:
        n = getattr(self.executor, "_max_workers", None)
        return 2 * (n if isinstance(n, int) and n > 0 else default_workers())


class _DaskBackend(_Backend):
    """Submission and stopping for a ``dask.distributed.Client``: every task
    is submitted at once with a unique key (never deduplicated against an
    equal task), and a stop is sent to every worker."""

    def submit(self, task: Any) -> Any:
        key = f"fastback-batch-{self.batch}-{uuid.uuid4().hex[:12]}"
        return self.executor.submit(execute, task, self.batch, key=key, pure=False)

    def stop(self, futures: Sequence[Any]) -> None:
        try:
            self.executor.cancel(list(futures))
        except Exception:
            pass
        try:
            self.executor.run(interrupt_batch, self.batch, on_error="ignore")
        except Exception:
            pass

    def release(self, future: Any) -> None:
        future.release()

    def window(self) -> Optional[int]:
        return None


def _task_error_record(task: Any, e: BaseException) -> Dict[str, Any]:
    """The record of a task whose future failed outside the task (a worker
    killed too often, a task that does not pickle)."""
    from fastback.batch.tasks import _assemble, _describe

    fields = {"status": "error", "ok": None, "error": f"{type(e).__name__}: {e}"}
    record = _assemble(_describe(task), fields, 0.0)
    record["worker"] = None  # it did not finish anywhere
    return record


def _check_ids(tasks: List[Any]) -> None:
    seen: Dict[str, int] = {}
    for i, t in enumerate(tasks):
        tid = getattr(t, "id", None)
        if not isinstance(tid, str) or not tid:
            raise ValueError(f"task {i} ({t!r}) has no id (a non-empty str)")
        if tid in seen:
            raise DuplicateTaskError(f"duplicate task id {tid!r}: tasks {seen[tid]} and {i}")
        seen[tid] = i


class _Signals:
    """SIGINT/SIGTERM set ``stop`` and interrupt the running engines
    instead of raising; installed only on the main thread, restored after.
    A second signal raises ``KeyboardInterrupt`` at once, for a user who
    will not wait for the running tasks to stop (a record being written
    then may be cut short: resuming drops it and redoes its task)."""

    def __init__(self, stop: threading.Event, batch: str) -> None:
        self.stop = stop
        self.batch = batch
        self.signum: Optional[int] = None
        self._previous: Dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.stop.is_set() and self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum
        self.stop.set()
        interrupt_batch(self.batch)

    def __enter__(self) -> "_Signals":
        if threading.current_thread() is threading.main_thread():
            for s in (signal.SIGINT, signal.SIGTERM):
                try:
                    self._previous[s] = signal.signal(s, self._handle)
                except (ValueError, OSError):  # pragma: no cover - embedded interpreters
                    pass
        return self

    def __exit__(self, *exc: object) -> None:
        for s, previous in self._previous.items():
            signal.signal(s, previous)


def _drain(backend: _Backend, inflight: Dict[Any, Any], finished: "queue.Queue[Any]",
           record: Callable[[Dict[str, Any]], None]) -> int:
    """After a stop: cancels what has not started, interrupts what runs,
    waits up to :data:`DRAIN_SECONDS` for the running tasks and records
    those that finished with a real answer. Returns how many submitted
    tasks left no record (cancelled, interrupted, or still running at the
    deadline); they run again on resume."""
    submitted = len(inflight)
    recorded = 0
    backend.stop(list(inflight))
    deadline = time.monotonic() + DRAIN_SECONDS
    while inflight:
        try:
            future = finished.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        task = inflight.pop(future, None)
        if task is None or future.cancelled():
            continue
        try:
            r = backend.result(future)
        except BaseException:  # noqa: BLE001 - interrupted or failed while stopping: not a result
            continue
        finally:
            backend.release(future)
        if not r.get(STOPPED):
            record(r)
            recorded += 1
    return submitted - recorded


def run(tasks: Iterable[Any], executor: Any = None, *, out: Optional[PathLike] = None,
        workers: Optional[int] = None, progress: Union[None, bool, Callable[[Tally], None]] = None,
        stream: Optional[TextIO] = None, on_result: Optional[Callable[[Dict[str, Any]], None]] = None,
        max_in_flight: Optional[int] = None, label: str = "batch") -> List[Dict[str, Any]]:
    """Runs ``tasks`` and returns their records, in input order.

    ``tasks``: task objects (:class:`~fastback.batch.SatTask`,
    :class:`~fastback.batch.SudokuTask`, :class:`~fastback.batch.LR2BenchTask`,
    :class:`~fastback.batch.CallTask` or anything with ``id``, ``kind`` and
    ``run(ctx)``); read once, up front. ``executor``: any
    ``concurrent.futures.Executor`` or a ``dask.distributed.Client``;
    ``None`` makes a thread pool of ``workers`` threads (default one per
    core), shut down on return. An executor you pass is not shut down.

    ``out``: a results file (JSONL, ``batch-contract.md``); each record is
    appended as one line and flushed as its task finishes, and tasks whose
    id is already there are not run again: their records are read back
    (a cut-short last line is dropped and its task redone). ``stream``:
    also write each new record as a JSON line there (``fastback batch sat``
    passes stdout when there is no ``--out``). ``on_result(record)`` is
    called for each new record, on the calling thread. ``progress``:
    ``None`` a bar on stderr when it is a terminal, ``True``/``False``
    always/never, or a callable given the :class:`Tally` after each record.
    ``max_in_flight``: tasks submitted but not finished (default twice the
    executor's workers; unlimited on Dask).

    Errors, before anything runs: :class:`DuplicateTaskError` for two tasks
    with one id, ``ValueError`` for a task without an id or ``workers``
    given with an executor, :class:`~fastback.batch.ResultsFileError` for a
    damaged or busy results file. A failing task is an error record, never
    an exception here. On SIGINT/SIGTERM (main thread) or a task raising
    ``KeyboardInterrupt``: :class:`BatchInterrupted` after the stop
    described in the module doc. Cost: the tasks', plus one JSON line each.
    """
    todo = list(tasks)
    _check_ids(todo)
    if executor is not None and workers is not None:
        raise ValueError("workers= sizes the default thread pool; with an executor, size the executor")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a positive int, got {workers!r}")
    if max_in_flight is not None and max_in_flight < 1:
        raise ValueError(f"max_in_flight must be at least 1, got {max_in_flight}")

    store = ResultsFile(out) if out is not None else None
    batch = uuid.uuid4().hex
    own_executor = executor is None
    try:
        by_id: Dict[str, Dict[str, Any]] = {}
        tally = Tally(total=len(todo))
        if store is not None:
            for t in todo:
                r = store.done.get(t.id)
                if r is not None:
                    by_id[t.id] = r
                    tally.add(r)
            tally.resumed = len(by_id)
        pending: Deque[Any] = deque(t for t in todo if t.id not in by_id)

        bar: Optional[ProgressBar] = None
        callback: Optional[Callable[[Tally], None]] = None
        if callable(progress) and not isinstance(progress, bool):
            callback = progress
        elif progress is True or (progress is None and want_bar()):
            bar = ProgressBar(tally, label)

        if own_executor and pending:
            from concurrent.futures import ThreadPoolExecutor

            executor = ThreadPoolExecutor(max_workers=workers or default_workers(),
                                          thread_name_prefix="fastback-batch")
        backend = _DaskBackend(executor, batch) if _is_dask_client(executor) else _Backend(executor, batch)
        window = max_in_flight or backend.window() or max(1, len(pending))

        def record(r: Dict[str, Any]) -> None:
            if store is not None:
                store.append(r)
            if stream is not None:
                stream.write(dump_line(r))
                stream.flush()
            by_id[r["id"]] = r
            tally.add(r)
            if r.get("ok") is False:
                message = f"WRONG ANSWER: {r['id']}: {r.get('note') or r.get('status')}"
                if bar is not None:
                    bar.write(message)
                else:
                    sys.stderr.write(message + "\n")
            if bar is not None:
                bar.update(tally)
            if callback is not None:
                callback(tally)
            if on_result is not None:
                on_result(r)

        stop = threading.Event()
        interrupted = False
        dropped = 0
        try:
            with _Signals(stop, batch):
                inflight: Dict[Any, Any] = {}
                finished: "queue.Queue[Any]" = queue.Queue()
                try:
                    while pending or inflight:
                        while pending and len(inflight) < window and not stop.is_set():
                            task = pending.popleft()
                            future = backend.submit(task)
                            inflight[future] = task
                            future.add_done_callback(finished.put)
                        if stop.is_set():
                            break
                        try:
                            future = finished.get(timeout=0.2)
                        except queue.Empty:
                            continue
                        task = inflight.pop(future, None)
                        if task is None:
                            continue  # a second completion of one future: already recorded
                        try:
                            r = backend.result(future)
                        except KeyboardInterrupt:  # raised by the task (a thread pool passes it on)
                            stop.set()
                            break
                        except BaseException as e:  # noqa: BLE001 - e.g. KilledWorker, CancelledError
                            r = _task_error_record(task, e)
                        finally:
                            backend.release(future)
                        if r.get(STOPPED):  # stopped before the runner saw the signal
                            stop.set()
                            dropped += 1
                            continue
                        record(r)
                except KeyboardInterrupt:
                    # Raised on this thread outside a wait (e.g. in a progress callback).
                    stop.set()
                except BaseException:
                    # E.g. stdout closed under a pipe: leave no solver running behind the error.
                    interrupted = True
                    backend.stop(list(inflight))
                    raise
                if stop.is_set():
                    interrupted = True
                    dropped += _drain(backend, inflight, finished, record)
        finally:
            if bar is not None:
                bar.close()
            if own_executor and executor is not None:
                executor.shutdown(wait=not interrupted, cancel_futures=True)
        results = [by_id[t.id] for t in todo if t.id in by_id]
        if interrupted:
            raise BatchInterrupted(results, dropped)
        return results
    finally:
        forget_batch(batch)
        if store is not None:
            store.close()
