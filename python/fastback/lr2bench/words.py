"""English word statistics for the cryptogram and drop-quote solvers.

Both puzzles hide an English quotation, so their solvers need to tell
English from gibberish. Two models, both built once per process from the
``wordfreq`` package's English list (about 320,000 words with frequencies,
the ``lr2bench`` extra):

- a word model: ``log10`` frequency of every word made of letters and
  apostrophes, upper-cased (``"IT'S"``), with its letter pattern
  (``"LETTER" -> (0, 1, 2, 2, 1, 3)``) indexed for pattern search;
- a letter 4-gram model over words framed by a boundary symbol (``" THE "``),
  each word counted with its frequency, add-one smoothed, as a dense
  ``27**4`` table of ``log10`` probabilities for numpy lookups. It scores
  text that is not (yet) made of dictionary words, such as a half-decoded
  cryptogram or a proper name.

On top of them, :class:`TextScorer` gives log10 P(text) for a quotation
whose letters come from a search state (a cryptogram key, a drop-quote
filling), and :class:`WordIndex` matches a word whose letters are only
known as sets (the acrostic fill's propagation).

Building the models takes a few seconds and a few tens of MB; they are
cached (:func:`word_model`, :func:`ngram_model`, :func:`word_index`).
"""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

__all__ = ["MissingWordList", "WordModel", "word_model", "ngram_model", "letter_pattern",
           "TextScorer", "BOUNDARY", "ALPHABET", "APOSTROPHE", "DICT_SHARE", "best_swap_climb"]

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Symbol code of the word boundary in the 4-gram model (letters are 0..25).
BOUNDARY = 26
_SYMBOLS = 27


class MissingWordList(ImportError):
    """``wordfreq`` is not installed (``pip install 'fastback[lr2bench]'``)."""


@functools.lru_cache(maxsize=1)
def _frequencies() -> Dict[str, float]:
    try:
        import wordfreq
    except ImportError:
        raise MissingWordList(
            "the cryptogram and drop-quote solvers need the wordfreq package: "
            "pip install 'fastback[lr2bench]' (or pip install wordfreq)") from None
    raw = wordfreq.get_frequency_dict("en", "large")
    out: Dict[str, float] = {}
    for word, freq in raw.items():
        upper = word.upper()
        letters = upper.replace("'", "")
        if not letters or not letters.isascii() or not letters.isalpha():
            continue
        if upper.startswith("'") or upper.endswith("'"):
            continue
        if freq > out.get(upper, 0.0):
            out[upper] = freq
    return out


def letter_pattern(word: str) -> Tuple[int, ...]:
    """The repeat pattern of ``word``: ``"LETTER" -> (0, 1, 2, 2, 1, 3)``.
    Apostrophes are ``-1`` and keep their place."""
    seen: Dict[str, int] = {}
    out = []
    for ch in word:
        if ch == "'":
            out.append(-1)
        else:
            out.append(seen.setdefault(ch, len(seen)))
    return tuple(out)


@dataclass(frozen=True)
class WordModel:
    """``logp[word]`` is log10 of the word's frequency (upper case, letters
    and apostrophes); ``by_pattern[pattern]`` lists words of that pattern,
    most frequent first; ``floor`` is the log10 frequency of the rarest word."""

    logp: Dict[str, float]
    by_pattern: Dict[Tuple[int, ...], List[str]]
    floor: float

    def words_like(self, pattern: Tuple[int, ...]) -> List[str]:
        return self.by_pattern.get(pattern, [])


@functools.lru_cache(maxsize=1)
def word_model() -> WordModel:
    """The cached word model. Raises :class:`MissingWordList` without wordfreq."""
    freqs = _frequencies()
    logp = {w: math.log10(f) for w, f in freqs.items()}
    by_pattern: Dict[Tuple[int, ...], List[str]] = {}
    for w in sorted(logp, key=lambda x: -logp[x]):
        by_pattern.setdefault(letter_pattern(w), []).append(w)
    return WordModel(logp, by_pattern, min(logp.values()))


def encode(text: str) -> List[int]:
    """Symbol codes of upper-case letters; everything else is dropped."""
    return [ord(c) - 65 for c in text if "A" <= c <= "Z"]


@functools.lru_cache(maxsize=1)
def ngram_model() -> np.ndarray:
    """log10 P(4-gram) over 27 symbols (A-Z and the boundary), flattened:
    index ``((a*27 + b)*27 + c)*27 + d``. Cached; needs wordfreq."""
    freqs = _frequencies()
    words = [w.replace("'", "") for w in freqs]
    weights = np.fromiter(freqs.values(), dtype=np.float64, count=len(freqs))
    # Every word framed by two boundaries on each side, all frames end to
    # end; a gram counts when it starts within its own frame's first
    # len(word) + 1 positions.
    text = "".join(f"__{w}__" for w in words).encode("ascii")
    codes = np.frombuffer(text, dtype=np.uint8).astype(np.int64) - 65
    codes[codes < 0] = BOUNDARY  # '_' is 95 - 65 = 30
    codes[codes > 25] = BOUNDARY
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    frame_starts = np.concatenate(([0], np.cumsum(lengths + 4)[:-1]))
    per_word = lengths + 1
    starts = np.repeat(frame_starts, per_word) + (np.arange(per_word.sum()) -
                                                  np.repeat(np.cumsum(per_word) - per_word, per_word))
    index = ((codes[starts] * 27 + codes[starts + 1]) * 27 + codes[starts + 2]) * 27 + codes[starts + 3]
    counts = np.bincount(index, weights=np.repeat(weights, per_word), minlength=_SYMBOLS ** 4).astype(np.float64)
    # Scale to pseudo-counts (the most common gram about 1e7) and add one.
    counts *= 1e7 / counts.max()
    counts += 1.0
    table = np.log10(counts / counts.sum())
    table.setflags(write=False)
    return table


def quadgram_indices(codes: Sequence[int]) -> np.ndarray:
    """Flat 4-gram indices of a code sequence (numpy array in, out)."""
    c = np.asarray(codes, dtype=np.int64)
    return ((c[:-3] * 27 + c[1:-2]) * 27 + c[2:-1]) * 27 + c[3:]


#: A word's probability is DICT_SHARE * P_dictionary(word) + (1 - DICT_SHARE) * P_letters(word).
DICT_SHARE = 0.9
_LOG_DICT = math.log10(DICT_SHARE)
_LOG_OOV = math.log10(1.0 - DICT_SHARE)
_POWERS = np.array([27 ** 3, 27 ** 2, 27, 1], dtype=np.int64)

#: In a word given to :class:`TextScorer`, this index stands for an apostrophe.
APOSTROPHE = -1


class TextScorer:
    """log10 P(text) for texts whose letters come from a symbol vector.

    ``words[i]`` lists, for the i-th word, indices into the symbol vector
    (``APOSTROPHE`` for an apostrophe); ``counts[i]`` is how many times the
    word occurs. A symbol vector holds letter codes 0..25. A word scores the
    mixture ``DICT_SHARE * P_dictionary + (1 - DICT_SHARE) * P_letters``
    (framed 4-grams), so dictionary words win and anything else still gets
    a graded score. Cost per :meth:`fitness`: a few numpy operations on the
    4-grams and one dictionary lookup per word (about 40 us for a
    150-letter quotation).
    """

    def __init__(self, words: Sequence[Sequence[int]], size: int,
                 counts: Optional[Sequence[int]] = None) -> None:
        self.size = size
        self.boundary = size  # index of the boundary symbol in the extended vector
        self.apostrophe = size + 1  # index of "'" in the decoded string
        self.counts = list(counts) if counts is not None else [1] * len(words)
        grams: List[List[int]] = []
        starts: List[int] = []
        getters = []
        for word in words:
            letters = [i for i in word if i != APOSTROPHE]
            if not letters:
                raise ValueError("a word needs at least one letter")
            codes = [self.boundary] * 2 + letters + [self.boundary] * 2
            starts.append(len(grams))
            grams.extend(codes[k:k + 4] for k in range(len(codes) - 3))
            indices = [self.apostrophe if i == APOSTROPHE else i for i in word]
            getters.append(operator.itemgetter(*indices))
        self.grams = np.asarray(grams, dtype=np.int64).reshape(-1, 4)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.getters = getters
        self.table = ngram_model()
        self.logp = word_model().logp
        self._ext = np.empty(size + 1, dtype=np.int64)
        self._ext[size] = BOUNDARY

    def decode(self, symbols: np.ndarray) -> List[str]:
        """The words spelled by ``symbols``."""
        text = (np.asarray(symbols, dtype=np.uint8) + 65).tobytes().decode("ascii") + "_'"
        return ["".join(get(text)) for get in self.getters]

    def fitness(self, symbols: np.ndarray) -> float:
        ext = self._ext
        ext[:self.size] = symbols
        by_word = np.add.reduceat(self.table[ext[self.grams] @ _POWERS], self.starts).tolist()
        text = (ext[:self.size].astype(np.uint8) + 65).tobytes().decode("ascii") + "_'"
        logp = self.logp
        total = 0.0
        for get, count, letters in zip(self.getters, self.counts, by_word):
            p = logp.get("".join(get(text)))
            letters += _LOG_OOV
            if p is not None:
                p += _LOG_DICT
                # log10(10**p + 10**letters) without overflow.
                hi, lo = (p, letters) if p > letters else (letters, p)
                letters = hi + math.log10(1.0 + 10.0 ** (lo - hi))
            total += count * letters
        return total


def best_swap_climb(state: np.ndarray, fitness: Callable[[np.ndarray], float],
                    pairs: Callable[[], Iterable[Tuple[int, int]]]) -> Tuple[np.ndarray, float]:
    """Best-improvement hill climbing over swaps of two entries of ``state``,
    in place: each round tries every pair ``pairs()`` yields (it may read
    ``state``, which is as it was when each pair is asked for), makes the swap
    that raises ``fitness`` most, and stops when none raises it by more than
    1e-9. Returns ``(state, fitness(state))``. Cost: one ``fitness`` call per
    pair per round. Used by the cryptogram (key swaps) and drop-quote (swaps
    within a column) solvers."""
    current = fitness(state)
    while True:
        best_gain, best_pair = 1e-9, None
        for a, b in pairs():
            state[a], state[b] = state[b], state[a]
            gain = fitness(state) - current
            state[a], state[b] = state[b], state[a]
            if gain > best_gain:
                best_gain, best_pair = gain, (a, b)
        if best_pair is None:
            return state, current
        a, b = best_pair
        state[a], state[b] = state[b], state[a]
        current += best_gain


def word_shape(word: str) -> Tuple[int, Tuple[int, ...]]:
    """(length, positions of apostrophes): words match only within a shape."""
    return len(word), tuple(i for i, ch in enumerate(word) if ch == "'")


class WordIndex:
    """Bitsets over a word list, for matching a word whose letters are only
    known as sets (one 26-bit mask per position).

    For each shape (length and apostrophe positions) the words of that shape
    are numbered, and ``bits[position][letter]`` is the set of word numbers
    with that letter there, as a Python int. :meth:`supports` ANDs the ORs
    of the allowed letters and reads back which letters some matching word
    uses: generalised arc consistency for one word constraint in
    O(length x 26) big-int operations. Shapes are built on first use.
    """

    def __init__(self, words: Sequence[str]) -> None:
        self._by_shape: Dict[Tuple[int, Tuple[int, ...]], List[str]] = {}
        for w in words:
            w = w.upper()
            if w.replace("'", "").isalpha() and w.replace("'", "").isascii():
                self._by_shape.setdefault(word_shape(w), []).append(w)
        self._bits: Dict[Tuple[int, Tuple[int, ...]], List[List[int]]] = {}

    def _shape_bits(self, shape: Tuple[int, Tuple[int, ...]]) -> Optional[List[List[int]]]:
        bits = self._bits.get(shape)
        if bits is None:
            words = self._by_shape.get(shape)
            if not words:
                return None
            codes = np.frombuffer("".join(words).encode("ascii"), dtype=np.uint8).reshape(len(words), shape[0])
            bits = []
            for i in range(shape[0]):
                row = []
                for letter in range(26):
                    hit = codes[:, i] == 65 + letter
                    row.append(int.from_bytes(np.packbits(hit, bitorder="little").tobytes(), "little"))
                bits.append(row)
            self._bits[shape] = bits
        return bits

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.upper() in self._by_shape.get(word_shape(word), ())

    def supports(self, shape: Tuple[int, Tuple[int, ...]], masks: Sequence[int]) -> Optional[List[int]]:
        """For a word of ``shape`` whose letter at each non-apostrophe
        position is one of ``masks[i]`` (bit k = letter k), the letters at
        each position that some listed word uses; None when no listed word
        fits."""
        bits = self._shape_bits(shape)
        if bits is None:
            return None
        positions = [i for i in range(shape[0]) if i not in shape[1]]
        match = -1
        for i, mask in zip(positions, masks):
            row = bits[i]
            acc = 0
            m = mask
            while m:
                low = m & -m
                acc |= row[low.bit_length() - 1]
                m ^= low
            match &= acc
            if not match:
                return None
        out = []
        for i, mask in zip(positions, masks):
            row = bits[i]
            keep = 0
            m = mask
            while m:
                low = m & -m
                if match & row[low.bit_length() - 1]:
                    keep |= low
                m ^= low
            out.append(keep)
        return out


@functools.lru_cache(maxsize=1)
def word_index() -> WordIndex:
    """The cached :class:`WordIndex` of the wordfreq list (needs wordfreq)."""
    return WordIndex(list(word_model().logp))
