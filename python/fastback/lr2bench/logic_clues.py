"""Clue templates of the LR²Bench logic-grid puzzles, parsed into a small IR.

The logic puzzles of LR²Bench come from a generator (Puzzle Baron style) whose
clues follow a finite set of templates; only the phrasing around the values
changes from puzzle to puzzle ("the commuter who rides a segway", "Liam
Neeson's cousin", "the $4.75 order"). So a clue is read in two steps:

1. *Mentions*: every value of the puzzle is found in the text, longest first,
   case-sensitive (the texts always spell a value exactly as the value list
   does), with a few spellings the generator uses besides the value itself
   ("pink and white" for ``pink - white``, "first" for ``1st``, "250 page" for
   ``250 pages``). Each mention stands for an entity: the row that holds that
   value. A difference such as "2 dollars" or "a half-hour" is cut out before
   mentions are looked for, so that its number is never taken for a value.
2. *Template*: the words between the mentions pick the template, and the
   template the constraints (the IR below). Templates, with their IR:

   - "A is B", "A owns B", "A's cousin uses B": ``Same(A, B)``;
   - "A is not B", "A didn't buy B or C": ``Differ`` per object;
   - "A is not B and doesn't C", "A is B and C": one per object, each with
     its own polarity;
   - "A ... after / more / later ... than B": ``Less(B, A)``;
   - "A ... N units before / less than B", "the day after":
     ``Less(A, B, gap=N, unit=...)``;
   - "Either A or B is C", "C is either A or B": ``EitherOr(C, A, B)``;
   - "Neither A nor B is C": ``Differ(A, B)``, ``Differ(A, C)``,
     ``Differ(B, C)`` (the two named are two, as with "either");
   - "Of A and B, one is P and the other is Q" (or "Between A and B, ..."):
     ``OneEach(A, B, P, Q)``;
   - "The N people were A, B, ...", "A, B, ... are all different ...",
     "A and B were different ...": ``AllDifferent((A, B, ...))``; the stated
     N must match the number named.

Comparisons and differences are on the first category, which in every puzzle
is the ordered one (dates, times, prices, ages, places ...), listed in
ascending order. A gap counts in the clue's unit on that category's scale:
"1 hour" on clock times is 60 minutes, "20 cents" on prices 0.20 dollars,
"3 tenths of a point" on scores 0.3, "1 month" on dates compares months.

A clue that fits no template raises :class:`ClueError`; the solver reports it
as unparsed and never guesses. :func:`holds` evaluates a constraint on a
complete assignment; it is the independent check of the solver's model.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

__all__ = [
    "ClueError",
    "Ref",
    "Same",
    "Differ",
    "Less",
    "EitherOr",
    "OneEach",
    "AllDifferent",
    "Constraint",
    "Puzzle",
    "parse_clue",
    "holds",
]


class ClueError(ValueError):
    """A clue that fits none of the templates; ``str(err)`` says why."""


@dataclass(frozen=True)
class Ref:
    """An entity: the row that holds ``value`` in ``category``."""

    category: str
    value: str

    def __str__(self) -> str:
        return f"{self.category}={self.value}"


@dataclass(frozen=True)
class Same:
    """``a`` and ``b`` are the same row."""

    a: Ref
    b: Ref


@dataclass(frozen=True)
class Differ:
    """``a`` and ``b`` are different rows."""

    a: Ref
    b: Ref


@dataclass(frozen=True)
class Less:
    """``a`` comes before ``b`` on the first (ordered) category; with ``gap``,
    ``b``'s quantity exceeds ``a``'s by exactly ``gap`` counted in ``unit``
    (the clue's word, singular: "hour", "dollar", "" when none)."""

    a: Ref
    b: Ref
    gap: Optional[Fraction] = None
    unit: str = ""


@dataclass(frozen=True)
class EitherOr:
    """``subject`` is exactly one of ``first`` and ``second``."""

    subject: Ref
    first: Ref
    second: Ref


@dataclass(frozen=True)
class OneEach:
    """``a`` and ``b`` are different rows, one of them is ``p`` and the other
    ``q``."""

    a: Ref
    b: Ref
    p: Ref
    q: Ref


@dataclass(frozen=True)
class AllDifferent:
    """The entities are pairwise different rows."""

    refs: Tuple[Ref, ...]


Constraint = Union[Same, Differ, Less, EitherOr, OneEach, AllDifferent]


# --- quantities of the ordered category ------------------------------------

_MONTHS = [datetime.date(2001, m, 1).strftime("%B") for m in range(1, 13)]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ORDINALS = [
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh",
    "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
    "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
]  # fmt: skip


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _quantity(value: str) -> Optional[Tuple[str, Fraction]]:
    """The scale kind and the quantity of one value of the ordered category,
    or None when the value is not a quantity."""
    v = value.strip()
    m = re.fullmatch(r"(\d{1,2}):(\d\d) ?([ap])\.?m\.?", v, re.IGNORECASE)
    if m:
        hour = int(m[1]) % 12 + (12 if m[3].lower() == "p" else 0)
        return "clock", Fraction(hour * 60 + int(m[2]))
    if re.fullmatch(r"12 noon|noon", v, re.IGNORECASE):
        return "clock", Fraction(12 * 60)
    m = re.fullmatch(r"(\d+) min, (\d+) sec", v)
    if m:
        return "duration", Fraction(int(m[1]) * 60 + int(m[2]))
    m = re.fullmatch(r"([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)?", v)
    if m and m[1] in _MONTHS:
        try:  # a year with no leap day: differences are in days as listed
            day = datetime.date(2001, _MONTHS.index(m[1]) + 1, int(m[2]))
        except ValueError:
            return None
        return "date", Fraction(day.timetuple().tm_yday)
    if v in _MONTHS:
        return "month", Fraction(_MONTHS.index(v) + 1)
    if v in _WEEKDAYS:
        return "weekday", Fraction(_WEEKDAYS.index(v) + 1)
    if v in _ORDINALS:
        return "ordinal", Fraction(_ORDINALS.index(v))
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", v)
    if m:
        return "ordinal", Fraction(int(m[1]))
    m = re.fullmatch(r"\$?(\d[\d,]*(?:\.\d+)?)(?: [A-Za-z-]+)*", v)
    if m:
        return "number", Fraction(m[1].replace(",", ""))
    return None


# Units a gap may carry: a closed list, so that an unknown phrasing fails to
# parse instead of being read as something else.
_UNIT_WORDS = (
    "year|month|week|day|hour|minute|second|dollar|cent|page|mile|vote|size|"
    "point|rider|piece|degree|inch|pound"
)
_GREATER = (
    "more", "larger", "higher", "longer", "bigger", "older", "after", "later",
    "farther", "further", "ahead", "greater",
)  # fmt: skip
_SMALLER = (
    "less", "fewer", "lower", "shorter", "smaller", "younger", "before",
    "earlier", "behind", "sooner",
)  # fmt: skip
_COMPARATIVE_RE = re.compile(r"\b(" + "|".join(_GREATER + _SMALLER) + r")\b")
_GAP_RE = re.compile(
    r"(?<![\w$.,:])"
    r"(?:(?P<num>\$?\d[\d,]*(?:\.\d+)?)|(?P<half>a half)"
    r"|(?P<one>the)(?= (?:" + _UNIT_WORDS + r")\b))"
    r"(?:[ -]+(?P<unit>tenths? of an? point|(?:" + _UNIT_WORDS + r")s?))?"
    r"(?=\s+(?:" + "|".join(_GREATER + _SMALLER) + r")\b)"
)
_GAP_MARK = "<gap>"


def _gap_amount(match: "re.Match[str]") -> Tuple[Fraction, str]:
    """The number and the unit (singular, "" when none) of a gap."""
    if match["half"]:
        amount = Fraction(1, 2)
    elif match["one"]:  # "the day after"
        amount = Fraction(1)
    else:
        amount = Fraction(match["num"].lstrip("$").replace(",", ""))
    return amount, (match["unit"] or "").split(" ")[0].rstrip("s")


# The units a gap may use on each kind of scale; on plain numbers, any unit
# ("3 years" on years, "6 minutes" on lengths in minutes, "20 cents" on
# prices). A gap in other units is read as no template, not converted.
_SCALE_UNITS: Dict[str, Tuple[str, ...]] = {
    "clock": ("", "hour", "minute"),
    "duration": ("", "minute", "second"),
    "date": ("", "day", "week", "month"),
    "month": ("", "month"),
    "weekday": ("", "day"),
    "ordinal": ("",),
}


def _measure(kind: str, value: str, base: Fraction, unit: str) -> Fraction:
    """``value`` (of scale ``kind``, quantity ``base``) counted in ``unit``:
    on clock times "1 hour" is 60 minutes, on dates "1 month" compares the
    months, on prices "20 cents" is 0.20 dollars. Any other unit counts in
    the scale's own terms ("3 years" on years, "25 pages" on pages)."""
    if kind == "clock" and unit == "hour":
        return base / 60
    if kind == "duration" and unit == "minute":
        return base / 60
    if kind == "date" and unit == "month":
        return Fraction(_MONTHS.index(value.split(" ")[0]) + 1)
    if kind == "date" and unit == "week":
        return base / 7
    if kind == "number" and unit == "tenth":
        return base * 10
    if kind == "number" and unit == "cent":
        return base * 100
    return base


# --- the puzzle: categories, values and how they are spelled in clues -----


def _spellings(value: str) -> List[str]:
    """The ways the clues write ``value``, the value itself first."""
    out = [value]
    m = re.fullmatch(r"(.+?) - (.+)", value)
    if m:  # colours "pink - white" are written "pink and white"
        out.append(f"{m[1]} and {m[2]}")
    if value in _ORDINALS:
        out.append(_ordinal_suffix(_ORDINALS.index(value)))
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", value)
    if m and int(m[1]) < len(_ORDINALS):
        out.append(_ORDINALS[int(m[1])])
    m = re.fullmatch(r"([\d.,]+) ([a-z]+)s", value)
    if m:  # "250 pages" -> "the 250 page assignment"
        out.append(f"{m[1]} {m[2]}")
    return out


def _mention_pattern(spelling: str) -> "re.Pattern[str]":
    body = re.escape(spelling)
    if spelling[:1].islower():
        body = f"(?:{body}|^{re.escape(spelling[:1].upper() + spelling[1:])})"
    return re.compile(r"(?<![\w$.,:'-])" + body + r"(?![\w-]|[.,:]\d)")


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    ref: Ref


class Puzzle:
    """The categories and values of one puzzle, with the matcher for value
    mentions and the scale of the ordered (first) category.

    ``values`` maps each category to its values, the first category being the
    ordered one, listed in ascending order. Raises ValueError when a category
    is empty, the categories differ in size, or a value is repeated.
    """

    def __init__(self, values: Mapping[str, Sequence[str]]) -> None:
        if not values:
            raise ValueError("puzzle has no categories")
        self.categories: List[str] = list(values)
        self.values: Dict[str, List[str]] = {c: list(vs) for c, vs in values.items()}
        sizes = {c: len(vs) for c, vs in self.values.items()}
        self.size = sizes[self.categories[0]]
        if self.size == 0:
            raise ValueError(f"category {self.categories[0]!r} has no values")
        for c, n in sizes.items():
            if n != self.size:
                raise ValueError(
                    f"category {c!r} has {n} values, {self.categories[0]!r} has {self.size}"
                )
        owner: Dict[str, str] = {}
        spellings: List[Tuple[str, Ref]] = []
        for c, vs in self.values.items():
            for v in vs:
                if not isinstance(v, str) or not v.strip():
                    raise ValueError(f"category {c!r} has an empty or non-text value {v!r}")
                if v in owner:
                    raise ValueError(f"value {v!r} is listed in {owner[v]!r} and {c!r}")
                owner[v] = c
                spellings.extend((s, Ref(c, v)) for s in _spellings(v))
        # Longest spelling first, so "cherry cola" wins over "cola".
        spellings.sort(key=lambda sr: -len(sr[0]))
        self._patterns = [(_mention_pattern(s), ref) for s, ref in spellings]
        self.first = self.categories[0]
        quantities = [_quantity(v) for v in self.values[self.first]]
        kinds = {q[0] for q in quantities if q is not None}
        if None in quantities or len(kinds) != 1:
            self.scale_kind: Optional[str] = None
            self._scale: List[Fraction] = []
        else:
            self.scale_kind = kinds.pop()
            self._scale = [q[1] for q in quantities if q is not None]

    def measure(self, unit: str) -> List[Fraction]:
        """Each row's quantity counted in ``unit`` (see :class:`Less`).
        Precondition: the first category is a quantity (``scale_kind``)."""
        if self.scale_kind is None:
            raise ValueError(f"category {self.first!r} is not a quantity")
        kind, values = self.scale_kind, self.values[self.first]
        return [_measure(kind, v, q, unit) for v, q in zip(values, self._scale)]

    def row_of_first(self, ref: Ref) -> int:
        """The row of a value of the first category (its position there)."""
        return self.values[self.first].index(ref.value)

    def refs(self) -> List[Ref]:
        return [Ref(c, v) for c in self.categories for v in self.values[c]]

    def mentions(self, text: str) -> List[_Mention]:
        """Value mentions in ``text``, in order, longest match first; a
        spelling counts only as a whole token (not inside a longer word or
        number). A lower-case value also matches capitalised at the start."""
        taken = [False] * len(text)
        found: List[_Mention] = []
        for pattern, ref in self._patterns:
            for m in pattern.finditer(text):
                if any(taken[m.start() : m.end()]):
                    continue
                for i in range(m.start(), m.end()):
                    taken[i] = True
                found.append(_Mention(m.start(), m.end(), ref))
        found.sort(key=lambda m: m.start)
        return found


# --- templates ---------------------------------------------------------------

_NEGATION_RE = re.compile(
    r"\b(?:not|never|no|nothing|cannot|didnt|doesnt|isnt|wasnt|wont)\b|n't\b", re.IGNORECASE
)


def _word(words: str) -> "re.Pattern[str]":
    """A pattern for whole words, where a hyphen joins ("trick-or-treater"
    holds no "or")."""
    return re.compile(r"(?<![\w-])(?:" + words + r")(?![\w-])")


_OR = _word("or")
_AND = _word("and")
_CONNECTIVE = _word("or|nor|either|neither")
_ALL_DIFFERENT_HEAD_RE = re.compile(
    r"^The (\d+|two|three|four|five|six|seven|eight|nine|ten) [\w -]+? (?:were|are)\s"
)


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\.+$", "", text)
    return text.replace("\u2019", "'")


def _cut_gap(text: str, puzzle: Puzzle) -> Tuple[str, Optional[Tuple[Fraction, str]]]:
    """Replace the (single) gap expression in ``text`` by a marker; return the
    text and the gap's number and unit."""
    gaps = list(_GAP_RE.finditer(text))
    if not gaps:
        return text, None
    if len(gaps) > 1:
        raise ClueError("more than one difference in one clue")
    if puzzle.scale_kind is None:
        raise ClueError(f"a difference, but {puzzle.first!r} is not a quantity")
    m = gaps[0]
    amount, unit = _gap_amount(m)
    if unit not in _SCALE_UNITS.get(puzzle.scale_kind, (unit,)):
        raise ClueError(f"a difference in {unit}s on {puzzle.first!r}")
    return text[: m.start()] + _GAP_MARK + text[m.end() :], (amount, unit)


def parse_clue(text: str, puzzle: Puzzle) -> List[Constraint]:
    """Translate one clue into constraints.

    Raises :class:`ClueError` when the clue fits no template; the message
    says what did not fit. Cost: linear in the number of values times the
    clue length.
    """
    clean = _normalise(text)
    clean, gap = _cut_gap(clean, puzzle)
    mentions = puzzle.mentions(clean)
    if len(mentions) < 2:
        raise ClueError(f"{len(mentions)} value mention(s); every template needs at least 2")
    refs = [m.ref for m in mentions]
    # The words around the mentions: gaps[0] before the first mention,
    # gaps[i] between mention i-1 and i, gaps[-1] after the last.
    bounds = [0] + [x for m in mentions for x in (m.start, m.end)] + [len(clean)]
    between = [clean[bounds[2 * i] : bounds[2 * i + 1]] for i in range(len(mentions) + 1)]
    if gap is not None and len(mentions) != 2:
        raise ClueError("a difference between other than two entities")

    head = between[0]
    if _ALL_DIFFERENT_HEAD_RE.match(head) or re.search(
        r"\b(?:were|are|will be) (?:all )?different\b", between[-1]
    ):
        return _all_different(refs, between)
    if re.match(r"^(?:Of|Between) ", head):
        return _one_each(refs, between)
    if re.match(r"^Neither ", head):
        return _neither(refs, between)
    if re.match(r"^Either ", head) or any(re.search(r"\beither\b", b) for b in between[1:]):
        return _either(refs, between)
    if any(_COMPARATIVE_RE.search(b) for b in between[1:-1]) or gap is not None:
        return _comparison(refs, between, gap)
    return _subject_predicates(refs, between)


_COUNT_WORDS = "zero one two three four five six seven eight nine ten".split()


def _all_different(refs: List[Ref], between: List[str]) -> List[Constraint]:
    for words in between:
        if _NEGATION_RE.search(words) or _COMPARATIVE_RE.search(words) or _CONNECTIVE.search(words):
            raise ClueError(f"unexpected words {words.strip()!r} in a list of different entities")
    head = _ALL_DIFFERENT_HEAD_RE.match(between[0])
    if head:
        count = head[1]
        stated = int(count) if count.isdigit() else _COUNT_WORDS.index(count)
        if stated != len(refs):
            raise ClueError(f"says {count} different entities but names {len(refs)}")
    if len(set(refs)) != len(refs):
        raise ClueError("an entity listed twice among different entities")
    return [AllDifferent(tuple(refs))]


def _one_each(refs: List[Ref], between: List[str]) -> List[Constraint]:
    if len(refs) != 4:
        raise ClueError(f"'Of A and B, one ... the other ...' with {len(refs)} mentions, not 4")
    if not _AND.search(between[1]) or not re.search(r",\s*one\b", between[2]):
        raise ClueError("'Of A and B, one ...' without 'and' or ', one'")
    if not re.search(r"\band the other\b", between[3]):
        raise ClueError("'Of A and B, one ...' without 'and the other'")
    for words in between[2:]:
        if _NEGATION_RE.search(words) or _COMPARATIVE_RE.search(words):
            raise ClueError(f"negated or comparative part {words.strip()!r} in 'one ... the other'")
    a, b, p, q = refs
    return [OneEach(a, b, p, q)]


def _neither(refs: List[Ref], between: List[str]) -> List[Constraint]:
    if len(refs) != 3 or not _word("nor").search(between[1]):
        raise ClueError("'Neither A nor B is C' needs 3 mentions and 'nor'")
    if _COMPARATIVE_RE.search(between[2]):
        raise ClueError("comparative in 'Neither A nor B ...'")
    a, b, c = refs
    # As in "Either A or B", the two named are two different entities.
    return [Differ(a, b), Differ(a, c), Differ(b, c)]


def _either(refs: List[Ref], between: List[str]) -> List[Constraint]:
    if len(refs) != 3:
        raise ClueError(f"'either ... or ...' with {len(refs)} mentions, not 3")
    for words in between:
        if _NEGATION_RE.search(words) or _COMPARATIVE_RE.search(words):
            raise ClueError(f"negated or comparative part {words.strip()!r} in 'either ... or'")
    if re.match(r"^Either ", between[0]):
        # Either A or B is C
        if not _OR.search(between[1]):
            raise ClueError("'Either A or B ...' without 'or'")
        a, b, c = refs
        return [EitherOr(c, a, b)]
    # C is either A or B
    if not re.search(r"\beither\b", between[1]) or not _OR.search(between[2]):
        raise ClueError("'C is either A or B' with 'either'/'or' out of place")
    c, a, b = refs
    return [EitherOr(c, a, b)]


def _comparison(
    refs: List[Ref], between: List[str], gap: Optional[Tuple[Fraction, str]]
) -> List[Constraint]:
    if len(refs) != 2:
        raise ClueError(f"a comparison among {len(refs)} entities, not 2")
    verb = between[1]
    if _NEGATION_RE.search(verb):
        raise ClueError(f"negated comparison {verb.strip()!r}")
    if _COMPARATIVE_RE.search(between[0]) or _COMPARATIVE_RE.search(between[2]):
        raise ClueError("comparative word outside the comparison")
    if re.search(r"(?<![\w-])\d", verb.replace(_GAP_MARK, "")):
        raise ClueError(f"unrecognised difference in {verb.strip()!r}")
    words = {w for w in _COMPARATIVE_RE.findall(verb)}
    greater = words & set(_GREATER)
    smaller = words & set(_SMALLER)
    if bool(greater) == bool(smaller):
        raise ClueError(f"no single direction in {verb.strip()!r}")
    if gap is not None and _GAP_MARK not in verb:
        raise ClueError("difference outside the comparison")
    if gap is not None and gap[0] <= 0:
        raise ClueError("non-positive difference")
    a, b = refs
    if greater:
        a, b = b, a
    if gap is None:
        return [Less(a, b)]
    return [Less(a, b, gap[0], gap[1])]


def _subject_predicates(refs: List[Ref], between: List[str]) -> List[Constraint]:
    """A [verb] B [and [verb] C ...]: the first mention is the subject; each
    object is the same entity or, with a negation in its verb, a different
    one. An object joined by a bare "or" (or ",") shares the previous
    polarity ("didn't buy the halogen or neon light"); a positive "A is B or
    C" would be a disjunction and is left unparsed."""
    if _NEGATION_RE.search(between[0]) or _COMPARATIVE_RE.search(between[0]):
        raise ClueError(f"unexpected words {between[0].strip()!r} before the subject")
    if _AND.search(between[1]) or _CONNECTIVE.search(between[1]) or "," in between[1]:
        raise ClueError(f"connective in the first predicate {between[1].strip()!r}")
    subject = refs[0]
    out: List[Constraint] = []
    negative = False
    for i, obj in enumerate(refs[1:], start=1):
        link = between[i]
        if i == 1:
            negative = bool(_NEGATION_RE.search(link))
        elif len(_AND.findall(link)) == 1 and not _CONNECTIVE.search(link):
            # "... and doesn't ride a", "... ring and is not": a new verb.
            negative = bool(_NEGATION_RE.search(link.split(" and ", 1)[1]))
        elif re.fullmatch(r"(?:\s*,)?\s*(?:or|nor)?\s*(?:the|a|an)?\s*", link) and link.strip():
            if not negative:
                raise ClueError("positive 'A is B or C' is not a template")
        else:
            raise ClueError(f"cannot join predicate {link.strip()!r}")
        if obj.category == subject.category and obj != subject and not negative:
            raise ClueError(f"{subject} and {obj} are both {subject.category!r} but stated equal")
        out.append(Differ(subject, obj) if negative else Same(subject, obj))
    if _NEGATION_RE.search(between[-1]) or _COMPARATIVE_RE.search(between[-1]):
        raise ClueError(f"unexpected words {between[-1].strip()!r} after the last value")
    if _CONNECTIVE.search(between[-1]) or _AND.search(between[-1]):
        raise ClueError(f"unexpected connective {between[-1].strip()!r} after the last value")
    return out


# --- the independent check ---------------------------------------------------

Assignment = Mapping[Ref, int]


def holds(constraint: Constraint, rows: Assignment, puzzle: Puzzle) -> bool:
    """Whether ``constraint`` holds when each entity is in row ``rows[ref]``
    (first-category entities may be left out: their row is their position).
    This reads the IR directly and shares nothing with the solver's model."""

    def row(ref: Ref) -> int:
        if ref.category == puzzle.first:
            return puzzle.row_of_first(ref)
        return rows[ref]

    if isinstance(constraint, Same):
        return row(constraint.a) == row(constraint.b)
    if isinstance(constraint, Differ):
        return row(constraint.a) != row(constraint.b)
    if isinstance(constraint, Less):
        ra, rb = row(constraint.a), row(constraint.b)
        if constraint.gap is None:
            return ra < rb
        measure = puzzle.measure(constraint.unit)
        return measure[rb] - measure[ra] == constraint.gap
    if isinstance(constraint, EitherOr):
        rs = row(constraint.subject)
        return (rs == row(constraint.first)) != (rs == row(constraint.second))
    if isinstance(constraint, OneEach):
        ra, rb = row(constraint.a), row(constraint.b)
        rp, rq = row(constraint.p), row(constraint.q)
        return ra != rb and ((ra == rp and rb == rq) or (ra == rq and rb == rp))
    if isinstance(constraint, AllDifferent):
        placed = [row(r) for r in constraint.refs]
        return len(set(placed)) == len(placed)
    raise TypeError(f"not a constraint: {constraint!r}")
