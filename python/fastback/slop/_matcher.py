"""The phrase matcher's Python face: :class:`Matcher` (the compiled
automaton from ``fastback._core`` plus file loading and pickling), the phrase
file reader and its error.

Semantics, exactly (the tests check them against a plain reference):

- ``case_insensitive``: simple one-to-one case folding per code point,
  ``fold(c) = lower(upper(c))`` where each step is taken only when it gives a
  single code point, applied to text and phrases. A phrase of n code points
  therefore always matches n code points of the text: offsets stay the
  caller's offsets (full folding would turn ``ß`` into ``ss``).
- ``whole_words``: a word character is alphanumeric or ``_``. An occurrence
  ``text[s:e]`` of phrase ``p`` counts only if ``p[0]`` is not a word
  character, or ``s == 0``, or ``text[s-1]`` is not one; and likewise at the
  end with ``p[-1]`` and ``text[e]``. So ``"cat"`` does not match in
  ``"cats"``, while ``"cat-"`` needs no boundary after its hyphen.
- ``match_kind`` chooses among all such occurrences (start, end, index):
  ``"overlapping"`` reports all, ordered by end, then longest first, then
  index; ``"standard"`` reports, left to right, the occurrence ending first
  (the longest at that end) that starts at or after the previous one's end;
  ``"leftmost-first"`` the leftmost start, at one start the phrase listed
  first; ``"leftmost-longest"`` (the default) the leftmost start, at one start
  the longest.

Streaming (:class:`MatchStream`, from ``Matcher.stream()``):

- ``feed(text)`` appends text and returns the matches that became final, with
  offsets from the start of the stream; all ``feed`` results plus
  ``finish()`` equal ``find_all`` of the whole text. A match is final once it
  is complete, its end boundary is known (whole words: the next code point
  has arrived, or ``finish()``) and, for the non-overlapping kinds, nothing
  later can displace it. ``feed`` after ``finish`` raises ``ValueError``.
- ``safe_end``: no match reported from now on starts before it, so the text
  before it can be emitted (``position - safe_end`` is the hold-back).
- ``snapshot()`` / ``rollback(snap)``: O(1). After a rollback, forget every
  match reported since the snapshot (not only those ending after its
  position: one ending exactly there may have been waiting for the next
  code point). A snapshot from another stream, or one whose text has since
  been rolled back over and rewritten, raises ``ValueError``.
- ``position``, ``text``, ``finished``, ``reset()``.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, List, Tuple, Union

from fastback import _core
from fastback._errors import LocatedError

__all__ = ["Matcher", "MatchStream", "StreamSnapshot", "PhraseFileError", "load_phrases"]

MatchStream = _core.MatchStream
StreamSnapshot = _core.StreamSnapshot

PathLike = Union[str, "os.PathLike[str]"]


class PhraseFileError(LocatedError):
    """A phrase file that cannot be read: ``str(err)`` is
    ``"path:line: message"`` for text files and JSON syntax errors, and
    ``"path: entry N: message"`` for a bad JSON entry; ``line`` is then N
    (counted from 1) and ``entry`` is true. ``line`` is 0 when the error is
    not tied to a place (not UTF-8, not a list)."""

    def __init__(self, source: str, line: int, message: str, entry: bool = False) -> None:
        super().__init__(source, 0 if entry else line, f"entry {line}: {message}" if entry else message)
        self.line = line
        self.message = message
        self.entry = entry

    def __reduce__(self):  # type: ignore[override]
        return (type(self), (self.source, self.line, self.message, self.entry))


def load_phrases(path: PathLike) -> List[Tuple[str, float]]:
    """The ``(phrase, weight)`` pairs of a phrase file.

    Formats (those of ``../shared/bench/slop``): a JSON list whose entries are
    ``[phrase, weight]`` (the antislop factor lists, or counts), ``[phrase]``
    or a bare string (weight 1.0); or a text file with one phrase per line,
    surrounding whitespace stripped, blank lines and lines starting with ``#``
    skipped (weight 1.0). A file named ``*.json``, or whose first non-blank
    character is ``[`` or ``{``, is read as JSON.

    Errors: :class:`PhraseFileError` naming the file and the line or entry;
    ``OSError`` when the file cannot be opened.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            text = f.read()
    except UnicodeDecodeError as e:
        raise PhraseFileError(name, 0, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{"):
        return _json_phrases(name, text)
    phrases = []
    for line in text.splitlines():
        phrase = line.strip()
        if phrase and not phrase.startswith("#"):
            phrases.append((phrase, 1.0))
    return phrases


def _json_phrases(name: str, text: str) -> List[Tuple[str, float]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise PhraseFileError(name, e.lineno, f"invalid JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(data, list):
        raise PhraseFileError(name, 0, f"expected a JSON list of phrases, got {type(data).__name__}")
    phrases = []
    for number, entry in enumerate(data, 1):
        def bad(message: str) -> PhraseFileError:
            return PhraseFileError(name, number, message, entry=True)

        if isinstance(entry, str):
            phrase, weight = entry, 1.0
        elif isinstance(entry, list) and len(entry) in (1, 2):
            phrase = entry[0]
            weight = entry[1] if len(entry) == 2 else 1.0
        else:
            raise bad(f"expected [phrase, weight], [phrase] or a string, got {json.dumps(entry)[:60]}")
        if not isinstance(phrase, str):
            raise bad(f"the phrase must be a string, got {json.dumps(phrase)[:60]}")
        if not phrase:
            raise bad("the phrase is empty")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise bad(f"the weight must be a number, got {json.dumps(weight)[:60]}")
        if weight != weight or weight in (float("inf"), float("-inf")):
            raise bad(f"the weight must be finite, got {weight}")
        phrases.append((phrase, float(weight)))
    return phrases


class Matcher(_core.Matcher):
    """A compiled Aho-Corasick automaton over many phrases.

    ``Matcher(patterns, *, case_insensitive=False, whole_words=False,
    match_kind="leftmost-longest")``: ``patterns`` is an iterable of phrases,
    each a ``str`` or a ``(str, weight)`` pair (weight 1.0 when absent); the
    options are described in this module's documentation. Errors:
    ``ValueError`` for an empty phrase, a non-finite weight or an unknown
    ``match_kind``, ``TypeError`` for an entry of the wrong type; both name
    the entry's index. An empty list is allowed (it never matches). Building
    runs without the GIL; cost: linear in the phrases plus the DFA table
    (``stats()["bytes"]``: 6.8 MB for 50,046 phrases).

    Methods (all offsets are Python string indices, code points):

    - ``find_all(text)`` → ``[(start, end, pattern_index), ...]``, linear in
      the text, without the GIL;
    - ``find_all_many(texts, threads=None)`` → one such list per text, on
      ``threads`` threads (``None``: one per core), without the GIL;
      Ctrl-C raises ``KeyboardInterrupt``;
    - ``is_match(text)`` → whether there is at least one match;
    - ``stream()`` → a :class:`MatchStream` fed incrementally;
    - ``patterns``, ``weights``, ``case_insensitive``, ``whole_words``,
      ``match_kind``, ``max_pattern_len``, ``len(m)``, ``stats()``.
    """

    __slots__ = ()

    @classmethod
    def from_file(cls, path: PathLike, *, case_insensitive: bool = False, whole_words: bool = False,
                  match_kind: str = "leftmost-longest") -> "Matcher":
        """A matcher over the phrases (and weights) of a phrase file; see
        :func:`load_phrases` for the formats and errors."""
        return cls(load_phrases(path), case_insensitive=case_insensitive, whole_words=whole_words,
                   match_kind=match_kind)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_rebuild, (type(self), list(zip(self.patterns, self.weights)), self.case_insensitive,
                           self.whole_words, self.match_kind))


def _rebuild(cls: type, pairs: Iterable[Tuple[str, float]], case_insensitive: bool, whole_words: bool,
             match_kind: str) -> Matcher:
    return cls(pairs, case_insensitive=case_insensitive, whole_words=whole_words, match_kind=match_kind)
