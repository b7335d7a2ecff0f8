"""Solving substitution cryptograms with English word statistics.

A cryptogram replaces each letter of a quotation by another, one to one.
The solver searches the keys (cipher letter -> plain letter, a bijection
over the 26 letters) for the one whose decryption reads most like English:
the fitness F(key) is log10 P(decryption) under the word model of
:class:`~fastback.lr2bench.words.TextScorer` (per word, a mixture of its
dictionary frequency and its framed letter 4-grams, so that real, frequent
words win and names and rare words still score by their spelling).

The search, with the hint letters fixed when hints are used:

1. simulated annealing over two kinds of move: swapping the plain letters
   of two cipher letters, and *word moves*, which pick a cipher word and
   impose one of the frequent dictionary words of its letter pattern
   (``"XKK" -> "SEE", "TOO", ...``) by the swaps it needs. Swaps alone get
   stuck where several letters must change together (``BEAT``/``VOL`` ->
   ``MEAT``/``YOU``); word moves jump there in one step;
2. restarts (the first from the key matching English letter frequencies,
   then random keys), each ending with a greedy pass over every swap, until
   ``agree`` runs have ended on the best fitness (at least ``min_restarts``
   runs: a wrong local optimum can be hit three times before the right
   one shows up, at most ``restarts``);
3. a word pass on the best key: each cipher word that decodes to no
   dictionary word is tried against all frequent words of its pattern, and
   each that does against those within three letters of its decoding,
   keeping any change that raises F.

Hints (``L decodes to E.``) are in the data records but not in the prompts
the benchmark shows models; :func:`solve_cryptogram` takes them as an
argument so that both settings can be measured.

Cost: about 1-3 s per quotation of 100-200 letters on one core (numpy for
the 4-gram sums, a dictionary lookup per word per move).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from fastback.lr2bench.words import (ALPHABET, APOSTROPHE, TextScorer, best_swap_climb, letter_pattern,
                                     word_model)

__all__ = ["CryptogramSolution", "solve_cryptogram", "decode"]

#: Frequent words of a pattern that word moves draw from.
_MOVE_CANDIDATES = 200
#: Share of annealing moves that are word moves.
_WORD_MOVE_SHARE = 0.4
#: Dictionary words of a pattern tried for one cipher word in the word pass.
_PASS_CANDIDATES = 3000
#: In the word pass, a word that decodes to a dictionary word is tried
#: against the words within this many letters of its decoding.
_NEIGHBOUR = 3
#: English letters from most to least frequent (the first restart's key).
_ENGLISH_ORDER = "ETAOINSRHLDCUMFPGWYBVKXJQZ"

_WORD = re.compile(r"[A-Z]+(?:'[A-Z]+)*")


@dataclass(frozen=True)
class CryptogramSolution:
    """``mapping``: cipher letter -> plain letter for every letter of the
    ciphertext; ``plaintext``: the decoded text; ``fitness``: F of the key;
    ``unknown_words``: decoded words that are not in the word list."""

    mapping: Dict[str, str]
    plaintext: str
    fitness: float
    unknown_words: List[str]


def decode(text: str, mapping: Mapping[str, str]) -> str:
    """``text`` upper-cased with every mapped letter replaced."""
    return "".join(mapping.get(c, c) for c in text.upper())


class _Problem:
    """The ciphertext compiled for the search. A key is an int array of 26
    (cipher letter code -> plain letter code), always a permutation."""

    def __init__(self, text: str, hints: Mapping[str, str]) -> None:
        counts = Counter(_WORD.findall(text.upper()))
        self.words = list(counts)
        self.codes = [[APOSTROPHE if c == "'" else ord(c) - 65 for c in w] for w in self.words]
        self.scorer = TextScorer(self.codes, 26, list(counts.values()))
        self.present = sorted({c for w in self.codes for c in w if c != APOSTROPHE})
        self.fixed = {ord(k) - 65: ord(v) - 65 for k, v in hints.items()}
        self.movable = [c for c in range(26) if c not in self.fixed]
        self.swap_from = [c for c in self.present if c not in self.fixed]
        fixed_plain = set(self.fixed.values())
        model = word_model()
        # Candidate words per cipher word that respect the fixed letters.
        self.candidates: List[List[str]] = []
        for codes, word in zip(self.codes, self.words):
            fitting: List[str] = []
            for candidate in model.words_like(letter_pattern(word)):
                if all(c == APOSTROPHE or
                       (self.fixed[c] == ord(p) - 65 if c in self.fixed else ord(p) - 65 not in fixed_plain)
                       for c, p in zip(codes, candidate)):
                    fitting.append(candidate)
                    if len(fitting) >= _PASS_CANDIDATES:
                        break
            self.candidates.append(fitting)

    def fitness(self, key: np.ndarray) -> float:
        return self.scorer.fitness(key)

    def impose(self, key: np.ndarray, index: int, plain: str) -> Optional[np.ndarray]:
        """``key`` changed by swaps so that word ``index`` decodes to
        ``plain``; None when that would move a fixed letter."""
        trial = key.copy()
        inverse = np.argsort(trial)
        for c, p in zip(self.codes[index], plain):
            if c == APOSTROPHE:
                continue
            want = ord(p) - 65
            if trial[c] == want:
                continue
            other = int(inverse[want])
            if c in self.fixed or other in self.fixed:
                return None
            inverse[trial[c]], inverse[want] = other, c
            trial[c], trial[other] = trial[other], trial[c]
        return trial


def _anneal(problem: _Problem, key: np.ndarray, rng: random.Random, steps: int,
            t0: float, t1: float) -> Tuple[np.ndarray, float]:
    """Simulated annealing over swaps and word moves; the best key met."""
    current = problem.fitness(key)
    best, best_key = current, key.copy()
    if not problem.swap_from or len(problem.movable) < 2:
        return best_key, best
    movable_words = [i for i, c in enumerate(problem.candidates) if c]
    for step in range(steps):
        t = t0 * (t1 / t0) ** (step / max(1, steps - 1))
        if movable_words and rng.random() < _WORD_MOVE_SHARE:
            i = rng.choice(movable_words)
            pool = problem.candidates[i]
            trial = problem.impose(key, i, pool[rng.randrange(min(len(pool), _MOVE_CANDIDATES))])
            if trial is None:
                continue
        else:
            a, b = rng.choice(problem.swap_from), rng.choice(problem.movable)
            if a == b:
                continue
            trial = key.copy()
            trial[a], trial[b] = trial[b], trial[a]
        f = problem.fitness(trial)
        if f >= current or rng.random() < math.exp((f - current) / t):
            key, current = trial, f
            if f > best:
                best, best_key = f, key.copy()
    return best_key, best


def _climb(problem: _Problem, key: np.ndarray) -> Tuple[np.ndarray, float]:
    """Best-improvement swaps of two key letters until no swap raises F."""
    present = set(problem.swap_from)

    def pairs():
        for a in problem.swap_from:
            for b in problem.movable:
                if not (b == a or (b in present and b < a)):
                    yield a, b

    return best_swap_climb(key.copy(), problem.fitness, pairs)


def _word_pass(problem: _Problem, key: np.ndarray) -> Tuple[np.ndarray, float]:
    """Tries, for each cipher word (longest first), dictionary words of its
    pattern, keeping the first change that raises F, until none does."""
    current = problem.fitness(key)
    logp = problem.scorer.logp
    order = sorted(range(len(problem.words)), key=lambda i: -len(problem.words[i]))
    improved = True
    while improved:
        improved = False
        decoded = problem.scorer.decode(key)
        for i in order:
            plain = decoded[i]
            known = plain in logp
            for candidate in problem.candidates[i]:
                if candidate == plain:
                    continue
                if known and sum(x != y for x, y in zip(candidate, plain)) > _NEIGHBOUR:
                    continue
                trial = problem.impose(key, i, candidate)
                if trial is None:
                    continue
                f = problem.fitness(trial)
                if f > current + 1e-9:
                    key, current, improved = trial, f, True
                    break
            if improved:
                break
    return key, current


def _check_hints(hints: Mapping[str, str]) -> Dict[str, str]:
    upper = {str(k).upper(): str(v).upper() for k, v in hints.items()}
    if len(set(upper.values())) != len(upper) or not all(
            len(k) == 1 and k in ALPHABET and len(v) == 1 and v in ALPHABET for k, v in upper.items()):
        raise ValueError(f"hints must map distinct letters to distinct letters, got {dict(hints)}")
    return upper


def solve_cryptogram(text: str, hints: Optional[Mapping[str, str]] = None, *, seed: int = 0,
                     restarts: int = 20, min_restarts: int = 8, steps: int = 8000,
                     agree: int = 3) -> CryptogramSolution:
    """The most English-like decryption of ``text`` (a simple substitution).

    ``hints``: cipher letter -> plain letter pairs to fix. Runs annealing
    (``steps`` moves) at least ``min_restarts`` and at most ``restarts``
    times, stopping once ``agree`` runs have ended on the best fitness, then
    the word pass. Deterministic for a
    given ``seed``. Needs the wordfreq package
    (:class:`~fastback.lr2bench.words.MissingWordList` otherwise); raises
    ``ValueError`` for hints that are not one to one.
    """
    fixed_hints = _check_hints(hints or {})
    problem = _Problem(text, fixed_hints)
    if not problem.words:
        return CryptogramSolution({}, text.upper(), 0.0, [])
    rng = random.Random(seed)
    frequency = Counter(c for c in text.upper() if c in ALPHABET)
    by_frequency = sorted(problem.movable, key=lambda c: -frequency[ALPHABET[c]])
    free_plain = [ord(p) - 65 for p in _ENGLISH_ORDER if ord(p) - 65 not in problem.fixed.values()]
    best_key: Optional[np.ndarray] = None
    best, agreeing = -math.inf, 0
    for restart in range(max(1, restarts)):
        key = np.zeros(26, dtype=np.int64)
        for c, p in problem.fixed.items():
            key[c] = p
        plain = list(free_plain)
        if restart:
            rng.shuffle(plain)
        for c, p in zip(by_frequency, plain):
            key[c] = p
        key, f = _anneal(problem, key, rng, steps, t0=3.0, t1=0.1)
        key, f = _climb(problem, key)
        if f > best + 1e-6:
            best_key, best, agreeing = key, f, 1
        elif f > best - 1e-6:
            agreeing += 1
        if agreeing >= agree and restart + 1 >= min_restarts:
            break
    assert best_key is not None
    best_key, best = _word_pass(problem, best_key)
    best_key, best = _climb(problem, best_key)
    mapping = {ALPHABET[c]: ALPHABET[int(best_key[c])] for c in problem.present}
    unknown = [w for w in problem.scorer.decode(best_key) if w not in problem.scorer.logp]
    return CryptogramSolution(mapping, decode(text, mapping), best, unknown)
