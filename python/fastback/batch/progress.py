"""Counting finished tasks, the progress bar and the summary lines.

Why one tally for both: the bar (tasks done, solved, failed, elapsed, time
left) and the final per-configuration summary must agree, and the exit
status of ``fastback batch sat`` (3 on a wrong answer) is read from the same
counts. The bar is tqdm on stderr, shown only when stderr is a terminal
(``FASTBACK_NO_PROGRESS`` turns it off), so piped or logged runs stay clean;
what it shows is derived from :class:`Tally` alone.

Counting, per record (the same rule as ``fastback batch report``): *solved*
is ``status`` in sat/unsat/solved with ``ok`` not false; *wrong* is
``ok is False``; *error* is ``status == "error"``; everything else
(``unknown``, ``unsolved``) is *unsolved*. The bar's *failed* is wrong +
error.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, TextIO

__all__ = ["Tally", "ConfigCounts", "ProgressBar", "want_bar"]

SOLVED_STATUSES = ("sat", "unsat", "solved")


@dataclass
class ConfigCounts:
    """Counts of one configuration."""

    done: int = 0
    solved: int = 0
    unsolved: int = 0
    wrong: int = 0
    errors: int = 0
    by_status: Dict[str, int] = field(default_factory=dict)
    time: float = 0.0


@dataclass
class Tally:
    """Finished tasks of a batch, overall and per configuration.

    ``total`` is the number of tasks in the batch; ``resumed`` how many
    were already in the results file. ``start`` is ``time.monotonic()`` at
    creation. Cost of :meth:`add`: O(1).
    """

    total: int
    resumed: int = 0
    start: float = field(default_factory=time.monotonic)
    configs: Dict[str, ConfigCounts] = field(default_factory=dict)
    wrong_ids: List[str] = field(default_factory=list)

    def add(self, record: Dict[str, Any]) -> None:
        c = self.configs.setdefault(str(record.get("config") or "default"), ConfigCounts())
        status = str(record.get("status"))
        c.done += 1
        c.by_status[status] = c.by_status.get(status, 0) + 1
        t = record.get("time")
        if isinstance(t, (int, float)):
            c.time += float(t)
        if record.get("ok") is False:
            c.wrong += 1
            self.wrong_ids.append(str(record.get("id")))
        elif status == "error":
            c.errors += 1
        elif status in SOLVED_STATUSES:
            c.solved += 1
        else:
            c.unsolved += 1

    def _sum(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.configs.values())

    @property
    def done(self) -> int:
        return self._sum("done")

    @property
    def solved(self) -> int:
        return self._sum("solved")

    @property
    def unsolved(self) -> int:
        return self._sum("unsolved")

    @property
    def wrong(self) -> int:
        return self._sum("wrong")

    @property
    def errors(self) -> int:
        return self._sum("errors")

    @property
    def failed(self) -> int:
        """Wrong answers plus error records."""
        return self.wrong + self.errors

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def summary_lines(self) -> List[str]:
        """One line per configuration: solved of done, by status, unsolved,
        errors, wrong answers and the engines' summed time."""
        lines = []
        for name, c in self.configs.items():
            statuses = ", ".join(f"{n} {s}" for s, n in sorted(c.by_status.items())
                                 if s in SOLVED_STATUSES)
            parts = [f"{c.solved} of {c.done} solved" + (f" ({statuses})" if statuses else "")]
            parts.append(f"{c.unsolved} unsolved")
            parts.append(f"{c.errors} error{'s' if c.errors != 1 else ''}")
            parts.append(f"{c.wrong} WRONG" if c.wrong else "0 wrong")
            lines.append(f"{name}: " + ", ".join(parts) + f"; {c.time:.1f} s in the engines")
        return lines


def want_bar(stream: TextIO = sys.stderr) -> bool:
    """Whether to draw a bar on ``stream``: a terminal, and
    ``FASTBACK_NO_PROGRESS`` unset."""
    try:
        return stream.isatty() and not os.environ.get("FASTBACK_NO_PROGRESS")
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """A tqdm bar over a :class:`Tally`: done/total, then solved, unsolved
    and failed, with tqdm's elapsed time and estimate of the time left.
    Resumed tasks count as done from the start. tqdm is imported here, on
    first use."""

    def __init__(self, tally: Tally, label: str = "batch", stream: TextIO = sys.stderr) -> None:
        from tqdm import tqdm

        self.tally = tally
        self._bar = tqdm(total=tally.total, initial=tally.resumed, desc=label, unit="task",
                         file=stream, dynamic_ncols=True, smoothing=0.1)
        self._refresh()

    def _refresh(self) -> None:
        t = self.tally
        self._bar.set_postfix_str(f"solved {t.solved}, unsolved {t.unsolved}, failed {t.failed}", refresh=False)

    def update(self, tally: Tally) -> None:
        self._refresh()
        self._bar.update(1)

    def write(self, text: str) -> None:
        """A line above the bar (tqdm keeps the bar intact)."""
        self._bar.write(text, file=self._bar.fp)

    def close(self) -> None:
        self._bar.close()


ProgressCallback = Callable[[Tally], None]
