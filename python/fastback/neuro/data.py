"""Training data for phase priors: labels, ``.npz`` shards, the dataset builder.

What a label is. NeuroBack trains its GNN on backbone phases: a variable is
in the backbone when it takes the same value in every model, and that value
is the phase a solver should pick. Backbones are often small (in a colouring
with spare colours, in a plan with slack), and a model trained only on them
sees few labelled variables. So every variable gets a label here:

- backbone variables (``is_backbone``): their backbone phase, exactly, from
  ``fastback.sat.backbone``;
- the others: the majority phase over ``samples`` models drawn with fresh
  solvers that each start from random phases and a different seed, with
  ``true_count`` (models in which the variable is true) saying how strong
  the majority is; an exact tie gets phase 0 (no label).

The majority phase is the best signal available without a model counter,
but it is a biased one: CDCL does not sample models uniformly (phase saving,
rephasing and the order of decisions favour some regions of the solution
space, and variables removed by inprocessing get whatever value
reconstruction gives them), so a fraction of 0.9 means "true in 90% of the
models this solver found", not "true in 90% of all models". On small
formulas whose models PySAT could enumerate (one each of latin, colouring,
clique, blocksworld and factoring at "small", 64 samples), the sampled
fraction was off from the exact fraction of models by 0.06-0.19 on
average over the non-backbone variables, and the majority phase disagreed
with the exact one on 3-10% of those with a clear (>0.05) majority. Treat
non-backbone labels as soft targets and weigh them below backbone ones.

Storage. A dataset is a directory of shards ``shard-00000.npz`` ...
(compressed numpy, no pickles), each holding up to ``shard_size``
formulas concatenated: clause literals (int32) with per-formula clause
offsets (int64), the labels (int8 phase, bool backbone mask, uint16 true
counts) and per-formula metadata (family, scale, seed, solve times). A
``manifest.json`` beside them records the options and the per-family
summary. :func:`load_dataset` reads a directory or one shard back into
:class:`Example` objects, bit for bit.

Reproduction: formula ``i`` of family ``f`` in a dataset built with seed
``s`` is ``families.generate(f, scale, formula_seed(s, f, i))``, and its
labelling draws its solver seeds and phases from that seed too, so a dataset
is reproducible up to formulas that hit the time limit (which depends on the
machine).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
import threading
import time
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Sequence, Tuple, Type, Union

import numpy as np

from fastback.neuro import DEFAULT_SAMPLES, DEFAULT_SHARD_SIZE, DEFAULT_TIME_LIMIT
from fastback.neuro.families import FAMILIES, SCALES, Formula, generate

__all__ = [
    "Example",
    "Labels",
    "LabelOutcome",
    "DatasetSummary",
    "FamilySummary",
    "label_formula",
    "formula_seed",
    "make_dataset",
    "save_shard",
    "load_dataset",
    "DEFAULT_SAMPLES",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_SHARD_SIZE",
]

PathLike = Union[str, "os.PathLike[str]"]

#: Version of the shard layout written by :func:`save_shard`.
FORMAT_VERSION = 1

#: The exception ``fastback.sat.backbone`` raises when its time limit is hit.
_BACKBONE_LIMIT_ERRORS: Tuple[Type[BaseException], ...] = (TimeoutError,)

#: Seed stream of a formula's labelling (its generation uses the seed itself).
_LABEL_STREAM = 0x1AB3


# --------------------------------------------------------------------------
# labels and examples
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Labels:
    """Per-variable labels of one formula (arrays indexed by ``var - 1``).

    ``phase``: int8, +1 (true) / -1 (false), 0 for a non-backbone variable
    true in exactly half the samples. ``is_backbone``: bool. ``true_count``:
    uint16, the samples in which the variable is true (0 or ``samples`` for
    backbone variables, by definition).
    """

    phase: np.ndarray
    is_backbone: np.ndarray
    true_count: np.ndarray
    samples: int

    @property
    def true_fraction(self) -> np.ndarray:
        """float32 fraction of sampled models with the variable true, in [0, 1]."""
        return (self.true_count / np.float32(self.samples)).astype(np.float32)


@dataclass(frozen=True)
class SolveStats:
    """What labelling one formula cost: seconds in the first solve, in the
    backbone computation and in the other samples, and conflicts summed
    over all sampling solves."""

    solve_seconds: float
    backbone_seconds: float
    sample_seconds: float
    conflicts: int

    @property
    def total_seconds(self) -> float:
        return self.solve_seconds + self.backbone_seconds + self.sample_seconds


@dataclass(frozen=True, eq=False)
class Example:
    """One labelled formula, as stored in a shard.

    The formula is ``lits`` (int32) and ``offsets`` (int64, clause ``i`` is
    ``lits[offsets[i]:offsets[i+1]]``) over variables ``1 .. num_vars``;
    ``family``, ``scale`` and ``seed`` regenerate it
    (``families.generate(family, scale, seed)``).
    """

    family: str
    scale: str
    seed: int
    num_vars: int
    lits: np.ndarray
    offsets: np.ndarray
    labels: Labels
    stats: SolveStats

    @property
    def num_clauses(self) -> int:
        return len(self.offsets) - 1

    @property
    def phase(self) -> np.ndarray:
        return self.labels.phase

    @property
    def is_backbone(self) -> np.ndarray:
        return self.labels.is_backbone

    @property
    def true_fraction(self) -> np.ndarray:
        return self.labels.true_fraction

    @property
    def backbone_fraction(self) -> float:
        return float(self.labels.is_backbone.mean()) if self.num_vars else 0.0

    def clauses(self) -> List[List[int]]:
        """The clauses as lists of ints. Cost: O(size), one list per clause."""
        flat = self.lits.tolist()
        bounds = self.offsets.tolist()
        return [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


@dataclass(frozen=True)
class LabelOutcome:
    """The result of labelling one formula: ``status`` is ``"ok"`` (with
    ``labels`` and ``stats``), ``"unsat"`` or ``"timeout"`` (a solve or the
    backbone ran past the time limit); ``seconds`` is the wall time spent."""

    status: str
    labels: Optional[Labels]
    stats: Optional[SolveStats]
    seconds: float


class _Cancellation:
    """Lets the thread that runs :func:`make_dataset` stop the labelling
    threads: it interrupts every solver they have running and makes them
    give up before their next solve. (A backbone computation in progress
    cannot be interrupted; its time limit bounds it.)"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set = set()
        self.cancelled = False

    def start(self, solver: Any) -> None:
        with self._lock:
            if self.cancelled:
                raise _Cancelled()
            self._running.add(solver)

    def finish(self, solver: Any) -> None:
        with self._lock:
            self._running.discard(solver)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            for solver in self._running:
                solver.interrupt()


class _Cancelled(Exception):
    pass


def _model_satisfies(formula: Formula, values: np.ndarray) -> bool:
    """Whether the assignment ``values`` (bool per variable) satisfies every
    clause of ``formula``. Cost: O(size), vectorised."""
    if formula.num_clauses == 0:
        return True
    lits = formula.lits
    lit_true = values[np.abs(lits) - 1] == (lits > 0)
    lengths = np.diff(formula.offsets)
    if (lengths == 0).any():
        return False
    return bool((np.add.reduceat(lit_true, formula.offsets[:-1].astype(np.intp)) > 0).all())


def _sample_model(formula: Formula, rng: np.random.Generator, time_limit: Optional[float],
                  cancel: Optional[_Cancellation]) -> Tuple[Optional[bool], Optional[np.ndarray], int]:
    """One solve by a fresh solver with a random seed and random initial
    phases: (result, model as bool per variable or None, conflicts)."""
    from fastback.sat import Solver

    n = formula.num_vars
    var = np.arange(1, n + 1, dtype=np.int64)
    phases = np.where(rng.random(n) < 0.5, var, -var).tolist()
    with Solver(seed=int(rng.integers(1, 2**31 - 1))) as solver:
        solver.add_clauses_flat(formula.lits, formula.offsets)
        solver.set_phases(phases)  # also makes the solver know all n variables
        solver.time_budget(time_limit)
        if cancel is not None:
            cancel.start(solver)
        try:
            result = solver.solve_limited()
        finally:
            if cancel is not None:
                cancel.finish(solver)
        conflicts = int(solver.accum_stats().get("conflicts", 0))
        if result is not True:
            return result, None, conflicts
        model = np.array(solver.get_model(), dtype=np.int64)
    values = np.zeros(n, dtype=bool)
    values[np.abs(model[:n]) - 1] = model[:n] > 0
    if not _model_satisfies(formula, values):
        raise RuntimeError(f"fastback.sat.Solver returned a model that falsifies a clause of a "
                           f"{formula.family} formula ({formula.params}); labels not written")
    return True, values, conflicts


def _zero_terminated(formula: Formula) -> np.ndarray:
    """The clauses as one int32 array, each clause ended by 0 (DIMACS order,
    one of the forms ``Solver.append_formula`` takes without Python lists)."""
    out = np.zeros(len(formula.lits) + formula.num_clauses, dtype=np.int32)
    ends = formula.offsets[1:] + np.arange(1, formula.num_clauses + 1)  # index of each 0
    keep = np.ones(out.size, dtype=bool)
    keep[ends - 1] = False
    out[keep] = formula.lits
    return out


def _backbone_function() -> Callable[..., Optional[List[int]]]:
    """``fastback.sat.backbone``, looked up when labelling starts (so a
    build that lacks it fails with a message, not an AttributeError)."""
    from fastback import sat

    fn = getattr(sat, "backbone", None)
    if fn is None:
        raise RuntimeError("fastback.sat.backbone is missing from this build of fastback; "
                           "labelling needs it for the backbone labels")
    return fn


def label_formula(formula: Formula, *, samples: int = DEFAULT_SAMPLES,
                  time_limit: Optional[float] = DEFAULT_TIME_LIMIT, seed: int = 0) -> LabelOutcome:
    """Labels one formula: backbone phases where there is a backbone, the
    majority phase of ``samples`` sampled models elsewhere (module doc).

    ``time_limit`` (seconds, None for none) applies to each solve and to
    the backbone computation separately. ``seed`` fixes the solver seeds and
    initial phases. Every sampled model is checked against every clause,
    and every backbone literal against every sample; a disagreement raises
    ``RuntimeError`` (a solver or backbone bug: no label is better than a
    wrong one). Requires ``1 <= samples <= 65535``. Errors: ``RuntimeError``
    also when ``fastback.sat.backbone`` is not available. Cost: ``samples``
    solves plus one backbone computation (about one solve per variable not
    ruled out by the samples, incrementally).
    """
    return _label(formula, samples=samples, time_limit=time_limit, seed=seed, cancel=None)


def _label(formula: Formula, *, samples: int, time_limit: Optional[float], seed: int,
           cancel: Optional[_Cancellation]) -> LabelOutcome:
    if not 1 <= samples <= np.iinfo(np.uint16).max:
        raise ValueError(f"samples must be in [1, 65535], got {samples}")
    backbone = _backbone_function()
    start = time.perf_counter()
    rng = np.random.default_rng([seed, _LABEL_STREAM])

    def gave_up(status: str) -> LabelOutcome:
        return LabelOutcome(status, None, None, time.perf_counter() - start)

    result, first, conflicts = _sample_model(formula, rng, time_limit, cancel)
    solve_seconds = time.perf_counter() - start
    if result is None:
        return gave_up("timeout")
    if result is False:
        return gave_up("unsat")
    assert first is not None

    backbone_start = time.perf_counter()
    try:
        backbone_lits = backbone(_zero_terminated(formula), time_limit=time_limit,
                                 seed=int(rng.integers(1, 2**31 - 1)))
    except _BACKBONE_LIMIT_ERRORS:
        return gave_up("timeout")
    backbone_seconds = time.perf_counter() - backbone_start
    if backbone_lits is None:
        raise RuntimeError(f"fastback.sat.backbone says UNSAT for a {formula.family} formula the "
                           f"solver found a model for ({formula.params})")

    sample_start = time.perf_counter()
    true_count = first.astype(np.uint16)
    for _ in range(samples - 1):
        result, values, more = _sample_model(formula, rng, time_limit, cancel)
        conflicts += more
        if result is not True or values is None:
            return gave_up("timeout")  # False is impossible: the formula has a model
        true_count += values
    sample_seconds = time.perf_counter() - sample_start

    is_backbone = np.zeros(formula.num_vars, dtype=bool)
    phase = np.sign(2 * true_count.astype(np.int32) - samples).astype(np.int8)
    if backbone_lits:
        bb = np.asarray(backbone_lits, dtype=np.int64)
        idx = np.abs(bb) - 1
        forced_true = bb > 0
        if not ((true_count[idx] == samples) == forced_true).all() or \
                not ((true_count[idx] == 0) == ~forced_true).all():
            raise RuntimeError(f"fastback.sat.backbone returned a literal that a sampled model "
                               f"contradicts ({formula.family}, {formula.params})")
        is_backbone[idx] = True
        phase[idx] = np.where(forced_true, 1, -1)
    labels = Labels(phase, is_backbone, true_count, samples)
    stats = SolveStats(solve_seconds, backbone_seconds, sample_seconds, conflicts)
    return LabelOutcome("ok", labels, stats, time.perf_counter() - start)


# --------------------------------------------------------------------------
# shards
# --------------------------------------------------------------------------


def save_shard(path: PathLike, examples: Sequence[Example]) -> None:
    """Writes ``examples`` to one compressed ``.npz`` shard at ``path``
    (written to a temporary name first, then renamed, so a reader never
    sees half a shard). Errors: ``OSError`` when it cannot be written."""
    path = Path(path)

    def cat(arrays: Iterable[np.ndarray], dtype: Any) -> np.ndarray:
        arrays = list(arrays)
        return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)

    ex = list(examples)
    arrays: Dict[str, Any] = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int32),
        "family": np.array([e.family for e in ex], dtype=str),
        "scale": np.array([e.scale for e in ex], dtype=str),
        "seed": np.array([e.seed for e in ex], dtype=np.uint64),
        "num_vars": np.array([e.num_vars for e in ex], dtype=np.int64),
        "num_clauses": np.array([e.num_clauses for e in ex], dtype=np.int64),
        "num_lits": np.array([len(e.lits) for e in ex], dtype=np.int64),
        "lits": cat((e.lits for e in ex), np.int32),
        "offsets": cat((e.offsets for e in ex), np.int64),
        "phase": cat((e.labels.phase for e in ex), np.int8),
        "is_backbone": cat((e.labels.is_backbone for e in ex), bool),
        "true_count": cat((e.labels.true_count for e in ex), np.uint16),
        "samples": np.array([e.labels.samples for e in ex], dtype=np.int32),
        "solve_seconds": np.array([e.stats.solve_seconds for e in ex], dtype=np.float64),
        "backbone_seconds": np.array([e.stats.backbone_seconds for e in ex], dtype=np.float64),
        "sample_seconds": np.array([e.stats.sample_seconds for e in ex], dtype=np.float64),
        "conflicts": np.array([e.stats.conflicts for e in ex], dtype=np.int64),
    }
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _read_shard(path: Path) -> List[Example]:
    with np.load(path, allow_pickle=False) as z:
        version = int(z["format_version"])
        if version != FORMAT_VERSION:
            raise ValueError(f"{path}: shard format {version}, this fastback reads {FORMAT_VERSION}")
        d = {key: z[key] for key in z.files}

    def starts(sizes: np.ndarray) -> np.ndarray:
        out = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=out[1:])
        return out

    var_at = starts(d["num_vars"])
    lit_at = starts(d["num_lits"])
    off_at = starts(d["num_clauses"] + 1)
    examples = []
    for i in range(len(d["family"])):
        v = slice(var_at[i], var_at[i + 1])
        labels = Labels(d["phase"][v], d["is_backbone"][v], d["true_count"][v], int(d["samples"][i]))
        stats = SolveStats(float(d["solve_seconds"][i]), float(d["backbone_seconds"][i]),
                           float(d["sample_seconds"][i]), int(d["conflicts"][i]))
        examples.append(Example(str(d["family"][i]), str(d["scale"][i]), int(d["seed"][i]),
                                int(d["num_vars"][i]), d["lits"][lit_at[i]:lit_at[i + 1]],
                                d["offsets"][off_at[i]:off_at[i + 1]], labels, stats))
    return examples


def _shard_paths(directory: Path) -> List[Path]:
    return sorted(directory.glob("shard-*.npz"))


def load_dataset(path: PathLike) -> List[Example]:
    """Every example of a dataset directory (its ``shard-*.npz`` in name
    order) or of one shard file. Errors: ``FileNotFoundError`` when there is
    no such file or the directory has no shards, ``ValueError`` for a shard
    of another format version. Cost: reads and decompresses everything."""
    path = Path(path)
    if path.is_dir():
        shards = _shard_paths(path)
        if not shards:
            raise FileNotFoundError(f"{path}: no shard-*.npz files (not a dataset directory)")
    elif path.exists():
        shards = [path]
    else:
        raise FileNotFoundError(f"{path}: no such file or directory")
    return [e for shard in shards for e in _read_shard(shard)]


# --------------------------------------------------------------------------
# building a dataset
# --------------------------------------------------------------------------


def formula_seed(base_seed: int, family: str, index: int) -> int:
    """The seed of formula ``index`` of ``family`` in a dataset built with
    ``base_seed``: independent streams per family (by name, so adding a
    family leaves the others' formulas unchanged) and per index."""
    state = np.random.SeedSequence([base_seed, zlib.crc32(family.encode()), index]).generate_state(2)
    return int(state[0]) << 31 | int(state[1]) >> 1


@dataclass
class FamilySummary:
    """Counts and sums for one family; means via the properties."""

    kept: int = 0
    unsat: int = 0
    timeout: int = 0
    vars_total: int = 0
    clauses_total: int = 0
    backbone_fraction_total: float = 0.0
    seconds_total: float = 0.0

    def add(self, outcome: LabelOutcome, example: Optional[Example]) -> None:
        self.seconds_total += outcome.seconds
        if example is None:
            if outcome.status == "unsat":
                self.unsat += 1
            else:
                self.timeout += 1
            return
        self.kept += 1
        self.vars_total += example.num_vars
        self.clauses_total += example.num_clauses
        self.backbone_fraction_total += example.backbone_fraction

    def _mean(self, total: float) -> float:
        return total / self.kept if self.kept else float("nan")

    @property
    def mean_vars(self) -> float:
        return self._mean(self.vars_total)

    @property
    def mean_clauses(self) -> float:
        return self._mean(self.clauses_total)

    @property
    def mean_backbone_fraction(self) -> float:
        return self._mean(self.backbone_fraction_total)

    @property
    def seconds_per_formula(self) -> float:
        done = self.kept + self.unsat + self.timeout
        return self.seconds_total / done if done else float("nan")


@dataclass
class DatasetSummary:
    """What :func:`make_dataset` did: per-family summaries (in the order the
    families were given), the shards written and the wall time."""

    families: Dict[str, FamilySummary] = field(default_factory=dict)
    shards: List[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def kept(self) -> int:
        return sum(f.kept for f in self.families.values())

    def table(self) -> str:
        """A plain-text table, one row per family."""
        header = ("family", "kept", "unsat", "timeout", "mean vars", "mean clauses",
                  "backbone", "s/formula")
        rows = [header]
        for name, f in self.families.items():
            rows.append((name, str(f.kept), str(f.unsat), str(f.timeout), f"{f.mean_vars:.0f}",
                         f"{f.mean_clauses:.0f}", f"{f.mean_backbone_fraction:.3f}",
                         f"{f.seconds_per_formula:.3f}"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                           for i, (cell, w) in enumerate(zip(r, widths))) for r in rows]
        return "\n".join(lines)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "shards": self.shards,
            "families": {
                name: {"kept": f.kept, "unsat": f.unsat, "timeout": f.timeout,
                       "mean_vars": f.mean_vars, "mean_clauses": f.mean_clauses,
                       "mean_backbone_fraction": f.mean_backbone_fraction,
                       "seconds_per_formula": f.seconds_per_formula}
                for name, f in self.families.items()
            },
        }


class _Progress:
    """A progress bar on stderr: tqdm when it is installed, else a counter;
    nothing at all unless wanted and stderr is a terminal."""

    def __init__(self, total: int, wanted: bool) -> None:
        self._bar: Any = None
        self._counter = False
        self.total = total
        self.done = 0
        if not (wanted and sys.stderr.isatty()):
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self._counter = True
        else:
            self._bar = tqdm(total=total, unit="formula", file=sys.stderr, dynamic_ncols=True)

    def update(self, kept: int, discarded: int) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.set_postfix(kept=kept, discarded=discarded, refresh=False)
            self._bar.update(1)
        elif self._counter:
            sys.stderr.write(f"\r{self.done}/{self.total} formulas ({kept} kept, {discarded} discarded)")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._counter:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _check_families(families: Sequence[str]) -> None:
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown famil{'y' if len(unknown) == 1 else 'ies'} "
                         f"{', '.join(repr(f) for f in unknown)}; known: {', '.join(FAMILIES)}")
    if not families:
        raise ValueError("no families given")


def _prepare_output(out_dir: Path) -> None:
    """Creates ``out_dir`` if needed and makes sure a dataset can be written
    there: it must not hold one already, and a file must be creatable."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if _shard_paths(out_dir) or (out_dir / "manifest.json").exists():
        raise FileExistsError(f"{out_dir} already holds a dataset (shard-*.npz or manifest.json); "
                              f"choose a new directory")
    with tempfile.TemporaryFile(dir=out_dir):
        pass


def make_dataset(out_dir: PathLike, families: Sequence[str], count_per_family: int, scale: str,
                 seed: int = 0, workers: Optional[int] = None, progress: bool = True, *,
                 samples: int = DEFAULT_SAMPLES, time_limit: Optional[float] = DEFAULT_TIME_LIMIT,
                 shard_size: int = DEFAULT_SHARD_SIZE) -> DatasetSummary:
    """Generates ``count_per_family`` formulas of each family at ``scale``,
    labels them on ``workers`` threads (default ``os.cpu_count()``) and
    writes the kept ones to ``out_dir`` as shards of ``shard_size``, plus
    ``manifest.json``. UNSAT formulas and those over ``time_limit`` are
    discarded and counted.

    Formulas go into the shards in a fixed order (index-major, families
    interleaved) whatever the number of workers. ``progress`` shows a bar
    on stderr when it is a terminal.

    Errors, before any work: ``ValueError`` for an unknown family or scale
    or a count, sample number or shard size out of range; ``FileExistsError``
    when ``out_dir`` already holds a dataset; ``OSError`` when it cannot be
    created or written; ``RuntimeError`` when ``fastback.sat.backbone`` is
    missing. During the work: ``RuntimeError`` if a solver or backbone
    result fails its check (see :func:`label_formula`). Ctrl-C interrupts
    the running solves, keeps the shards already written and re-raises.
    Cost: per formula ``samples`` solves and a backbone computation.
    """
    families = list(families)
    _check_families(families)
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    if count_per_family < 1:
        raise ValueError(f"count per family must be at least 1, got {count_per_family}")
    if shard_size < 1:
        raise ValueError(f"shard size must be at least 1, got {shard_size}")
    if not 1 <= samples <= np.iinfo(np.uint16).max:
        raise ValueError(f"samples must be in [1, 65535], got {samples}")
    _backbone_function()
    workers = workers or os.cpu_count() or 1
    out = Path(out_dir)
    _prepare_output(out)

    jobs = [(family, formula_seed(seed, family, i)) for i in range(count_per_family) for family in families]
    summary = DatasetSummary(families={f: FamilySummary() for f in families})
    cancel = _Cancellation()
    start = time.perf_counter()

    def work(family: str, fseed: int) -> Tuple[LabelOutcome, Optional[Example]]:
        formula = generate(family, scale, fseed)
        outcome = _label(formula, samples=samples, time_limit=time_limit, seed=fseed, cancel=cancel)
        if outcome.labels is None:
            return outcome, None
        assert outcome.stats is not None
        return outcome, Example(family, scale, fseed, formula.num_vars, formula.lits, formula.offsets,
                                outcome.labels, outcome.stats)

    pending: List[Example] = []

    def flush() -> None:
        if pending:
            path = out / f"shard-{len(summary.shards):05d}.npz"
            save_shard(path, pending)
            summary.shards.append(path.name)
            pending.clear()

    bar = _Progress(len(jobs), progress)
    window = 4 * workers
    in_flight: Deque[Tuple[str, "Future[Tuple[LabelOutcome, Optional[Example]]]"]] = deque()
    job_iter = iter(jobs)
    kept = discarded = 0
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fastback-neuro") as pool:
            try:
                while True:
                    for family, fseed in itertools.islice(job_iter, window - len(in_flight)):
                        in_flight.append((family, pool.submit(work, family, fseed)))
                    if not in_flight:
                        break
                    family, future = in_flight.popleft()
                    outcome, example = future.result()
                    summary.families[family].add(outcome, example)
                    if example is not None:
                        kept += 1
                        pending.append(example)
                        if len(pending) >= shard_size:
                            flush()
                    else:
                        discarded += 1
                    bar.update(kept, discarded)
            except BaseException:
                cancel.cancel()
                for _, future in in_flight:
                    future.cancel()
                raise
    finally:
        bar.close()
        flush()
    summary.seconds = time.perf_counter() - start
    manifest = {
        "format_version": FORMAT_VERSION,
        "options": {"families": families, "count_per_family": count_per_family, "scale": scale,
                    "seed": seed, "samples": samples, "time_limit": time_limit,
                    "shard_size": shard_size, "workers": workers},
        "summary": summary.as_dict(),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return summary
