"""The antislop backtracking sampler: generate, and back out of banned phrases.

Why: banning a phrase's tokens up front is useless for phrases (their tokens
are ordinary words) and ruins the text at thousands of entries. The Antislop
approach (Paech et al., 2025) lets the model write, detects a banned phrase the
moment it completes, rewinds to the token where it started, makes that token
less likely *at that position only*, and resamples. fastback makes the
detection incremental and compiled (the streaming Aho-Corasick matcher, O(1)
snapshot and rollback per token), keeps the model's KV cache across rewinds
(see :mod:`fastback.slop.hf`), and streams text without ever retracting it.

Example::

    from fastback.slop.sampler import AntislopSampler
    sampler = AntislopSampler.from_hf(model, tokenizer,
                                      "slop_phrase_prob_adjustments.json",
                                      regexes="slop_regexes.txt", strength=2.0)
    for chunk in (s := sampler.stream("Once upon a time", max_new_tokens=200, seed=1)):
        print(chunk, end="")
    s.result.backtracks            # one record per rewind
    write_ftpo_jsonl(s.result, "pairs.jsonl")

The loop, per position ``n`` (see :mod:`fastback.slop._sampling` for the exact
distribution and random draws):

1. sample token ``t`` from the logits at ``n`` with that position's bans;
2. decode it incrementally (every token gets its code-point span,
   :mod:`fastback.slop._detok`), take a snapshot of the matcher stream, feed
   it the new text, and check the regexes (:mod:`fastback.slop._regexban`);
3. if a match completed, rewind to the token ``p`` whose span contains the
   earliest match start: roll back the stream, the decoder and the regex state
   to their snapshots before ``p``; the backend's tokens from ``p`` on are
   dropped when the next model call needs it (the token that completed the
   match is never sent to the model, and if resampling picks the rejected
   token again, its logits are reused instead of recomputed). Multiply
   the probability of the token that was at ``p`` by ``factor ** strength``
   at position ``p`` only, and resample there;
4. otherwise hand ``t`` to the backend for the next logits, and emit the text
   that no banned phrase or regex can cover any more.

Phrase weights and factors. A weight ``w`` with ``0 < w < 1`` (the
antislop-sampler adjustment lists: 0.03125 ... 0.59) is a factor: a rewind
multiplies the token's probability by ``w ** strength``. Any other weight, in
particular the 1.0 that weightless lists (plain strings, text files,
``[[phrase]]``) get and the counts of ``[[phrase, count]]`` lists, is a full
ban (factor 0). To soften a count list, build the Matcher with your own
``(phrase, factor)`` pairs.

Bans are kept per position as one multiplier per token; repeated rewinds to
the same position multiply into it. A multiplier below ``ban_below``
excludes the token outright, so ``strength > log(ban_below) / log(w)`` makes
a phrase of weight ``w`` a ban on the first rewind (with the defaults,
``ban_below=1e-3``: strength 2 for w = 0.03125). A rewind to ``p`` clears
every ban, retry count and acceptance of the positions after ``p``; bans of
positions that can no longer be rewound to (their text has been emitted) are
forgotten.

A soft factor is a probability, not a ban: if resampling at ``p`` picks the
rejected token again, the phrase (or regex) that caused the rewind is
*accepted* there and does not trigger another rewind at ``p`` (a ``kept``
event is logged when it reappears). Other phrases starting at ``p`` still can.

Termination and the fallback. Each rewind to ``p`` bans one more token there,
and a position is rewound to at most ``max_retries`` times. When every token
of the vocabulary is excluded at ``p`` (``"all_banned"``), or ``p`` has been
rewound to ``max_retries`` times (``"retry_cap"``), the sampler *gives up on
that position*: it samples there from the distribution without any bans, and
every match starting in the token it picks is accepted (kept) until a rewind
to an earlier position. Over one generation at most ``max_backtracks``
rewinds happen (default ``max(64, 4 * max_new_tokens)``); after that every
match is kept (``"budget"``). Both are counted in :class:`SamplerStats` and
logged as :class:`SamplerEvent` in :attr:`Generation.events`, so a banned
phrase in the output is always explained by an event.

Regexes (``regexes=``) run in the ``regex`` package after every token; its
partial matching gives the hold-back. The flavour, the ``regex_window`` of
recent text that is searched, and when a match counts are documented in
:mod:`fastback.slop._regexban`. Regex weights follow the phrase rule
(a bare pattern is a full ban).

Phrase matching: the sampler feeds only the generated text (not the prompt) to
an ``overlapping`` matcher stream (every occurrence counts). So a phrase that
begins in the prompt is not seen, and at the very start of the generated text
a phrase needs no word boundary on its left (as in the original samplers). Patterns given as
a list or a file are matched case-insensitively and on whole words by default
(``case_insensitive``, ``whole_words``), as antislop-vllm does; a ready
:class:`fastback.slop.Matcher` keeps its own options (it is rebuilt as
``overlapping`` if it was built with another match kind).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import IO, Any, Optional, Protocol, Union, runtime_checkable

import numpy as np

from fastback.slop import _sampling
from fastback.slop._detok import IncrementalDecoder
from fastback.slop._regexban import RegexBans, RegexFileError, load_regexes, normalise_regexes

__all__ = [
    "AntislopSampler",
    "Backend",
    "Codec",
    "SamplerOptions",
    "Generation",
    "GenerationStream",
    "Backtrack",
    "SamplerEvent",
    "SamplerStats",
    "write_ftpo_jsonl",
    "load_regexes",
    "RegexFileError",
    "phrase_factor",
]


@runtime_checkable
class Backend(Protocol):
    """A language model as the sampler sees it: one sequence, grown and cut at the end.

    Logits are 1-D float arrays (numpy, or anything ``np.asarray`` takes) over
    the vocabulary, for the token that comes next. The sampler keeps the
    logits of every position it may still rewind to, so :meth:`truncate`
    need not return or recompute any.

    - ``start(prompt_ids)``: forget any previous sequence, read the prompt
      (at least one token), return the logits after it.
    - ``append(token_id)``: extend the sequence by one token, return the
      logits after it.
    - ``truncate(n)``: drop the last ``n`` tokens (``0 <= n <=`` tokens
      appended since ``start``); the next ``append`` continues from the
      shorter sequence, and must give the logits a fresh run on that sequence
      would give.
    """

    def start(self, prompt_ids: Sequence[int]) -> Any: ...

    def append(self, token_id: int) -> Any: ...

    def truncate(self, n: int) -> None: ...


@runtime_checkable
class Codec(Protocol):
    """Text <-> token ids. ``encode`` is used for a str prompt only;
    ``decode`` must be deterministic, and must not rewrite text it decoded
    before when more tokens follow (so no clean-up of tokenisation spaces).
    A Hugging Face tokenizer passed as a codec is wrapped in
    :class:`fastback.slop.hf.HFCodec`, which takes care of that."""

    def encode(self, text: str) -> Sequence[int]: ...

    def decode(self, ids: Sequence[int]) -> str: ...


def _option(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class SamplerOptions:
    """Every option of the sampler, declared once (defaults, ranges, help).

    :class:`AntislopSampler` takes them as keyword arguments. ValueError
    names the option and the accepted range.
    """

    temperature: float = _option(1.0, "softmax temperature, >= 0; 0 is greedy (no random draws)")
    top_k: int = _option(0, "keep the k most probable tokens (after bans); 0 = off")
    top_p: float = _option(1.0, "nucleus: keep the most probable tokens up to this mass, in (0, 1]")
    min_p: float = _option(0.0, "drop tokens below min_p * the top probability, in [0, 1)")
    strength: float = _option(1.0, "a rewind multiplies the token's probability by weight ** strength, > 0")
    ban_below: float = _option(1e-3, "a token whose accumulated multiplier is below this is excluded, in (0, 1]")
    max_retries: int = _option(20, "rewinds to one position before the sampler gives up on it, >= 0")
    max_backtracks: Optional[int] = _option(
        None, "rewinds per generation before every match is kept, >= 0; None = max(64, 4 * max_new_tokens)"
    )
    case_insensitive: bool = _option(True, "match phrases given as a list or file case-insensitively")
    whole_words: bool = _option(True, "match phrases given as a list or file on whole words only")
    regex_window: int = _option(256, "code points of recent text searched for regex matches, >= 1")
    record_alternatives: int = _option(8, "allowed alternatives kept per backtrack record, >= 0")
    eos_token_ids: tuple[int, ...] = _option((), "token ids that end generation")

    def __post_init__(self) -> None:
        def bad(name: str, rule: str) -> ValueError:
            return ValueError(f"{name} must be {rule}, got {getattr(self, name)!r}")

        def number(name: str) -> float:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise bad(name, "a finite number")
            return float(value)

        def integer(name: str) -> int:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise bad(name, "an int")
            return int(value)

        if not number("temperature") >= 0:
            raise bad("temperature", ">= 0")
        if integer("top_k") < 0:
            raise bad("top_k", ">= 0")
        if not 0 < number("top_p") <= 1:
            raise bad("top_p", "in (0, 1]")
        if not 0 <= number("min_p") < 1:
            raise bad("min_p", "in [0, 1)")
        if not number("strength") > 0:
            raise bad("strength", "> 0")
        if not 0 < number("ban_below") <= 1:
            raise bad("ban_below", "in (0, 1]")
        if integer("max_retries") < 0:
            raise bad("max_retries", ">= 0")
        if self.max_backtracks is not None and integer("max_backtracks") < 0:
            raise bad("max_backtracks", ">= 0 or None")
        if integer("regex_window") < 1:
            raise bad("regex_window", ">= 1")
        if integer("record_alternatives") < 0:
            raise bad("record_alternatives", ">= 0")
        try:
            eos = tuple(int(t) for t in self.eos_token_ids)
        except (TypeError, ValueError):
            raise bad("eos_token_ids", "an iterable of ints") from None
        object.__setattr__(self, "eos_token_ids", eos)

    @classmethod
    def describe(cls) -> str:
        """One line per option: name, default, help (for docs and CLI help)."""
        return "\n".join(f"{f.name} (default {f.default!r}): {f.metadata['help']}" for f in fields(cls))


def phrase_factor(weight: float) -> float:
    """The factor a phrase or regex weight stands for: ``weight`` when
    ``0 < weight < 1``, otherwise 0 (a full ban); see the module doc."""
    return float(weight) if 0.0 < weight < 1.0 else 0.0


@dataclass
class Backtrack:
    """One rewind: what was rejected where, and what the sampler chose instead.

    ``position`` is the index of the rejected token among the generated
    tokens; ``context_ids`` are the prompt ids followed by the generated ids
    before it, and ``context`` their text (prompt + generated text before the
    rejected token; the phrase starts inside the rejected token, at
    ``match_start`` code points into the generated text). Probabilities are
    those of the sampling distribution at that position (bans and filters
    applied): ``rejected_prob`` before this rewind's ban, ``chosen_prob`` and
    the ``alternatives`` after it. ``alternatives`` are the most probable
    tokens the sampler could choose instead, excluding every token banned or
    lowered at that position and every token that would complete a banned
    phrase or regex at once; each is ``(id, text, prob)``. Token texts are
    each token decoded on its own (a token holding part of a multi-byte
    character decodes to U+FFFD). ``chosen_kept`` turns
    False when the chosen token was itself rejected at the same position
    later. ``fallback`` is the event reason when the choice was a give-up
    (``"all_banned"``, ``"retry_cap"``).
    """

    position: int
    prompt: str
    context: str
    context_ids: list[int]
    kind: str
    rule: str
    rule_index: int
    match_start: int
    match_end: int
    matched_text: str
    factor: float
    multiplier: float
    rejected_id: int
    rejected_text: str
    rejected_prob: float
    chosen_id: int = -1
    chosen_text: str = ""
    chosen_prob: float = 0.0
    alternatives: list[tuple[int, str, float]] = field(default_factory=list)
    chosen_kept: bool = True
    fallback: Optional[str] = None

    @property
    def is_pair(self) -> bool:
        """Usable as a preference pair: a different token was chosen and kept."""
        return self.chosen_kept and self.chosen_id >= 0 and self.chosen_id != self.rejected_id

    def to_ftpo(self) -> dict[str, Any]:
        """The record as one JSON object for preference training (FTPO).

        Keys: ``prompt``, ``context`` (prompt + generated text before the
        rejected token), ``context_ids``, ``rejected`` / ``chosen``
        (``{"id", "text", "prob"}``), ``alternatives`` (a list of those),
        ``rule`` (``{"kind": "phrase"|"regex", "pattern", "index",
        "matched", "match_start", "factor"}``), ``position``; and the keys of
        antislop-vllm's FTPO pair files, so its trainer can read them:
        ``prompt_raw``, ``generation_raw``, ``context_with_chat_template``,
        ``rejected_decoded``, ``chosen_decoded``, ``multi_chosen_decoded``
        (the alternatives' texts), ``multi_rejected_decoded``, ``validator``.
        """
        return {
            "prompt": self.prompt,
            "context": self.context,
            "context_ids": self.context_ids,
            "position": self.position,
            "rejected": {"id": self.rejected_id, "text": self.rejected_text, "prob": self.rejected_prob},
            "chosen": {"id": self.chosen_id, "text": self.chosen_text, "prob": self.chosen_prob},
            "alternatives": [{"id": i, "text": t, "prob": p} for i, t, p in self.alternatives],
            "rule": {
                "kind": self.kind,
                "pattern": self.rule,
                "index": self.rule_index,
                "matched": self.matched_text,
                "match_start": self.match_start,
                "factor": self.factor,
            },
            "prompt_raw": self.prompt,
            "generation_raw": self.context[len(self.prompt) :],
            "context_with_chat_template": self.context,
            "rejected_decoded": self.rejected_text,
            "chosen_decoded": self.chosen_text,
            "multi_chosen_decoded": [t for _, t, _ in self.alternatives],
            "multi_rejected_decoded": [self.rejected_text],
            "validator": {"class": "slop_phrase" if self.kind == "phrase" else "regex", "rule": self.rule},
        }


@dataclass(frozen=True)
class SamplerEvent:
    """Something the sampler did instead of its normal course.

    ``kind``: ``"gave_up"`` (a position fell back to sampling without bans;
    ``reason`` is ``"all_banned"`` or ``"retry_cap"``), ``"budget"``
    (``max_backtracks`` reached; once per generation), ``"kept"`` (a match
    stayed in the text; ``reason`` is ``"accepted"`` when resampling picked
    the rejected token again under a soft factor, ``"gave_up"`` or
    ``"budget"``). ``position`` is the token index; for ``kept``, ``rule``,
    ``match_start`` and ``match_end`` locate it in the generated text at that
    moment (a later rewind to an earlier position can remove it again).
    """

    kind: str
    reason: str
    position: int
    rule: str = ""
    match_start: int = -1
    match_end: int = -1


@dataclass
class SamplerStats:
    """Counts and wall-clock seconds of one generation.

    ``tokens``: generated tokens in the result; ``sampled``: tokens drawn in
    all (rewinds discard some); ``backtracks``: rewinds; ``gave_up``:
    positions that fell back; ``kept``: matches left in the text;
    ``budget_exhausted``; ``reused``: model calls saved because resampling
    after a rewind picked the rejected token again and the backend still
    held it. Times: ``model`` (backend calls), ``detect``
    (matcher stream feed/snapshot/rollback/finish, regexes, span look-ups),
    ``sample``, ``decode``, ``record`` (building backtrack records, vetting
    alternatives) and ``total``.
    """

    tokens: int = 0
    sampled: int = 0
    backtracks: int = 0
    gave_up: int = 0
    kept: int = 0
    budget_exhausted: bool = False
    reused: int = 0
    model_s: float = 0.0
    detect_s: float = 0.0
    sample_s: float = 0.0
    decode_s: float = 0.0
    record_s: float = 0.0
    total_s: float = 0.0


@dataclass
class Generation:
    """The result of one generation.

    ``text`` is the generated text (without the prompt), ``token_ids`` the
    generated tokens (without a final end-of-sequence token),
    ``finish_reason`` ``"eos"`` or ``"length"``.
    """

    prompt: str
    prompt_ids: list[int]
    text: str
    token_ids: list[int]
    finish_reason: str
    backtracks: list[Backtrack]
    events: list[SamplerEvent]
    stats: SamplerStats

    def ftpo_records(self) -> list[dict[str, Any]]:
        """:meth:`Backtrack.to_ftpo` of every record usable as a pair (:attr:`Backtrack.is_pair`)."""
        return [b.to_ftpo() for b in self.backtracks if b.is_pair]


def write_ftpo_jsonl(
    generations: Union[Generation, Iterable[Generation]],
    out: Union[str, "os.PathLike[str]", IO[str]],
) -> int:
    """Write the FTPO records of one or more generations as JSON lines.

    ``out`` is a path (created or overwritten, UTF-8) or a text file object.
    Only records that form a pair are written (:attr:`Backtrack.is_pair`).
    Returns the number of lines written.
    """
    if isinstance(generations, Generation):
        generations = [generations]
    lines = [json.dumps(r, ensure_ascii=False) for g in generations for r in g.ftpo_records()]
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8") as fh:
            fh.writelines(line + "\n" for line in lines)
    else:
        out.writelines(line + "\n" for line in lines)
    return len(lines)


def _phrase_matcher(patterns: Any, case_insensitive: bool, whole_words: bool) -> Any:
    """``patterns`` as the sampler accepts it -> an overlapping matcher, or None."""
    if patterns is None:
        return None
    if hasattr(patterns, "stream") and hasattr(patterns, "weights"):
        if getattr(patterns, "match_kind", "overlapping") == "overlapping":
            return patterns if len(patterns) else None
        from fastback.slop import Matcher

        return Matcher(
            list(zip(patterns.patterns, patterns.weights)),
            case_insensitive=patterns.case_insensitive,
            whole_words=patterns.whole_words,
            match_kind="overlapping",
        )
    from fastback.slop import Matcher

    options = {"case_insensitive": case_insensitive, "whole_words": whole_words, "match_kind": "overlapping"}
    if isinstance(patterns, (str, os.PathLike)):
        return Matcher.from_file(patterns, **options)
    try:
        items = list(patterns)
    except TypeError:
        raise ValueError(
            "patterns must be a Matcher, a path to a phrase file, or an iterable of phrases "
            f"or (phrase, weight) pairs, got {type(patterns).__name__}"
        ) from None
    return Matcher(items, **options) if items else None


def _looks_like_hf_tokenizer(codec: Any) -> bool:
    return hasattr(codec, "convert_ids_to_tokens") and hasattr(codec, "batch_decode")


class AntislopSampler:
    """Sampling with backtracking out of banned phrases and regexes (see the module doc).

    ``backend``: a :class:`Backend`; ``codec``: a :class:`Codec` (a Hugging
    Face tokenizer is wrapped automatically). ``patterns``: a
    :class:`fastback.slop.Matcher`, a path to a phrase file
    (``Matcher.from_file``), an iterable of phrases or ``(phrase, weight)``
    pairs, or None. ``regexes``: a path to a regex file
    (:func:`load_regexes`), an iterable of patterns or ``(pattern, weight)``
    pairs, or None. ``options``: the fields of :class:`SamplerOptions`.

    Errors: ValueError for a bad option, pattern or regex (naming it);
    :class:`fastback.slop.PhraseFileError` / :class:`RegexFileError` for bad
    files. The sampler holds no per-generation state: one sampler can run
    many generations, one at a time per backend.
    """

    def __init__(self, backend: Backend, codec: Any, patterns: Any = None, *, regexes: Any = None, **options: Any):
        unknown = set(options) - {f.name for f in fields(SamplerOptions)}
        if unknown:
            raise ValueError(f"unknown sampler option(s): {', '.join(sorted(unknown))}")
        self.options = SamplerOptions(**options)
        for name in ("start", "append", "truncate"):
            if not callable(getattr(backend, name, None)):
                raise ValueError(f"backend has no {name}() method (see fastback.slop.sampler.Backend)")
        if _looks_like_hf_tokenizer(codec):
            from fastback.slop.hf import HFCodec

            codec = HFCodec(codec)
        if not callable(getattr(codec, "decode", None)):
            raise ValueError("codec has no decode() method (see fastback.slop.sampler.Codec)")
        self.backend = backend
        self.codec = codec
        self.matcher = _phrase_matcher(patterns, self.options.case_insensitive, self.options.whole_words)
        self.phrase_factors = [phrase_factor(w) for w in self.matcher.weights] if self.matcher is not None else []
        self.regex_patterns, regex_weights = normalise_regexes(regexes)
        if self.regex_patterns:
            RegexBans(self.regex_patterns, self.options.regex_window)  # compile once now, to fail early
        self.regex_factors = [phrase_factor(w) for w in regex_weights]

    @classmethod
    def from_hf(cls, model: Any, tokenizer: Any, patterns: Any = None, **kwargs: Any) -> "AntislopSampler":
        """A sampler over a Hugging Face causal LM (:class:`fastback.slop.hf.HFBackend`,
        KV cache kept and cropped) and its tokenizer. ``eos_token_ids``
        defaults to the tokenizer's and the model's generation config's."""
        from fastback.slop.hf import HFBackend, HFCodec, eos_token_ids

        kwargs.setdefault("eos_token_ids", eos_token_ids(model, tokenizer))
        return cls(HFBackend(model), HFCodec(tokenizer), patterns, **kwargs)

    def stream(
        self, prompt: Union[str, Sequence[int]], *, max_new_tokens: int, seed: Optional[int] = None
    ) -> "GenerationStream":
        """Start a generation whose text is yielded as it becomes final.

        ``prompt``: text (encoded with the codec) or token ids (at least one).
        Iterating the returned object yields str chunks; their concatenation
        is the final text, and nothing yielded is ever taken back. After the
        iteration, ``.result`` holds the :class:`Generation`. Cost per token:
        one backend call, one decode of a short window, one matcher feed and
        snapshot (O(new text)), the regex checks, and O(V) sampling; each
        rewind adds a backend truncate and O(tokens dropped).
        """
        if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be an int >= 0, got {max_new_tokens!r}")
        return GenerationStream(_Run(self, prompt, max_new_tokens, seed))

    def generate(
        self, prompt: Union[str, Sequence[int]], *, max_new_tokens: int, seed: Optional[int] = None
    ) -> Generation:
        """Run :meth:`stream` to the end and return its :class:`Generation`."""
        s = self.stream(prompt, max_new_tokens=max_new_tokens, seed=seed)
        for _ in s:
            pass
        return s.result


class GenerationStream:
    """Iterator of final text chunks; ``.result`` once it is exhausted."""

    def __init__(self, run: "_Run") -> None:
        self._run = run
        self._chunks = run.chunks()
        self._result: Optional[Generation] = None

    def __iter__(self) -> "GenerationStream":
        return self

    def __next__(self) -> str:
        try:
            return next(self._chunks)
        except StopIteration:
            self._result = self._run.result()
            raise

    @property
    def result(self) -> Generation:
        """The :class:`Generation`; RuntimeError before the stream is exhausted."""
        if self._result is None:
            raise RuntimeError("the generation is still running: iterate the stream to the end first")
        return self._result


_ALL = "*"  # accepted[p] == _ALL: every match starting at p is kept


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str  # "phrase" | "regex"
    index: int
    factor: float
    target: int


class _Run:
    """The state of one generation. Per generated position ``p`` it keeps the
    logits at ``p`` and the snapshots taken before ``p`` (decoder, matcher
    stream, regex scan points), for positions that may still be rewound to
    (``p >= frozen``); bans, retry counts and acceptances live in dicts keyed
    by position and are dropped when a position freezes or a rewind passes
    below it."""

    def __init__(self, sampler: AntislopSampler, prompt: Union[str, Sequence[int]], max_new_tokens: int, seed: Any):
        self.o = sampler.options
        self.backend = sampler.backend
        self.codec = sampler.codec
        self.max_new_tokens = max_new_tokens
        self.rng = np.random.default_rng(seed)
        if isinstance(prompt, str):
            if not callable(getattr(self.codec, "encode", None)):
                raise ValueError("a str prompt needs a codec with encode(); pass token ids instead")
            self.prompt_ids = [int(t) for t in self.codec.encode(prompt)]
            self.prompt = prompt
        else:
            self.prompt_ids = [int(t) for t in prompt]
            self.prompt = self.codec.decode(self.prompt_ids)
        if not self.prompt_ids:
            raise ValueError("the prompt has no tokens; the backend needs at least one (e.g. a BOS token)")
        self.max_backtracks = (
            self.o.max_backtracks if self.o.max_backtracks is not None else max(64, 4 * max_new_tokens)
        )
        self.matcher = sampler.matcher
        self.stream = sampler.matcher.stream() if sampler.matcher is not None else None
        self.phrase_factors = sampler.phrase_factors
        self.phrase_names = list(sampler.matcher.patterns) if sampler.matcher is not None else []
        self.regex = RegexBans(sampler.regex_patterns, self.o.regex_window) if sampler.regex_patterns else None
        self.regex_factors = sampler.regex_factors
        self.decoder = IncrementalDecoder(self.codec.decode, self.prompt_ids)
        self.stats = SamplerStats()
        self.events: list[SamplerEvent] = []
        self.records: list[Backtrack] = []
        self.tokens: list[int] = []
        self.logits: list[Any] = []  # logits[p]: the distribution at position p
        self.snaps: list[Any] = []  # snaps[p]: (decoder state, stream snapshot, regex scan_from) before p
        # The backend's generated tokens. A rewind does not cut them at once: if
        # resampling picks the rejected token again (a soft factor), the backend
        # already holds it and its logits are in `spare` (position -> logits after
        # backend_tokens[:position]). Invariant: backend_tokens agrees with
        # tokens on every position whose logits the sampler holds.
        self.backend_tokens: list[int] = []
        self.spare: dict[int, Any] = {}
        self.bans: dict[int, dict[int, float]] = {}
        self.retries: dict[int, int] = {}
        self.accepted: dict[int, Any] = {}  # p -> {(kind, index): reason} or _ALL
        self.resample: dict[int, tuple[int, tuple[str, int], list[int]]] = {}  # p -> (rejected, rule, records)
        self.holding: dict[int, list[int]] = {}  # p -> records whose chosen token is the one at p
        self.frozen = 0
        self.emitted = 0
        self.finish_reason = ""

    # -- the loop -------------------------------------------------------

    def chunks(self) -> Iterator[str]:
        t_total = time.perf_counter()
        t = time.perf_counter()
        self.logits.append(self.backend.start(self.prompt_ids))
        self.stats.model_s += time.perf_counter() - t
        try:
            while True:
                n = len(self.tokens)
                if n >= self.max_new_tokens:
                    if self._finish("length"):
                        break
                    continue
                token = self._choose(n)
                if token in self.o.eos_token_ids:
                    if self._finish("eos"):
                        break
                    continue
                if self._push(token):
                    chunk = self._emit()
                    if chunk:
                        yield chunk
            text = self.decoder.text
            if len(text) > self.emitted:
                chunk = text[self.emitted :]
                self.emitted = len(text)
                yield chunk
        finally:
            self.stats.total_s += time.perf_counter() - t_total

    def result(self) -> Generation:
        self.stats.tokens = len(self.tokens)
        return Generation(
            prompt=self.prompt,
            prompt_ids=list(self.prompt_ids),
            text=self.decoder.text,
            token_ids=list(self.tokens),
            finish_reason=self.finish_reason,
            backtracks=self.records,
            events=self.events,
            stats=self.stats,
        )

    # -- sampling -------------------------------------------------------

    def _logits_at(self, p: int) -> Any:
        if len(self.logits) == p:  # no logits after token p-1 yet
            token = self.tokens[p - 1]
            bk = self.backend_tokens
            if len(bk) >= p and bk[p - 1] == token and p in self.spare:
                self.logits.append(self.spare.pop(p))
                self.stats.reused += 1
            else:
                t = time.perf_counter()
                if len(bk) >= p:
                    self.backend.truncate(len(bk) - (p - 1))
                    del bk[p - 1 :]
                    self.spare.clear()
                self.logits.append(self.backend.append(token))
                bk.append(token)
                self.stats.model_s += time.perf_counter() - t
        return self.logits[p]

    def _distribution(self, logits: Any, multipliers: Optional[dict[int, float]]) -> Optional[np.ndarray]:
        """The sampling distribution (bans and filters applied), or None if all banned."""
        o = self.o
        if o.temperature == 0:
            i = _sampling.greedy(np.asarray(logits), multipliers, o.ban_below)
            if i is None:
                return None
            onehot = np.zeros(np.asarray(logits).shape[0])
            onehot[i] = 1.0
            return onehot
        probs = _sampling.adjusted_probs(np.asarray(logits), o.temperature, multipliers, o.ban_below)
        if probs is None:
            return None
        return _sampling.filter_probs(probs, o.top_k, o.top_p, o.min_p)

    def _pick(self, probs: np.ndarray) -> int:
        if self.o.temperature == 0:
            return int(np.argmax(probs))
        return _sampling.draw(probs, self.rng)

    def _choose(self, p: int) -> int:
        logits = self._logits_at(p)
        t = time.perf_counter()
        multipliers = self.bans.get(p)
        reason = None
        probs = None
        if self.retries.get(p, 0) >= self.o.max_retries and p in self.resample:
            reason = "retry_cap"
        else:
            probs = self._distribution(logits, multipliers)
            if probs is None:
                reason = "all_banned"
        if reason is not None:
            probs = self._distribution(logits, None)
            assert probs is not None  # without bans the top token always survives
            self.accepted[p] = _ALL
            self.stats.gave_up += 1
            self.events.append(SamplerEvent("gave_up", reason, p))
        assert probs is not None
        token = self._pick(probs)
        self.stats.sampled += 1
        self.stats.sample_s += time.perf_counter() - t
        pending = self.resample.pop(p, None)
        if pending is not None:
            rejected, rule, record_ids = pending
            if reason is None and token == rejected:
                accepted = self.accepted.setdefault(p, {})
                if accepted is not _ALL:
                    accepted[rule] = "accepted"
            self._complete_records(p, record_ids, token, probs, reason)
        return token

    # -- detection ------------------------------------------------------

    def _push(self, token: int) -> bool:
        """Append ``token`` at position n; rewind and return False on a match."""
        t = time.perf_counter()
        snap = (
            self.decoder.state(),
            self.stream.snapshot() if self.stream is not None else None,
            self.regex.scan_from if self.regex is not None else None,
            self._safe_end(),
        )
        t2 = time.perf_counter()
        self.stats.detect_s += t2 - t
        self.tokens.append(token)
        self.snaps.append(snap)
        delta = self.decoder.push(token)
        t3 = time.perf_counter()
        self.stats.decode_s += t3 - t2
        found = self._detect(delta, finished=False)
        self.stats.detect_s += time.perf_counter() - t3
        if found is not None:
            self._rewind(found)
            return False
        return True

    def _safe_end(self) -> int:
        """No match on any continuation of the current text can start before this."""
        safe = self.stream.safe_end if self.stream is not None else len(self.decoder.text)
        if self.regex is not None and self.regex.scan_from:
            safe = min(safe, min(self.regex.scan_from))
        return safe

    def _detect(self, delta: str, finished: bool) -> Optional[_Candidate]:
        """Feed ``delta`` (and finish if asked); the match to rewind for, or None."""
        found: list[_Candidate] = []
        if self.stream is not None:
            matches = self.stream.feed(delta) if delta else []
            if finished:
                matches = list(matches) + list(self.stream.finish())
            for start, end, index in matches:
                c = _Candidate(start, end, "phrase", index, self.phrase_factors[index], self.decoder.token_at(start))
                if not self._keep_if_accepted(c):
                    found.append(c)
        if self.regex is not None and (delta or finished):
            text = self.decoder.text
            while True:
                hit, _ = self.regex.check(text, finished)
                if hit is None:
                    break
                c = _Candidate(
                    hit.start, hit.end, "regex", hit.index, self.regex_factors[hit.index], self.decoder.token_at(hit.start)
                )
                if not self._keep_if_accepted(c):
                    found.append(c)
                    break
                # Kept: from now on look for this pattern's matches past this one.
                scan = list(self.regex.scan_from)
                scan[hit.index] = hit.start + 1
                self.regex.scan_from = tuple(scan)
        # Earliest start first; at one start the strongest factor, phrases before regexes.
        best = min(found, key=lambda c: (c.start, c.factor, c.kind != "phrase", c.index), default=None)
        if best is not None and self.stats.backtracks >= self.max_backtracks:
            if not self.stats.budget_exhausted:
                self.stats.budget_exhausted = True
                self.events.append(SamplerEvent("budget", "budget", best.target))
            for c in found:
                self._log_kept(c, "budget")
                if c.kind == "regex":  # look past it from now on, as for any kept regex match
                    scan = list(self.regex.scan_from)  # type: ignore[union-attr]
                    scan[c.index] = c.start + 1
                    self.regex.scan_from = tuple(scan)  # type: ignore[union-attr]
            return None
        return best

    def _keep_if_accepted(self, c: _Candidate) -> bool:
        if c.target < self.frozen:
            raise RuntimeError(
                f"internal error: a match at code point {c.start} starts in text already emitted "
                f"(before {self.emitted}); the matcher's safe_end contract is broken"
            )
        accepted = self.accepted.get(c.target)
        if accepted is None:
            return False
        if accepted is _ALL:
            self._log_kept(c, "gave_up")
            return True
        reason = accepted.get((c.kind, c.index))
        if reason is None:
            return False
        self._log_kept(c, reason)
        return True

    def _log_kept(self, c: _Candidate, reason: str) -> None:
        self.stats.kept += 1
        rule = self.phrase_names[c.index] if c.kind == "phrase" else self.regex.sources[c.index]  # type: ignore[union-attr]
        self.events.append(SamplerEvent("kept", reason, c.target, rule, c.start, c.end))

    def _finish(self, reason: str) -> bool:
        """End of generation: flush, finish the stream, final regex check.
        True when done; False when a match was found and rewound."""
        t = time.perf_counter()
        delta = self.decoder.flush()
        t2 = time.perf_counter()
        self.stats.decode_s += t2 - t
        found = self._detect(delta, finished=True)
        self.stats.detect_s += time.perf_counter() - t2
        if found is None:
            self.finish_reason = reason
            return True
        self._rewind(found)
        return False

    # -- rewinding ------------------------------------------------------

    def _rewind(self, c: _Candidate) -> None:
        p = c.target
        t = time.perf_counter()
        rejected = self.tokens[p]
        previous = self.bans.get(p)
        record_id = self._new_record(c, rejected, previous)
        for r in self.holding.pop(p, []):
            if self.records[r].chosen_id == rejected:
                self.records[r].chosen_kept = False
        step = c.factor**self.o.strength if c.factor > 0 else 0.0
        bans = self.bans.setdefault(p, {})
        bans[rejected] = bans.get(rejected, 1.0) * step
        self.records[record_id].multiplier = bans[rejected]
        self.retries[p] = self.retries.get(p, 0) + 1
        self.stats.backtracks += 1
        for table in (self.bans, self.retries, self.accepted, self.resample, self.holding):
            for q in [q for q in table if q > p]:
                del table[q]
        previous_resample = self.resample.get(p)
        ids = (previous_resample[2] if previous_resample else []) + [record_id]
        self.resample[p] = (rejected, (c.kind, c.index), ids)
        t2 = time.perf_counter()
        self.stats.record_s += t2 - t
        decoder_state, stream_snap, regex_from, _ = self.snaps[p]
        if self.stream is not None:
            self.stream.rollback(stream_snap)
        if self.regex is not None:
            self.regex.scan_from = regex_from
        t3 = time.perf_counter()
        self.stats.detect_s += t3 - t2
        self.decoder.restore(decoder_state)
        del self.tokens[p:]
        del self.snaps[p:]
        for q in range(p + 1, len(self.logits)):
            self.spare[q] = self.logits[q]
        del self.logits[p + 1 :]
        self.stats.decode_s += time.perf_counter() - t3

    def _new_record(self, c: _Candidate, rejected: int, previous: Optional[dict[int, float]]) -> int:
        p = c.target
        probs = self._distribution(self.logits[p], previous)
        text = self.decoder.text
        start = self.decoder.starts[p]
        self.records.append(
            Backtrack(
                position=p,
                prompt=self.prompt,
                context=self.prompt + text[:start],
                context_ids=self.prompt_ids + self.tokens[:p],
                kind=c.kind,
                rule=self.phrase_names[c.index] if c.kind == "phrase" else self.regex.sources[c.index],  # type: ignore[union-attr]
                rule_index=c.index,
                match_start=c.start,
                match_end=c.end,
                matched_text=text[c.start : c.end],
                factor=c.factor,
                multiplier=1.0,
                rejected_id=rejected,
                rejected_text=self._token_text(rejected),
                rejected_prob=float(probs[rejected]) if probs is not None else 0.0,
            )
        )
        return len(self.records) - 1

    def _token_text(self, token: int) -> str:
        return self.codec.decode([token])

    def _complete_records(self, p: int, record_ids: list[int], token: int, probs: np.ndarray, reason: Optional[str]) -> None:
        t = time.perf_counter()
        multipliers = self.bans.get(p, {})
        alternatives: list[tuple[int, str, float]] = []
        if self.o.record_alternatives and reason is None:
            for a in self._most_probable(probs, 4 * self.o.record_alternatives + len(multipliers) + 8):
                if a in multipliers or a in self.o.eos_token_ids or self._completes_match(a):
                    continue
                alternatives.append((a, self._token_text(a), float(probs[a])))
                if len(alternatives) == self.o.record_alternatives:
                    break
        for r in record_ids:
            rec = self.records[r]
            rec.chosen_id = token
            rec.chosen_text = self._token_text(token)
            rec.chosen_prob = float(probs[token])
            rec.alternatives = alternatives
            rec.fallback = reason
        self.holding.setdefault(p, []).extend(record_ids)
        self.stats.record_s += time.perf_counter() - t

    @staticmethod
    def _most_probable(probs: np.ndarray, first: int) -> Iterator[int]:
        """Token ids with non-zero probability, most probable first;
        the ``first`` best by a partial sort, the rest only if asked for."""
        nonzero = np.flatnonzero(probs)
        if first < nonzero.size:
            cut = np.argpartition(-probs[nonzero], first)[:first]
            head = nonzero[cut]
            head = head[np.lexsort((head, -probs[head]))]
            yield from (int(a) for a in head)
            done = set(head.tolist())
            nonzero = np.array([a for a in nonzero if a not in done], dtype=np.int64)
        yield from (int(a) for a in nonzero[np.lexsort((nonzero, -probs[nonzero]))])

    def _completes_match(self, token: int) -> bool:
        """Would ``token``, appended now and followed by the end of the text,
        complete a banned phrase or regex that would be rewound? (State is
        restored; cost: one decode, one stream feed + finish + rollback.)"""
        state = self.decoder.state()
        snap = self.stream.snapshot() if self.stream is not None else None
        regex_from = self.regex.scan_from if self.regex is not None else None
        events, kept, budget = len(self.events), self.stats.kept, self.stats.budget_exhausted
        self.tokens.append(token)
        try:
            delta = self.decoder.push(token) + self.decoder.flush()
            return self._detect(delta, finished=True) is not None
        finally:
            self.tokens.pop()
            self.decoder.restore(state)
            if self.stream is not None:
                self.stream.rollback(snap)
            if self.regex is not None and regex_from is not None:
                self.regex.scan_from = regex_from
            del self.events[events:]
            self.stats.kept, self.stats.budget_exhausted = kept, budget

    # -- output ---------------------------------------------------------

    def _emit(self) -> str:
        """Text that no future rewind can reach; freezes the positions before it.

        A match on the current text starts at or after the current safe end,
        so a rewind goes no further back than the token ``f`` containing it.
        But after a rewind to ``f`` the text continues differently, and a
        match may then start anywhere after the safe end *of the snapshot at
        f*, which can lie in an earlier token. So the first live position is
        the fixed point of ``f -> token_at(safe end at f)`` (it only moves
        back, usually not at all).
        """
        t = time.perf_counter()
        text = self.decoder.text
        first_live = self.decoder.token_at(self._safe_end())
        while self.frozen <= first_live < len(self.tokens):
            earlier = self.decoder.token_at(self.snaps[first_live][3])
            if earlier >= first_live:
                break
            first_live = earlier
        first_live = max(first_live, self.frozen)
        limit = self.decoder.starts[first_live] if first_live < len(self.tokens) else len(text)
        if first_live > self.frozen:
            for q in range(self.frozen, min(first_live, len(self.snaps))):
                self.snaps[q] = None
                self.logits[q] = None
                self.bans.pop(q, None)
                self.retries.pop(q, None)
                self.accepted.pop(q, None)
                self.holding.pop(q, None)
            self.frozen = first_live
        self.stats.detect_s += time.perf_counter() - t
        if limit > self.emitted:
            chunk = text[self.emitted : limit]
            self.emitted = limit
            return chunk
        return ""
