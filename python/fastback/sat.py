"""The CDCL SAT solver, with a PySAT-compatible API.

Code written against ``pysat.solvers.Solver`` runs on :class:`Solver` with
only the import changed::

    from fastback.sat import Solver, CNF

    with Solver(bootstrap_with=[[-1, 2], [-2, 3]]) as s:
        s.solve(assumptions=[1])        # True
        s.get_model()                   # [1, 2, 3]
        s.solve(assumptions=[1, -3])    # False
        s.get_core()                    # e.g. [1, -3]

Literals are DIMACS ints: ``v`` or ``-v`` for variable ``v >= 1``. Every
search runs in Rust with the GIL released, and Ctrl-C stops it within about
100 ms (it raises ``KeyboardInterrupt`` in the calling thread).

Formulas: :class:`CNF` (``nv``, ``clauses``, ``comments`` as in PySAT) reads
and writes DIMACS, plain or ``.gz`` / ``.xz``, through the Rust reader, which
reports bad input as :class:`DimacsError` with file and line. A CNF read from
a file stays in Rust until its clauses are asked for, so loading a
million-clause file into a solver never builds a Python list per clause.

Proofs: ``Solver(with_proof=True)`` keeps a DRAT proof in memory
(:meth:`Solver.get_proof`), ``Solver(proof="out.drat")`` writes it to a file;
:func:`check_drat` verifies one with fastback's independent checker.

Beyond PySAT: :func:`backbone` (and :meth:`Solver.backbone`) computes the
literals true in every model; :meth:`Solver.set_phase_priors` (or
``Solver(phase_priors=...)``) starts the search from predicted phases, such
as a neural network's P(variable true).
"""

from __future__ import annotations

import operator
import os
import sys
import time as _time
from typing import (
    IO,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from fastback import _core
from fastback._core import CheckReport
from fastback._errors import DimacsError, ProofError

__all__ = [
    "Solver",
    "CNF",
    "CheckReport",
    "DimacsError",
    "ProofError",
    "read_dimacs",
    "write_dimacs",
    "check_drat",
    "solver_options",
    "backbone",
    "IncompleteBackboneError",
]

PathLike = Union[str, "os.PathLike[str]"]
Clause = Sequence[int]

#: PySAT keyword arguments that mean nothing here (fastback is always
#: incremental) and are accepted so that PySAT code runs unchanged.
_PYSAT_IGNORED = frozenset({"incr", "name"})


class IncompleteBackboneError(TimeoutError):
    """A backbone computation stopped by a limit or an interrupt request
    before it was complete.

    What it established is exact: every literal of ``confirmed`` is in the
    backbone, and the backbone lies within ``confirmed + undecided``.
    Attributes: ``reason`` (``"time_limit"``, ``"conflict_limit"``,
    ``"propagation_limit"``, ``"interrupted"`` or ``"terminated"``),
    ``confirmed`` and ``undecided`` (sorted DIMACS literals; ``undecided`` is
    ``None`` when satisfiability itself is still unknown) and ``stats`` (as
    :meth:`Solver.backbone_stats`).
    """

    _WHY = {
        "time_limit": "the time limit was reached",
        "conflict_limit": "the conflict limit was reached",
        "propagation_limit": "the propagation limit was reached",
        "interrupted": "interrupt() was called",
        "terminated": "the search was told to stop",
    }

    def __init__(self, reason: str, confirmed: List[int], undecided: Optional[List[int]],
                 stats: Dict[str, Union[int, float]]) -> None:
        known = ("satisfiability is still unknown" if undecided is None
                 else f"{len(confirmed)} literals confirmed, {len(undecided)} undecided")
        super().__init__(f"backbone incomplete: {self._WHY.get(reason, reason)} after "
                         f"{stats.get('solves', 0)} solve calls; {known}")
        self.reason = reason
        self.confirmed = confirmed
        self.undecided = undecided
        self.stats = stats

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.reason, self.confirmed, self.undecided, self.stats))


def solver_options() -> List[Tuple[str, int, int, int, str]]:
    """Every solver option as ``(name, default, min, max, description)``.

    These are the keyword arguments :class:`Solver` accepts and the
    ``--name=value`` flags of ``fastback sat``. Options are ints (booleans
    are 0/1).
    """
    return list(_core.solver_options())


# --------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------


class CNF:
    """A CNF formula: ``nv`` variables, ``clauses`` (lists of DIMACS ints) and
    ``comments`` (the ``c ...`` lines of the file it came from, ``c``
    included), as PySAT's ``pysat.formula.CNF``.

    Construct it empty, or with one of ``from_file``, ``from_fp``,
    ``from_string``, ``from_clauses`` (same keywords as PySAT).

    A CNF read from DIMACS keeps its clauses in Rust (compact flat arrays)
    until ``clauses`` is first read; :meth:`Solver.append_formula`,
    :func:`write_dimacs`, :func:`check_drat` and ``len()`` use them without
    building Python lists. Reading ``clauses`` converts them once (O(size))
    and from then on the Python list is the formula, free to mutate.
    """

    nv: int
    comments: List[str]

    def __init__(
        self,
        from_file: Optional[PathLike] = None,
        from_fp: Optional[IO[Any]] = None,
        from_string: Optional[str] = None,
        from_clauses: Optional[Iterable[Clause]] = None,
        comment_lead: Optional[Sequence[str]] = None,
    ) -> None:
        self.nv = 0
        self.comments = []
        self._clauses: Optional[List[List[int]]] = []
        self._native: Optional[_core.Cnf] = None
        if from_file is not None:
            self.from_file(from_file)
        elif from_fp is not None:
            self.from_fp(from_fp)
        elif from_string is not None:
            self.from_string(from_string)
        elif from_clauses is not None:
            self.from_clauses(from_clauses)

    # -- the clause list, converted from Rust on first access ---------------

    @property
    def clauses(self) -> List[List[int]]:
        """The clauses as lists of ints (converted from Rust on first access)."""
        if self._clauses is None:
            assert self._native is not None
            self._clauses = self._native.clauses()
            self._native = None
        return self._clauses

    @clauses.setter
    def clauses(self, value: List[List[int]]) -> None:
        self._clauses = value
        self._native = None

    def _set_native(self, native: _core.Cnf) -> None:
        self._native = native
        self._clauses = None
        self.nv = native.num_vars
        self.comments = ["c " + text if text else "c" for text in native.comments]

    @property
    def native(self) -> Optional[_core.Cnf]:
        """The Rust-side clause store while ``clauses`` has not been read, else None."""
        return self._native

    # -- loading -------------------------------------------------------------

    def from_file(self, fname: PathLike, comment_lead: Optional[Sequence[str]] = None,
                  compressed_with: str = "use_ext") -> None:
        """Replaces this formula with the DIMACS file ``fname`` (plain, ``.gz``
        or ``.xz``, recognised by content; ``"-"`` reads stdin).

        Errors: :class:`DimacsError` (with ``source`` and ``line``) on bad
        input, ``OSError`` when the file cannot be read. Cost: O(file size),
        GIL released while parsing.
        """
        del comment_lead, compressed_with  # the Rust reader handles both
        if os.fspath(fname) == "-":
            data = sys.stdin.buffer.read()
            self._set_native(_core.read_dimacs(data=data, name="<stdin>"))
        else:
            self._set_native(_core.read_dimacs(path=os.fspath(fname)))

    def from_fp(self, file_pointer: IO[Any], comment_lead: Optional[Sequence[str]] = None) -> None:
        """Replaces this formula with DIMACS read from an open file (text or binary)."""
        del comment_lead
        data = file_pointer.read()
        if isinstance(data, str):
            data = data.encode()
        name = getattr(file_pointer, "name", "<stream>")
        self._set_native(_core.read_dimacs(data=data, name=str(name)))

    def from_string(self, string: str, comment_lead: Optional[Sequence[str]] = None) -> None:
        """Replaces this formula with the DIMACS text ``string`` (source name ``<string>``)."""
        del comment_lead
        self._set_native(_core.read_dimacs(data=string.encode(), name="<string>"))

    def from_clauses(self, clauses: Iterable[Clause], by_ref: bool = False) -> None:
        """Replaces this formula with ``clauses``; ``nv`` becomes the largest
        variable used. With ``by_ref`` the list itself is kept (as PySAT)."""
        if by_ref and isinstance(clauses, list):
            self.clauses = clauses  # type: ignore[assignment]
        else:
            self.clauses = [list(c) for c in clauses]
        self.nv = max((abs(lit) for c in self.clauses for lit in c), default=0)

    # -- editing -------------------------------------------------------------

    def append(self, clause: Clause, update_vpool: bool = False) -> None:
        """Adds one clause and raises ``nv`` to cover it."""
        del update_vpool
        c = list(clause)
        self.clauses.append(c)
        self.nv = max([self.nv] + [abs(lit) for lit in c])

    def extend(self, clauses: Iterable[Clause]) -> None:
        """Adds several clauses."""
        for c in clauses:
            self.append(c)

    def copy(self) -> "CNF":
        """A deep copy (clauses still in Rust stay shared: they are immutable there)."""
        other = CNF()
        other.nv = self.nv
        other.comments = list(self.comments)
        if self._native is not None:
            other._native = self._native
            other._clauses = None
        else:
            other._clauses = [list(c) for c in self.clauses]
        return other

    def __len__(self) -> int:
        if self._native is not None:
            return self._native.num_clauses
        return len(self.clauses)

    def __iter__(self) -> Iterator[List[int]]:
        return iter(self.clauses)

    def __repr__(self) -> str:
        return f"CNF(nv={self.nv}, clauses={len(self)})"

    # -- writing -------------------------------------------------------------

    def to_fp(self, file_pointer: IO[str], comments: Optional[Sequence[str]] = None) -> None:
        """Writes DIMACS text to an open text file: comments, ``p cnf`` header, clauses."""
        file_pointer.write(self.to_string(comments))

    def to_string(self, comments: Optional[Sequence[str]] = None) -> str:
        """The formula as DIMACS text. ``ValueError`` for a bad literal."""
        return _native_of(self, comments).dimacs()

    to_dimacs = to_string  # PySAT's name

    def to_file(self, fname: PathLike, comments: Optional[Sequence[str]] = None,
                compress_with: str = "use_ext") -> None:
        """Writes DIMACS to ``fname``, compressed by extension (``.gz``, ``.xz``)."""
        if compress_with != "use_ext":
            raise ValueError("compression follows the file extension (.gz, .xz); "
                             f"compress_with={compress_with!r} is not supported")
        write_dimacs(self, fname, comments=comments)


def read_dimacs(path: PathLike) -> CNF:
    """Reads a DIMACS CNF file (plain, ``.gz`` or ``.xz``, by content; ``"-"``
    is stdin).

    Errors: :class:`DimacsError` on bad input, whose message is
    ``file:line: what is wrong`` (e.g. ``x.cnf:17: clause literal 'a' is not
    an integer``); ``OSError`` when the file cannot be read. Cost: O(size) in
    Rust with the GIL released; clauses stay in Rust (see :class:`CNF`).
    """
    return CNF(from_file=path)


def write_dimacs(cnf: Union[CNF, Iterable[Clause]], path: PathLike, *,
                 comments: Optional[Sequence[str]] = None) -> None:
    """Writes ``cnf`` (a :class:`CNF` or a list of clauses) as DIMACS to
    ``path``: comments, the ``p cnf`` header, one clause per line.

    Compression follows the extension: ``.gz`` gzip, ``.xz`` xz, anything
    else plain; ``"-"`` writes to stdout. ``comments`` replaces the
    formula's own. Errors: ``ValueError`` for a bad literal, ``OSError`` when
    the file cannot be written (a partial file may remain). Cost: O(size) in
    Rust with the GIL released (xz is slow: ~10 s per 100 MB of text).
    """
    if not isinstance(cnf, CNF):
        cnf = CNF(from_clauses=cnf)
    _native_of(cnf, comments).write(os.fspath(path))


def _comment_text(line: str) -> str:
    """PySAT comment line (``"c text"``) -> comment text (``"text"``)."""
    if line.startswith("c"):
        line = line[1:]
        if line[:1] in (" ", "\t"):
            line = line[1:]
    return line


def _native_of(cnf: CNF, comments: Optional[Sequence[str]] = None) -> _core.Cnf:
    """The formula as a Rust ``Cnf`` (shared when it already is one)."""
    if comments is None and cnf.native is not None:
        return cnf.native
    texts = [_comment_text(c) for c in (cnf.comments if comments is None else comments)]
    if cnf.native is not None:
        return _core.Cnf(cnf.nv, cnf.native.clauses(), texts)
    return _core.Cnf(cnf.nv, cnf.clauses, texts)


def check_drat(cnf: Union[CNF, Iterable[Clause]], proof: Union[PathLike, bytes], *,
               format: str = "auto") -> CheckReport:
    """Checks a DRAT proof that ``cnf`` is unsatisfiable, with fastback's
    independent checker (it shares no code with the solver).

    ``proof`` is a file path or the proof's bytes; ``format`` is ``"auto"``
    (detect), ``"text"`` or ``"binary"``. Returns a :class:`CheckReport`
    whose ``verified`` says whether the proof derives the empty clause with
    every lemma RUP or RAT; a proof that reads fine but fails is not an
    error. Errors: :class:`ProofError` when the proof cannot be read as
    DRAT, ``OSError`` for an unreadable file. Cost: backward checking, at
    worst quadratic in proof size; the GIL is released.
    """
    if format not in ("auto", "text", "binary"):
        raise ValueError(f"format must be 'auto', 'text' or 'binary', got {format!r}")
    data = proof if isinstance(proof, bytes) else open(os.fspath(proof), "rb").read()
    if not isinstance(cnf, CNF):
        cnf = CNF(from_clauses=cnf)
    clauses: Any = cnf.native if cnf.native is not None else cnf.clauses
    return _core.check_drat(cnf.nv, clauses, data, format)


# --------------------------------------------------------------------------
# The solver
# --------------------------------------------------------------------------


class Solver:
    """An incremental CDCL SAT solver with PySAT's ``Solver`` interface.

    Arguments:
        bootstrap_with: initial clauses (anything :meth:`append_formula` takes).
        use_timer: measure solve times for :meth:`time` / :meth:`time_accum`.
        with_proof: log a DRAT proof in memory (:meth:`get_proof`).
        proof: path of a file to write the DRAT proof to instead.
        binary_proof: binary DRAT instead of text.
        seed: random seed (same seed, same formula, same calls: same run).
        phases: initial preferred phases, as for :meth:`set_phases`.
        phase_priors: predicted P(variable true), as for
            :meth:`set_phase_priors`; applied before ``phases``, so explicit
            phases win where both speak.
        prior_threshold: the confidence a prior needs, in (0.5, 1].
        **options: solver options by name, ints (see :func:`solver_options`).

    Errors: ``ValueError`` for an unknown option or one out of range, for
    bad literals anywhere (the message names the literal and its position)
    and for bad priors or threshold; ``OSError`` if the proof file cannot be
    created.

    A solver holds native memory until :meth:`delete` (or the end of a
    ``with`` block, or garbage collection). Calls on a deleted solver raise
    ``RuntimeError``. One solver must not be used from two threads at once,
    except :meth:`interrupt` / :meth:`clear_interrupt`, which are meant to be
    called from another thread while a solve runs; any other call into a
    busy solver raises ``RuntimeError`` rather than blocking.
    """

    def __init__(
        self,
        bootstrap_with: Any = None,
        *,
        use_timer: bool = False,
        with_proof: bool = False,
        proof: Optional[PathLike] = None,
        binary_proof: bool = False,
        seed: int = 0,
        phases: Optional[Iterable[int]] = None,
        phase_priors: Any = None,
        prior_threshold: float = 0.9,
        **options: int,
    ) -> None:
        for key in _PYSAT_IGNORED.intersection(options):
            del options[key]
        opts: Dict[str, int] = {"seed": seed, **options}
        self._solver: Optional[_core.Solver] = None
        self._solver = _core.Solver(opts)
        self._use_timer = use_timer
        self._call_time = 0.0
        self._accu_time = 0.0
        self._budgets: Tuple[Optional[int], Optional[int], Optional[float]] = (None, None, None)
        self._applied: Tuple[Optional[int], Optional[int], Optional[float]] = (None, None, None)
        self._proof_path = os.fspath(proof) if proof is not None else None
        self._binary_proof = binary_proof
        self._with_proof = with_proof or proof is not None
        self._backbone_stats: Optional[Dict[str, Union[int, float]]] = None
        if self._proof_path is not None:
            self._solver.set_proof(self._proof_path, binary_proof)
        elif with_proof:
            self._solver.set_proof(None, binary_proof)
        # An empty prior still checks the threshold, so a bad one is never silent.
        self.set_phase_priors({} if phase_priors is None else phase_priors, prior_threshold)
        if phases is not None:
            self.set_phases(phases)
        if bootstrap_with is not None:
            self.append_formula(bootstrap_with)

    # -- lifetime ------------------------------------------------------------

    @property
    def _s(self) -> _core.Solver:
        if self._solver is None:
            raise RuntimeError("the solver has been deleted (delete() was called); create a new one")
        return self._solver

    def delete(self) -> None:
        """Frees the native solver (flushing any proof). Idempotent; every
        later call except ``delete`` raises ``RuntimeError``. Errors:
        ``RuntimeError`` while another thread is solving (nothing is freed),
        ``OSError`` if the proof could not be written (the solver is freed)."""
        s = self._solver
        if s is not None:
            # Forget the native object only once it is really gone: deleting a
            # solver that another thread is running raises RuntimeError and
            # leaves this one usable.
            try:
                s.delete()
            except OSError:
                self._solver = None  # freed; only the proof flush failed
                raise
            self._solver = None

    def __enter__(self) -> "Solver":
        return self

    def __exit__(self, *exc: object) -> None:
        self.delete()

    def __del__(self) -> None:
        # Runs during interpreter shutdown too: never raise from here.
        try:
            self.delete()
        except Exception:
            pass

    # -- clauses -------------------------------------------------------------

    def add_clause(self, clause: Iterable[int], no_return: bool = True) -> Optional[bool]:
        """Adds one clause (an iterable of DIMACS ints; duplicates and
        tautologies are fine, ``[]`` makes the formula unsatisfiable).

        Returns ``None``, or with ``no_return=False`` whether the formula may
        still be satisfiable (``False`` means it is known unsatisfiable).
        Errors: ``ValueError`` for 0 or a literal beyond 2**31 - 2 (the
        message gives its index), ``TypeError`` for a non-int.
        Cost: O(len(clause)).
        """
        res = self._s.add_clause(clause)
        return None if no_return else res

    def append_formula(self, formula: Any, no_return: bool = True) -> Optional[bool]:
        """Adds many clauses at once. ``formula`` is one of:

        - a :class:`CNF` (from a file: added straight from Rust, no Python
          lists), a ``fastback._core.Cnf`` handle, or any object with a
          ``clauses`` attribute (PySAT's CNF);
        - an iterable of clauses (each an iterable of ints);
        - a numpy int array: 1-D holds clauses each ended by 0 (DIMACS
          order), 2-D holds one clause per row with 0 as padding (so a row
          of zeros is the empty clause).

        Nothing is added when a literal is invalid (``ValueError`` naming
        the clause and index). Returns as :meth:`add_clause`. The GIL is
        released while clauses are added.
        """
        s = self._s
        if isinstance(formula, CNF):
            if formula.native is not None:
                res = s.append_cnf(formula.native)
            else:
                s.reserve_vars(formula.nv)
                res = s.add_clauses(formula.clauses)
        elif isinstance(formula, _core.Cnf):
            res = s.append_cnf(formula)
        elif _is_ndarray(formula):
            lits, offsets = _flat_from_ndarray(formula)
            res = s.add_clauses_flat(lits, offsets)
        elif hasattr(formula, "clauses") and not isinstance(formula, (list, tuple)):
            res = s.add_clauses(formula.clauses)
        else:
            res = s.add_clauses(formula)
        return None if no_return else res

    def add_clauses_flat(self, lits: Any, offsets: Any = None, no_return: bool = True) -> Optional[bool]:
        """Adds clauses given as one flat literal array (list or numpy) and
        optional offsets: clause ``i`` is ``lits[offsets[i]:offsets[i+1]]``;
        without offsets, clauses end with 0 as in DIMACS. Checked as
        :meth:`append_formula`. Cost: O(len(lits)), no per-clause Python objects.
        """
        if _is_ndarray(lits):
            import numpy as np

            lits = np.ascontiguousarray(lits, dtype=np.int32).tobytes()
        if offsets is not None and _is_ndarray(offsets):
            import numpy as np

            offsets = np.ascontiguousarray(offsets, dtype=np.int64).tobytes()
        res = self._s.add_clauses_flat(lits, offsets)
        return None if no_return else res

    def set_phases(self, literals: Iterable[int] = ()) -> None:
        """Preferred decision phases: each literal's sign for its variable
        (the solver still overrides them when it learns better)."""
        self._s.set_phases(literals)

    def set_phase_priors(self, probs: Any, threshold: float = 0.9) -> int:
        """Starts the search from predicted phases: ``probs`` gives
        P(variable true), as a 1-D numpy array or sequence of floats whose
        entry ``i`` is variable ``i + 1`` (NaN: no prior), or a dict
        ``{variable: probability}``.

        A variable with ``p >= threshold`` starts true, one with
        ``p <= 1 - threshold`` false (compared in float32); others keep
        their phase. The phase is where the search starts and where its
        periodic "original" rephasing returns, so a good prediction means
        few conflicts; the search still leaves it where it learns better.
        Priors may name variables not added yet: they apply when those
        appear. Calls add up per variable, the later one winning, and the
        same holds with :meth:`set_phases`; the ``phase`` option applies
        only to variables without a prior.

        Returns how many variables got a phase. Errors (nothing changed):
        ``ValueError`` for a probability outside [0, 1], a threshold outside
        (0.5, 1], a variable below 1 or an array that is not 1-D;
        ``TypeError`` for a non-numeric value. Cost: O(len(probs)).
        """
        if _is_ndarray(probs):
            import numpy as np

            if probs.ndim != 1:
                raise ValueError(f"phase priors must be a 1-D array (entry i for variable i + 1), "
                                 f"got {probs.ndim}-D")
            if probs.dtype.kind not in "fiub":
                raise TypeError(f"phase priors must be numbers, got dtype {probs.dtype}")
            probs = np.ascontiguousarray(probs, dtype=np.float32).tobytes()
        return self._s.set_phase_priors(probs, float(threshold))

    # -- backbone ----------------------------------------------------------------

    def backbone(self, *, time_limit: Optional[float] = None,
                 conflict_limit: Optional[int] = None) -> Optional[List[int]]:
        """The backbone of the formula added so far (without assumptions):
        the literals true in every model, sorted by variable, as DIMACS
        ints; ``None`` when the formula is unsatisfiable.

        ``time_limit`` (seconds) and ``conflict_limit`` bound the whole
        computation; a computation they (or :meth:`interrupt`) stop raises
        :class:`IncompleteBackboneError`, which says what was established.
        Ctrl-C raises ``KeyboardInterrupt``. Counters of the computation:
        :meth:`backbone_stats`.

        The formula is unchanged afterwards (learned clauses are kept, a
        proof being logged stays valid), but :meth:`get_status` is ``None``
        unless the formula is unsatisfiable. Cost: a sequence of solves
        (CadiBack's method), at most one per variable outside the backbone
        plus two, usually far fewer; the GIL is released.
        """
        if conflict_limit is not None:
            conflict_limit = operator.index(conflict_limit)  # TypeError for a non-int
            if conflict_limit < 0:
                raise ValueError(f"conflict_limit must be a non-negative int, got {conflict_limit}")
        if time_limit is not None and not time_limit >= 0:
            raise ValueError(f"time_limit must be a non-negative number of seconds, got {time_limit!r}")
        s = self._s
        budgets = (conflict_limit, None, None if time_limit is None else float(time_limit))
        if budgets != self._applied:
            self._applied = (-1, -1, -1.0)  # unknown until all three are set
            s.set_conflict_budget(budgets[0])
            s.set_propagation_budget(budgets[1])
            s.set_time_limit(budgets[2])
            self._applied = budgets
        outcome, lits, undecided, stats = s.backbone()
        self._backbone_stats = stats
        if outcome == "sat":
            return lits
        if outcome == "unsat":
            return None
        assert lits is not None
        raise IncompleteBackboneError(outcome, lits, undecided, stats)

    def backbone_stats(self) -> Optional[Dict[str, Union[int, float]]]:
        """Counters of the last :meth:`backbone` call (``None`` before one):
        ``solves`` (solver calls), ``candidates`` (literals of the first
        model), ``fixed`` and ``confirmed_by_unsat`` (how candidates were
        proved), ``filtered`` (dropped because a model falsified them),
        ``flipped`` (dropped because flipping them kept a model a model),
        ``conflicts`` and ``time_secs``."""
        return None if self._backbone_stats is None else dict(self._backbone_stats)

    # -- solving -------------------------------------------------------------

    def _run(self, assumptions: Iterable[int], budgets: Tuple[Optional[int], Optional[int], Optional[float]]
             ) -> Optional[bool]:
        s = self._s
        if budgets != self._applied:
            s.set_conflict_budget(budgets[0])
            s.set_propagation_budget(budgets[1])
            s.set_time_limit(budgets[2])
            self._applied = budgets
        start = _time.perf_counter() if self._use_timer else 0.0
        try:
            return s.solve(assumptions)
        finally:
            if self._use_timer:
                self._call_time = _time.perf_counter() - start
                self._accu_time += self._call_time

    def solve(self, assumptions: Iterable[int] = ()) -> Optional[bool]:
        """Solves the formula under ``assumptions`` (literals assumed true for
        this call only). Budgets are ignored, as in PySAT.

        Returns ``True`` (satisfiable: :meth:`get_model`) or ``False``
        (unsatisfiable: :meth:`get_core` gives failed assumptions); ``None``
        only if :meth:`interrupt` stopped it. Ctrl-C raises
        ``KeyboardInterrupt`` within about 100 ms. Learned clauses are kept
        for later calls. Cost: NP-hard in general; the GIL is released.
        """
        return self._run(assumptions, (None, None, None))

    def solve_limited(self, assumptions: Iterable[int] = (), expect_interrupt: bool = False
                      ) -> Optional[bool]:
        """As :meth:`solve`, within the budgets set by :meth:`conf_budget`,
        :meth:`prop_budget` and :meth:`time_budget`; returns ``None`` when a
        budget runs out or :meth:`interrupt` is called. Budgets count from the
        start of each call and stay set until changed. ``expect_interrupt``
        is accepted for PySAT compatibility: interrupts always work here.
        """
        del expect_interrupt
        return self._run(assumptions, self._budgets)

    def conf_budget(self, budget: int = -1) -> None:
        """Conflict limit for each :meth:`solve_limited` call (negative: none)."""
        self._s
        self._budgets = (None if budget < 0 else int(budget), self._budgets[1], self._budgets[2])

    def prop_budget(self, budget: int = -1) -> None:
        """Propagation limit for each :meth:`solve_limited` call (negative: none)."""
        self._s
        self._budgets = (self._budgets[0], None if budget < 0 else int(budget), self._budgets[2])

    def time_budget(self, seconds: Optional[float] = None) -> None:
        """Wall-clock limit in seconds for each :meth:`solve_limited` call
        (``None``: none). Not in PySAT, which needs a timer thread for this."""
        self._s
        if seconds is not None and not seconds >= 0:
            raise ValueError(f"time budget must be a non-negative number of seconds, got {seconds}")
        self._budgets = (self._budgets[0], self._budgets[1], None if seconds is None else float(seconds))

    def interrupt(self) -> None:
        """Stops a running :meth:`solve_limited` / :meth:`solve` (it returns
        ``None``), from any thread. The request stays until
        :meth:`clear_interrupt`, so a later solve stops at once."""
        self._s.interrupt()

    def clear_interrupt(self) -> None:
        """Withdraws an :meth:`interrupt` request."""
        self._s.clear_interrupt()

    def enum_models(self, assumptions: Iterable[int] = ()) -> Iterator[List[int]]:
        """Yields every model under ``assumptions``, adding a blocking clause
        after each (so the solver keeps them afterwards, as in PySAT)."""
        assumptions = list(assumptions)
        while self.solve(assumptions):
            model = self.get_model()
            assert model is not None
            yield model
            self.add_clause([-lit for lit in model])

    # -- results ---------------------------------------------------------------

    def get_status(self) -> Optional[bool]:
        """Result of the last solve: ``True``, ``False`` or ``None``."""
        return self._s.status()

    def get_model(self) -> Optional[List[int]]:
        """After a ``True`` answer, the model: one literal per variable
        (``v`` or ``-v``, for ``v = 1 .. nof_vars()``). Otherwise ``None``."""
        return self._s.model()

    def get_core(self) -> Optional[List[int]]:
        """After a ``False`` answer, the failed assumptions: a subset of the
        assumptions that together with the formula is unsatisfiable (``[]``
        when the formula is unsatisfiable on its own). Otherwise ``None``."""
        return self._s.failed_assumptions()

    def get_proof(self) -> Optional[List[str]]:
        """The text DRAT proof as a list of lines (``with_proof=True`` or
        ``proof=path``), ``None`` when no proof is logged. For a binary proof
        use :meth:`get_proof_bytes`."""
        data = self.get_proof_bytes()
        if data is None:
            return None
        if self._binary_proof:
            raise ValueError("this solver logs a binary proof; use get_proof_bytes()")
        return data.decode("ascii").splitlines()

    def get_proof_bytes(self) -> Optional[bytes]:
        """The DRAT proof so far as bytes (text or binary), ``None`` when no
        proof is logged. Cost: a copy of the proof (a file is read back)."""
        s = self._s
        if self._proof_path is not None:
            s.flush_proof()
            with open(self._proof_path, "rb") as f:
                return f.read()
        if self._with_proof:
            return s.proof_bytes()
        return None

    def flush_proof(self) -> None:
        """Writes out buffered proof lines (``OSError`` on a write error)."""
        self._s.flush_proof()

    def nof_vars(self) -> int:
        """Number of variables: the largest variable seen (or reserved)."""
        return self._s.num_vars()

    def nof_clauses(self) -> int:
        """Number of clauses added (learned clauses are not counted)."""
        return self._s.num_clauses()

    def accum_stats(self) -> Dict[str, Union[int, float]]:
        """Statistics accumulated over all solves: ``conflicts``,
        ``decisions``, ``propagations``, ``restarts`` (PySAT's keys) and more."""
        return dict(self._s.stats())

    def time(self) -> float:
        """Seconds taken by the last solve (0.0 unless ``use_timer=True``)."""
        return self._call_time

    def time_accum(self) -> float:
        """Seconds taken by all solves (0.0 unless ``use_timer=True``)."""
        return self._accu_time

    def supports_atmost(self) -> bool:
        """``False``: cardinality constraints must be encoded as clauses."""
        return False


def backbone(formula: Any, *, time_limit: Optional[float] = None,
             conflict_limit: Optional[int] = None, seed: Optional[int] = None) -> Optional[List[int]]:
    """The backbone of ``formula``: the literals true in every model, sorted
    by variable, as DIMACS ints; ``None`` when it is unsatisfiable.

    ``formula`` is a :class:`CNF`, a ``Cnf`` handle from
    ``fastback._core.read_dimacs``, a list of clauses, or anything else
    :meth:`Solver.append_formula` takes. ``time_limit`` (seconds) and
    ``conflict_limit`` bound the whole computation, ``seed`` is the solver's
    random seed.

    Errors: :class:`IncompleteBackboneError` (a ``TimeoutError``) when a
    limit stops it, never a partial answer; ``KeyboardInterrupt`` on Ctrl-C;
    ``ValueError`` for bad literals or limits. Cost: see
    :meth:`Solver.backbone`; the GIL is released.
    """
    with Solver(seed=0 if seed is None else seed) as s:
        s.append_formula(formula)
        return s.backbone(time_limit=time_limit, conflict_limit=conflict_limit)


def _is_ndarray(obj: Any) -> bool:
    return type(obj).__module__ == "numpy" and type(obj).__name__ == "ndarray"


def _flat_from_ndarray(arr: Any) -> Tuple[bytes, Optional[bytes]]:
    import numpy as np

    if arr.dtype.kind not in "iu":
        raise TypeError(f"a numpy formula must have an integer dtype, got {arr.dtype}")
    if not _fits_int32(arr):
        _bad_range(arr)
    if arr.ndim == 1:
        return np.ascontiguousarray(arr, dtype=np.int32).tobytes(), None
    if arr.ndim != 2:
        raise ValueError(f"a numpy formula must be 1-D (0-terminated) or 2-D (a clause per row), "
                         f"got {arr.ndim}-D")
    mask = arr != 0
    offsets = np.zeros(arr.shape[0] + 1, dtype=np.int64)
    np.cumsum(mask.sum(axis=1), out=offsets[1:])
    return np.ascontiguousarray(arr[mask], dtype=np.int32).tobytes(), offsets.tobytes()


def _fits_int32(arr: Any) -> bool:
    return arr.size == 0 or (int(arr.min()) >= -(2**31 - 2) and int(arr.max()) <= 2**31 - 2)


def _bad_range(arr: Any) -> Any:
    import numpy as np

    flat = np.asarray(arr).reshape(-1)
    i = int(np.argmax(np.abs(flat.astype(np.float64))))
    where = f"flat index {i}" if np.ndim(arr) == 1 else f"row {i // arr.shape[1]}, index {i % arr.shape[1]}"
    raise ValueError(f"invalid literal {int(flat[i])} at {where}: literals are non-zero ints "
                     f"in [-{2**31 - 2}, {2**31 - 2}]")
