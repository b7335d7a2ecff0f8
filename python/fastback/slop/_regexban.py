"""Regex bans over a growing text, with the hold-back a streaming sampler needs.

Why: some slop is a shape, not a phrase ("not X but Y"), and the Aho-Corasick
matcher only knows literal phrases. Regexes run in the ``regex`` package
(it ships with transformers), whose ``partial=True`` search says where a match
*could* still start if more text came: that is exactly how much text the
sampler must hold back before it may emit it.

Flavour: the ``regex`` package's (a superset of Python's ``re``: inline flags
such as ``(?i)``, lookbehind, possessive quantifiers, Unicode properties), in
its default VERSION0 mode; each pattern carries its own flags (the phrase
matcher's case folding and whole-word options do not apply to regexes).
Patterns that match the empty string are rejected.

Per pattern the checker keeps ``scan_from``: no match of that pattern can
start before it. After each token, from ``max(scan_from, len(text) - window)``:

- a plain search finds the leftmost complete match. It counts as a violation
  only once at least one code point follows it, or at the end of generation:
  a match that touches the end of the text may still vanish (``foo\\b`` on
  ``"foo"`` becomes no match in ``"food"``). Lookaheads that look further than
  one code point past the match end are therefore not supported;
- a partial search finds the leftmost start of a complete-or-partial match;
  that start (or that of a not-yet-counted complete match) becomes the new
  ``scan_from``, and the minimum over the patterns is the regex hold-back.

Window: only starts within the last ``window`` code points are searched, so a
regex match longer than ``window`` code points can go undetected, and regexes
never hold back more than ``window`` code points. Lookbehinds see the whole
text. Cost per token: two searches per pattern over the text from its
``scan_from``, i.e. O(hold-back) each.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Union

from fastback._errors import LocatedError


def _regex_module() -> Any:
    try:
        import regex
    except ImportError:
        raise ImportError(
            "regex bans need the 'regex' package (pip install regex; it comes with fastback[llm])"
        ) from None
    return regex

__all__ = ["RegexBans", "RegexFileError", "load_regexes"]


class RegexFileError(LocatedError):
    """A regex file line that cannot be read or compiled: ``"path:LINE: message"``."""


def load_regexes(path: Union[str, "os.PathLike[str]"]) -> list[str]:
    """Read a regex file: one pattern per line.

    The format of antislop-sampler's ``slop_regexes.txt`` is accepted: a line
    may be wrapped in double quotes and end in a comma; the text between the
    quotes is taken verbatim (raw: backslashes are not unescaped, except that
    ``\\"`` stands for ``"``). Blank lines and lines starting with ``#`` are
    skipped. Raises :class:`RegexFileError` (``path:line: message``) for an
    unterminated quote or a pattern that does not compile, OSError when the
    file cannot be read.
    """
    regex = _regex_module()
    name = os.fspath(path)
    patterns: list[str] = []
    with open(name, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.endswith(","):
                line = line[:-1].rstrip()
            if line.startswith('"'):
                if len(line) < 2 or not line.endswith('"') or line.endswith('\\"') and not line.endswith('\\\\"'):
                    raise RegexFileError(name, number, "unterminated double-quoted pattern")
                line = line[1:-1].replace('\\"', '"')
            try:
                regex.compile(line)
            except regex.error as exc:
                raise RegexFileError(name, number, f"pattern does not compile: {exc}") from None
            patterns.append(line)
    return patterns


@dataclass(frozen=True)
class RegexHit:
    start: int
    end: int
    index: int


class RegexBans:
    """Streaming detection of a list of regexes; see the module doc.

    ``patterns``: str or compiled ``regex`` patterns (a compiled ``re`` pattern
    is recompiled with ``regex``, keeping its flags). ValueError naming the
    index for a pattern that does not compile or matches the empty string.
    """

    def __init__(self, patterns: Sequence[Any], window: int) -> None:
        regex = _regex_module()
        if window < 1:
            raise ValueError(f"regex_window must be >= 1, got {window}")
        self.window = window
        self.compiled: list[Any] = []
        self.sources: list[str] = []
        for i, p in enumerate(patterns):
            try:
                if isinstance(p, str):
                    c = regex.compile(p)
                elif isinstance(p, re.Pattern):
                    c = regex.compile(p.pattern, p.flags)
                elif isinstance(p, _regex_pattern_type()):
                    c = p
                else:
                    raise ValueError(f"regex {i}: expected a str or a compiled pattern, got {type(p).__name__}")
            except regex.error as exc:
                raise ValueError(f"regex {i} ({p!r}) does not compile: {exc}") from None
            if c.search("") is not None:
                raise ValueError(f"regex {i} ({c.pattern!r}) matches the empty string, so it would ban every position")
            self.compiled.append(c)
            self.sources.append(c.pattern)
        self.scan_from: tuple[int, ...] = (0,) * len(self.compiled)

    def __len__(self) -> int:
        return len(self.compiled)

    def check(self, text: str, finished: bool) -> tuple[RegexHit | None, int]:
        """Look at ``text`` (the whole generated text so far).

        Returns the earliest-starting counted match (or None) and the
        hold-back point (no match can start before it; ``len(text)`` when none
        can). Updates :attr:`scan_from`, which the caller saves and restores
        around rewinds.
        """
        n = len(text)
        lowest = n
        best: RegexHit | None = None
        new_from = list(self.scan_from)
        for i, c in enumerate(self.compiled):
            pos = max(self.scan_from[i], n - self.window, 0)
            m = c.search(text, pos)
            if m is not None and (finished or m.end() < n):
                if best is None or m.start() < best.start:
                    best = RegexHit(m.start(), m.end(), i)
                new_from[i] = m.start()
                continue
            if finished:
                new_from[i] = n
                continue
            hold = n
            if m is not None:
                hold = m.start()
            p = c.search(text, pos, partial=True)
            if p is not None and p.start() < hold:
                hold = p.start()
            new_from[i] = hold
            lowest = min(lowest, hold)
        self.scan_from = tuple(new_from)
        if best is not None:
            lowest = min(lowest, best.start)
        return best, lowest


def _regex_pattern_type() -> type:
    return type(_regex_module().compile(""))


def normalise_regexes(regexes: Any) -> tuple[list[Any], list[float]]:
    """``regexes`` as the sampler accepts it -> (patterns, weights).

    None -> none; a str or path-like -> :func:`load_regexes` (weight 1.0 each,
    i.e. a full ban); an iterable of patterns or (pattern, weight) pairs.
    """
    if regexes is None:
        return [], []
    if isinstance(regexes, (str, os.PathLike)):
        pats = load_regexes(regexes)
        return list(pats), [1.0] * len(pats)
    patterns: list[Any] = []
    weights: list[float] = []
    for i, item in enumerate(_iterate(regexes)):
        if isinstance(item, tuple) and len(item) == 2:
            pattern, weight = item
            try:
                weight = float(weight)
            except (TypeError, ValueError):
                raise ValueError(f"regex {i}: weight {item[1]!r} is not a number") from None
        else:
            pattern, weight = item, 1.0
        patterns.append(pattern)
        weights.append(weight)
    return patterns, weights


def _iterate(items: Any) -> Iterable[Any]:
    try:
        return iter(items)
    except TypeError:
        raise ValueError(
            f"regexes must be a path, or an iterable of patterns or (pattern, weight) pairs, got {type(items).__name__}"
        ) from None
