"""Next-token sampling for the antislop sampler: temperature, bans, top-k, top-p, min-p.

Why a module of its own: the sampler's promise that "with nothing banned it
samples exactly like a plain sampler with the same seed" is only checkable if
the distribution and the draw are written down precisely, in one place, and
consume the random generator in a fixed way. This is that place.

The distribution at one position, in this order:

1. ``x = logits / temperature`` (float64), ``p = softmax(x)``.
2. Bans: each banned token's probability is multiplied by its accumulated
   multiplier at this position; a multiplier below ``ban_below`` sets it to 0
   (the token is excluded). ``p`` is renormalised. If every token is at 0 the
   position is exhausted (:func:`adjusted_probs` returns ``None``).
3. top-k (``top_k > 0``): tokens whose probability is below the k-th largest
   are dropped (ties at the k-th value are kept, as Hugging Face does).
4. top-p (``top_p < 1``): tokens are ordered by probability, highest first,
   ties by lower id; the shortest prefix whose mass is ``>= top_p`` (of the
   renormalised distribution) is kept.
5. min-p (``min_p > 0``): tokens below ``min_p * max(p)`` are dropped.
6. Renormalise, draw ``u = rng.random()`` (exactly one call per sampled
   token), and return the first token id, in ascending id order, whose
   cumulative probability exceeds ``u * total``.

Bans come before the filters, so the filters act on the adjusted
distribution: a banned top token no longer sets the min-p threshold and no
longer fills a top-k slot. Because of that, the filters never empty a
distribution that step 2 left non-empty.

``temperature == 0`` is greedy: the token with the largest ``logits +
log(multiplier)`` among those not excluded (ties: lowest id); no random number
is drawn. The filters do not apply.

Cost: O(V) per position for a vocabulary of V tokens, plus O(V log V) for
top-p without top-k (a full sort; with top-k only the k survivors are sorted).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["adjusted_probs", "filter_probs", "draw", "greedy"]


def adjusted_probs(
    logits: np.ndarray,
    temperature: float,
    multipliers: Mapping[int, float] | None,
    ban_below: float,
) -> np.ndarray | None:
    """Steps 1-2: the tempered softmax of ``logits`` with the bans applied.

    ``logits`` is a 1-D float array; ``temperature > 0``. ``multipliers`` maps
    token ids to accumulated factors in [0, 1]. Returns a new float64 array
    that sums to 1, or ``None`` when every token is excluded.
    Raises ValueError when the logits have no finite maximum (a backend bug).
    """
    x = np.asarray(logits, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D array, got shape {x.shape}")
    if temperature != 1.0:
        x = x / temperature
    top = x.max()
    if not np.isfinite(top):
        raise ValueError("the backend returned logits with no finite maximum (all -inf or NaN)")
    p = np.exp(x - top)
    if multipliers:
        for token, factor in multipliers.items():
            p[token] = 0.0 if factor < ban_below else p[token] * factor
    total = p.sum()
    if not total > 0.0:
        return None
    p /= total
    return p


def filter_probs(p: np.ndarray, top_k: int, top_p: float, min_p: float) -> np.ndarray:
    """Steps 3-5 on a normalised, non-empty distribution; returns it renormalised.

    Modifies ``p`` in place (and returns it). Never empties it: each filter
    keeps at least the most probable token.
    """
    if top_k > 0 and top_k < p.size:
        kth = np.partition(p, p.size - top_k)[p.size - top_k]
        p[p < kth] = 0.0
    if top_p < 1.0:
        nonzero = np.flatnonzero(p)
        order = nonzero[np.argsort(-p[nonzero], kind="stable")]
        mass = np.cumsum(p[order])
        keep = int(np.searchsorted(mass, top_p * mass[-1], side="left")) + 1
        p[order[keep:]] = 0.0
    if min_p > 0.0:
        p[p < min_p * p.max()] = 0.0
    p /= p.sum()
    return p


def draw(p: np.ndarray, rng: np.random.Generator) -> int:
    """Step 6: one ``rng.random()`` and an inverse-CDF pick in ascending id order."""
    cdf = np.cumsum(p)
    u = rng.random() * cdf[-1]
    i = int(np.searchsorted(cdf, u, side="right"))
    if i >= p.size or p[i] == 0.0:
        # u landed on the rounding slack past the last positive entry.
        i = int(np.flatnonzero(p)[-1])
    return i


def greedy(logits: np.ndarray, multipliers: Mapping[int, float] | None, ban_below: float) -> int | None:
    """The temperature-0 choice; ``None`` when every token is excluded."""
    x = np.array(logits, dtype=np.float64)
    if multipliers:
        for token, factor in multipliers.items():
            x[token] = -np.inf if factor < ban_below else x[token] + np.log(factor)
    i = int(np.argmax(x))
    if not np.isfinite(x[i]):
        if np.isnan(x).any():
            raise ValueError("the backend returned NaN logits")
        return None
    return i
