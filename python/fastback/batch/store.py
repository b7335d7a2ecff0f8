"""The results file: one JSON object per finished task, appended as it finishes.

Why JSONL appended line by line: a batch that dies at 90% must keep the 90%.
Each record is written as one complete line with a single ``write`` and
flushed before the next task's result is handled, so the file is always a
sequence of whole records, except possibly a last line cut short by a crash
(a kill, a power cut) in the middle of that write. Resuming reads the ids
already in the file and skips those tasks; a cut-short last line is not a
record, so it is removed (the file is truncated to the last complete line)
and its task is redone. Anything else that is not a record (a bad line in
the middle) is damage this writer cannot have made: it is an error naming
the file and line, and the file is left alone.

Invariant: every line of the file ends with ``\\n`` and is a JSON object
with a string ``id``; no id is written twice by one :class:`ResultsFile`.
Two batches writing one file at once would break that, so an open
``ResultsFile`` holds an exclusive ``flock`` on it (POSIX; elsewhere,
nothing guards against it).

The record layout is ``batch-contract.md``'s; readers keep the first record
of an id and ignore unknown keys (:func:`read_results`).
"""

from __future__ import annotations

import json
import os
from typing import IO, Any, Dict, List, Optional, Tuple, Union

from fastback._errors import LocatedError

__all__ = ["ResultsFile", "ResultsFileError", "read_results"]

PathLike = Union[str, "os.PathLike[str]"]


class ResultsFileError(LocatedError):
    """A results file that is not JSONL records (``file:line: message``), or
    one that cannot be opened or locked (``file: message``)."""


def _parse_line(raw: bytes, source: str, number: int) -> Dict[str, Any]:
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ResultsFileError(source, number, f"not a JSON record ({e})") from None
    if not isinstance(record, dict):
        raise ResultsFileError(source, number, "not a JSON object")
    if not isinstance(record.get("id"), str):
        raise ResultsFileError(source, number, "the record has no string 'id'")
    return record


def _scan(data: bytes, source: str) -> Tuple[List[Dict[str, Any]], int]:
    """The records of ``data`` and the length of its whole-record prefix
    (where a cut-short last line starts; ``len(data)`` when there is none)."""
    records: List[Dict[str, Any]] = []
    pos, number = 0, 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        number += 1
        if end < 0:
            # The last line has no newline: cut short by a crash mid-write,
            # unless the whole record made it and only "\n" is missing.
            try:
                records.append(_parse_line(data[pos:], source, number))
                return records, -len(data)  # complete; a newline must be added
            except ResultsFileError:
                return records, pos
        line = data[pos:end]
        if line.strip():
            records.append(_parse_line(line, source, number))
        pos = end + 1
    return records, len(data)


def read_results(path: PathLike) -> List[Dict[str, Any]]:
    """The records of a results file, in file order, the first of each id
    only; a cut-short last line is ignored. Errors:
    :class:`ResultsFileError` (file and line) for a line that is not a
    record, ``OSError`` when the file cannot be read. Cost: O(file size)."""
    source = os.fspath(path)
    with open(source, "rb") as f:
        data = f.read()
    records, _ = _scan(data, source)
    seen: Dict[str, Dict[str, Any]] = {}
    for r in records:
        seen.setdefault(r["id"], r)
    return list(seen.values())


class ResultsFile:
    """An open results file for one batch: the records already there
    (:attr:`done`, id -> first record) and :meth:`append`.

    Opening creates the file if needed, takes an exclusive lock, and
    truncates a cut-short last line (see the module doc). Errors:
    :class:`ResultsFileError` for a damaged file, a directory that does not
    exist, or a file another batch holds; the file is unchanged then.
    Use as a context manager or call :meth:`close`.
    """

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)
        self.dropped_partial = False
        try:
            self._fh: IO[bytes] = open(self.path, "a+b")
        except OSError as e:
            raise ResultsFileError(self.path, 0, f"cannot open for appending: {e.strerror or e}") from None
        try:
            self._lock()
            self._fh.seek(0)
            data = self._fh.read()
            records, prefix = _scan(data, self.path)
            if prefix < 0:  # a whole last record without its newline
                self._write(b"\n")
            elif prefix < len(data):
                self._fh.truncate(prefix)
                self._fh.flush()
                self.dropped_partial = True
            self.done: Dict[str, Dict[str, Any]] = {}
            for r in records:
                self.done.setdefault(r["id"], r)
        except BaseException:
            self._fh.close()
            raise

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ResultsFileError(self.path, 0, "another batch is writing this results file") from None

    def _write(self, data: bytes) -> None:
        # One write of the whole line, then flush: the file only ever ends
        # mid-record if the process dies inside this call.
        self._fh.write(data)
        self._fh.flush()

    def append(self, record: Dict[str, Any]) -> None:
        """Writes ``record`` as one line and flushes it. ``ValueError`` when
        the id is already in the file or the record is not JSON (nothing is
        written then); ``OSError`` on a write error. Cost: one
        ``json.dumps`` and one write."""
        rid = record.get("id")
        if not isinstance(rid, str):
            raise ValueError(f"a record needs a string id, got {rid!r}")
        if rid in self.done:
            raise ValueError(f"{self.path}: {rid!r} already has a record")
        self._write(dump_line(record).encode("utf-8"))
        self.done[rid] = record

    def close(self) -> None:
        """Releases the lock and closes the file (idempotent)."""
        if not self._fh.closed:
            self._fh.close()

    def __enter__(self) -> "ResultsFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dump_line(record: Dict[str, Any]) -> str:
    """``record`` as the one line the results file holds (with ``\\n``)."""
    return json.dumps(record, allow_nan=False, ensure_ascii=False) + "\n"


def open_results(path: Optional[PathLike]) -> Optional[ResultsFile]:
    """``ResultsFile(path)``, or ``None`` for no path."""
    return None if path is None else ResultsFile(path)
