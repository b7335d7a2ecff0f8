"""Incremental detokenisation with a code-point span for every generated token.

Why: the matcher reports phrases in code points of the generated text, but the
sampler rewinds tokens. Each token therefore needs the span of text it
produced. Two things make that harder than ``decode([token])``:

- Byte-level tokenizers split one character over several tokens; decoding a
  prefix that ends inside a character gives U+FFFD. Text is committed only
  once it no longer ends in U+FFFD, and a token that leaves an unfinished
  character behind is charged with that character.
- Some tokenizers decode a suffix differently from the same tokens in context
  (SentencePiece drops the leading space of the first piece). So text is
  never decoded token by token: a window of recent tokens, starting a few
  tokens back (into the prompt at first), is decoded as a whole and the new
  text is what grows past the part already committed from that window (as
  vLLM's and Hugging Face's streamers do).

Invariants, for the generated tokens ``t = 0..n-1``:

- ``starts[t]`` is the number of committed code points before token ``t``;
  ``reach[t]`` is the committed length after it, plus one when it left an
  unfinished character (the character its last bytes belong to). Both are
  non-decreasing, so the token whose span contains code point ``c`` is the
  first ``t`` with ``reach[t] > c`` (:meth:`token_at`), found by bisection.
- Committed text is final for the tokens that produced it: a later token only
  appends.

:meth:`state` before a push and :meth:`restore` give O(1) rewinds (plus the
list truncation). The decode function must accept a list of ids and return
str; the sampler passes the codec's, which for Hugging Face skips special
tokens and does not clean up tokenisation spaces (that cleanup can rewrite
text that was already committed).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

__all__ = ["IncrementalDecoder"]

_REPLACEMENT = "\ufffd"
# Tokens of context kept in front of the window, and the window length at
# which it is moved forward (one extra decode, amortised over the window).
_CONTEXT = 4
_WINDOW = 16


class IncrementalDecoder:
    """Decodes generated tokens one at a time; see the module doc.

    ``decode(ids) -> str``; ``prompt_ids`` gives the context the first
    generated tokens are decoded in (it is not part of :attr:`text`).
    Cost per push: one ``decode`` of at most ~``_WINDOW`` tokens, plus one more
    every few pushes when the window moves.
    """

    def __init__(self, decode: Callable[[Sequence[int]], str], prompt_ids: Sequence[int]) -> None:
        self._decode = decode
        self._ids: list[int] = list(prompt_ids)
        self._prompt_len = len(self._ids)
        self._anchor = max(self._prompt_len - _CONTEXT, 0)
        # Code points of decode(ids[anchor:]) already accounted for (prompt or committed).
        self._seen = len(self._stable(decode(self._ids[self._anchor :])))
        self.text = ""
        self.starts: list[int] = []
        self.reach: list[int] = []

    @staticmethod
    def _stable(window: str) -> str:
        return window.rstrip(_REPLACEMENT)

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def pending(self) -> bool:
        """True when the last token left an unfinished character."""
        return bool(self.reach) and self.reach[-1] > len(self.text)

    def state(self) -> tuple[int, int, int, int, int]:
        """An O(1) token to :meth:`restore` to (taken before a push or a flush)."""
        n = len(self.starts)
        return (self._anchor, self._seen, len(self.text), n, self.reach[-1] if n else 0)

    def push(self, token: int) -> str:
        """Append one generated token; returns the newly committed text (may be "")."""
        self._ids.append(token)
        start = len(self.text)
        window = self._decode(self._ids[self._anchor :])
        stable = self._stable(window)
        delta = stable[self._seen :] if len(stable) > self._seen else ""
        if delta:
            self._seen = len(stable)
            self.text += delta
        unfinished = len(stable) < len(window)
        self.starts.append(start)
        self.reach.append(len(self.text) + (1 if unfinished else 0))
        if not unfinished and len(self._ids) - self._anchor > _WINDOW:
            self._anchor = len(self._ids) - _CONTEXT
            self._seen = len(self._stable(self._decode(self._ids[self._anchor :])))
        return delta

    def flush(self) -> str:
        """End of generation: commit whatever is still held (a trailing U+FFFD
        that no token completed). Undo with :meth:`restore` like a push."""
        if not self.pending:
            return ""
        window = self._decode(self._ids[self._anchor :])
        delta = window[self._seen :]
        self._seen = len(window)
        self.text += delta
        self.reach[-1] = len(self.text)
        return delta

    def restore(self, state: tuple[int, int, int, int, int]) -> None:
        """Back to exactly ``state`` (O(tokens dropped))."""
        self._anchor, self._seen, text_len, n, last_reach = state
        del self._ids[self._prompt_len + n :]
        del self.starts[n:]
        del self.reach[n:]
        if n:
            self.reach[-1] = last_reach  # undoes a flush()
        self.text = self.text[:text_len]

    def token_at(self, offset: int) -> int:
        """The first generated token whose span contains code point ``offset``
        (``len(self)`` when ``offset`` is past all committed text)."""
        return bisect_right(self.reach, offset)
