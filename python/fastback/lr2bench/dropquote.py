"""Solving drop quotes with English word statistics.

A drop quote is a quotation laid out in a grid, row after row (words wrap
from one row to the next and end only at ``#`` or punctuation), with each
column's letters given as a sorted multiset: the solver decides, in every
column, which letter drops into which cell. The state is one permutation of
letters per column, so the column multisets hold by construction; the
search maximises the same English fitness as the cryptogram solver
(:class:`~fastback.lr2bench.words.TextScorer`: per word, a mixture of its
dictionary frequency and its framed letter 4-grams):

1. simulated annealing over two kinds of move: swapping two different
   letters of one column, and *word moves*, which pick a word of the
   quotation and spell in it one of the frequent dictionary words that its
   columns can supply (each needed letter swapped in from another cell of
   the same column); runs start from random permutations and are restarted
   until ``agree`` runs end on the same best fitness (or ``restarts`` runs);
2. a greedy pass over every such swap until none improves;
3. a word pass: for each word, dictionary words of its length whose letters
   the columns can supply are placed (each needed letter swapped in from
   another cell of its column), keeping any placement that raises the
   fitness.

What it cannot do: the word model has no word order, so a quotation whose
words can trade places between rows of the same columns ("LIVE TO IF YOU
WERE AS DIE" for "LIVE AS IF YOU WERE TO DIE") scores the same either way;
most of the remaining errors on the benchmark are of that kind.

Cost: a few seconds per puzzle on one core.
"""

from __future__ import annotations

import functools
import math
import random
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from fastback.lr2bench.puzzles import DropQuote, quote_words
from fastback.lr2bench.words import ALPHABET, APOSTROPHE, TextScorer, best_swap_climb, word_model

__all__ = ["DropQuoteSolution", "solve_drop_quote"]

#: Dictionary words of one length tried for one word in the word pass.
_WORD_CANDIDATES = 4000
#: Word moves draw from the most frequent words of the right length (the
#: first _MOVE_POOL), keeping the first _MOVE_CANDIDATES the columns can supply.
_MOVE_POOL = 20_000
_MOVE_CANDIDATES = 200
#: Share of annealing moves that are word moves.
_WORD_MOVE_SHARE = 0.3


@dataclass(frozen=True)
class DropQuoteSolution:
    """``grid``: the puzzle grid with every letter cell filled (``#`` and
    punctuation kept); ``text``: the quotation read row after row;
    ``fitness``: log10 P of its words; ``unknown_words``: words not in the
    word list."""

    grid: List[List[str]]
    text: str
    fitness: float
    unknown_words: List[str]


class _Layout:
    """Letter cells, their columns and the quotation's words as cell lists."""

    def __init__(self, puzzle: DropQuote) -> None:
        self.cells = puzzle.cells
        index = {cell: i for i, cell in enumerate(self.cells)}
        tokens: List[str] = []
        for r, row in enumerate(puzzle.grid):
            for c, v in enumerate(row):
                tokens.append(str(index[(r, c)]) if v.isdigit() else v)
        self.words: List[List[int]] = [[APOSTROPHE if t == "'" else int(t) for t in w]
                                       for w in quote_words(tokens)]
        # Column -> its cell indices; letters of each column.
        self.column_cells: Dict[int, List[int]] = {}
        for i, (_, c) in enumerate(self.cells):
            self.column_cells.setdefault(c, []).append(i)
        self.column_of = [c for _, c in self.cells]
        self.letters = puzzle.columns


def _random_fill(layout: _Layout, rng: random.Random) -> np.ndarray:
    symbols = np.zeros(len(layout.cells), dtype=np.int64)
    for c, cells in layout.column_cells.items():
        letters = list(layout.letters[c])
        rng.shuffle(letters)
        for i, letter in zip(cells, letters):
            symbols[i] = ord(letter) - 65
    return symbols


def _swappable(layout: _Layout) -> List[List[int]]:
    """Columns holding at least two different letters, as cell lists."""
    return [cells for c, cells in layout.column_cells.items() if len(set(layout.letters[c])) > 1]


def _move_candidates(layout: _Layout) -> List[Tuple[List[int], List[str]]]:
    """For each word of two or more letters without an apostrophe: its
    cells and the most frequent dictionary words its columns can supply."""
    by_length = _words_by_length()
    out = []
    for word in layout.words:
        if APOSTROPHE in word or len(word) < 2:
            continue
        allowed = [set(layout.letters[layout.column_of[i]]) for i in word]
        fitting = [w for w in by_length.get(len(word), [])[:_MOVE_POOL]
                   if all(ch in allowed[k] for k, ch in enumerate(w))][:_MOVE_CANDIDATES]
        if fitting:
            out.append((list(word), fitting))
    return out


def _anneal(scorer: TextScorer, layout: _Layout, symbols: np.ndarray, columns: List[List[int]],
            moves: List[Tuple[List[int], List[str]]], rng: random.Random, steps: int, t0: float,
            t1: float) -> Tuple[np.ndarray, float]:
    """Simulated annealing over in-column swaps and word moves (a frequent
    word the columns can supply, swapped into a word's cells)."""
    current = scorer.fitness(symbols)
    best, best_symbols = current, symbols.copy()
    if not columns:
        return best_symbols, best
    for step in range(steps):
        t = t0 * (t1 / t0) ** (step / max(1, steps - 1))
        if moves and rng.random() < _WORD_MOVE_SHARE:
            cells, pool = rng.choice(moves)
            trial = _impose(layout, symbols, cells, rng.choice(pool))
            if trial is None:
                continue
        else:
            a, b = rng.sample(rng.choice(columns), 2)
            if symbols[a] == symbols[b]:
                continue
            trial = symbols.copy()
            trial[a], trial[b] = trial[b], trial[a]
        f = scorer.fitness(trial)
        if f >= current or rng.random() < math.exp((f - current) / t):
            symbols, current = trial, f
            if f > best:
                best, best_symbols = f, symbols.copy()
    return best_symbols, best


def _climb(scorer: TextScorer, symbols: np.ndarray, columns: List[List[int]]) -> Tuple[np.ndarray, float]:
    """Best-improvement swaps of two different letters of one column until
    no swap raises F (in place)."""

    def pairs():
        for cells in columns:
            for x in range(len(cells)):
                for y in range(x + 1, len(cells)):
                    if symbols[cells[x]] != symbols[cells[y]]:
                        yield cells[x], cells[y]

    return best_swap_climb(symbols, scorer.fitness, pairs)


def _place_words(scorer: TextScorer, layout: _Layout, symbols: np.ndarray) -> Tuple[np.ndarray, float]:
    """The word pass: try dictionary words the columns can supply."""
    by_length = _words_by_length()
    current = scorer.fitness(symbols)
    improved = True
    rounds = 0
    while improved and rounds < 20:
        improved, rounds = False, rounds + 1
        decoded = scorer.decode(symbols)
        for word, plain in sorted(zip(layout.words, decoded), key=lambda p: -len(p[0])):
            cells = [i for i in word if i != APOSTROPHE]
            if APOSTROPHE in word or len(cells) < 2:
                continue
            # Letters each cell could take: its column's letters.
            allowed = [set(layout.letters[layout.column_of[i]]) for i in cells]
            tried = 0
            for candidate in by_length.get(len(cells), []):
                if candidate == plain:
                    continue
                if any(ch not in allowed[k] for k, ch in enumerate(candidate)):
                    continue
                trial = _impose(layout, symbols, cells, candidate)
                if trial is None:
                    continue
                tried += 1
                f = scorer.fitness(trial)
                if f > current + 1e-9:
                    symbols, current, improved = trial, f, True
                    break
                if tried >= _WORD_CANDIDATES:
                    break
            if improved:
                break
    return symbols, current


@functools.lru_cache(maxsize=1)
def _words_by_length() -> Dict[int, List[str]]:
    """Dictionary words without apostrophes by length, most frequent first."""
    model = word_model()
    by_length: Dict[int, List[str]] = {}
    for w in sorted(model.logp, key=lambda x: -model.logp[x]):
        if "'" not in w:
            by_length.setdefault(len(w), []).append(w)
    return by_length


def _impose(layout: _Layout, symbols: np.ndarray, cells: List[int], word: str) -> Optional[np.ndarray]:
    """``symbols`` with ``word`` spelled in ``cells``, each needed letter
    swapped in from another cell of the same column (not one of ``cells``
    already set); None when a column cannot supply it."""
    trial = symbols.copy()
    placed = set()
    for i, ch in zip(cells, word):
        want = ord(ch) - 65
        placed.add(i)
        if trial[i] == want:
            continue
        donor = next((j for j in layout.column_cells[layout.column_of[i]]
                      if j not in placed and trial[j] == want), None)
        if donor is None:
            return None
        trial[i], trial[donor] = trial[donor], trial[i]
    return trial


def solve_drop_quote(puzzle: DropQuote, *, seed: int = 0, restarts: int = 12, steps: int = 8000,
                     agree: int = 3) -> DropQuoteSolution:
    """The most English-like filling of ``puzzle``'s letter cells.

    Every column's letters are used exactly once by construction. Runs
    annealing at most ``restarts`` times (``steps`` swaps each), stopping
    once ``agree`` runs end on the best fitness, then the greedy and word
    passes. Deterministic for a given ``seed``. Needs wordfreq.
    """
    layout = _Layout(puzzle)
    scorer = TextScorer(layout.words, len(layout.cells))
    columns = _swappable(layout)
    moves = _move_candidates(layout)
    rng = random.Random(seed)
    best_symbols: Optional[np.ndarray] = None
    best, agreeing = -math.inf, 0
    for _ in range(max(1, restarts)):
        symbols = _random_fill(layout, rng)
        symbols, f = _anneal(scorer, layout, symbols, columns, moves, rng, steps, t0=3.0, t1=0.1)
        symbols, f = _climb(scorer, symbols, columns)
        if f > best + 1e-6:
            best_symbols, best, agreeing = symbols, f, 1
        elif f > best - 1e-6:
            agreeing += 1
            if agreeing >= agree:
                break
    assert best_symbols is not None
    best_symbols, best = _place_words(scorer, layout, best_symbols)
    best_symbols, best = _climb(scorer, best_symbols, columns)
    grid = [list(row) for row in puzzle.grid]
    for (r, c), code in zip(layout.cells, best_symbols.tolist()):
        grid[r][c] = ALPHABET[code]
    text = "".join("".join(" " if v == "#" else v for v in row) for row in grid)
    words = scorer.decode(best_symbols)
    unknown = [w for w in words if w not in scorer.logp]
    return DropQuoteSolution(grid, " ".join(text.split()), best, unknown)


def column_letters_hold(puzzle: DropQuote, grid: Sequence[Sequence[str]]) -> bool:
    """Whether ``grid`` uses exactly each column's letters in its letter cells
    and keeps every other cell (an independent check of a solution)."""
    for c, letters in enumerate(puzzle.columns):
        used = [grid[r][c] for r in range(len(puzzle.grid)) if puzzle.grid[r][c].isdigit()]
        if Counter(used) != Counter(letters):
            return False
    return all(grid[r][c] == v for r, row in enumerate(puzzle.grid) for c, v in enumerate(row)
               if not v.isdigit())
