"""A safe parser for the literals that LLM answers are written in.

LR²Bench asks models for their answer as "JSON format" or "a python
dictionary", and they write both: ``{"1-Across": "AVA"}``,
``{'1': 'F', '2': 'O',}``, ``[[2, 3], [4, 1]]``, ``("a", "b")``. The
benchmark's own script reads them with Python's ``eval``, which runs whatever
the model wrote; ``ast.literal_eval`` runs nothing but can still exhaust the
C stack on deeply nested text and takes its time on huge inputs. This module
parses the union of the two grammars by recursive descent, with explicit
limits, and never executes anything.

Accepted (the JSON and Python-literal subset):

- strings in single or double quotes, triple-quoted strings, adjacent
  strings concatenated (``'a' 'b'``), optional ``r``/``u`` prefixes; escapes
  ``\\n \\t \\r \\b \\f \\v \\a \\0 \\\\ \\' \\" \\/``, octal ``\\ooo``,
  ``\\xhh``, ``\\uhhhh`` (a JSON surrogate pair becomes one character),
  ``\\Uhhhhhhhh`` and a backslash-newline continuation; an unknown escape
  keeps its backslash, as Python does;
- numbers: JSON and Python integers and floats, a leading ``+``, digit
  underscores, ``0x``/``0o``/``0b`` integers, and ``NaN``/``Infinity`` (which
  Python's ``json`` module writes);
- ``True False None`` and ``true false null``;
- lists, tuples (``()``, ``(1,)``, ``(1, 2)``; ``(x)`` is just ``x``) and
  dicts with hashable keys, each with an optional trailing comma;
- whitespace and ``#`` comments between tokens.

Everything else (names, calls, operators, sets, ``...``, bytes) is a
:class:`LiteralError`. The limits bound the work: ``max_length`` characters
of input (checked before anything else), ``max_depth`` nested containers
(the parser's recursion depth is at most that, far below Python's own
limit) and ``max_number_digits`` per number literal (CPython refuses to
convert longer decimal integers anyway). Parsing is linear in the input
length: every token is matched by a regular expression without nested
quantifiers, so no input makes it backtrack.

Invariant: :func:`parse_literal` either returns a value built only from
``str int float bool None list tuple dict`` or raises :class:`LiteralError`;
no other exception escapes, whatever the text.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

__all__ = ["LiteralError", "parse_literal", "parse_literal_prefix",
           "MAX_LENGTH", "MAX_DEPTH", "MAX_NUMBER_DIGITS"]

#: Default limits (keyword arguments of :func:`parse_literal`).
MAX_LENGTH = 4_000_000
MAX_DEPTH = 100
MAX_NUMBER_DIGITS = 4_000


class LiteralError(ValueError):
    """Text that is not a literal of the accepted subset, or over a limit.

    ``str(err)`` is ``"line L, column C: message"``; ``pos`` (0-based
    character offset), ``line``, ``column`` (1-based) and ``message`` are
    attributes.
    """

    def __init__(self, text: str, pos: int, message: str) -> None:
        pos = max(0, min(pos, len(text)))
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        super().__init__(f"line {line}, column {column}: {message}")
        self.pos = pos
        self.line = line
        self.column = column
        self.message = message

    def __reduce__(self):  # type: ignore[override]
        # Pickles as a plain ValueError-compatible record: the text is not kept.
        return (_rebuild_error, (self.pos, self.line, self.column, self.message))


def _rebuild_error(pos: int, line: int, column: int, message: str) -> LiteralError:
    err = LiteralError.__new__(LiteralError)
    ValueError.__init__(err, f"line {line}, column {column}: {message}")
    err.pos, err.line, err.column, err.message = pos, line, column, message
    return err


# Whitespace and comments between tokens. Python's literal whitespace plus
# the form feed and vertical tab; a comment runs to the end of its line.
_SKIP = re.compile(r"(?:[ \t\r\n\f\v]+|#[^\n]*)*")

# A string literal: optional prefix, then one of four quote forms. Each body
# alternative consumes at least one character and the alternatives are
# disjoint, so matching is linear. Single-quoted forms stop at a raw newline
# (neither JSON nor Python allows one there).
_STRING = re.compile(
    r"""(?P<prefix>[rRuU]?)
        (?: '''(?P<t1>(?:[^'\\]|\\[\s\S]|'(?!''))*)'''
          | \"\"\"(?P<t2>(?:[^"\\]|\\[\s\S]|"(?!""))*)\"\"\"
          | '(?P<s1>(?:[^'\\\n]|\\[\s\S])*)'
          | "(?P<s2>(?:[^"\\\n]|\\[\s\S])*)"
        )""",
    re.VERBOSE,
)

_NUMBER = re.compile(
    r"""[+-]?
        (?: 0[xX](?:_?[0-9a-fA-F])+
          | 0[oO](?:_?[0-7])+
          | 0[bB](?:_?[01])+
          | (?: [0-9](?:_?[0-9])* (?:\.(?:[0-9](?:_?[0-9])*)?)?
              | \.[0-9](?:_?[0-9])*
            )
            (?:[eE][+-]?[0-9](?:_?[0-9])*)?
          | Infinity
          | NaN
        )""",
    re.VERBOSE,
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_CONSTANTS: Dict[str, Any] = {
    "True": True, "False": False, "None": None,
    "true": True, "false": False, "null": None,
}

_ESCAPE = re.compile(
    r"\\(?:(?P<nl>\r\n|\n|\r)|x(?P<x>[0-9a-fA-F]{2})|u(?P<u>[0-9a-fA-F]{4})"
    r"|U(?P<U>[0-9a-fA-F]{8})|(?P<oct>[0-7]{1,3})|(?P<other>[\s\S]))"
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
                   "a": "\a", "\\": "\\", "'": "'", '"': '"', "/": "/"}
# After decoding, a JSON surrogate pair (\\ud83d\\ude00) is joined.
_SURROGATE_PAIR = re.compile("([\ud800-\udbff])([\udc00-\udfff])")


class _Parser:
    """One parse of one text; ``pos`` only moves forward."""

    def __init__(self, text: str, max_depth: int, max_number_digits: int) -> None:
        self.text = text
        self.pos = 0
        self.max_depth = max_depth
        self.max_number_digits = max_number_digits

    def error(self, message: str, pos: Optional[int] = None) -> LiteralError:
        return LiteralError(self.text, self.pos if pos is None else pos, message)

    def skip(self) -> None:
        m = _SKIP.match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self, depth: int) -> Any:
        self.skip()
        c = self.peek()
        if c == "":
            raise self.error("expected a value, found the end of the text")
        if c in "[{(":
            if depth >= self.max_depth:
                raise self.error(f"nested deeper than {self.max_depth} levels")
            if c == "[":
                return self.sequence(depth, "]", "list")
            if c == "(":
                return self.parenthesised(depth)
            return self.mapping(depth)
        if c in "'\"" or (c in "rRuU" and self.text[self.pos + 1:self.pos + 2] in ("'", '"')):
            return self.strings()
        if c in "0123456789+-.IN":
            m = _NUMBER.match(self.text, self.pos)
            if m is not None and (c not in "IN" or m.group().lstrip("+-") in ("Infinity", "NaN")):
                return self.number(m)
        m = _NAME.match(self.text, self.pos)
        if m is not None:
            name = m.group()
            if name in _CONSTANTS:
                self.pos = m.end()
                return _CONSTANTS[name]
            if name in ("b", "B", "br", "rb", "Br", "bR", "BR", "rB", "Rb", "RB") and \
                    self.text[m.end():m.end() + 1] in ("'", '"'):
                raise self.error("bytes literals are not accepted")
            raise self.error(f"unexpected name {_clip(name)!r}")
        if self.text.startswith("...", self.pos):
            raise self.error("'...' is a placeholder, not a value")
        raise self.error(f"unexpected character {c!r}")

    def number(self, m: "re.Match[str]") -> Any:
        token = m.group()
        digits = len(token)
        if digits > self.max_number_digits:
            raise self.error(f"number literal longer than {self.max_number_digits} characters")
        self.pos = m.end()
        nxt = self.peek()
        if nxt and (nxt.isalnum() or nxt == "_"):
            raise self.error(f"unexpected character {nxt!r} after a number")
        body = token.lstrip("+-")
        negative = token.startswith("-")
        if body == "Infinity":
            return float("-inf") if negative else float("inf")
        if body == "NaN":
            return float("nan")
        clean = body.replace("_", "")
        radix = clean[:2].lower() in ("0x", "0o", "0b")
        decimal = not radix and not any(ch in clean for ch in ".eE")
        if decimal and len(clean) > 1 and clean.startswith("0") and clean.strip("0"):
            raise self.error("integers with leading zeros are not accepted", m.start())
        try:
            value: Any = int(clean, 0) if radix else int(clean) if decimal else float(clean)
        except (ValueError, OverflowError):
            raise self.error(f"bad number {_clip(token)!r}", m.start()) from None
        return -value if negative else value

    def strings(self) -> str:
        parts: List[str] = []
        while True:
            m = _STRING.match(self.text, self.pos)
            if m is None:
                raise self.error("unterminated string (or a raw newline inside a quoted one)")
            body = next(g for g in (m.group("t1"), m.group("t2"), m.group("s1"), m.group("s2"))
                        if g is not None)
            raw = m.group("prefix") in ("r", "R")
            parts.append(body if raw else self.unescape(body, m.start()))
            self.pos = m.end()
            # Adjacent literals concatenate, as in Python.
            save = self.pos
            self.skip()
            c = self.peek()
            if c and (c in "'\"" or (c in "rRuU" and self.text[self.pos + 1:self.pos + 2] in ("'", '"'))):
                continue
            self.pos = save
            return "".join(parts)

    def unescape(self, body: str, where: int) -> str:
        if "\\" not in body:
            return body

        def replace(m: "re.Match[str]") -> str:
            if m.group("nl") is not None:
                return ""
            for name, base in (("x", 16), ("u", 16), ("U", 16), ("oct", 8)):
                digits = m.group(name)
                if digits is not None:
                    code = int(digits, base)
                    if code > 0x10FFFF:
                        raise self.error(f"escape \\{name}{digits} is beyond Unicode", where)
                    return chr(code)
            other = m.group("other")
            if other == "N":
                raise self.error("\\N{...} escapes are not accepted", where)
            return _SIMPLE_ESCAPES.get(other, "\\" + other)

        decoded = _ESCAPE.sub(replace, body)
        if "\\u" in body:
            decoded = _SURROGATE_PAIR.sub(
                lambda p: chr(0x10000 + ((ord(p.group(1)) - 0xD800) << 10) + (ord(p.group(2)) - 0xDC00)),
                decoded)
        return decoded

    def sequence(self, depth: int, close: str, kind: str) -> List[Any]:
        start = self.pos
        self.pos += 1
        items: List[Any] = []
        while True:
            self.skip()
            c = self.peek()
            if c == close:
                self.pos += 1
                return items
            if c == "":
                raise self.error(f"unclosed {kind} (opened at offset {start})")
            items.append(self.value(depth + 1))
            self.skip()
            c = self.peek()
            if c == ",":
                self.pos += 1
            elif c != close:
                raise self.error(f"expected ',' or {close!r} in a {kind}, found "
                                 f"{'the end of the text' if c == '' else repr(c)}")

    def parenthesised(self, depth: int) -> Any:
        start = self.pos
        self.pos += 1
        self.skip()
        if self.peek() == ")":
            self.pos += 1
            return ()
        first = self.value(depth + 1)
        self.skip()
        c = self.peek()
        if c == ")":
            self.pos += 1
            return first
        if c != ",":
            raise self.error("expected ',' or ')' after a parenthesised value, found "
                             f"{'the end of the text' if c == '' else repr(c)}")
        rest = self._rest_of_tuple(depth, start)
        return tuple([first] + rest)

    def _rest_of_tuple(self, depth: int, start: int) -> List[Any]:
        items: List[Any] = []
        self.pos += 1  # the comma after the first item
        while True:
            self.skip()
            c = self.peek()
            if c == ")":
                self.pos += 1
                return items
            if c == "":
                raise self.error(f"unclosed tuple (opened at offset {start})")
            items.append(self.value(depth + 1))
            self.skip()
            c = self.peek()
            if c == ",":
                self.pos += 1
            elif c != ")":
                raise self.error("expected ',' or ')' in a tuple, found "
                                 f"{'the end of the text' if c == '' else repr(c)}")

    def mapping(self, depth: int) -> Dict[Any, Any]:
        start = self.pos
        self.pos += 1
        result: Dict[Any, Any] = {}
        while True:
            self.skip()
            c = self.peek()
            if c == "}":
                self.pos += 1
                return result
            if c == "":
                raise self.error(f"unclosed dict (opened at offset {start})")
            key_pos = self.pos
            key = self.value(depth + 1)
            if not _hashable(key):
                raise self.error(f"a {type(key).__name__} cannot be a dict key", key_pos)
            self.skip()
            if self.peek() != ":":
                c = self.peek()
                raise self.error("expected ':' after a dict key, found "
                                 f"{'the end of the text' if c == '' else repr(c)}")
            self.pos += 1
            result[key] = self.value(depth + 1)
            self.skip()
            c = self.peek()
            if c == ",":
                self.pos += 1
            elif c != "}":
                raise self.error("expected ',' or '}' in a dict, found "
                                 f"{'the end of the text' if c == '' else repr(c)}")


def _hashable(value: Any) -> bool:
    if isinstance(value, (list, dict)):
        return False
    if isinstance(value, tuple):
        return all(_hashable(v) for v in value)
    return True


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width] + "..."


def _check_length(text: str, max_length: int) -> None:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if len(text) > max_length:
        raise LiteralError("", 0, f"text of {len(text)} characters is over the limit of {max_length}")


def parse_literal(text: str, *, max_length: int = MAX_LENGTH, max_depth: int = MAX_DEPTH,
                  max_number_digits: int = MAX_NUMBER_DIGITS) -> Any:
    """The value of ``text``, one literal with optional surrounding whitespace.

    Raises :class:`LiteralError` (a ``ValueError``) for anything else, with
    the line and column; ``TypeError`` only when ``text`` is not a ``str``.
    Cost: linear in ``len(text)``.
    """
    _check_length(text, max_length)
    parser = _Parser(text, max_depth, max_number_digits)
    value = parser.value(0)
    parser.skip()
    if parser.pos != len(text):
        raise parser.error("unexpected text after the value")
    return value


def parse_literal_prefix(text: str, pos: int = 0, *, max_length: int = MAX_LENGTH,
                         max_depth: int = MAX_DEPTH,
                         max_number_digits: int = MAX_NUMBER_DIGITS) -> Tuple[Any, int]:
    """The literal starting at ``text[pos:]`` (after whitespace) and the
    offset just past it; whatever follows is left alone. Same errors and cost
    as :func:`parse_literal`."""
    _check_length(text, max_length)
    parser = _Parser(text, max_depth, max_number_digits)
    parser.pos = max(0, pos)
    value = parser.value(0)
    return value, parser.pos
