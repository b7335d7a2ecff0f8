"""The safe literal parser: round trips against json and repr, the accepted
subset case by case, and hostile text that must end in LiteralError (never
another exception, never a hang, never evaluation)."""

from __future__ import annotations

import json
import math
import pickle
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback.lr2bench.literal import LiteralError, parse_literal, parse_literal_prefix

# -- round trips ------------------------------------------------------------

json_scalars = (st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30)

hashable_scalars = (st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
python_keys = st.recursive(hashable_scalars, lambda inner: st.tuples(inner, inner), max_leaves=4)
python_values = st.recursive(
    hashable_scalars,
    lambda inner: (st.lists(inner, max_size=5) | st.lists(inner, max_size=5).map(tuple)
                   | st.dictionaries(python_keys, inner, max_size=5)),
    max_leaves=30)


def same(a: object, b: object) -> bool:
    """Equality that also requires equal types (1 vs 1.0 vs True) and treats
    -0.0 and 0.0 as different, as repr does."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return math.copysign(1, a) == math.copysign(1, b) and (a == b or (math.isnan(a) and math.isnan(b)))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)  # type: ignore[index]
    return a == b


@given(json_values, st.booleans(), st.sampled_from([None, 2]))
def test_round_trips_json(value: object, ascii_only: bool, indent: object) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)  # type: ignore[arg-type]
    assert same(parse_literal(text), json.loads(text))


@given(python_values)
def test_round_trips_repr(value: object) -> None:
    assert same(parse_literal(repr(value)), value)


@given(st.text())
def test_round_trips_any_string(s: str) -> None:
    assert parse_literal(repr(s)) == s
    assert parse_literal(json.dumps(s)) == s


# -- the accepted subset, case by case --------------------------------------

CASES = [
    ("{'1': 'F', '2': 'O',}", {"1": "F", "2": "O"}),
    ('{"1-Across": "AVA", "1-Down": "ATONE"}', {"1-Across": "AVA", "1-Down": "ATONE"}),
    ("[[1, 2], [3, 4],]", [[1, 2], [3, 4]]),
    ("(1,)", (1,)), ("()", ()), ("(1)", 1), ("((1, 2), [3])", ((1, 2), [3])),
    ("True False None", None),  # (not a single value: checked below)
    ("true", True), ("null", None), ("None", None),
    ("-0x1f", -31), ("0o17", 15), ("0b101", 5), ("1_000", 1000), ("+5", 5), (".5", 0.5), ("5.", 5.0),
    ("1e3", 1000.0), ("-Infinity", -math.inf), ("Infinity", math.inf),
    ("'a' \"b\" 'c'", "abc"), ("r'\\n'", "\\n"), ("u'x'", "x"), ("'''a\nb'''", "a\nb"),
    ('"\\ud83d\\ude00"', "\U0001F600"), ("'\\x41\\101\\u0041\\U00000041'", "AAAA"), ('"\\/"', "/"),
    ("'\\q'", "\\q"), ("'a\\\nb'", "ab"),
    ("# comment\n[1, # two\n 2]", [1, 2]),
    ("{(1, 'a'): [None]}", {(1, "a"): [None]}),
    ("  [ ]  ", []),
]


@pytest.mark.parametrize("text,expected", [c for c in CASES if c[0] != "True False None"])
def test_accepted_cases(text: str, expected: object) -> None:
    assert same(parse_literal(text), expected)


REJECTED = [
    ("", "end of the text"), ("[", "unclosed list"), ("[1 2]", "expected ','"), ("{'a' 1}", "expected ':'"),
    ("{'a': 1", "end of the text"), ("(1, 2", "end of the text"), ("{'a': 1,", "unclosed dict"), ("{[1]: 2}", "cannot be a dict key"),
    ("{{}: 2}", "cannot be a dict key"), ("foo", "unexpected name"), ("__import__('os')", "unexpected name"),
    ("1 + 1", "after the value"), ("[1, ...]", "placeholder"), ("b'x'", "bytes"), ("'abc", "unterminated"),
    ("'a\nb'", "unterminated"), ("01", "leading zeros"), ("1j", "after a number"), ("--1", "unexpected character"),
    ("'\\N{DASH}'", "\\N"), ("'\\U00110000'", "beyond Unicode"), ("{1, 2}", "expected ':'"),
    ("True False None", "after the value"), ("[1,,2]", "unexpected character"), ("NaNa", "after a number"),
]


@pytest.mark.parametrize("text,fragment", REJECTED)
def test_rejected_cases(text: str, fragment: str) -> None:
    with pytest.raises(LiteralError) as info:
        parse_literal(text)
    assert fragment in str(info.value)


def test_error_position() -> None:
    with pytest.raises(LiteralError) as info:
        parse_literal('{\n  "a": 1,\n  "b" 2\n}')
    err = info.value
    assert (err.line, err.column) == (3, 7)
    assert str(err).startswith("line 3, column 7: ")
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, LiteralError) and str(again) == str(err) and again.line == 3


def test_prefix_leaves_the_rest() -> None:
    text = "The answer: {'a': [1, 2]} and that is all."
    value, end = parse_literal_prefix(text, text.index("{"))
    assert value == {"a": [1, 2]} and text[end:] == " and that is all."


def test_type_error_for_non_text() -> None:
    with pytest.raises(TypeError):
        parse_literal(b"[1]")  # type: ignore[arg-type]


# -- hostile text ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "[" * 100_000, "{'a':" * 50_000, "(" * 100_000, "[" * 101 + "]" * 101,
    "9" * 5_000, "'" + "\\" * 100_001, '"' + "a" * 1_000_000, "<Answer>" * 50_000,
    "[1," * 300_000, "'''" + "a'" * 200_000,
])
def test_hostile_inputs_end_in_literal_error(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(LiteralError):
        parse_literal(text)
    assert time.perf_counter() - start < 10  # generous: a hang, not a timing claim


def test_depth_limit_is_exact() -> None:
    assert parse_literal("[" * 100 + "]" * 100, max_depth=100) is not None
    with pytest.raises(LiteralError, match="nested deeper than 100"):
        parse_literal("[" * 101 + "]" * 101, max_depth=100)


def test_length_limit() -> None:
    with pytest.raises(LiteralError, match="over the limit"):
        parse_literal("[" + "1," * 100 + "]", max_length=50)


def test_never_evaluates() -> None:
    for text in ("__import__('os').system('false')", "eval('1')", "[x for x in ()]", "lambda: 1", "(yield)"):
        with pytest.raises(LiteralError):
            parse_literal(text)


ALPHABET = "[]{}(),:'\"\\#0123456789.eE+-xXoObBjJ_ \n\taTrueFalsNnIfiy"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=300) | st.text(max_size=300))
def test_garbage_raises_only_literal_error(text: str) -> None:
    try:
        parse_literal(text)
    except LiteralError:
        pass


@settings(max_examples=100)
@given(json_values, st.integers(min_value=0, max_value=10_000))
def test_truncated_json_raises_only_literal_error(value: object, cut: int) -> None:
    text = json.dumps(value)
    cut = cut % (len(text) + 1)
    try:
        parse_literal(text[:cut])
    except LiteralError:
        pass
