"""Which CNF files a SAT batch solves: a folder or a manifest.

Why a manifest: a benchmark is more than files. The expected answer is what
an UNSAT result is checked against, the family is what the report groups
by, and the set (quick, medium, hard) is what a run selects. The shared
benchmark's ``manifest.csv`` (columns ``file,status,set,family,...``) is the
format: ``file`` is required and is relative to the manifest's folder;
``status`` is ``sat``, ``unsat`` or empty (unknown); ``set`` and ``family``
are free text; other columns are ignored.

A folder is scanned recursively for ``*.cnf``, ``*.cnf.gz`` and
``*.cnf.xz`` (sorted by relative path); a ``manifest.csv`` directly in it
annotates the files it lists (files it does not list have no expected
status and no set; rows for files that are not there are ignored). Given a
manifest, its rows are the instances, and a row whose file is missing is an
error. Without a family from the manifest, an instance's family is its
parent folder within the batch (``bmc/x.cnf`` -> ``bmc``), else ``""``.

Every error is a :class:`InstanceError` naming the file and line.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple

from fastback._errors import LocatedError

if TYPE_CHECKING:
    from fastback.batch.configs import SolverConfig
    from fastback.batch.tasks import SatTask

__all__ = ["SatInstance", "InstanceError", "find_sat_instances", "read_manifest", "sat_tasks", "CNF_SUFFIXES"]

CNF_SUFFIXES = (".cnf", ".cnf.gz", ".cnf.xz")

_STATUS = {"sat": "sat", "satisfiable": "sat", "10": "sat",
           "unsat": "unsat", "unsatisfiable": "unsat", "20": "unsat",
           "": None, "unknown": None, "?": None}


class InstanceError(LocatedError):
    """A folder or manifest that cannot give a list of instances
    (``source:line: message``, or ``source: message``)."""


@dataclass(frozen=True)
class SatInstance:
    """One CNF file of a batch: its ``path``, its ``name`` relative to the
    folder or manifest (with ``/``), its ``family``, ``expected`` status
    (``"sat"``, ``"unsat"`` or ``None``) and ``set`` (``None`` unknown)."""

    path: str
    name: str
    family: str
    expected: Optional[str]
    set: Optional[str]


@dataclass(frozen=True)
class _Row:
    line: int
    file: str
    expected: Optional[str]
    set: Optional[str]
    family: Optional[str]


def _default_family(name: str) -> str:
    parent = os.path.dirname(name)
    return os.path.basename(parent) if parent else ""


def read_manifest(path: str) -> List[Tuple[int, str, Optional[str], Optional[str], Optional[str]]]:
    """The rows of a manifest as ``(line, file, expected, set, family)``.
    Errors: :class:`InstanceError` for an unreadable file, a missing
    ``file`` column, a bad status, an empty or repeated file name."""
    return [(r.line, r.file, r.expected, r.set, r.family) for r in _read_manifest(path)]


def _read_manifest(path: str) -> List[_Row]:
    try:
        handle = open(path, newline="", encoding="utf-8")
    except OSError as e:
        raise InstanceError(path, 0, e.strerror or str(e)) from None
    rows: List[_Row] = []
    seen: Dict[str, int] = {}
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "file" not in columns:
                raise InstanceError(path, 1, "no 'file' column (columns: " + (", ".join(columns) or "none") + ")")
            for row in reader:
                line = reader.line_num
                name = (row.get("file") or "").strip()
                if not name:
                    raise InstanceError(path, line, "empty 'file'")
                if name in seen:
                    raise InstanceError(path, line, f"{name} is listed twice (first at line {seen[name]})")
                seen[name] = line
                raw = (row.get("status") or "").strip()
                if raw.lower() not in _STATUS:
                    raise InstanceError(path, line, f"status {raw!r} is not sat, unsat or empty")
                rows.append(_Row(line, name.replace(os.sep, "/"), _STATUS[raw.lower()],
                                 (row.get("set") or "").strip() or None,
                                 (row.get("family") or "").strip() or None))
        except csv.Error as e:
            raise InstanceError(path, reader.line_num, f"not CSV: {e}") from None
        except UnicodeDecodeError as e:
            raise InstanceError(path, 0, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    return rows


def _scan(folder: str) -> List[str]:
    names = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for f in files:
            if f.endswith(CNF_SUFFIXES):
                names.append(os.path.relpath(os.path.join(root, f), folder).replace(os.sep, "/"))
    return sorted(names)


def _split(values: Optional[Iterable[str]]) -> Optional[List[str]]:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


def find_sat_instances(source: str, *, sets: Optional[Sequence[str]] = None,
                       families: Optional[Sequence[str]] = None) -> List[SatInstance]:
    """The instances of a folder or a manifest (see the module doc), kept
    when their set is one of ``sets`` and their family one of ``families``
    (``None``: any; an item may be a comma-separated list).

    Errors: :class:`InstanceError` for a path that is neither a folder nor
    a ``.csv`` manifest, a folder without CNF files, a bad manifest, a
    manifest row whose file is missing, ``sets`` with no manifest to say
    which set a file is in, and a filter that leaves nothing (the message
    says what there was). Cost: a directory walk, or one read of the
    manifest and a ``stat`` per row.
    """
    sets_, families_ = _split(sets), _split(families)
    if os.path.isdir(source):
        names = _scan(source)
        if not names:
            raise InstanceError(source, 0, "no .cnf, .cnf.gz or .cnf.xz files in this folder")
        manifest = os.path.join(source, "manifest.csv")
        listed: Dict[str, _Row] = {}
        if os.path.isfile(manifest):
            listed = {r.file: r for r in _read_manifest(manifest)}
        elif sets_ is not None:
            raise InstanceError(source, 0, "--set needs a manifest.csv in the folder (it says which set "
                                           "each file is in)")
        found = []
        for name in names:
            row = listed.get(name)
            found.append(SatInstance(os.path.join(source, name), name,
                                     (row.family if row and row.family else _default_family(name)),
                                     row.expected if row else None, row.set if row else None))
        what = f"{len(found)} CNF files"
    elif os.path.isfile(source):
        if source.endswith(CNF_SUFFIXES):
            raise InstanceError(source, 0, "a CNF file: `fastback batch sat` takes a folder or a manifest "
                                           "(.csv); `fastback sat FILE` solves one file")
        if not source.endswith(".csv"):
            raise InstanceError(source, 0, "not a folder or a manifest (.csv)")
        base = os.path.dirname(source)
        found = []
        for r in _read_manifest(source):
            path = os.path.join(base, r.file)
            if not os.path.isfile(path):
                raise InstanceError(source, r.line, f"{r.file}: no such file (relative to {base or '.'})")
            found.append(SatInstance(path, r.file, r.family or _default_family(r.file), r.expected, r.set))
        if not found:
            raise InstanceError(source, 0, "the manifest lists no files")
        what = f"{len(found)} files in the manifest"
    else:
        raise InstanceError(source, 0, "no such file or directory")
    kept = [i for i in found
            if (sets_ is None or i.set in sets_) and (families_ is None or i.family in families_)]
    if not kept:
        filters = []
        if sets_ is not None:
            known = sorted({i.set for i in found if i.set})
            filters.append(f"set {', '.join(sets_)} (sets: {', '.join(known) or 'none'})")
        if families_ is not None:
            known = sorted({i.family for i in found if i.family})
            filters.append(f"family {', '.join(families_)} (families: {', '.join(known) or 'none'})")
        raise InstanceError(source, 0, f"{what}, none in " + " and ".join(filters))
    return kept


def sat_tasks(instances: Sequence[SatInstance], configs: Sequence["SolverConfig"] = (), *,
              time: Optional[float] = None, conflicts: Optional[int] = None,
              check_proof: bool = False) -> List["SatTask"]:
    """One :class:`~fastback.batch.SatTask` per instance and configuration
    (:class:`~fastback.batch.configs.SolverConfig`; none: one ``default``),
    instance by instance so that an interrupted run has every configuration
    of the instances it reached. A configuration's own ``time`` and
    ``conflicts`` override ``time`` and ``conflicts``. Errors:
    ``ValueError`` for two configurations with one name."""
    from fastback.batch.configs import SolverConfig
    from fastback.batch.tasks import SatTask

    configs = list(configs) or [SolverConfig()]
    names = [c.name for c in configs]
    for n in names:
        if names.count(n) > 1:
            raise ValueError(f"config {n!r} is given twice")
    return [SatTask(i.path, config=c.name, time=c.time if c.time is not None else time,
                    conflicts=c.conflicts if c.conflicts is not None else conflicts,
                    options=c.options, neural=c.neural, threshold=c.threshold, seed=c.seed,
                    expected=i.expected, family=i.family, instance=i.name, check_proof=check_proof)
            for i in instances for c in configs]
