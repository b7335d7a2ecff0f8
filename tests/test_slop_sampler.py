"""The antislop sampler (fastback.slop.sampler) on scripted backends and a tiny transformers model.

Every property is checked by something other than the sampler's own matcher:
banned phrases with Python's ``re`` on the final text, plain sampling with a
loop written here, the KV cache against a fresh forward pass, the spans
against a full decode of the generated ids.

Needs the ``llm`` extra for the transformers tests. ``make test`` installs it
and sets FASTBACK_REQUIRE_LLM=1, which turns a missing torch or transformers
into a failure instead of a skip.
"""

from __future__ import annotations

import io
import json
import math
import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastback.slop import Matcher
from fastback.slop.sampler import (
    AntislopSampler,
    Generation,
    RegexFileError,
    SamplerOptions,
    load_regexes,
    phrase_factor,
    write_ftpo_jsonl,
)

from slop_models import (
    SLOP_DIR,
    ByteCodec,
    RescanMatcher,
    ScriptedBackend,
    SentencePieceLikeCodec,
    WordCodec,
)

if os.environ.get("FASTBACK_REQUIRE_LLM"):
    import torch  # noqa: F401
    import transformers  # noqa: F401

    HAVE_LLM = True
else:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401

        HAVE_LLM = True
    except ImportError:
        HAVE_LLM = False

needs_llm = pytest.mark.skipif(not HAVE_LLM, reason="needs the llm extra (torch, transformers)")
try:  # regex bans use the regex package, which comes with transformers
    import regex  # noqa: F401

    HAVE_REGEX = True
except ImportError:
    if os.environ.get("FASTBACK_REQUIRE_LLM"):
        raise
    HAVE_REGEX = False
needs_regex = pytest.mark.skipif(not HAVE_REGEX, reason="needs the regex package (the llm extra)")
# derandomize: the same examples on every run, so that CI is stable;
# FASTBACK_SLOP_RANDOM=1 explores new ones (and more of them).
FAST = settings(max_examples=200 if os.environ.get("FASTBACK_SLOP_RANDOM") else 25, deadline=None,
                derandomize=not os.environ.get("FASTBACK_SLOP_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow])


# -- independent checks -------------------------------------------------------


def phrase_occurrences(text: str, phrases, whole_words: bool = True) -> list[str]:
    """Banned phrases found in ``text`` by Python's ``re`` (case-insensitive)."""
    found = []
    for p in phrases:
        body = re.escape(p)
        if whole_words:
            body = (r"(?<!\w)" if re.match(r"\w", p[0]) else "") + body + (r"(?!\w)" if re.match(r"\w", p[-1]) else "")
        if re.search(body, text, re.IGNORECASE):
            found.append(p)
    return found


def plain_sample(backend, prompt_ids, max_new_tokens, seed, temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, eos=()):
    """Plain sampling, written from the documented order (temperature, top-k,
    top-p, min-p, one uniform draw per token, inverse CDF in id order)."""
    rng = np.random.default_rng(seed)
    logits = np.asarray(backend.start(prompt_ids), dtype=np.float64)
    out = []
    for _ in range(max_new_tokens):
        if temperature == 0:
            token = int(np.argmax(logits))
        else:
            z = logits / temperature
            p = np.exp(z - z.max())
            p = p / p.sum()
            if 0 < top_k < len(p):
                kth = np.sort(p)[-top_k]
                p = np.where(p >= kth, p, 0.0)
                p = p / p.sum()
            if top_p < 1.0:
                order = sorted(range(len(p)), key=lambda i: (-p[i], i))
                kept, mass = [], 0.0
                for i in order:
                    if p[i] == 0:
                        break
                    kept.append(i)
                    mass += p[i]
                    if mass >= top_p:
                        break
                mask = np.zeros(len(p), dtype=bool)
                mask[kept] = True
                p = np.where(mask, p, 0.0)
                p = p / p.sum()
            if min_p > 0:
                p = np.where(p >= min_p * p.max(), p, 0.0)
                p = p / p.sum()
            u = rng.random()
            acc, token = 0.0, None
            for i in range(len(p)):
                acc += p[i]
                if p[i] > 0 and u * 1.0 < acc:
                    token = i
                    break
            if token is None:
                token = int(np.flatnonzero(p)[-1])
        if token in eos:
            break
        out.append(token)
        logits = np.asarray(backend.append(token), dtype=np.float64)
    return out


def overlapping(phrases, **kw):
    return Matcher(phrases, match_kind="overlapping", case_insensitive=True, whole_words=True, **kw)


# -- a scripted world that loves its slop ---------------------------------------

WORDS = [
    "<eos>", " the", " a", " tapestry", " of", " life", " testament", " to", " his", " skill",
    " rich", " quiet", " room", " was", " and", ".", " not", " only", " but", " also", " delve", " into",
    " story", " old",
]
IX = {w: i for i, w in enumerate(WORDS)}
BANNED = ["tapestry", "a testament to", "delve into", "rich tapestry", "tapestry of life"]


def slop_backend(strength: float = 5.0) -> ScriptedBackend:
    s = strength
    w = IX
    prefer = {
        None: {w[" a"]: 3, w[" the"]: 2, w[" delve"]: 2},
        w[" a"]: {w[" tapestry"]: s, w[" testament"]: s - 1, w[" rich"]: 2, w[" quiet"]: 1},
        w[" the"]: {w[" tapestry"]: s, w[" room"]: 2, w[" story"]: 1},
        w[" rich"]: {w[" tapestry"]: s + 1, w[" story"]: 1},
        w[" tapestry"]: {w[" of"]: s},
        w[" of"]: {w[" life"]: s, w[" his"]: 2},
        w[" testament"]: {w[" to"]: s + 1},
        w[" to"]: {w[" his"]: 4},
        w[" his"]: {w[" skill"]: 4, w[" story"]: 2},
        w[" delve"]: {w[" into"]: s},
        w[" into"]: {w[" the"]: 3},
        w[" life"]: {w["."]: 3},
        w[" skill"]: {w["."]: 3},
        w[" story"]: {w["."]: 2, w[" was"]: 2},
        w[" was"]: {w[" old"]: 2, w[" quiet"]: 2},
        w["."]: {w[" the"]: 2, w[" a"]: 2, w[" delve"]: 1, 0: 0.5},
    }
    return ScriptedBackend(len(WORDS), prefer)


def scripted_sampler(patterns=BANNED, backend=None, **options) -> AntislopSampler:
    options.setdefault("eos_token_ids", [0])
    if isinstance(patterns, list):
        patterns = overlapping(patterns)
    return AntislopSampler(backend or slop_backend(), WordCodec(WORDS), patterns, **options)


PROMPT = [IX["."]]


# -- no banned phrase, streaming, equivalence ----------------------------------


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    banned=st.lists(st.sampled_from(BANNED + ["of life", "his skill", "the room"]), min_size=1, max_size=4, unique=True),
    temperature=st.sampled_from([0.7, 1.0, 1.5]),
    top_k=st.sampled_from([0, 3]),
    min_p=st.sampled_from([0.0, 0.05]),
)
def test_no_banned_phrase_in_output_and_stream_is_never_retracted(seed, banned, temperature, top_k, min_p):
    sampler = scripted_sampler(banned, temperature=temperature, top_k=top_k, min_p=min_p)
    stream = sampler.stream(PROMPT, max_new_tokens=40, seed=seed)
    chunks = list(stream)
    g = stream.result
    assert not g.events, g.events
    assert phrase_occurrences(g.text, banned) == []
    assert "".join(chunks) == g.text
    assert g.text == WordCodec(WORDS).decode(g.token_ids)
    assert g.stats.tokens == len(g.token_ids) <= 40


def test_the_scripted_model_really_prefers_slop():
    """Without bans the same backend writes the banned phrases, and with them it backtracks."""
    plain = scripted_sampler(None).generate(PROMPT, max_new_tokens=60, seed=1)
    assert phrase_occurrences(plain.text, BANNED)
    g = scripted_sampler().generate(PROMPT, max_new_tokens=60, seed=1)
    assert g.stats.backtracks >= 3
    assert phrase_occurrences(g.text, BANNED) == []


def test_streaming_yields_early_and_holds_back_only_what_a_phrase_could_cover():
    stream = scripted_sampler().stream(PROMPT, max_new_tokens=80, seed=7)
    seen = ""
    for chunk in stream:
        seen += chunk
        # What was emitted never ends in the middle of a banned phrase's possible start:
        # the emitted text stays a prefix of the final text (checked below) and comes in many pieces.
    g = stream.result
    assert seen == g.text
    assert g.stats.backtracks > 0
    with pytest.raises(RuntimeError, match="still running"):
        scripted_sampler().stream(PROMPT, max_new_tokens=5, seed=0).result


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    temperature=st.sampled_from([0.0, 0.5, 1.0, 1.7]),
    top_k=st.sampled_from([0, 1, 3, 8]),
    top_p=st.sampled_from([1.0, 0.9, 0.5]),
    min_p=st.sampled_from([0.0, 0.05, 0.3]),
    patterns=st.sampled_from([None, ["zebra"], ["zebra crossing", "quux"]]),
)
def test_equals_plain_sampling_when_nothing_is_banned(seed, temperature, top_k, top_p, min_p, patterns):
    options = dict(temperature=temperature, top_k=top_k, top_p=top_p, min_p=min_p)
    expected = plain_sample(slop_backend(), PROMPT, 50, seed, eos=(0,), **options)
    g = scripted_sampler(patterns, regexes=[r"zz+y"] if HAVE_REGEX else None, **options).generate(PROMPT, max_new_tokens=50, seed=seed)
    assert g.token_ids == expected
    assert g.stats.backtracks == 0
    assert g.finish_reason == ("eos" if len(expected) < 50 else "length")


# -- rewinds: where, how much, and for how long ---------------------------------


def test_records_are_wellformed_ftpo_and_reject_real_phrase_starts(tmp_path):
    gens = [scripted_sampler().generate(PROMPT, max_new_tokens=60, seed=s) for s in range(4)]
    path = tmp_path / "pairs.jsonl"
    n = write_ftpo_jsonl(gens, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert n == len(lines) == sum(len(g.ftpo_records()) for g in gens) > 0
    codec = WordCodec(WORDS)
    for line in lines:
        r = json.loads(line)
        for key in ("prompt", "context", "context_ids", "rejected", "chosen", "alternatives", "rule",
                    "context_with_chat_template", "chosen_decoded", "rejected_decoded", "multi_chosen_decoded"):
            assert key in r, key
        assert r["context"] == r["prompt"] + r["generation_raw"] == codec.decode(r["context_ids"])
        assert r["chosen"]["id"] != r["rejected"]["id"]
        assert r["rejected_decoded"] == codec.decode([r["rejected"]["id"]])
        assert 0 < r["chosen"]["prob"] <= 1 and 0 < r["rejected"]["prob"] <= 1
        assert r["rule"]["kind"] == "phrase" and r["rule"]["pattern"] in BANNED
        # The rejected token contains the start of the banned phrase ...
        before = r["generation_raw"]
        rejected = r["rejected"]["text"]
        start = r["rule"]["match_start"]
        assert len(before) <= start < len(before) + len(rejected)
        # ... and the phrase really is there: what the token wrote from that start on
        # agrees with the matched text, which is a banned phrase (checked with plain str ops).
        written = (before + rejected)[start:]
        matched = r["rule"]["matched"]
        assert matched.lower() == r["rule"]["pattern"].lower()
        assert matched.startswith(written) or written.startswith(matched)
        assert start == 0 or not (before + rejected)[start - 1].isalnum()
        alt_ids = [a["id"] for a in r["alternatives"]]
        assert r["rejected"]["id"] not in alt_ids
        assert all(0 < a["prob"] <= 1 for a in r["alternatives"])
        assert [a["prob"] for a in r["alternatives"]] == sorted((a["prob"] for a in r["alternatives"]), reverse=True)


def test_ban_lowers_the_token_at_that_position_only():
    """'tapestry of life' is banned, 'tapestry' alone is not: after a rewind at one
    position, ' tapestry' still appears elsewhere."""
    for seed in range(20):
        g = scripted_sampler(["tapestry of life"]).generate(PROMPT, max_new_tokens=60, seed=seed)
        if g.stats.backtracks and "tapestry" in g.text:
            break
    else:
        pytest.fail("no seed gave a rewind and a later 'tapestry'")
    assert phrase_occurrences(g.text, ["tapestry of life"]) == []
    rewound = {b.position for b in g.backtracks}
    assert any(tok == IX[" tapestry"] and i not in rewound for i, tok in enumerate(g.token_ids))


def test_soft_factor_lowers_probability_by_weight_to_the_strength_and_can_be_accepted():
    # One strongly preferred token; phrase weight 0.5, strength 1: the rewind halves its odds.
    vocab = ["<eos>", " x", " y", " z"]
    backend = ScriptedBackend(4, {None: {1: 6.0}, 1: {2: 6.0}, 2: {3: 6.0}, 3: {1: 6.0}})
    sampler = AntislopSampler(backend, WordCodec(vocab), overlapping([("x y", 0.5)]), strength=1.0)
    g = sampler.generate([3], max_new_tokens=3, seed=0)
    first = g.backtracks[0]
    assert first.rejected_id == 1 and first.position == 0 and first.factor == 0.5
    assert first.multiplier == pytest.approx(0.5)
    p = first.rejected_prob
    assert first.chosen_id == 1  # still the most likely by far, so sampled again ...
    assert first.chosen_prob == pytest.approx(p * 0.5 / (p * 0.5 + (1 - p)))
    assert not first.is_pair
    assert "x y" in g.text  # ... and then the phrase is accepted there
    kept = [e for e in g.events if e.kind == "kept"]
    assert kept and kept[0].reason == "accepted" and kept[0].rule == "x y"
    assert g.stats.backtracks == 1 and g.stats.kept == 1
    # The backend still held " x y" and the logits after each: nothing was recomputed or cut.
    assert g.stats.reused == 2 and backend.calls["truncate"] == 0 and backend.calls["append"] == 2


@pytest.mark.parametrize(
    "weight,strength,banned_at_once",
    [(0.03125, 2.0, True), (0.03125, 1.0, False), (0.5, 20.0, True), (1.0, 1.0, True), (28671, 1.0, True)],
)
def test_ban_threshold(weight, strength, banned_at_once):
    vocab = ["<eos>", " x", " y", " z"]
    backend = ScriptedBackend(4, {None: {1: 3.0}, 1: {2: 3.0}})
    sampler = AntislopSampler(backend, WordCodec(vocab), overlapping([("x", weight)]), strength=strength)
    run = sampler.stream([3], max_new_tokens=2, seed=0)
    list(run)
    g = run.result
    first = g.backtracks[0]
    assert (first.multiplier < sampler.options.ban_below) == banned_at_once
    assert first.factor == phrase_factor(weight)
    if banned_at_once:
        assert first.chosen_id != 1


def test_bans_accumulate_over_rewinds_to_one_position():
    # " a" starts both "a b" and "a c" (weight 0.5 each): when the sampler keeps " a"
    # after the first rewind and then writes the other phrase, the second rewind to
    # the same position multiplies into the first.
    vocab = ["<eos>", " a", " b", " c", " d"]
    backend = ScriptedBackend(5, {None: {1: 8.0}, 1: {2: 4.0, 3: 4.0}})
    sampler = AntislopSampler(backend, WordCodec(vocab), overlapping([("a b", 0.5), ("a c", 0.5)]))
    for seed in range(60):
        g = sampler.generate([4], max_new_tokens=3, seed=seed)
        at0 = [b for b in g.backtracks if b.position == 0]
        if len(at0) >= 2 and at0[0].rejected_id == at0[1].rejected_id == 1:
            break
    else:
        pytest.fail("no seed rewound twice to position 0")
    assert at0[0].multiplier == pytest.approx(0.5)
    assert at0[1].multiplier == pytest.approx(0.25)
    assert not at0[0].chosen_kept  # its chosen token was rejected again


# -- termination: all banned, retry cap, budget ---------------------------------


def test_all_banned_falls_back_terminates_and_is_reported():
    vocab = [" x", " y"]  # no end-of-sequence token at all
    backend = ScriptedBackend(2, {None: {0: 1.0}})
    sampler = AntislopSampler(backend, WordCodec(vocab), overlapping(["x", "y"]))
    g = sampler.generate([1], max_new_tokens=6, seed=0)
    assert len(g.token_ids) == 6
    gave_up = [e for e in g.events if e.kind == "gave_up"]
    assert gave_up and {e.reason for e in gave_up} == {"all_banned"}
    assert g.stats.gave_up == len(gave_up)
    assert g.stats.kept == len([e for e in g.events if e.kind == "kept"]) > 0
    assert g.backtracks and all(b.fallback == "all_banned" for b in g.backtracks if b.chosen_id == b.rejected_id)
    assert write_ftpo_jsonl(g, io.StringIO()) == len([b for b in g.backtracks if b.is_pair])


def test_retry_cap_gives_up_on_a_position():
    # Thirty words, all banned, equally likely; an unbanned word is rare. With
    # max_retries=3 the fourth choice at a position is a give-up.
    vocab = ["<eos>", " ok"] + [f" w{i}" for i in range(30)]
    backend = ScriptedBackend(len(vocab), {None: {i: 5.0 for i in range(2, 32)}}, base=-5.0)
    sampler = AntislopSampler(backend, WordCodec(vocab), overlapping([f"w{i}" for i in range(30)]), max_retries=3,
                              eos_token_ids=[0])
    g = sampler.generate([1], max_new_tokens=4, seed=0)
    assert any(e.kind == "gave_up" and e.reason == "retry_cap" for e in g.events)
    by_position: dict[int, int] = {}
    for b in g.backtracks:
        by_position[b.position] = by_position.get(b.position, 0) + 1
    assert max(by_position.values()) <= 4


def test_backtrack_budget_keeps_matches_and_says_so():
    g = scripted_sampler(max_backtracks=2).generate(PROMPT, max_new_tokens=80, seed=3)
    assert g.stats.backtracks == 2
    assert g.stats.budget_exhausted
    assert [e.kind for e in g.events].count("budget") == 1
    kept = [e for e in g.events if e.kind == "kept"]
    assert kept and all(e.reason == "budget" for e in kept)


@needs_regex
def test_backtrack_budget_with_regexes_keeps_each_match_once():
    vocab, w, backend = not_but_world()
    sampler = AntislopSampler(backend, WordCodec(vocab), regexes=[NOT_BUT], eos_token_ids=[0], max_backtracks=0)
    stream = sampler.stream([w["."]], max_new_tokens=60, seed=0)
    chunks = list(stream)
    g = stream.result
    kept = [e for e in g.events if e.kind == "kept"]
    starts = [s for s in range(len(g.text)) if re.compile(NOT_BUT).match(g.text, s)]
    assert [e.match_start for e in kept] == starts and starts
    assert len(chunks) > 2  # a kept match does not hold back the rest of the output


# -- regexes -----------------------------------------------------------------

NOT_BUT = r"(?i)not [^.!?]{3,60} but"


def not_but_world():
    vocab = ["<eos>", " it", " was", " not", " only", " old", " but", " also", " new", "."]
    w = {t: i for i, t in enumerate(vocab)}
    backend = ScriptedBackend(len(vocab), {
        None: {w[" it"]: 4}, w[" it"]: {w[" was"]: 4}, w[" was"]: {w[" not"]: 5, w[" old"]: 2},
        w[" not"]: {w[" only"]: 5, w[" old"]: 3}, w[" only"]: {w[" old"]: 5},
        w[" old"]: {w[" but"]: 5, w["."]: 2}, w[" but"]: {w[" also"]: 4}, w[" also"]: {w[" new"]: 4},
        w[" new"]: {w["."]: 4}, w["."]: {w[" it"]: 4, 0: 1},
    })
    return vocab, w, backend


@needs_regex
def test_regex_bans_work_and_are_checked_by_re():
    vocab, w, backend = not_but_world()
    plain = AntislopSampler(backend, WordCodec(vocab), eos_token_ids=[0]).generate([w["."]], max_new_tokens=60, seed=0)
    assert re.search(NOT_BUT, plain.text)
    sampler = AntislopSampler(backend, WordCodec(vocab), regexes=[NOT_BUT], eos_token_ids=[0])
    for seed in range(5):
        g = sampler.generate([w["."]], max_new_tokens=60, seed=seed)
        assert not re.search(NOT_BUT, g.text), g.text
        assert not g.events
    assert g.backtracks and all(b.kind == "regex" and b.rule == NOT_BUT for b in g.backtracks)
    assert all(b.rejected_id == w[" not"] for b in g.backtracks)


@needs_regex
def test_regex_file_of_the_antislop_sampler(tmp_path):
    path = SLOP_DIR / "slop_regexes.txt"
    if not path.exists():
        pytest.skip("../shared/bench/slop is not there")
    patterns = load_regexes(path)
    assert patterns[0] == NOT_BUT and len(patterns) == 3 and patterns[1].startswith("(?i)each")
    bad = tmp_path / "bad.txt"
    bad.write_text('"ok",\n\n"(unclosed",\n', encoding="utf-8")
    with pytest.raises(RegexFileError, match=r"bad.txt:3: pattern does not compile"):
        load_regexes(bad)


@needs_regex
@pytest.mark.parametrize("pattern,message", [("x*", "empty string"), ("(", "does not compile"), (3, "expected a str")])
def test_bad_regexes_are_refused(pattern, message):
    with pytest.raises(ValueError, match=message):
        scripted_sampler(regexes=[pattern])


# -- tokenisation: multi-byte characters and suffix-sensitive decoders -----------


def test_multibyte_characters_split_over_tokens_rewind_to_their_first_byte():
    # 日 = e6 97 a5, 本 = e6 9c ac. Token 7 ends in the first byte of 本.
    vocab = [b"", b" ", b"\xe6\x97", b"\xa5", b"\xe6\x9c", b"\xac", b"a", b"\xe6\x97\xa5\xe6", b"\x9c\xac", b"b"]
    backend = ScriptedBackend(len(vocab), {
        None: {2: 3, 7: 3, 6: 1}, 2: {3: 8}, 3: {4: 6, 1: 2}, 4: {5: 8}, 7: {8: 8}, 5: {1: 4}, 8: {1: 4},
        1: {2: 3, 7: 3, 6: 2, 9: 2}, 6: {1: 3}, 9: {1: 3},
    })
    codec = ByteCodec(vocab)
    matcher = Matcher(["日本"], match_kind="overlapping")
    sampler = AntislopSampler(backend, codec, matcher, eos_token_ids=[0])
    rewound = set()
    for seed in range(8):
        stream = sampler.stream([1], max_new_tokens=30, seed=seed)
        text = "".join(stream)
        g = stream.result
        assert text == g.text == codec.decode(g.token_ids)
        assert "日本" not in g.text
        for b in g.backtracks:
            rewound.add(b.rejected_id)
            assert vocab[b.rejected_id][:1] == b"\xe6" or vocab[b.rejected_id].endswith(b"\xe6")
    assert rewound & {2, 7}


def test_decoders_that_change_a_suffix_keep_text_and_spans_consistent():
    codec = SentencePieceLikeCodec(WORDS)
    sampler = AntislopSampler(slop_backend(), codec, overlapping(BANNED), eos_token_ids=[0])
    for seed in range(3):
        g = sampler.generate(PROMPT, max_new_tokens=60, seed=seed)
        full = codec.decode(PROMPT + g.token_ids)
        assert g.text == full[len(codec.decode(PROMPT)):]
        assert phrase_occurrences(g.text, BANNED) == []


# -- hypothesis over random worlds ------------------------------------------------


@FAST
@given(
    data=st.data(),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_worlds_never_retract_and_explain_every_banned_phrase(data, seed):
    """Random bigram models over a small vocabulary and random overlapping ban
    lists. Rewinds can land at positions whose earlier snapshot had a live
    partial match further back: emitted text must still never change."""
    vocab = ["<eos>", " a", " b", " c", " d", " e", " f"]
    size = len(vocab)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    prefer = {k: {j: float(rng.uniform(0, 4)) for j in range(1, size)} for k in [None, *range(1, size)]}
    words = st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4).map(" ".join)
    banned = data.draw(st.lists(words, min_size=1, max_size=6, unique=True))
    weights = data.draw(st.sampled_from([None, 0.5]))
    patterns = banned if weights is None else [(p, weights) for p in banned]
    sampler = AntislopSampler(ScriptedBackend(size, prefer), WordCodec(vocab), overlapping(patterns),
                              eos_token_ids=[0], max_retries=4)
    stream = sampler.stream([1], max_new_tokens=25, seed=seed)
    text = "".join(stream)
    g = stream.result
    assert text == g.text == WordCodec(vocab).decode(g.token_ids)
    # A banned phrase may stay only where the sampler says it kept one (a
    # soft factor accepted, a position given up, the budget spent); a
    # give-up that resampled into clean text leaves nothing to explain.
    kept = {e.rule for e in g.events if e.kind == "kept"}
    assert set(phrase_occurrences(g.text, banned)) <= kept


# -- inputs and options -----------------------------------------------------------


@pytest.mark.parametrize(
    "option,value",
    [("temperature", -1), ("top_k", -2), ("top_p", 0.0), ("top_p", 1.5), ("min_p", 1.0), ("strength", 0),
     ("ban_below", 0.0), ("max_retries", -1), ("max_backtracks", -3), ("regex_window", 0),
     ("record_alternatives", -1), ("temperature", float("nan")), ("top_k", 1.5)],
)
def test_bad_options_name_themselves(option, value):
    with pytest.raises(ValueError, match=option):
        scripted_sampler(**{option: value})


def test_unknown_option_and_bad_inputs():
    with pytest.raises(ValueError, match="unknown sampler option.*topk"):
        scripted_sampler(topk=3)
    with pytest.raises(ValueError, match="no tokens"):
        scripted_sampler().generate([], max_new_tokens=3)
    with pytest.raises(ValueError, match="max_new_tokens"):
        scripted_sampler().generate(PROMPT, max_new_tokens=-1)
    with pytest.raises(ValueError, match="patterns must be"):
        scripted_sampler(patterns=42)
    with pytest.raises(ValueError, match="backend has no start"):
        AntislopSampler(object(), WordCodec(WORDS))
    assert "strength (default 1.0)" in SamplerOptions.describe()


def test_patterns_from_a_file_a_list_and_a_non_overlapping_matcher(tmp_path):
    path = SLOP_DIR / "slop_phrase_prob_adjustments.json"
    if path.exists():
        s = AntislopSampler(slop_backend(), WordCodec(WORDS), path)
        assert len(s.matcher) == 517 and s.matcher.match_kind == "overlapping"
        assert all(0 < f < 1 for f in s.phrase_factors)
        assert s.matcher.case_insensitive and s.matcher.whole_words
    listed = AntislopSampler(slop_backend(), WordCodec(WORDS), ["Tapestry", ("a testament to", 0.25)])
    assert listed.phrase_factors == [0.0, 0.25]
    rebuilt = AntislopSampler(slop_backend(), WordCodec(WORDS), Matcher(["x"], match_kind="leftmost-longest"))
    assert rebuilt.matcher.match_kind == "overlapping" and not rebuilt.matcher.case_insensitive
    counts = tmp_path / "counts.json"
    counts.write_text(json.dumps([["took a deep breath", 28671]]), encoding="utf-8")
    assert AntislopSampler(slop_backend(), WordCodec(WORDS), counts).phrase_factors == [0.0]
    assert AntislopSampler(slop_backend(), WordCodec(WORDS), []).matcher is None


def test_the_rescan_stand_in_agrees_with_the_matcher():
    """benches/sampler.py compares against RescanMatcher: it must detect the same matches."""
    phrases = BANNED + ["of", "the room", "a"]
    real = overlapping(phrases)
    naive = RescanMatcher(phrases, case_insensitive=True, whole_words=True)
    g = scripted_sampler(None).generate(PROMPT, max_new_tokens=80, seed=5)
    assert naive.find_all(g.text) == real.find_all(g.text)
    a, b = real.stream(), naive.stream()
    for tok in g.token_ids:
        piece = WORDS[tok]
        assert a.feed(piece) == b.feed(piece)
        assert b.safe_end <= a.safe_end  # the stand-in ignores word boundaries here: more cautious
    assert a.finish() == b.finish()
    for seed in range(3):
        x = scripted_sampler(real).generate(PROMPT, max_new_tokens=60, seed=seed)
        y = scripted_sampler(naive).generate(PROMPT, max_new_tokens=60, seed=seed)
        assert x.token_ids == y.token_ids


# -- a tiny transformers model ------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    if not HAVE_LLM:
        pytest.skip("needs the llm extra (torch, transformers)")
    from slop_models import tiny_model, tiny_tokenizer

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small is per-call overhead; threads only contend
    tok = tiny_tokenizer()
    yield tok, tiny_model(tok, seed=0)
    torch.set_num_threads(threads)


def fresh_logits(model, ids):
    import torch

    with torch.inference_mode():
        return model(input_ids=torch.tensor([ids])).logits[0, -1].float().numpy()


@needs_llm
def test_hf_kv_cache_after_rewind_matches_a_fresh_run(tiny):
    from fastback.slop.hf import HFBackend

    tok, model = tiny
    prompt = tok.encode("It was a dark night")
    backend = HFBackend(model)
    backend.start(prompt)
    grown = [5, 77, 301, 12, 99, 250]
    for t in grown:
        backend.append(t)
    backend.truncate(4)
    assert backend.length == len(prompt) + 2
    got = backend.append(42)
    want = fresh_logits(model, prompt + grown[:2] + [42])
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    backend.truncate(3)  # back into the first appended tokens, past the one just added
    np.testing.assert_allclose(backend.append(7), fresh_logits(model, prompt + [7]), rtol=1e-4, atol=1e-5)
    assert backend.rebuilds == 0
    with pytest.raises(ValueError, match="appended"):
        backend.truncate(5)


class Uncached:
    """A backend of plain full forward passes: nothing shared with fastback's HFBackend."""

    def __init__(self, model):
        self.model = model
        self.calls = 0

    def start(self, ids):
        self.ids = list(ids)
        return fresh_logits(self.model, self.ids)

    def append(self, t):
        self.ids.append(t)
        self.calls += 1
        return fresh_logits(self.model, self.ids)

    def truncate(self, n):
        del self.ids[len(self.ids) - n :]


@needs_llm
def test_hf_sampler_with_rewinds_equals_the_same_sampler_over_fresh_runs(tiny):
    """End to end: every rewind crops the KV cache, and the tokens are those of a
    backend that recomputes every prefix from scratch."""
    from fastback.slop.hf import HFBackend, HFCodec

    tok, model = tiny
    plain = AntislopSampler.from_hf(model, tok).generate("The", max_new_tokens=120, seed=5)
    words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", plain.text)]
    banned = sorted(set(words), key=lambda w: (-words.count(w), w))[:8]
    cached = AntislopSampler(HFBackend(model), HFCodec(tok), banned, eos_token_ids=[tok.eos_token_id])
    fresh_backend = Uncached(model)
    fresh = AntislopSampler(fresh_backend, HFCodec(tok), banned, eos_token_ids=[tok.eos_token_id])
    a = cached.generate("The", max_new_tokens=120, seed=5)
    b = fresh.generate("The", max_new_tokens=120, seed=5)
    assert a.stats.backtracks > 0
    assert a.token_ids == b.token_ids
    assert [(r.position, r.rejected_id, r.chosen_id) for r in a.backtracks] == [
        (r.position, r.rejected_id, r.chosen_id) for r in b.backtracks
    ]
    assert cached.backend.rebuilds == 0


@needs_llm
def test_hf_sampler_equals_plain_sampling_without_bans(tiny):
    tok, model = tiny

    prompt = tok.encode("Holmes said")
    expected = plain_sample(Uncached(model), prompt, 40, seed=11, temperature=0.9, top_k=50, top_p=0.95,
                            eos=(tok.eos_token_id,))
    g = AntislopSampler.from_hf(model, tok, temperature=0.9, top_k=50, top_p=0.95).generate(
        "Holmes said", max_new_tokens=40, seed=11)
    assert g.token_ids == expected
    assert g.text == tok.decode(expected)


@needs_llm
def test_hf_sampler_never_writes_banned_words(tiny):
    tok, model = tiny
    plain = AntislopSampler.from_hf(model, tok).generate("The", max_new_tokens=150, seed=3)
    words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", plain.text)]
    banned = sorted(set(words), key=lambda w: (-words.count(w), w))[:6]
    assert banned, plain.text
    sampler = AntislopSampler.from_hf(model, tok, banned, regexes=[r"(?i)\bth[a-z]*e"])
    stream = sampler.stream("The", max_new_tokens=150, seed=3)
    chunks = list(stream)
    g = stream.result
    assert "".join(chunks) == g.text == tok.decode(g.token_ids)
    assert g.stats.backtracks > 0 and not g.events
    assert phrase_occurrences(g.text, banned) == []
    assert not re.search(r"(?i)\bth[a-z]*e", g.text)
    assert isinstance(g, Generation) and g.stats.model_s > 0 and g.stats.detect_s > 0


@needs_llm
@pytest.mark.skipif(not HAVE_LLM or not __import__("torch").cuda.is_available(), reason="needs CUDA")
def test_hf_backend_on_cuda(tiny):
    import torch

    from fastback.slop.hf import HFBackend

    tok, model = tiny
    cuda_model = type(model)(model.config).to("cuda").eval()
    cuda_model.load_state_dict(model.state_dict())
    backend = HFBackend(cuda_model)
    assert backend.device.type == "cuda"
    prompt = tok.encode("It was")
    backend.start(prompt)
    for t in [10, 20, 30]:
        backend.append(t)
    backend.truncate(2)
    got = backend.append(40)
    with torch.inference_mode():
        want = cuda_model(input_ids=torch.tensor([prompt + [10, 40]], device="cuda")).logits[0, -1].float().cpu().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-4)
    g = AntislopSampler.from_hf(cuda_model, tok, ["the"]).generate("It was", max_new_tokens=30, seed=0)
    assert phrase_occurrences(g.text, ["the"]) == [] or g.events
    assert math.isfinite(g.stats.total_s)
