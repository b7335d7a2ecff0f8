"""``fastback batch report``: what a batch run found, as tables and plots.

A batch run leaves one thing behind: its results file, one JSON object per
finished task, appended and flushed by the runner as each task finishes
(``fastback batch sat --out results.jsonl``). This module reads one or
several such files and answers the questions people run batches for: how
many instances each configuration solved, its PAR-2 score, how that splits by
benchmark family, which answers were wrong, and, as PNG plots, a cactus plot
of every configuration and a scatter plot of two.

Reading (:func:`load`). The file is checked line by line against the results
contract (keys ``id``, ``config``, ``status``, ``ok``, ``time``, ``limit``,
``family``, ``instance``, ...); a line that breaks it raises
:class:`fastback._errors.LocatedError` as ``FILE:LINE: message``. Unknown keys
are ignored. A last line without its newline that does not parse is a write
cut off by a crash: it is skipped (the runner redoes that task on resume).
Duplicate ids (which the runner never writes) keep the first one read, in the
order the files are given.

Definitions, exactly as the contract states them:

- *solved*: ``status`` is ``"sat"``, ``"unsat"`` or ``"solved"`` and ``ok``
  is not ``false``;
- *wrong answer*: ``ok`` is ``false`` (the model failed a clause, or UNSAT
  contradicts the expected answer). It counts as unsolved and is listed on
  its own, loudly;
- *PAR-2* of a configuration (or of a family within one): the sum over its
  tasks of ``time`` when solved, else twice ``limit``. A solved task with no
  limit still counts its time; when an unsolved task has no limit the score is
  undefined, and the report says so instead of printing a number.

Cost: reading and summarising are linear in the number of lines. Plots import
matplotlib (the ``plot`` extra) on first use only, and draw through its Agg
canvas without pyplot, so they work headless and in threads; this module
imports nothing heavier than :mod:`json` at import time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass
from typing import (IO, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union)

from fastback._errors import LocatedError

__all__ = [
    "load", "summarise", "render", "cactus_plot", "scatter_plot",
    "Summary", "ConfigSummary", "FamilySummary", "TaskNote",
    "PlotUnavailableError", "FORMATS", "SOLVED_STATUSES", "STATUSES",
]

#: Every status the contract allows: SAT tasks use the first three, other
#: kinds ``solved``/``unsolved``; ``unknown`` is a limit hit or an interrupt.
STATUSES = ("sat", "unsat", "solved", "unsolved", "unknown", "error")
#: Statuses that count as solved when the answer was not found wrong.
SOLVED_STATUSES = ("sat", "unsat", "solved")
#: ``render`` formats.
FORMATS = ("text", "markdown", "json")
#: Plots draw on log axes, which have no zero: faster times are drawn here.
TIME_FLOOR = 1e-3

PathArg = Union[str, "os.PathLike[str]"]


class PlotUnavailableError(ImportError):
    """A plot was asked for but matplotlib (the ``plot`` extra) is not installed."""


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_record(rec: Any, source: str, line: int) -> None:
    """Raises ``LocatedError(source, line, ...)`` unless ``rec`` keeps to the
    contract in every key the report reads. Does not modify ``rec``."""

    def bad(message: str) -> LocatedError:
        return LocatedError(source, line, message)

    if not isinstance(rec, dict):
        raise bad(f"expected a JSON object, got {type(rec).__name__}")
    for key in ("id", "config", "status"):
        if key not in rec:
            raise bad(f'missing "{key}"')
        if not isinstance(rec[key], str) or not rec[key]:
            raise bad(f'"{key}" must be a non-empty string, got {json.dumps(rec[key])}')
    status = rec["status"]
    if status not in STATUSES:
        raise bad(f'"status" must be one of {", ".join(STATUSES)}; got {json.dumps(status)}')
    ok = rec.get("ok")
    if not (ok is None or isinstance(ok, bool)):
        raise bad(f'"ok" must be true, false or null, got {json.dumps(ok)}')
    time = rec.get("time")
    if time is not None and (not _is_number(time) or time < 0):
        raise bad(f'"time" must be a non-negative number or null, got {json.dumps(time)}')
    if time is None and status in SOLVED_STATUSES and ok is not False:
        raise bad(f'task {rec["id"]} is solved ("{status}") but has no "time"')
    limit = rec.get("limit")
    if limit is not None and (not _is_number(limit) or limit < 0):
        raise bad(f'"limit" must be a non-negative number or null, got {json.dumps(limit)}')
    for key in ("family", "instance", "expected", "error"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            raise bad(f'"{key}" must be a string or null, got {json.dumps(value)}')


def _instance(rec: Mapping[str, Any]) -> str:
    """The instance a record is about: its ``instance``, else its id without
    the ``<config>/`` prefix."""
    instance = rec.get("instance")
    if instance:
        return str(instance)
    task_id = str(rec["id"])
    prefix = f'{rec["config"]}/'
    return task_id[len(prefix):] if task_id.startswith(prefix) else task_id


def _normalised(rec: Dict[str, Any]) -> Dict[str, Any]:
    """``rec`` with every contract key the report reads present (defaults:
    null, and ``""`` for ``family``), so callers can index it."""
    for key in ("ok", "time", "limit", "expected", "error", "kind", "conflicts", "worker"):
        rec.setdefault(key, None)
    if rec.get("family") is None:
        rec["family"] = ""
    rec["instance"] = _instance(rec)
    return rec


def _open(path: PathArg) -> Tuple[str, IO[bytes]]:
    name = os.fspath(path)
    if name == "-":
        return "<stdin>", sys.stdin.buffer
    return name, open(name, "rb")


def _load(paths: Union[PathArg, Iterable[PathArg]]) -> Tuple[List[Dict[str, Any]], List[str]]:
    """:func:`load`, plus notes for the user (a truncated last line, duplicate
    ids) as ``FILE:LINE: ...`` strings."""
    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]  # type: ignore[list-item]
    records: List[Dict[str, Any]] = []
    notes: List[str] = []
    first_seen: Dict[str, str] = {}
    for path in paths:  # type: ignore[union-attr]
        name, stream = _open(path)
        try:
            for number, raw in enumerate(stream, start=1):
                complete = raw.endswith(b"\n")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    if not complete:
                        notes.append(f"{name}:{number}: truncated last line ignored (a write cut off mid-line)")
                        continue
                    raise LocatedError(name, number, f"not UTF-8 ({e.reason} at byte {e.start})") from None
                if not text.strip():
                    continue
                try:
                    rec = json.loads(text)
                except ValueError as e:
                    if not complete:
                        notes.append(f"{name}:{number}: truncated last line ignored (a write cut off mid-line)")
                        continue
                    reason = getattr(e, "msg", str(e))
                    where = f" (column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
                    raise LocatedError(name, number, f"not valid JSON: {reason}{where}") from None
                _check_record(rec, name, number)
                where = f"{name}:{number}"
                if rec["id"] in first_seen:
                    notes.append(f"{where}: duplicate id {rec['id']} ignored (first read at {first_seen[rec['id']]})")
                    continue
                first_seen[rec["id"]] = where
                records.append(_normalised(rec))
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    return records, notes


def load(paths: Union[PathArg, Iterable[PathArg]]) -> List[Dict[str, Any]]:
    """The task records of one results file or several (``"-"``: stdin), in
    file order, each a dict with every key of the contract the report reads
    (``id``, ``config``, ``status``, ``ok``, ``time``, ``limit``, ``family``
    (``""`` when absent), ``instance``, ``expected``, ``error``, ...) plus any
    other keys the line had.

    A duplicate id keeps the record read first; a last line cut off before
    its newline is skipped. Raises :class:`~fastback._errors.LocatedError`
    (``FILE:LINE: message``) for a line that is not JSON, not an object, or
    breaks the contract, and ``OSError`` for a file that cannot be read.
    """
    return _load(paths)[0]


# --------------------------------------------------------------------------
# summarising
# --------------------------------------------------------------------------


def _solved(rec: Mapping[str, Any]) -> bool:
    return rec["status"] in SOLVED_STATUSES and rec.get("ok") is not False


@dataclass(frozen=True)
class ConfigSummary:
    """One configuration's results. ``unsolved`` is ``tasks - solved`` and
    includes ``errors`` (status ``error``) and ``wrong`` (``ok`` false).
    ``par2`` is None when ``unsolved_without_limit`` > 0 (undefined)."""

    config: str
    tasks: int
    solved: int
    sat: int
    unsat: int
    unsolved: int
    errors: int
    wrong: int
    par2: Optional[float]
    unsolved_without_limit: int
    #: The distinct time limits of its tasks, ascending (none: no limits).
    limits: Tuple[float, ...]


@dataclass(frozen=True)
class FamilySummary:
    """One benchmark family within one configuration (``family`` is ``""``
    for tasks without one); ``par2`` as in :class:`ConfigSummary`."""

    family: str
    config: str
    tasks: int
    solved: int
    par2: Optional[float]
    unsolved_without_limit: int


@dataclass(frozen=True)
class TaskNote:
    """A task listed on its own: a wrong answer or an error."""

    id: str
    config: str
    instance: str
    family: str
    status: str
    expected: Optional[str]
    error: Optional[str]


@dataclass(frozen=True)
class Summary:
    """What :func:`summarise` found: configurations and families sorted by
    name, wrong answers and errors in the order read."""

    tasks: int
    configs: Tuple[ConfigSummary, ...]
    families: Tuple[FamilySummary, ...]
    wrong_answers: Tuple[TaskNote, ...]
    errors: Tuple[TaskNote, ...]

    def config(self, name: str) -> ConfigSummary:
        """The summary of configuration ``name``; ``KeyError`` if it has no tasks."""
        for c in self.configs:
            if c.config == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> Dict[str, Any]:
        """Plain JSON-ready data (what ``render(summary, "json")`` prints)."""
        def plain(obj: Any) -> Dict[str, Any]:
            d = dict(obj.__dict__)
            if "limits" in d:
                d["limits"] = list(d["limits"])
            return d

        return {
            "tasks": self.tasks,
            "configs": [plain(c) for c in self.configs],
            "families": [plain(f) for f in self.families],
            "wrong_answers": [plain(t) for t in self.wrong_answers],
            "errors": [plain(t) for t in self.errors],
        }


def _par2(recs: Sequence[Mapping[str, Any]]) -> Tuple[Optional[float], int]:
    """(PAR-2, unsolved tasks without a limit); PAR-2 is None when that count
    is not zero. ``math.fsum`` makes the sum exact up to one final rounding,
    independent of the order of the records."""
    terms: List[float] = []
    missing = 0
    for rec in recs:
        if _solved(rec):
            terms.append(float(rec["time"]))
        elif rec.get("limit") is None:
            missing += 1
        else:
            terms.append(2.0 * float(rec["limit"]))
    return (None if missing else math.fsum(terms)), missing


def _note(rec: Mapping[str, Any]) -> TaskNote:
    return TaskNote(id=rec["id"], config=rec["config"], instance=_instance(rec),
                    family=rec.get("family") or "", status=rec["status"],
                    expected=rec.get("expected"), error=rec.get("error"))


def _unique(records: Iterable[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """Checks each record (``records[i]`` is named ``record i+1``) and keeps
    the first of duplicate ids."""
    seen = set()
    out = []
    for i, rec in enumerate(records, start=1):
        _check_record(rec, "record", i)
        if rec["id"] not in seen:
            seen.add(rec["id"])
            out.append(rec)
    return out


def summarise(records: Iterable[Mapping[str, Any]]) -> Summary:
    """Counts and PAR-2 per configuration and per family × configuration.

    ``records`` are dicts as :func:`load` returns them (or as the runner
    yields them). Each is checked as :func:`load` checks a line (a bad one
    raises ``LocatedError("record", i, ...)``, ``i`` counting from 1);
    duplicate ids keep the first. Linear in the number of records.
    """
    recs = _unique(records)
    by_config: Dict[str, List[Mapping[str, Any]]] = {}
    by_family: Dict[Tuple[str, str], List[Mapping[str, Any]]] = {}
    for rec in recs:
        by_config.setdefault(rec["config"], []).append(rec)
        by_family.setdefault((rec.get("family") or "", rec["config"]), []).append(rec)

    configs = []
    for name in sorted(by_config):
        group = by_config[name]
        solved = sum(1 for r in group if _solved(r))
        par2, missing = _par2(group)
        configs.append(ConfigSummary(
            config=name, tasks=len(group), solved=solved,
            sat=sum(1 for r in group if _solved(r) and r["status"] == "sat"),
            unsat=sum(1 for r in group if _solved(r) and r["status"] == "unsat"),
            unsolved=len(group) - solved,
            errors=sum(1 for r in group if r["status"] == "error"),
            wrong=sum(1 for r in group if r.get("ok") is False),
            par2=par2, unsolved_without_limit=missing,
            limits=tuple(sorted({float(r["limit"]) for r in group if r.get("limit") is not None}))))
    families = []
    for family, config in sorted(by_family):
        group = by_family[(family, config)]
        par2, missing = _par2(group)
        families.append(FamilySummary(family=family, config=config, tasks=len(group),
                                      solved=sum(1 for r in group if _solved(r)),
                                      par2=par2, unsolved_without_limit=missing))
    return Summary(tasks=len(recs), configs=tuple(configs), families=tuple(families),
                   wrong_answers=tuple(_note(r) for r in recs if r.get("ok") is False),
                   errors=tuple(_note(r) for r in recs if r["status"] == "error"))


# --------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------

#: Errors listed one by one before "... and N more".
ERRORS_LISTED = 20

_DEFINITIONS = ("solved: sat, unsat or solved, and not a wrong answer; unsolved includes errors and wrong answers.\n"
                "PAR-2 (s): the time of each solved task plus twice the limit of each unsolved one.")


def _seconds(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _limits(limits: Tuple[float, ...]) -> str:
    if not limits:
        return "none"
    return f"{limits[0]:g}" if len(limits) == 1 else f"{limits[0]:g}-{limits[-1]:g}"


def _config_rows(summary: Summary) -> Tuple[List[str], List[List[str]]]:
    headers = ["config", "tasks", "solved", "sat", "unsat", "unsolved", "errors", "wrong",
               "limit (s)", "PAR-2 (s)"]
    rows = []
    for c in summary.configs:
        rows.append([c.config, str(c.tasks), str(c.solved), str(c.sat), str(c.unsat), str(c.unsolved),
                     str(c.errors), str(c.wrong), _limits(c.limits),
                     _seconds(c.par2)])
    return headers, rows


def _family_rows(summary: Summary) -> Tuple[List[str], List[List[str]]]:
    """One row per family, two columns (solved/total, PAR-2) per configuration."""
    configs = [c.config for c in summary.configs]
    headers = ["family"]
    for name in configs:
        headers += [f"{name} solved", f"{name} PAR-2"]
    cells: Dict[str, Dict[str, FamilySummary]] = {}
    for f in summary.families:
        cells.setdefault(f.family, {})[f.config] = f
    rows = []
    for family in sorted(cells):
        row = [family or "(none)"]
        for name in configs:
            cell = cells[family].get(name)
            row += ["-", "-"] if cell is None else [f"{cell.solved}/{cell.tasks}", _seconds(cell.par2)]
        rows.append(row)
    return headers, rows


def _text_table(headers: List[str], rows: List[List[str]]) -> List[str]:
    """Columns padded to their widest cell: the first left-aligned, the
    others (numbers) right-aligned."""
    widths = [max(len(r[i]) for r in [headers] + rows) for i in range(len(headers))]

    def line(cells: List[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(headers)] + [line(r) for r in rows]


def _md_escape(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("|", "\\|")


def _md_table(headers: List[str], rows: List[List[str]]) -> List[str]:
    rule = ["---"] + ["---:"] * (len(headers) - 1)
    return ["| " + " | ".join(_md_escape(c) for c in cells) + " |" for cells in [headers, rule] + rows]


def _why_wrong(t: TaskNote) -> str:
    if t.expected and t.expected != t.status:
        text = f"answered {t.status}, expected {t.expected}"
    else:
        text = f"answered {t.status}, which failed its check"
    return text + (f" ({_first_line(t.error)})" if t.error else "")


def _first_line(text: Optional[str]) -> str:
    lines = (text or "no message").strip().splitlines() or ["no message"]
    return lines[0][:160]


def _undefined_par2(summary: Summary, families: bool) -> List[str]:
    out = [f"PAR-2 of {c.config} is undefined: {c.unsolved_without_limit} unsolved task(s) have no time limit"
           for c in summary.configs if c.par2 is None]
    if families and out:
        out.append("(families: n/a for the same reason)")
    return out


def render(summary: Summary, format: str = "text", *, families: bool = False) -> str:
    """``summary`` as ``"text"`` (aligned columns), ``"markdown"`` (GitHub
    tables) or ``"json"`` (:meth:`Summary.to_dict`, always with families).
    ``families`` adds the family × configuration table to text and markdown.
    Wrong answers are always listed, first after the table; errors are listed
    up to :data:`ERRORS_LISTED`. Ends with a newline. ``ValueError`` for an
    unknown format."""
    if format == "json":
        return json.dumps(summary.to_dict(), indent=2) + "\n"
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    markdown = format == "markdown"
    table = _md_table if markdown else _text_table
    n_configs = len(summary.configs)
    out = [f"{summary.tasks} tasks, {n_configs} configuration{'s' if n_configs != 1 else ''}"]
    if not summary.tasks:
        return out[0] + "\n"
    out.append("")
    out += table(*_config_rows(summary))
    out += ["", _DEFINITIONS]
    out += _undefined_par2(summary, families)

    wrong = summary.wrong_answers
    if wrong:
        out.append("")
        head = f"WRONG ANSWERS: {len(wrong)} (counted as unsolved)"
        out.append(f"**{head}**" if markdown else f"!! {head}")
        for t in wrong:
            out.append(f"- `{t.id}`: {_why_wrong(t)}" if markdown else f"!!   {t.id}: {_why_wrong(t)}")
    if summary.errors:
        out += ["", f"errors: {len(summary.errors)}"]
        for t in summary.errors[:ERRORS_LISTED]:
            out.append(f"- `{t.id}`: {_md_escape(_first_line(t.error))}" if markdown
                       else f"  {t.id}: {_first_line(t.error)}")
        if len(summary.errors) > ERRORS_LISTED:
            out.append(f"{'- ' if markdown else '  '}... and {len(summary.errors) - ERRORS_LISTED} more")
    if families:
        out += ["", "per family (solved/tasks, PAR-2 in s):", ""]
        out += table(*_family_rows(summary))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------


def _matplotlib() -> Tuple[Any, Any]:
    """matplotlib's ``Figure`` and Agg canvas classes. No pyplot: its global
    state and backend selection are not needed to write a PNG."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as e:
        raise PlotUnavailableError(
            f"plots need matplotlib, which is not installed ({e}); "
            "install the plot extra: pip install 'fastback[plot]'") from e
    return Figure, FigureCanvasAgg


def _new_axes(size: Tuple[float, float]) -> Tuple[Any, Any]:
    Figure, FigureCanvasAgg = _matplotlib()
    fig = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _checked(records: Iterable[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    recs = _unique(records)
    if not recs:
        raise ValueError("no results to plot")
    return recs


def _cactus_figure(records: Iterable[Mapping[str, Any]]) -> Any:
    """The cactus plot as a matplotlib Figure: one line per configuration
    (in name order), then one dashed line per distinct time limit."""
    recs = _checked(records)
    by_config: Dict[str, List[Mapping[str, Any]]] = {}
    for rec in recs:
        by_config.setdefault(rec["config"], []).append(rec)
    fig, ax = _new_axes((7.0, 4.5))
    most = 0
    for name in sorted(by_config):
        group = by_config[name]
        times = sorted(max(float(r["time"]), TIME_FLOOR) for r in group if _solved(r))
        most = max(most, len(group))
        ax.plot(range(1, len(times) + 1), times, marker="o", markersize=3, linewidth=1.5,
                label=f"{name} ({len(times)}/{len(group)})")
    for limit in sorted({float(r["limit"]) for r in recs if r.get("limit") is not None}):
        ax.axhline(max(limit, TIME_FLOOR), linestyle="--", color="0.4", linewidth=1,
                   label=f"limit {limit:g} s")
    ax.set_yscale("log")
    ax.set_xlim(0, max(most, 1) + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("instances solved")
    ax.set_ylabel("time (s)")
    ax.set_title("solved instances by time (further right and lower is better)", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def cactus_plot(records: Iterable[Mapping[str, Any]], path: PathArg) -> None:
    """Writes the cactus plot of ``records`` to ``path`` as PNG: for each
    configuration, its solved tasks' times in ascending order (x: instances
    solved, y: time in s, log scale), the time limit(s) as dashed lines.

    Raises :class:`PlotUnavailableError` without matplotlib, ``ValueError``
    for no records (or a record that breaks the contract), ``OSError`` when
    ``path`` cannot be written.
    """
    _cactus_figure(records).savefig(os.fspath(path), format="png")


def _scatter_figure(records: Iterable[Mapping[str, Any]], a: str, b: str) -> Any:
    """The scatter plot as a matplotlib Figure. Its collections: per family
    (in name order), the instances both solved (circles), then those one or
    both left unsolved (crosses, on the edge)."""
    recs = _checked(records)
    per_config: Dict[str, Dict[str, Mapping[str, Any]]] = {}
    for rec in recs:
        per_config.setdefault(rec["config"], {}).setdefault(_instance(rec), rec)
    for name in (a, b):
        if name not in per_config:
            raise ValueError(f"no results for configuration {name!r} "
                             f"(configurations: {', '.join(sorted(per_config))})")
    in_a, in_b = per_config[a], per_config[b]
    common = [i for i in in_a if i in in_b]
    if not common:
        raise ValueError(f"configurations {a!r} and {b!r} have no instance in common")
    left_out = len(in_a) + len(in_b) - 2 * len(common)

    pairs = [(in_a[i], in_b[i]) for i in common]
    used = [r for pair in pairs for r in pair]
    limits = [float(r["limit"]) for r in used if r.get("limit") is not None]
    solved_times = [float(r["time"]) for r in used if _solved(r)]
    # Unsolved tasks sit on the edge: the largest limit, or past every time when there is none.
    edge = max(limits) if limits else 2 * max(solved_times + [1.0])
    edge = max(edge, TIME_FLOOR * 10)

    def position(rec: Mapping[str, Any]) -> float:
        return min(max(float(rec["time"]), TIME_FLOOR), edge) if _solved(rec) else edge

    families = sorted({ra.get("family") or "" for ra, _ in pairs})
    by_colour = 1 < len(families) <= 10
    fig, ax = _new_axes((6.0, 6.0))
    for k, family in enumerate(families if by_colour else [None]):
        colour = f"C{k}"
        group = [(ra, rb) for ra, rb in pairs if family is None or (ra.get("family") or "") == family]
        both = [(position(ra), position(rb)) for ra, rb in group if _solved(ra) and _solved(rb)]
        other = [(position(ra), position(rb)) for ra, rb in group if not (_solved(ra) and _solved(rb))]
        # Coloured by family: the family names its first collection. One colour:
        # the legend says what circles and crosses are.
        labels = ([family or "(none)", "_nolegend_"] if both else ["_nolegend_", family or "(none)"]) \
            if family is not None else [f"{len(both)} solved by both", f"{len(other)} unsolved by one or both"]
        if both:
            ax.scatter([x for x, _ in both], [y for _, y in both], s=18, marker="o", color=colour,
                       alpha=0.8, label=labels[0])
        if other:
            ax.scatter([x for x, _ in other], [y for _, y in other], s=36, marker="x",
                       color=colour if by_colour else "C3", label=labels[1])
    low = min([position(r) for r in used] + [edge]) / 2
    high = edge * 1.6
    ax.plot([low, high], [low, high], linestyle=":", color="0.3", linewidth=1, label="same time")
    ax.axvline(edge, linestyle="--", color="0.5", linewidth=1,
               label=f"{'limit' if limits else 'unsolved'} (x: unsolved)")
    ax.axhline(edge, linestyle="--", color="0.5", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.set_xlabel(f"{a}: time (s)")
    ax.set_ylabel(f"{b}: time (s)")
    faster_a = sum(1 for ra, rb in pairs if position(ra) < position(rb))
    faster_b = sum(1 for ra, rb in pairs if position(rb) < position(ra))
    title = f"{len(pairs)} instances: {a} faster on {faster_a}, {b} faster on {faster_b}"
    if left_out:
        title += f"\n({left_out} result{'s' if left_out != 1 else ''} without a counterpart left out)"
    ax.set_title(title, fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def scatter_plot(records: Iterable[Mapping[str, Any]], a: str, b: str, path: PathArg) -> None:
    """Writes to ``path`` (PNG) the time of each instance under configuration
    ``a`` (x) against ``b`` (y), log-log, with the diagonal: points below it
    are faster with ``b``. Instances left unsolved by a configuration (limit
    hit, error, wrong answer) sit on that axis's edge at the time limit,
    drawn as crosses; when there are 2 to 10 families, colour is the family.
    Instances are paired by ``instance``; those with a result under only one
    of the two are left out (the title says how many).

    Raises :class:`PlotUnavailableError` without matplotlib, ``ValueError``
    when ``a`` or ``b`` has no results or they share no instance,
    ``OSError`` when ``path`` cannot be written.
    """
    _scatter_figure(records, a, b).savefig(os.fspath(path), format="png")


# --------------------------------------------------------------------------
# command line: fastback batch report
# --------------------------------------------------------------------------

HELP = "summarise batch results: solved, PAR-2, per family, wrong answers; cactus and scatter plots"

OK, ERROR, USAGE, WRONG = 0, 1, 2, 3

_DESCRIPTION = """\
Summarise the results files of `fastback batch` runs: per configuration the
tasks, solved, unsolved, errors, wrong answers and PAR-2 (time of each solved
task + 2 x limit of each unsolved one); per family with --family; a cactus
plot (--cactus) and a scatter plot of two configurations (--scatter) as PNG
(matplotlib: pip install 'fastback[plot]').

Exit status: 0 report written; 1 unreadable or malformed results (FILE:LINE:
message), or a plot could not be written; 2 usage error; 3 the results
contain a wrong answer (the report is still written in full)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``fastback batch report`` on ``p``."""
    p.description = _DESCRIPTION
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("results", metavar="RESULTS.jsonl", nargs="+",
                   help="results files of batch runs ('-': stdin); a duplicate id keeps the first read")
    p.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    p.add_argument("--family", action="store_true", help="add solved and PAR-2 per family and configuration")
    p.add_argument("--cactus", metavar="PNG", help="write a cactus plot of every configuration to PNG")
    p.add_argument("--scatter", nargs=2, metavar=("A", "B"),
                   help="plot each instance's time under configuration A against B (needs --scatter-out)")
    p.add_argument("--scatter-out", metavar="PNG", help="where --scatter writes its PNG")


def run(args: argparse.Namespace) -> int:
    """Runs ``fastback batch report``; returns the exit status. The report
    goes to stdout, notes and errors to stderr."""
    def fail(message: str, status: int = ERROR) -> int:
        sys.stderr.write(f"fastback batch report: {message}\n")
        return status

    if args.scatter and not args.scatter_out:
        return fail("--scatter A B needs --scatter-out PNG", USAGE)
    if args.scatter_out and not args.scatter:
        return fail("--scatter-out needs --scatter A B", USAGE)
    if args.cactus or args.scatter:
        try:
            _matplotlib()
        except PlotUnavailableError as e:
            return fail(str(e))
    try:
        records, notes = _load(args.results)
    except LocatedError as e:
        return fail(str(e))
    except OSError as e:
        return fail(f"{e.filename}: {e.strerror or e}")
    for note in notes:
        sys.stderr.write(f"fastback batch report: note: {note}\n")
    summary = summarise(records)
    if args.scatter:
        names = {c.config for c in summary.configs}
        for name in args.scatter:
            if name not in names:
                return fail(f"--scatter: no results for configuration {name!r} "
                            f"(configurations: {', '.join(sorted(names)) or 'none'})", USAGE)

    sys.stdout.write(render(summary, args.format, families=args.family))
    sys.stdout.flush()
    plots = []
    if args.cactus:
        plots.append((args.cactus, lambda: cactus_plot(records, args.cactus)))
    if args.scatter:
        a, b = args.scatter
        plots.append((args.scatter_out, lambda: scatter_plot(records, a, b, args.scatter_out)))
    status = OK
    for path, draw in plots:
        try:
            draw()
        except OSError as e:
            status = fail(f"{path}: {e.strerror or e}")
        except ValueError as e:
            status = fail(f"{path}: {e}")
    if status == OK and summary.wrong_answers:
        n = len(summary.wrong_answers)
        return fail(f"{n} WRONG ANSWER{'S' if n != 1 else ''} (listed in the report)", WRONG)
    return status
