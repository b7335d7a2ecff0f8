"""Filling crosswords and acrostics from candidate answers per clue.

Solving a clue takes knowledge (an LLM, a dictionary, a database); fitting
the answers together is search. The caller supplies
``candidates(clue) -> iterable of str``, best first; this module finds the
fill that is consistent with the puzzle:

- **Crossword** (:func:`fill_crossword`): one variable per slot, its domain
  the candidates of the slot's length (letters only, upper case); two
  slots that cross must agree on the crossing letter. Backtracking with MRV
  (the slot with the fewest remaining candidates next), candidates in the
  caller's order, and forward checking: assigning a slot removes from every
  crossing slot the candidates with another letter at the crossing. A slot
  with no candidate of its length is left open (it constrains nothing) and
  the fill is then reported incomplete.
- **Acrostic** (:func:`fill_acrostic`): one variable per clue; each grid
  number belongs to exactly one clue, so clues never cross each other:
  what ties them together is the quotation, whose words are spelled by
  letters of several clues. Every quotation word must be a word of the word
  list (``word_list``, by default the wordfreq list of
  :mod:`fastback.lr2bench.words`); the answers the puzzle gives away
  (``hints``) are fixed. The word constraints are propagated to a fixpoint
  (AC-3): the letters each cell can still take come from its clue's live
  candidates, :meth:`~fastback.lr2bench.words.WordIndex.supports` keeps
  those some listed word uses, and candidates with a letter outside are
  dropped. Search branches on the clue with the fewest candidates left.
  A quotation word that no listed word fits at all, given its clues'
  candidates (a name), is not checked; when the rest admit no fill, one
  word, then two, are left out in turn. Among the fills found (up to
  ``solutions``) the one whose quotation words are most frequent wins.

Both stop after ``max_nodes`` search nodes and then return the most
complete assignment they met, with ``complete=False``.

Cost: a node is one assignment plus its propagation: O(crossings) for a
crossword, O(quotation words touched x 26 big-int operations) for an
acrostic; with ten candidates per clue a 15x15 grid takes about 10 ms and an
acrostic about 50 ms (``benches/lr2bench.py fill``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from fastback.lr2bench.puzzles import Acrostic, Crossword
from fastback.lr2bench.words import WordIndex, word_index, word_model, word_shape

__all__ = ["Clue", "FillResult", "fill_crossword", "fill_acrostic", "normalize_candidate",
           "CandidateFn", "acrostic_letters", "crossword_grid", "consistent"]


@dataclass(frozen=True)
class Clue:
    """What a candidates function is asked about: the puzzle's ``tag``, the
    clue's ``id`` (``"1-ACROSS"``, ``"A"``), its ``text``, the answer's
    ``length`` in letters and, for acrostics, its number of ``words``."""

    tag: str
    id: str
    text: str
    length: int
    words: Optional[int] = None


CandidateFn = Callable[[Clue], Iterable[str]]


@dataclass
class FillResult:
    """``entries``: clue id -> answer for every clue the fill sets;
    ``complete``: every clue set and every constraint met; ``nodes``:
    search nodes used; ``open``: clues that had no usable candidate;
    ``unknown_words``: quotation words outside the word list (acrostics)."""

    entries: Dict[str, str]
    complete: bool
    nodes: int
    open: List[str] = field(default_factory=list)
    unknown_words: List[str] = field(default_factory=list)


def normalize_candidate(text: str) -> str:
    """A candidate as the grid holds it: letters only, upper case
    (``"You're on"`` -> ``"YOUREON"``)."""
    return "".join(ch for ch in str(text).upper() if "A" <= ch <= "Z")


def _domain(candidates: Iterable[str], length: int) -> List[str]:
    seen: Dict[str, None] = {}
    for c in candidates:
        word = normalize_candidate(c)
        if len(word) == length:
            seen.setdefault(word, None)
    return list(seen)


# --------------------------------------------------------------------------
# crosswords
# --------------------------------------------------------------------------


def fill_crossword(puzzle: Crossword, candidates: CandidateFn, *, max_nodes: int = 200_000) -> FillResult:
    """The first consistent fill of ``puzzle`` from ``candidates`` (see the
    module doc). ``entries`` is keyed by slot id (``"1-ACROSS"``)."""
    slots = puzzle.slots
    ids = list(slots)
    domains: Dict[str, List[str]] = {}
    for sid in ids:
        s = slots[sid]
        domains[sid] = _domain(candidates(Clue(puzzle.tag, sid, s.clue, s.length)), s.length)
    open_slots = [sid for sid in ids if not domains[sid]]
    variables = [sid for sid in ids if domains[sid]]
    # crossings[a] = [(b, position in a, position in b)]
    cell_owner: Dict[Tuple[int, int], List[Tuple[str, int]]] = {}
    for sid in variables:
        for k, cell in enumerate(slots[sid].cells):
            cell_owner.setdefault(cell, []).append((sid, k))
    crossings: Dict[str, List[Tuple[str, int, int]]] = {sid: [] for sid in variables}
    for owners in cell_owner.values():
        for a, ka in owners:
            for b, kb in owners:
                if a != b:
                    crossings[a].append((b, ka, kb))

    assignment: Dict[str, str] = {}
    best: Dict[str, str] = {}
    nodes = 0
    live = {sid: list(domains[sid]) for sid in variables}

    def search() -> bool:
        nonlocal nodes, best
        if len(assignment) > len(best):
            best = dict(assignment)
        if len(assignment) == len(variables):
            return True
        if nodes >= max_nodes:
            return False
        sid = min((v for v in variables if v not in assignment), key=lambda v: len(live[v]))
        for word in list(live[sid]):
            nodes += 1
            if nodes > max_nodes:
                return False
            pruned: List[Tuple[str, List[str]]] = []
            ok = True
            for other, k_self, k_other in crossings[sid]:
                if other in assignment:
                    if assignment[other][k_other] != word[k_self]:
                        ok = False
                        break
                    continue
                keep = [w for w in live[other] if w[k_other] == word[k_self]]
                if len(keep) != len(live[other]):
                    pruned.append((other, live[other]))
                    live[other] = keep
                    if not keep:
                        ok = False
                        break
            if ok:
                assignment[sid] = word
                if search():
                    return True
                del assignment[sid]
            for other, previous in reversed(pruned):
                live[other] = previous
        return False

    complete = search() and not open_slots
    entries = dict(assignment) if len(assignment) == len(variables) else best
    return FillResult(entries, complete, nodes, open_slots)


# --------------------------------------------------------------------------
# acrostics
# --------------------------------------------------------------------------


class _AcrosticSearch:
    """The acrostic fill as constraint propagation plus backtracking.

    ``live[label]`` is the clue's remaining candidates. A quotation word is
    *hard* when it must be a listed word; its constraint is propagated with
    :meth:`WordIndex.supports`: the letters each of its cells can still take
    (from the live candidates of the cell's clue) are narrowed to those some
    listed word uses, and candidates with a letter outside are removed, until
    nothing changes (AC-3 over the word constraints). When every clue has one
    candidate left, every hard word is spelled exactly, so it is checked
    exactly.
    """

    def __init__(self, puzzle: Acrostic, domains: Dict[str, List[str]], index: WordIndex,
                 max_nodes: int) -> None:
        self.clues = puzzle.clues
        self.index = index
        self.max_nodes = max_nodes
        self.nodes = 0
        self.owner: Dict[int, Tuple[str, int]] = {}
        for label, clue in self.clues.items():
            for k, n in enumerate(clue.numbers):
                self.owner[n] = (label, k)
        self.words = puzzle.words
        self.shapes = [word_shape("".join("'" if t == "'" else "A" for t in w)) for w in self.words]
        self.cells = [[n for n in w if isinstance(n, int)] for w in self.words]
        self.touching: Dict[str, List[int]] = {lb: [] for lb in self.clues}
        for w, cells in enumerate(self.cells):
            for lb in {self.owner[n][0] for n in cells}:
                self.touching[lb].append(w)
        self.domains = domains
        self.solutions: List[Dict[str, str]] = []
        self.best_partial: Dict[str, str] = {}

    def masks(self, live: Mapping[str, List[str]], cells: Sequence[int]) -> List[int]:
        """The letters each cell can take, as 26-bit masks."""
        out = []
        for n in cells:
            label, k = self.owner[n]
            mask = 0
            for answer in live.get(label, ()):
                mask |= 1 << (ord(answer[k]) - 65)
            out.append(mask)
        return out

    def propagate(self, live: Dict[str, List[str]], hard: Sequence[bool], changed: Iterable[str]) -> bool:
        """Narrows ``live`` in place; False when a clue runs out of candidates."""
        queue = {w for lb in changed for w in self.touching[lb] if hard[w]}
        while queue:
            w = queue.pop()
            masks = self.masks(live, self.cells[w])
            supported = self.index.supports(self.shapes[w], masks)
            if supported is None:
                return False
            for n, mask, keep in zip(self.cells[w], masks, supported):
                if keep == mask:
                    continue
                label, k = self.owner[n]
                narrowed = [a for a in live[label] if keep >> (ord(a[k]) - 65) & 1]
                if not narrowed:
                    return False
                live[label] = narrowed
                queue.update(x for x in self.touching[label] if hard[x] and x != w)
        return True

    def search(self, live: Dict[str, List[str]], hard: Sequence[bool], limit: int) -> bool:
        """Collects up to ``limit`` fills into ``solutions``; True to stop."""
        settled = {lb: v[0] for lb, v in live.items() if len(v) == 1}
        if len(settled) > len(self.best_partial):
            self.best_partial = settled
        open_labels = [lb for lb, v in live.items() if len(v) > 1]
        if not open_labels:
            self.solutions.append(settled)
            return len(self.solutions) >= limit
        label = min(open_labels, key=lambda lb: (len(live[lb]), -len(self.touching[lb])))
        for answer in live[label]:
            self.nodes += 1
            if self.nodes > self.max_nodes:
                return True
            trial = dict(live)
            trial[label] = [answer]
            if self.propagate(trial, hard, [label]) and self.search(trial, hard, limit):
                return True
        return False

    def run(self, hard: Sequence[bool], limit: int) -> List[Dict[str, str]]:
        self.solutions = []
        live = {lb: list(v) for lb, v in self.domains.items()}
        if self.propagate(live, hard, list(live)):
            self.search(live, hard, limit)
        return self.solutions


def fill_acrostic(puzzle: Acrostic, candidates: CandidateFn, *,
                  word_list: Optional[Iterable[str]] = None,
                  word_score: Optional[Callable[[str], float]] = None,
                  use_hints: bool = True, solutions: int = 20,
                  max_nodes: int = 20_000) -> FillResult:
    """The fill of ``puzzle`` whose quotation reads best (see the module
    doc). ``entries`` is keyed by clue label (:func:`acrostic_letters` turns
    it into grid letters). ``word_list`` defaults to the wordfreq list and
    ``word_score`` to its log10 frequencies (both need the ``lr2bench``
    extra). Quotation words that no listed word fits whatever the
    candidates are not checked; when the other words admit no fill, the
    search is repeated leaving out one quotation word at a time."""
    if word_list is None:
        index = word_index()
        if word_score is None:
            model = word_model()
            word_score = lambda w: model.logp.get(w, model.floor - 2.0)  # noqa: E731
    else:
        index = WordIndex(list(word_list))
    score_word: Callable[[str], float] = word_score or (lambda w: 0.0)
    domains: Dict[str, List[str]] = {}
    for label, clue in puzzle.clues.items():
        if use_hints and label in puzzle.hints:
            domains[label] = [puzzle.hints[label]]
        else:
            domains[label] = _domain(candidates(Clue(puzzle.tag, label, clue.clue, clue.letters, clue.words)),
                                     clue.letters)
    open_clues = [lb for lb, d in domains.items() if not d]
    search = _AcrosticSearch(puzzle, {lb: d for lb, d in domains.items() if d}, index, max_nodes)
    # A word is checkable when all its clues have candidates, and worth
    # checking when some listed word fits the letters its clues' candidates
    # offer (a name missing from the list fits none, most of the time).
    hard = [all(search.owner[n][0] not in open_clues for n in cells)
            and search.index.supports(search.shapes[w], search.masks(search.domains, cells)) is not None
            for w, cells in enumerate(search.cells)]
    found = search.run(hard, solutions)
    checked = [w for w, h in enumerate(hard) if h]
    for relax in (1, 2):
        # No fill with every checked word listed: leave out one word, then
        # two (a name that some listed word happens to fit), and keep every
        # fill found that way.
        if found:
            break
        for left_out in itertools.combinations(checked, relax):
            relaxed = list(hard)
            for w in left_out:
                relaxed[w] = False
            found += search.run(relaxed, solutions)
            if search.nodes > max_nodes:
                break

    def spelled(entries: Mapping[str, str]) -> List[str]:
        letters = acrostic_letters(puzzle, entries)
        return ["".join(letters.get(n, "?") if isinstance(n, int) else n for n in w) for w in puzzle.words]

    if found:
        best = max(found, key=lambda e: sum(score_word(w) for w in spelled(e)))
        unknown = [w for w in spelled(best) if w not in index]
        return FillResult(best, not open_clues, search.nodes, open_clues, unknown)
    return FillResult(search.best_partial, False, search.nodes, open_clues)


def acrostic_letters(puzzle: Acrostic, entries: Mapping[str, str]) -> Dict[int, str]:
    """Grid number -> letter for the clues set in ``entries``."""
    out: Dict[int, str] = {}
    for label, answer in entries.items():
        for n, ch in zip(puzzle.clues[label].numbers, answer):
            out[n] = ch
    return out


def crossword_grid(puzzle: Crossword, entries: Mapping[str, str]) -> List[List[str]]:
    """The grid with the entries written in (``?`` where nothing is set)."""
    grid = [["#" if v == "#" else "?" for v in row] for row in puzzle.grid]
    for sid, word in entries.items():
        for (r, c), ch in zip(puzzle.slots[sid].cells, word):
            grid[r][c] = ch
    return grid


def consistent(puzzle: Crossword, entries: Mapping[str, str]) -> bool:
    """Whether ``entries`` fit their slots' lengths and agree at every
    crossing (an independent check of a fill)."""
    seen: Dict[Tuple[int, int], str] = {}
    for sid, word in entries.items():
        cells = puzzle.slots[sid].cells
        if len(word) != len(cells):
            return False
        for cell, ch in zip(cells, word):
            if seen.setdefault(cell, ch) != ch:
                return False
    return True

