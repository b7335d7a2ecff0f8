"""A plain reference for ``fastback.slop.Matcher``, written from the API
contract (issue 5, ``slop-contract.md``) and sharing no code with the package.

It is slow on purpose: every candidate is found by comparing the folded
pattern with every folded substring of the same length, and each match kind
is the contract's rule applied literally to the full list of candidates. Use
it on short texts only (cost: patterns x text length x pattern length).
"""

from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple

Match = Tuple[int, int, int]  # (start, end, pattern index), code-point offsets

MATCH_KINDS = ("standard", "leftmost-first", "leftmost-longest", "overlapping")


def fold_char(c: str) -> str:
    """Simple 1:1 case folding of one code point, as the contract defines it:
    upper-case when that is one code point, then lower-case when that is one
    code point. It never changes the length of a string."""
    u = c.upper()
    u = u if len(u) == 1 else c
    lo = u.lower()
    return lo if len(lo) == 1 else u


def fold(s: str) -> str:
    return "".join(fold_char(c) for c in s)


def is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def occurrence_is_whole(pattern: str, text: str, s: int, e: int) -> bool:
    """The contract's whole-word rule: a side of the pattern that is a word
    character needs a non-word character (or the end of the text) beside it;
    a side that is not a word character needs nothing."""
    left_ok = not is_word_char(pattern[0]) or s == 0 or not is_word_char(text[s - 1])
    right_ok = not is_word_char(pattern[-1]) or e == len(text) or not is_word_char(text[e])
    return left_ok and right_ok


def candidates(
    patterns: Sequence[str], text: str, *, case_insensitive: bool, whole_words: bool
) -> List[Match]:
    """Every valid occurrence (s, e, i) of every pattern i, in no promised order."""
    haystack = fold(text) if case_insensitive else text
    found: List[Match] = []
    for i, pattern in enumerate(patterns):
        needle = fold(pattern) if case_insensitive else pattern
        n = len(needle)
        for s in range(len(haystack) - n + 1):
            if haystack[s : s + n] != needle:
                continue
            if whole_words and not occurrence_is_whole(pattern, text, s, s + n):
                continue
            found.append((s, s + n, i))
    return found


def select_greedy(cands: Iterable[Match], key) -> List[Match]:
    """The non-overlapping kinds, literally: among the candidates starting at
    or after the last reported end, report the one ``key`` ranks first; repeat."""
    remaining = list(cands)
    out: List[Match] = []
    last_end = 0
    while True:
        usable = [m for m in remaining if m[0] >= last_end]
        if not usable:
            return out
        best = min(usable, key=key)
        out.append(best)
        last_end = best[1]


def select_standard(cands: Iterable[Match]) -> List[Match]:
    """At the smallest end among candidates starting at or after the last
    reported end, the longest one (smallest start), then the smallest index."""
    return select_greedy(cands, lambda m: (m[1], m[0], m[2]))


def select_leftmost_first(cands: Iterable[Match]) -> List[Match]:
    """Smallest start, then smallest pattern index."""
    return select_greedy(cands, lambda m: (m[0], m[2]))


def select_leftmost_longest(cands: Iterable[Match]) -> List[Match]:
    """Smallest start, then largest end, then smallest pattern index."""
    return select_greedy(cands, lambda m: (m[0], -m[1], m[2]))


def reference_find_all(
    patterns: Sequence[str],
    text: str,
    *,
    case_insensitive: bool = False,
    whole_words: bool = False,
    match_kind: str = "leftmost-longest",
) -> List[Match]:
    """What ``Matcher(patterns, ...).find_all(text)`` must return."""
    cands = candidates(patterns, text, case_insensitive=case_insensitive, whole_words=whole_words)
    if match_kind == "overlapping":
        return sorted(cands, key=lambda m: (m[1], m[0], m[2]))
    if match_kind == "standard":
        return select_standard(cands)
    if match_kind == "leftmost-first":
        return select_leftmost_first(cands)
    if match_kind == "leftmost-longest":
        return select_leftmost_longest(cands)
    raise ValueError(f"unknown match_kind {match_kind!r}")
