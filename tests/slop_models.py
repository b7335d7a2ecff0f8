"""Test doubles for the antislop sampler: models, codecs, and a plain re-scan matcher.

- :func:`tiny_tokenizer` / :func:`tiny_model`: a byte-level BPE trained in
  memory on a slice of ../shared/bench/text/sherlock.txt (falling back to a
  built-in paragraph when the corpus is absent) and a Llama of a few thousand
  parameters with seeded random weights: real transformers code paths, no
  downloads.
- :class:`ScriptedBackend`: a bigram "model" over a word vocabulary whose
  distribution strongly prefers banned phrases; with :class:`WordCodec`,
  :class:`ByteCodec` (tokens are UTF-8 byte strings, so one character can span
  tokens) and :class:`SentencePieceLikeCodec` (decoding drops the leading
  space of the first piece, as SentencePiece does).
- :class:`RescanMatcher`: the matcher interface of ``fastback.slop.Matcher``
  (``overlapping`` only) implemented the way the original antislop samplers
  detect phrases: after every token, re-scan the decoded tail for every start
  and every phrase length with folded-substring look-ups. It is the
  "per-token re-scan" baseline of benches/sampler.py.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHERLOCK = ROOT.parent / "shared" / "bench" / "text" / "sherlock.txt"
SLOP_DIR = ROOT.parent / "shared" / "bench" / "slop" / "antislop-sampler"

_FALLBACK_TEXT = (
    "To Sherlock Holmes she is always the woman. I have seldom heard him mention her under any "
    "other name. In his eyes she eclipses and predominates the whole of her sex. It was not that "
    "he felt any emotion akin to love for Irene Adler. All emotions, and that one particularly, "
    "were abhorrent to his cold, precise but admirably balanced mind. "
) * 40


def corpus(chars: int = 200_000) -> str:
    if SHERLOCK.exists():
        return SHERLOCK.read_text(encoding="utf-8")[:chars]
    return _FALLBACK_TEXT[:chars]


@functools.lru_cache(maxsize=None)
def tiny_tokenizer(vocab_size: int = 400, chars: int = 200_000) -> Any:
    """A byte-level BPE (``PreTrainedTokenizerFast``) with an ``<eos>`` token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<eos>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator([corpus(chars)], trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<eos>")


def tiny_model(tokenizer: Any, seed: int = 0, hidden: int = 32, layers: int = 2) -> Any:
    """A Llama with seeded random weights over ``tokenizer``'s vocabulary."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
        pad_token_id=None,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config).eval()


# -- scripted backends --------------------------------------------------------


class ScriptedBackend:
    """A bigram model: the logits depend on the last token only.

    ``prefer`` maps a token id (or None for "after the prompt") to
    ``{next_id: logit}``; every other token gets ``base``. Counts calls, and
    checks the Backend protocol's preconditions strictly.
    """

    def __init__(self, vocab_size: int, prefer: dict[Optional[int], dict[int, float]], base: float = 0.0) -> None:
        self.vocab_size = vocab_size
        self.prefer = prefer
        self.base = base
        self.ids: list[int] = []
        self.prompt_len = 0
        self.calls = {"start": 0, "append": 0, "truncate": 0}

    def _logits(self) -> np.ndarray:
        x = np.full(self.vocab_size, self.base, dtype=np.float32)
        last = self.ids[-1] if len(self.ids) > self.prompt_len else None
        for tok, value in self.prefer.get(last, self.prefer.get(None, {})).items():
            x[tok] = value
        return x

    def start(self, prompt_ids: Sequence[int]) -> np.ndarray:
        assert len(prompt_ids) > 0
        self.calls["start"] += 1
        self.ids = list(prompt_ids)
        self.prompt_len = len(self.ids)
        return self._logits()

    def append(self, token_id: int) -> np.ndarray:
        self.calls["append"] += 1
        self.ids.append(int(token_id))
        return self._logits()

    def truncate(self, n: int) -> None:
        self.calls["truncate"] += 1
        assert 0 <= n <= len(self.ids) - self.prompt_len, (n, len(self.ids), self.prompt_len)
        del self.ids[len(self.ids) - n :]


class WordCodec:
    """Tokens are strings; decode concatenates them."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.vocab = list(vocab)

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.vocab[i] for i in ids)

    def encode(self, text: str) -> list[int]:
        out, i = [], 0
        while i < len(text):
            best = max(
                (t for t, w in enumerate(self.vocab) if w and text.startswith(w, i)),
                key=lambda t: len(self.vocab[t]),
                default=None,
            )
            if best is None:
                raise ValueError(f"cannot encode {text[i:]!r}")
            out.append(best)
            i += len(self.vocab[best])
        return out


class ByteCodec:
    """Tokens are byte strings; decode joins them and decodes UTF-8 with replacement."""

    def __init__(self, vocab: Sequence[bytes]) -> None:
        self.vocab = list(vocab)

    def decode(self, ids: Sequence[int]) -> str:
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")


class SentencePieceLikeCodec(WordCodec):
    """Like WordCodec, but a decoded sequence never starts with a space."""

    def decode(self, ids: Sequence[int]) -> str:
        text = super().decode(ids)
        return text[1:] if text.startswith(" ") else text


# -- the plain re-scan matcher ------------------------------------------------


def fold(c: str) -> str:
    """The matcher contract's simple 1:1 case folding of one code point."""
    u = c.upper()
    u = u if len(u) == 1 else c
    lo = u.lower()
    return lo if len(lo) == 1 else u


def fold_text(s: str) -> str:
    return "".join(fold(c) for c in s)


def is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


class RescanMatcher:
    """``fastback.slop.Matcher``'s interface for ``match_kind="overlapping"``,
    by re-scanning text in Python (see the module doc)."""

    match_kind = "overlapping"

    def __init__(self, patterns: Iterable[Any], *, case_insensitive: bool = False, whole_words: bool = False) -> None:
        self.patterns: list[str] = []
        self.weights: list[float] = []
        for item in patterns:
            if isinstance(item, str):
                self.patterns.append(item)
                self.weights.append(1.0)
            else:
                self.patterns.append(item[0])
                self.weights.append(float(item[1]) if len(item) > 1 else 1.0)
        if any(not p for p in self.patterns):
            raise ValueError("empty pattern")
        self.case_insensitive = case_insensitive
        self.whole_words = whole_words
        self._key = fold_text if case_insensitive else (lambda s: s)
        self._by_text: dict[str, list[int]] = {}
        for i, p in enumerate(self.patterns):
            self._by_text.setdefault(self._key(p), []).append(i)
        self._lengths = sorted({len(k) for k in self._by_text})
        self._sorted = sorted(self._by_text)
        self.max_len = max(self._lengths, default=0)

    def __len__(self) -> int:
        return len(self.patterns)

    def _needs_left(self, i: int) -> bool:
        return self.whole_words and is_word(self.patterns[i][0])

    def _needs_right(self, i: int) -> bool:
        return self.whole_words and is_word(self.patterns[i][-1])

    def candidates(self, text: str, folded: str, lo: int, hi: int, end_lo: int) -> list[tuple[int, int, int]]:
        """Every valid occurrence (s, e, i) with lo <= s < hi and end_lo <= e <= len(text),
        the right boundary judged on ``text`` as it is (end of text = boundary)."""
        out = []
        n = len(text)
        for s in range(lo, hi):
            for length in self._lengths:
                e = s + length
                if e > n:
                    break
                if e < end_lo:
                    continue
                for i in self._by_text.get(folded[s:e], ()):
                    if self._needs_left(i) and s > 0 and is_word(text[s - 1]):
                        continue
                    if self._needs_right(i) and e < n and is_word(text[e]):
                        continue
                    out.append((s, e, i))
        return out

    def find_all(self, text: str) -> list[tuple[int, int, int]]:
        found = self.candidates(text, self._key(text), 0, len(text), 0)
        return sorted(found, key=lambda m: (m[1], m[0], m[2]))

    def could_start(self, folded_tail: str) -> bool:
        """Is ``folded_tail`` a prefix of (or equal to) some pattern?"""
        k = bisect_left(self._sorted, folded_tail)
        return k < len(self._sorted) and self._sorted[k].startswith(folded_tail)

    def stream(self) -> "RescanStream":
        return RescanStream(self)


class _Snapshot:
    __slots__ = ("stream", "text", "finished")

    def __init__(self, stream: "RescanStream", text: str, finished: bool) -> None:
        self.stream = stream
        self.text = text
        self.finished = finished

    @property
    def position(self) -> int:
        return len(self.text)


class RescanStream:
    """Streaming by re-scan: each feed folds the tail window and looks up every
    (start, length) in it, as the original samplers do on every token."""

    def __init__(self, matcher: RescanMatcher) -> None:
        self.m = matcher
        self.text = ""
        self.finished = False

    @property
    def position(self) -> int:
        return len(self.text)

    def _final_new(self, old: int, finishing: bool) -> list[tuple[int, int, int]]:
        text = self.text
        n = len(text)
        lo = max(0, old - self.m.max_len)
        folded = self.m._key(text[lo:])
        found = []
        for s, e, i in self.m.candidates(text[lo:], folded, 0, n - lo, 0):
            s, e = s + lo, e + lo
            if s > 0 and self.m._needs_left(i) and is_word(text[s - 1]):
                continue  # the window cut off the character before s
            if self.m._needs_right(i):
                final_now = e < n or finishing
                final_before = e < old
            else:
                final_now = True
                final_before = e <= old
            if final_now and not final_before:
                found.append((s, e, i))
        return sorted(found, key=lambda m: (m[1], m[0], m[2]))

    def feed(self, text: str) -> list[tuple[int, int, int]]:
        if self.finished:
            raise ValueError("feed() after finish()")
        old = len(self.text)
        self.text += text
        return self._final_new(old, False) if text else []

    def finish(self) -> list[tuple[int, int, int]]:
        if self.finished:
            return []
        self.finished = True
        n = len(self.text)
        return [m for m in self._final_new(n, True) if m[1] == n]

    @property
    def safe_end(self) -> int:
        n = len(self.text)
        if self.finished:
            return n
        folded = self.m._key(self.text[max(0, n - self.m.max_len) :])
        base = n - len(folded)
        for k in range(len(folded)):
            if self.m.could_start(folded[k:]):
                return base + k
        return n

    def snapshot(self) -> _Snapshot:
        return _Snapshot(self, self.text, self.finished)

    def rollback(self, snap: _Snapshot) -> None:
        if snap.stream is not self:
            raise ValueError("snapshot from another stream")
        self.text = snap.text
        self.finished = snap.finished

    def reset(self) -> None:
        self.text = ""
        self.finished = False


def load_adjustments(name: str = "slop_phrase_prob_adjustments.json") -> list[tuple[str, float]]:
    import json

    return [(p, float(w)) for p, w in json.loads((SLOP_DIR / name).read_text(encoding="utf-8"))]
