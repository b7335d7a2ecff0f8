"""fastback.slop.Matcher checked by things that share no code with it.

- ``slop_reference.reference_find_all``: the contract's rules applied
  literally to every folded substring (hand-written table below, hypothesis
  properties over every case_insensitive x whole_words x match_kind);
- pyahocorasick (``iter``: overlapping) and ahocorasick_rs (every kind) where
  their semantics coincide with ours, on the real phrase lists and Sherlock;
- the batch API itself for the streaming matcher: whatever the chunking,
  snapshots and rollbacks, a stream must report exactly ``find_all`` of its
  final text, never a match before its ``safe_end`` promise.

pyahocorasick's ``iter_long`` is not used as an oracle for leftmost-longest:
it drops matches reached through a failure link (pyahocorasick issues #133,
#185, #189; still in 2.3.1). ``test_pyahocorasick_iter_long_known_bug``
pins that down so a reader of the benchmark knows why its counts differ.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback.slop import Matcher, PhraseFileError
from slop_reference import MATCH_KINDS, fold, is_word_char, reference_find_all

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
SLOP_DIR = SHARED / "slop"
SHERLOCK = SHARED / "text" / "sherlock.txt"

# derandomize: the same examples on every run, so the suite is stable in CI;
# FASTBACK_SLOP_RANDOM=1 explores new ones.
SETTINGS = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=not os.environ.get("FASTBACK_SLOP_RANDOM"),
)

OPTIONS = [(ci, ww) for ci in (False, True) for ww in (False, True)]
ALL_COMBOS = [(ci, ww, kind) for ci, ww in OPTIONS for kind in MATCH_KINDS]

# The contract's test alphabet: ASCII (word and non-word), Latin-1 and
# Latin Extended-A ('ß', 'ſ', 'ı', 'İ'), Greek with final sigma, Cyrillic,
# CJK, an astral emoji (two UTF-16 units, four UTF-8 bytes), a combining
# accent (not a word character), the Kelvin sign (folds to 'k'). 'a' and 'b'
# are repeated so that random patterns occur in random texts.
ALPHABET = list("aabbaabbAB") + list(" _-.'1") + list("éÉßÿ") + ["ı", "İ", "ſ", "S", "s"] \
    + list("σςΣ") + list("дД") + list("中文") + ["😀", "\u0301", "\u212a", "k", "K"]

chars = st.sampled_from(ALPHABET)
words = st.text(chars, min_size=1, max_size=4)


@st.composite
def pattern_lists(draw) -> List[str]:
    """Random patterns plus derived ones: duplicates, case variants (equal
    after folding), prefixes and suffixes of other patterns."""
    pats = draw(st.lists(words, min_size=1, max_size=5))
    for op, k, cut in draw(st.lists(
            st.tuples(st.sampled_from(["dup", "upper", "swap", "prefix", "suffix"]),
                      st.integers(0, 99), st.integers(1, 3)), max_size=4)):
        p = pats[k % len(pats)]
        derived = {"dup": p, "upper": p.upper(), "swap": p.swapcase(),
                   "prefix": p[:cut], "suffix": p[-cut:]}[op]
        if derived:
            pats.append(derived)
    return pats


@st.composite
def texts_for(draw, pats: Sequence[str]) -> str:
    """Random filler interleaved with (case-changed) occurrences of the patterns."""
    pieces = []
    for _ in range(draw(st.integers(0, 6))):
        if pats and draw(st.booleans()):
            p = draw(st.sampled_from(list(pats)))
            pieces.append(draw(st.sampled_from([p, p.upper(), p.lower(), p.swapcase()])))
        else:
            pieces.append(draw(st.text(chars, max_size=4)))
    return "".join(pieces)


@st.composite
def cases(draw) -> Tuple[List[str], str]:
    pats = draw(pattern_lists())
    return pats, draw(texts_for(pats))


def by_end(ms):
    return sorted(ms, key=lambda m: (m[1], m[0], m[2]))


# ---------------------------------------------------------------------------
# Hand-computed cases: check the reference and the matcher on the same table
# ---------------------------------------------------------------------------

# (patterns, text, case_insensitive, whole_words, {kind: expected})
ANY = "any"  # the same answer for every kind
TABLE = [
    (["abcd", "bc"], "abcd", False, False, {
        "standard": [(1, 3, 1)], "leftmost-first": [(0, 4, 0)],
        "leftmost-longest": [(0, 4, 0)], "overlapping": [(1, 3, 1), (0, 4, 0)]}),
    (["a", "ab", "abc"], "abc", False, False, {
        "standard": [(0, 1, 0)], "leftmost-first": [(0, 1, 0)],
        "leftmost-longest": [(0, 3, 2)], "overlapping": [(0, 1, 0), (0, 2, 1), (0, 3, 2)]}),
    (["abc", "ab", "a"], "abc", False, False, {
        "standard": [(0, 1, 2)], "leftmost-first": [(0, 3, 0)],
        "leftmost-longest": [(0, 3, 0)], "overlapping": [(0, 1, 2), (0, 2, 1), (0, 3, 0)]}),
    # duplicates after folding are distinct indices; ties go to the smaller one
    (["ab", "AB"], "xAb", True, False, {
        "standard": [(1, 3, 0)], "leftmost-first": [(1, 3, 0)],
        "leftmost-longest": [(1, 3, 0)], "overlapping": [(1, 3, 0), (1, 3, 1)]}),
    (["ab", "AB"], "xAb", False, False, {ANY: []}),
    (["cat"], "cat concat cat_ cats cat.", False, True, {ANY: [(0, 3, 0), (21, 24, 0)]}),
    (["cat"], "cat concat cat_ cats cat.", False, False,
     {ANY: [(0, 3, 0), (7, 10, 0), (11, 14, 0), (16, 19, 0), (21, 24, 0)]}),
    # a side that is not a word character needs no boundary
    (["ing."], "singing. ing.", False, True, {ANY: [(9, 13, 0)]}),
    ([", just"], "maybe, justice, just.", False, True, {ANY: [(14, 20, 0)]}),
    # simple folding: 'ß' stays 'ß' (its upper case is two code points)
    (["straße", "STRASSE"], "STRASSE Straße strasse", True, False,
     {ANY: [(0, 7, 1), (8, 14, 0), (15, 22, 1)]}),
    (["σοφία"], "ΣΟΦΊΑ σοφίας", True, True, {ANY: [(0, 5, 0)]}),
    (["ΟΔΟΣ"], "οδος οδοσ", True, False, {ANY: [(0, 4, 0), (5, 9, 0)]}),
    (["kelvin"], "\u212aelvin", True, True, {ANY: [(0, 6, 0)]}),
    (["kelvin"], "\u212aelvin", False, True, {ANY: []}),
    (["ſun"], "SUN sun", True, False, {ANY: [(0, 3, 0), (4, 7, 0)]}),
    (["İstanbul"], "istanbul İSTANBUL", True, False, {ANY: [(9, 17, 0)]}),
    # U+0301 is not a word character: it is a boundary (the contract's rule)
    (["cafe"], "cafe\u0301 cafe", False, True, {ANY: [(0, 4, 0), (6, 10, 0)]}),
    (["café"], "cafe\u0301", False, False, {ANY: []}),  # no normalisation
    (["中文"], "😀中文 中文字", False, False, {ANY: [(1, 3, 0), (4, 6, 0)]}),
    (["中文"], "😀中文 中文字", False, True, {ANY: [(1, 3, 0)]}),
    (["😀 hi"], "😀😀 hi!", False, True, {ANY: [(1, 5, 0)]}),
    (["x"], "", False, False, {ANY: []}),
    ([], "anything", True, True, {ANY: []}),
]


def expected_for(table_row, kind):
    exp = table_row[4]
    return exp[ANY] if ANY in exp else exp[kind]


@pytest.mark.parametrize("row", TABLE, ids=lambda r: f"{r[0]!r}-{r[1]!r}"[:40])
@pytest.mark.parametrize("kind", MATCH_KINDS)
def test_table(row, kind):
    pats, text, ci, ww, _ = row
    want = expected_for(row, kind)
    assert reference_find_all(pats, text, case_insensitive=ci, whole_words=ww, match_kind=kind) == want
    m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind=kind)
    assert m.find_all(text) == want
    assert m.is_match(text) == bool(want)


def test_reference_agrees_with_ahocorasick_rs():
    """The reference itself, checked against the aho-corasick crate (through
    ahocorasick_rs) on every kind it shares with us."""
    ahocorasick_rs = pytest.importorskip("ahocorasick_rs")
    kinds = {"standard": ahocorasick_rs.MatchKind.Standard,
             "leftmost-first": ahocorasick_rs.MatchKind.LeftmostFirst,
             "leftmost-longest": ahocorasick_rs.MatchKind.LeftmostLongest}
    rng = random.Random(5)
    for _ in range(1500):
        pats = ["".join(rng.choice("ab") for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 5))]
        text = "".join(rng.choice("ab ") for _ in range(rng.randint(0, 15)))
        for kind, mk in kinds.items():
            got = [(s, e, i) for i, s, e in ahocorasick_rs.AhoCorasick(pats, matchkind=mk).find_matches_as_indexes(text)]
            assert reference_find_all(pats, text, match_kind=kind) == got, (pats, text, kind)
        got = by_end((s, e, i) for i, s, e in ahocorasick_rs.AhoCorasick(pats).find_matches_as_indexes(text, overlapping=True))
        assert reference_find_all(pats, text, match_kind="overlapping") == got, (pats, text)


# ---------------------------------------------------------------------------
# Batch API against the reference
# ---------------------------------------------------------------------------


@settings(max_examples=800, **SETTINGS)
@given(cases())
def test_find_all_matches_reference(case):
    pats, text = case
    for ci, ww, kind in ALL_COMBOS:
        m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind=kind)
        want = reference_find_all(pats, text, case_insensitive=ci, whole_words=ww, match_kind=kind)
        got = m.find_all(text)
        assert got == want, (ci, ww, kind)
        assert m.is_match(text) == bool(want), (ci, ww, kind)


@settings(max_examples=60, **SETTINGS)
@given(pattern_lists(), st.data())
def test_find_all_many_equals_find_all(pats, data):
    texts = data.draw(st.lists(texts_for(pats), max_size=5))
    for ci, ww, kind in ALL_COMBOS:
        m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind=kind)
        each = [m.find_all(t) for t in texts]
        assert m.find_all_many(texts) == each
        assert m.find_all_many(texts, threads=2) == each


@settings(max_examples=200, **SETTINGS)
@given(cases())
def test_offsets_are_code_points(case):
    """text[s:e] is an occurrence of the pattern: same length, same folded text."""
    pats, text = case
    for ci, ww in OPTIONS:
        m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind="overlapping")
        for s, e, i in m.find_all(text):
            piece = text[s:e]
            assert (fold(piece) == fold(pats[i])) if ci else (piece == pats[i])


UNICODE_TEXTS = [
    ("😀😀 tapestry 👩‍👩‍👦 of 文字 tapestry", ["tapestry", "文字", "of"]),
    ("Ｃａｆé cafe\u0301 Café CAFÉ 🍵 café", ["café", "cafe", "🍵 café"]),
    ("ΣΊΣΥΦΟΣ σίσυφος, ΣΊΣΥΦΟΣ!", ["σίσυφος", "ς, σ"]),
    ("\U0001d400\U0001d401 ab 𝐀b ab", ["ab", "𝐀"]),
    ("ĲsselmeerßSTRAẞE straße", ["straße", "ß"]),
]


@pytest.mark.parametrize("text,pats", UNICODE_TEXTS)
@pytest.mark.parametrize("ci,ww", OPTIONS)
def test_unicode_texts(text, pats, ci, ww):
    for kind in MATCH_KINDS:
        m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind=kind)
        got = m.find_all(text)
        assert got == reference_find_all(pats, text, case_insensitive=ci, whole_words=ww, match_kind=kind)
        for s, e, i in got:
            assert (fold(text[s:e]) == fold(pats[i])) if ci else (text[s:e] == pats[i])


def test_surrogate_free_offsets_after_astral_characters():
    text = "🙂" * 1000 + " delve " + "𝔘" * 3 + "delve"
    m = Matcher(["delve"])
    assert m.find_all(text) == [(1001, 1006, 0), (1010, 1015, 0)]


# ---------------------------------------------------------------------------
# Construction, attributes and errors
# ---------------------------------------------------------------------------


def test_attributes():
    m = Matcher([("delve", 0.5), ("tapestry", 2)], case_insensitive=True, whole_words=True,
                match_kind="overlapping")
    assert len(m) == 2
    assert m.patterns == ["delve", "tapestry"]
    assert m.weights == [0.5, 2.0]
    assert (m.case_insensitive, m.whole_words, m.match_kind) == (True, True, "overlapping")
    for name, value in [("case_insensitive", False), ("whole_words", False), ("match_kind", "standard")]:
        with pytest.raises(AttributeError):
            setattr(m, name, value)
    plain = Matcher(iter(["Ab", "ab"]))  # any iterable; patterns kept as given
    assert plain.patterns == ["Ab", "ab"] and plain.weights == [1.0, 1.0]
    assert plain.match_kind == "leftmost-longest" and not plain.case_insensitive and not plain.whole_words


def test_empty_pattern_list_never_matches():
    for ci, ww, kind in ALL_COMBOS:
        m = Matcher([], case_insensitive=ci, whole_words=ww, match_kind=kind)
        assert len(m) == 0
        assert m.find_all("abc") == [] and not m.is_match("abc")
        s = m.stream()
        assert s.feed("abc") == [] and s.finish() == []


def assert_names_index(err, index):
    assert re.search(rf"(?<!\d){index}(?!\d)", str(err)), f"message does not name index {index}: {err}"


@pytest.mark.parametrize("patterns,index", [
    (["a", "b", "c", ""], 3),
    (["a", ("", 0.5)], 1),
])
def test_empty_pattern_is_rejected_with_its_index(patterns, index):
    with pytest.raises(ValueError) as err:
        Matcher(patterns)
    assert_names_index(err.value, index)


@pytest.mark.parametrize("bad", [None, 7, b"bytes", ["list"]])
def test_non_str_pattern_is_rejected_with_its_index(bad):
    with pytest.raises((ValueError, TypeError)) as err:
        Matcher(["a", "b", "c", "d", "e", bad])
    assert_names_index(err.value, 5)


@pytest.mark.parametrize("weight", [math.inf, -math.inf, math.nan])
def test_non_finite_weight_is_rejected_with_its_index(weight):
    with pytest.raises(ValueError) as err:
        Matcher([("a", 1.0), ("b", 0.5), ("c", weight)])
    assert_names_index(err.value, 2)


@pytest.mark.parametrize("kind", ["longest", "", "Overlapping", "leftmost_longest"])
def test_unknown_match_kind(kind):
    with pytest.raises(ValueError) as err:
        Matcher(["a"], match_kind=kind)
    if kind:
        assert kind in str(err.value), str(err.value)


# ---------------------------------------------------------------------------
# Phrase files
# ---------------------------------------------------------------------------

SLOP_JSON = sorted(SLOP_DIR.glob("*/*.json")) if SLOP_DIR.is_dir() else []


def needs_shared_lists():
    if not SLOP_JSON:
        pytest.skip("../shared/bench/slop not present")


@pytest.mark.parametrize("path", SLOP_JSON, ids=lambda p: p.name)
def test_every_shared_list_loads(path):
    entries = json.loads(path.read_text(encoding="utf-8"))
    m = Matcher.from_file(path)
    assert len(m) == len(entries)
    assert m.patterns == [e[0] for e in entries]
    assert m.weights == [float(e[1]) if len(e) > 1 else 1.0 for e in entries]
    m2 = Matcher.from_file(str(path), case_insensitive=True, whole_words=True, match_kind="overlapping")
    assert (m2.case_insensitive, m2.whole_words, m2.match_kind) == (True, True, "overlapping")
    assert len(m2) == len(entries)


def test_shared_list_counts():
    needs_shared_lists()
    counts = {p.name: len(Matcher.from_file(p)) for p in SLOP_JSON}
    assert counts["slop_phrase_prob_adjustments.json"] == 517
    assert counts["slop_phrases_2025-04-07.json"] == 2500
    assert counts["slop_phrase_prob_adjustments_full_list.json"] == 50046


def test_text_phrase_file(tmp_path):
    path = tmp_path / "phrases.txt"
    path.write_text("# a comment\ndelve\n\ntapestry of\n#not a phrase\nbarely above a whisper\n", encoding="utf-8")
    m = Matcher.from_file(path, case_insensitive=True)
    assert m.patterns == ["delve", "tapestry of", "barely above a whisper"]
    assert m.weights == [1.0, 1.0, 1.0]
    assert m.find_all("We DELVE into a tapestry of") == [(3, 8, 0), (16, 27, 1)]


def test_empty_json_list_loads(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]", encoding="utf-8")
    assert len(Matcher.from_file(path)) == 0


def test_json_shapes(tmp_path):
    path = tmp_path / "shapes.json"
    path.write_text('[["delve", 0.25], ["tapestry"], ["weave", 3]]', encoding="utf-8")
    m = Matcher.from_file(path, whole_words=True)
    assert m.patterns == ["delve", "tapestry", "weave"]
    assert m.weights == [0.25, 1.0, 3.0]
    assert m.find_all("delve into the tapestry, weaver") == [(0, 5, 0), (15, 23, 1)]


# (file content, the 1-based entry the error must name, or None when the
# problem is the file as a whole). A bare string entry is accepted (weight
# 1.0), an extension of the contract's three shapes.
BAD_JSON = [
    ('[["a", 1], ["b", 2]', None),                   # truncated
    ('[["a", 1], 5]', 2),                            # entry neither a list nor a string
    ('[["a", 1], ["b", 1], []]', 3),                 # no phrase
    ('[["a", 1], ["b", 1, 2]]', 2),                  # three elements
    ('[["a", 1], [7, 0.5]]', 2),                     # phrase not a string
    ('[["a", 1], ["b", 1], ["c", 1], ["", 0.5]]', 4),  # empty phrase
    ('[["a", 1], ""]', 2),                           # empty bare phrase
    ('[["a", 1], ["b", "x"]]', 2),                   # weight not a number
    ('[["a", 1], ["b", null]]', 2),                  # weight not a number
    ('[["a", 1], ["b", true]]', 2),                  # a bool is not a weight
    ('[["a", 1], {"phrase": "b"}]', 2),              # object entry
]


@pytest.mark.parametrize("content,entry", BAD_JSON)
def test_malformed_json_file(tmp_path, content, entry):
    path = tmp_path / "bad_list.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PhraseFileError) as err:
        Matcher.from_file(path)
    e = err.value
    assert isinstance(e, ValueError)
    assert str(path) in str(e), str(e)
    if entry is not None:
        assert re.search(rf"\bentry {entry}\b", str(e)), str(e)


def test_bad_json_entry_line_is_the_entry_number(tmp_path):
    """The contract: "path:entry N: message for JSON where the 'line' is the
    1-based entry number", so that callers can read N from ``err.line``."""
    path = tmp_path / "bad_list.json"
    path.write_text('[["a", 1], ["b", 1], ["", 0.5]]', encoding="utf-8")
    with pytest.raises(PhraseFileError) as err:
        Matcher.from_file(path)
    assert err.value.line == 3, (err.value.line, str(err.value))


def test_json_file_that_is_not_a_list(tmp_path):
    """A .json file holding an object is a bad phrase file, not a text file
    whose single phrase is the object's source text."""
    path = tmp_path / "weights.json"
    path.write_text('{"delve": 0.5}', encoding="utf-8")
    with pytest.raises(PhraseFileError) as err:
        Matcher.from_file(path)
    assert str(path) in str(err.value)


def test_undecodable_text_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"delve\ntapestry\n\xff\xfe broken\n")
    with pytest.raises(PhraseFileError) as err:
        Matcher.from_file(path)
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises((OSError, PhraseFileError)) as err:
        Matcher.from_file(tmp_path / "nope.json")
    assert "nope.json" in str(err.value)


# ---------------------------------------------------------------------------
# Streaming
# ---------------------------------------------------------------------------


def split_at(text: str, cuts: Sequence[int]) -> List[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in zip(points, points[1:])] or [""]


def feed_checked(stream, chunks, promised_safe_end, reported, max_len):
    """Feed chunks one by one, checking the per-call promises; returns the
    updated promised safe_end."""
    for chunk in chunks:
        before = stream.position
        got = stream.feed(chunk)
        assert stream.position == before + len(chunk)
        for m in got:
            assert m[0] >= promised_safe_end, f"match {m} starts before an earlier safe_end {promised_safe_end}"
        reported.extend(got)
        safe = stream.safe_end
        assert 0 <= safe <= stream.position
        # liveness: nothing is held back longer than the longest pattern
        assert safe >= stream.position - max_len, (safe, stream.position, max_len)
        promised_safe_end = max(promised_safe_end, safe)
    return promised_safe_end


@settings(max_examples=300, **SETTINGS)
@given(cases(), st.lists(st.integers(0, 60), max_size=8))
def test_stream_equals_batch_for_any_chunking(case, cuts):
    pats, text = case
    chunks = split_at(text, cuts)
    max_len = max(len(p) for p in pats)
    for ci, ww, kind in ALL_COMBOS:
        m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind=kind)
        s = m.stream()
        reported: list = []
        promised = feed_checked(s, chunks, 0, reported, max_len)
        assert s.text == text
        tail = s.finish()
        assert all(t[0] >= promised for t in tail)
        assert reported + tail == m.find_all(text), (ci, ww, kind, chunks)
        assert s.safe_end == s.position == len(text)


@settings(max_examples=300, **SETTINGS)
@given(cases(), st.lists(st.integers(0, 60), max_size=8))
def test_overlapping_stream_reports_each_match_once_its_end_is_known(case, cuts):
    """What the sampler relies on: an overlapping match is reported by the
    feed() that makes it final, never later: a match ending before the
    current position has its end boundary known (and without whole_words a
    match ending at the position is final at once)."""
    pats, text = case
    for ci, ww in OPTIONS:
        m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind="overlapping")
        every = m.find_all(text)
        s = m.stream()
        reported: list = []
        for chunk in split_at(text, cuts):
            reported.extend(s.feed(chunk))
            p = s.position
            due = [t for t in every if t[1] < p or (t[1] == p and not ww)]
            assert set(due) <= set(reported), (ci, ww, s.text, set(due) - set(reported))


@st.composite
def stream_programs(draw):
    """A random session of feeds, snapshots, rollbacks and resets."""
    pats = draw(pattern_lists())
    ops = draw(st.lists(st.one_of(
        st.tuples(st.just("feed"), texts_for(pats)),
        st.tuples(st.just("snapshot"), st.just(None)),
        st.tuples(st.just("rollback"), st.integers(0, 99)),
        st.tuples(st.just("reset"), st.just(None)),
    ), max_size=14))
    return pats, ops


@settings(max_examples=800, **SETTINGS)
@given(stream_programs(), st.sampled_from(ALL_COMBOS))
def test_stream_snapshots_and_rollbacks(program, combo):
    """A model of the stream: its text, the matches it has returned since
    the last reset, and every snapshot taken (with the model state then).

    A rollback to a snapshot whose text is still a prefix of the stream's
    and that no rollback has cut into since must succeed and restore the
    exact state; one whose text was rewritten (a rollback below it, then
    different text) must raise ValueError; the cases between (a rollback
    below it, then the same text again, or a rollback forward to it) may
    go either way, but when they succeed the state must be exact. At the
    end, the returned matches plus finish() must equal find_all(text)."""
    pats, ops = program
    ci, ww, kind = combo
    m = Matcher(pats, case_insensitive=ci, whole_words=ww, match_kind=kind)
    max_len = max(len(p) for p in pats)
    s = m.stream()
    text, reported, promised = "", [], 0
    snaps = []  # [snapshot, text, reported copy, promised, safe_end, cut_into]
    for op, arg in ops:
        if op == "feed":
            promised = feed_checked(s, [arg], promised, reported, max_len)
            text += arg
        elif op == "snapshot":
            snap = s.snapshot()
            assert snap.position == len(text)
            snaps.append([snap, text, list(reported), promised, s.safe_end, False])
        elif op == "reset":
            s.reset()
            text, reported, promised = "", [], 0
            snaps = []  # snapshots before a reset are neither required to work nor to fail
            assert s.position == 0 and s.text == "" and s.safe_end == 0
        elif op == "rollback" and snaps:
            entry = snaps[arg % len(snaps)]
            snap, snap_text, snap_reported, snap_promised, snap_safe, cut_into = entry
            n = len(snap_text)
            if len(text) >= n:
                rewritten = text[:n] != snap_text
            else:
                rewritten = not snap_text.startswith(text)
            if not cut_into and not rewritten:
                s.rollback(snap)
            elif rewritten:
                with pytest.raises(ValueError):
                    s.rollback(snap)
                continue
            else:
                try:
                    s.rollback(snap)
                except ValueError:
                    continue
            text, reported, promised = snap_text, list(snap_reported), snap_promised
            for other in snaps:
                if len(other[1]) > n:
                    other[5] = True
            assert s.position == n and s.text == snap_text and s.safe_end == snap_safe
    assert s.text == text
    assert reported + s.finish() == m.find_all(text), (ci, ww, kind)


def test_rollback_example_sampler_style():
    """Feed, snapshot, feed garbage, roll back, feed the rest: the same
    matches as an uninterrupted stream."""
    m = Matcher(["barely above a whisper", "a whisper", "delve"], case_insensitive=True,
                whole_words=True, match_kind="overlapping")
    text = "Her voice, barely above a whisper, did not delve."
    s = m.stream()
    reported = []
    for tok in re.findall(r"\s*\S+", text[:16]):
        reported += s.feed(tok)
    snap = s.snapshot()
    assert s.feed(" ABOVE A WHISPER delve delve") != []  # garbage that matches
    s.rollback(snap)
    assert s.text == text[:16] and s.position == 16
    for tok in re.findall(r"\s*\S+", text[16:]):
        reported += s.feed(tok)
    assert reported + s.finish() == m.find_all(text) == [(11, 33, 0), (24, 33, 1), (43, 48, 2)]


def test_matches_returned_after_a_snapshot_are_void_after_rollback():
    """The caller's rule after rollback(snap) is "forget every match returned
    since snap was taken", not "forget those ending after snap.position"
    (the contract's wording): a match ending exactly at snap.position can
    be returned after the snapshot, because its end boundary or a longer
    rival was still open, and after the rollback it may be void or
    replaced."""
    m = Matcher(["ab"], whole_words=True, match_kind="overlapping")
    s = m.stream()
    assert s.feed("x ab") == []
    snap = s.snapshot()
    assert s.feed(" ") == [(2, 4, 0)]      # end == snap.position
    s.rollback(snap)
    assert s.feed("c") + s.finish() == [] == m.find_all("x abc")

    m = Matcher(["abcd", "ab"], match_kind="leftmost-longest")
    s = m.stream()
    assert s.feed("xab") == []
    snap = s.snapshot()
    assert s.feed("z") == [(1, 3, 1)]      # end == snap.position
    s.rollback(snap)
    assert s.feed("cd") + s.finish() == [(1, 5, 0)] == m.find_all("xabcd")


def test_rollback_to_stale_snapshot_raises():
    m = Matcher(["ab"], match_kind="overlapping")
    s = m.stream()
    s.feed("xx")
    early = s.snapshot()
    s.feed("abab")
    late = s.snapshot()
    s.rollback(early)
    s.feed("zzzzzz")  # rewrites positions 2..5, past late.position
    with pytest.raises(ValueError):
        s.rollback(late)
    s.rollback(early)  # still valid: its text is untouched
    s.feed("zz")       # rewrites positions 2..3, below late.position
    with pytest.raises(ValueError):
        s.rollback(late)
    assert s.text == "xxzz"


def test_rollback_to_snapshot_of_another_stream_raises():
    m = Matcher(["ab"])
    a, b = m.stream(), m.stream()
    a.feed("ab")
    b.feed("ab")
    with pytest.raises(ValueError):
        b.rollback(a.snapshot())
    other = Matcher(["ab"]).stream()
    with pytest.raises(ValueError):
        other.rollback(a.snapshot())
    assert b.text == "ab" and other.text == ""


def test_feed_after_finish():
    m = Matcher(["ab"], whole_words=True, match_kind="overlapping")
    s = m.stream()
    assert s.feed("x ab") == []       # the end boundary of "ab" is not known yet
    before = s.snapshot()
    assert s.finish() == [(2, 4, 0)]
    assert s.safe_end == s.position == 4
    with pytest.raises(ValueError):
        s.feed("c")
    assert s.text == "x ab"
    s.rollback(before)                # undoes finish
    assert s.feed("c ab") == []       # "abc" is not a whole word
    assert s.finish() == [(6, 8, 0)]
    s.reset()
    assert s.position == 0 and s.feed("ab ") == [(0, 2, 0)]


# ---------------------------------------------------------------------------
# Real phrase lists: pyahocorasick and ahocorasick_rs where semantics coincide
# ---------------------------------------------------------------------------

REAL_LISTS = ["slop_phrase_prob_adjustments.json", "slop_phrases_2025-04-07.json",
              "slop_phrase_prob_adjustments_full_list.json"]


@pytest.fixture(scope="module")
def sherlock_slice():
    if not SHERLOCK.exists():
        pytest.skip("../shared/bench/text/sherlock.txt not present")
    text = SHERLOCK.read_text(encoding="utf-8")
    return text[:150_000] + text[len(text) // 2 : len(text) // 2 + 150_000]


def real_phrases(name: str) -> List[str]:
    path = SLOP_DIR / "antislop-sampler" / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return [e[0] for e in json.loads(path.read_text(encoding="utf-8"))]


def pyahocorasick_overlapping(patterns, text, fold_first=False, whole_words=False):
    """All occurrences from pyahocorasick's iter(), with our indices (one
    key per distinct pattern, duplicates expanded), as (s, e, i) by end."""
    ahocorasick = pytest.importorskip("ahocorasick")
    a = ahocorasick.Automaton()
    ids: Dict[str, List[int]] = {}
    for i, p in enumerate(patterns):
        ids.setdefault(fold(p) if fold_first else p, []).append(i)
    for key, idx in ids.items():
        a.add_word(key, (len(key), idx))
    a.make_automaton()
    hay = fold(text) if fold_first else text
    out = []
    for last, (n, idx) in a.iter(hay):
        s, e = last + 1 - n, last + 1
        if whole_words:
            p = patterns[idx[0]]
            if is_word_char(p[0]) and s > 0 and is_word_char(text[s - 1]):
                continue
            if is_word_char(p[-1]) and e < len(text) and is_word_char(text[e]):
                continue
        out.extend((s, e, i) for i in idx)
    return by_end(out)


@pytest.mark.parametrize("name", REAL_LISTS)
def test_real_lists_overlapping_vs_pyahocorasick(name, sherlock_slice):
    pats = real_phrases(name)
    got = Matcher(pats, match_kind="overlapping").find_all(sherlock_slice)
    assert got == pyahocorasick_overlapping(pats, sherlock_slice)
    assert got, "expected some raw occurrences"


@pytest.mark.parametrize("name", REAL_LISTS)
def test_real_lists_folded_whole_words_vs_pyahocorasick(name, sherlock_slice):
    """The sampler's mode (overlapping, case-insensitive, whole words):
    pyahocorasick on folded text and patterns, boundaries checked after."""
    pats = real_phrases(name)
    m = Matcher(pats, case_insensitive=True, whole_words=True, match_kind="overlapping")
    got = m.find_all(sherlock_slice)
    assert got == pyahocorasick_overlapping(pats, sherlock_slice, fold_first=True, whole_words=True)
    assert got


@pytest.mark.parametrize("name", REAL_LISTS)
def test_real_lists_leftmost_vs_ahocorasick_rs(name, sherlock_slice):
    ahocorasick_rs = pytest.importorskip("ahocorasick_rs")
    pats = real_phrases(name)
    for kind, mk in [("leftmost-longest", ahocorasick_rs.MatchKind.LeftmostLongest),
                     ("leftmost-first", ahocorasick_rs.MatchKind.LeftmostFirst),
                     ("standard", ahocorasick_rs.MatchKind.Standard)]:
        want = [(s, e, i) for i, s, e in
                ahocorasick_rs.AhoCorasick(pats, matchkind=mk).find_matches_as_indexes(sherlock_slice)]
        assert Matcher(pats, match_kind=kind).find_all(sherlock_slice) == want, kind


def test_pyahocorasick_iter_long_known_bug():
    """Why iter_long is not an oracle: it misses 'a' at the end of ' ba'
    (patterns 'a', 'baab'), where leftmost-longest must report it."""
    ahocorasick = pytest.importorskip("ahocorasick")
    a = ahocorasick.Automaton()
    for p in ("a", "baab"):
        a.add_word(p, p)
    a.make_automaton()
    ours = Matcher(["a", "baab"]).find_all(" ba")
    assert ours == reference_find_all(["a", "baab"], " ba") == [(2, 3, 0)]
    if list(a.iter_long(" ba")) == [(2, "a")]:
        pytest.skip("this pyahocorasick has fixed iter_long: it can be an oracle again")


def test_real_list_stream_token_by_token(sherlock_slice):
    pats = real_phrases("slop_phrase_prob_adjustments.json")
    m = Matcher(pats, case_insensitive=True, whole_words=True, match_kind="overlapping")
    text = sherlock_slice[:60_000]
    s = m.stream()
    reported, promised = [], 0
    for tok in re.findall(r"\s*\S+|\s+$", text):
        got = s.feed(tok)
        assert all(t[0] >= promised for t in got)
        reported += got
        promised = s.safe_end
    assert reported + s.finish() == m.find_all(text)
    assert reported


# ---------------------------------------------------------------------------
# GIL release: concurrent batch scans give the same answers
# ---------------------------------------------------------------------------


def test_find_all_many_from_threads(sherlock_slice):
    pats = real_phrases("slop_phrases_2025-04-07.json") + real_phrases("slop_phrase_prob_adjustments.json")
    m = Matcher(pats, case_insensitive=True, whole_words=True, match_kind="overlapping")
    texts = [sherlock_slice[i : i + 20_000] for i in range(0, 200_000, 20_000)]
    want = [m.find_all(t) for t in texts]
    assert any(want)
    barrier = threading.Barrier(4)

    def work(k):
        barrier.wait()
        return [m.find_all_many(texts, threads=1 + k % 2) for _ in range(3)]

    with ThreadPoolExecutor(4) as pool:
        for runs in pool.map(work, range(4)):
            for got in runs:
                assert got == want

    # one matcher shared by streams in several threads
    def stream_work(t):
        s = m.stream()
        out = []
        for tok in re.findall(r"\s*\S+|\s+$", t):
            out += s.feed(tok)
        return out + s.finish()

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(stream_work, texts)) == want
