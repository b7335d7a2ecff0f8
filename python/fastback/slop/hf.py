"""Hugging Face transformers backend for the antislop sampler, with a KV cache that survives rewinds.

Why: the original antislop samplers re-run the whole prompt and text after
every backtrack. A causal LM's key/value cache for a prefix does not depend on
what follows it, so a rewind only has to cut the cache back to the shorter
prefix (``DynamicCache.crop``) and the next token continues from there: a
rewind costs nothing in the model, and the token that completed the banned
phrase is never even run.

Needs the ``llm`` extra (``pip install fastback[llm]``: torch and
transformers). Works on the CPU, and on CUDA when the model is there (inputs
go to the device of the model's parameters; logits come back as float32
numpy arrays, which the sampler samples on the CPU).

Caches that cannot be cropped (sliding-window or linear-attention layers that
dropped their past) are rebuilt by re-running the kept prefix: correct, but
the saving is lost; :attr:`HFBackend.rebuilds` counts how often that happened.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["HFBackend", "HFCodec", "eos_token_ids"]


class HFCodec:
    """A Hugging Face tokenizer as the sampler's codec.

    ``encode`` adds the tokenizer's special tokens (a BOS where the model
    expects one) when ``add_special_tokens`` is true; ``decode`` skips special
    tokens and never cleans up tokenisation spaces (that clean-up can rewrite
    text that was already streamed).
    """

    def __init__(self, tokenizer: Any, *, add_special_tokens: bool = True) -> None:
        self.tokenizer = tokenizer
        self.add_special_tokens = add_special_tokens

    def encode(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text, add_special_tokens=self.add_special_tokens))

    def decode(self, ids: Sequence[int]) -> str:
        return self.tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)


def eos_token_ids(model: Any, tokenizer: Any) -> tuple[int, ...]:
    """The end-of-sequence ids of the tokenizer and the model's generation config."""
    ids: list[int] = []
    for source in (getattr(tokenizer, "eos_token_id", None), getattr(getattr(model, "generation_config", None), "eos_token_id", None)):
        if source is None:
            continue
        for i in source if isinstance(source, (list, tuple)) else [source]:
            if i is not None and int(i) not in ids:
                ids.append(int(i))
    return tuple(ids)


class HFBackend:
    """A causal LM (``AutoModelForCausalLM`` and the like) behind the
    :class:`fastback.slop.sampler.Backend` protocol, for one sequence at a time.

    ``start`` runs the prompt into a fresh ``DynamicCache``; ``append`` runs
    one token against the cache; ``truncate(n)`` crops the cache by ``n``
    tokens (O(1) views; no model call). Raises ValueError for an empty prompt
    or a truncation longer than the sequence. The model is put in eval mode
    and run under ``torch.inference_mode``.
    """

    def __init__(self, model: Any) -> None:
        import torch
        from transformers import DynamicCache

        self._torch = torch
        self._cache_class = DynamicCache
        self.model = model.eval()
        self.device = next(model.parameters()).device
        params = inspect.signature(model.forward).parameters
        self._keep_kw = next((k for k in ("logits_to_keep", "num_logits_to_keep") if k in params), None)
        # transformers 5.24 renamed `past_key_values` (argument and output) to
        # `cache`, deprecating the old name; use whichever the model declares.
        self._cache_kw = "cache" if "cache" in params else "past_key_values"
        self._cache: Any = None
        self._ids: list[int] = []
        self._prompt_len = 0
        self.rebuilds = 0

    @property
    def length(self) -> int:
        """Tokens in the current sequence (prompt included)."""
        return len(self._ids)

    def _new_cache(self) -> Any:
        try:
            return self._cache_class(config=self.model.config)
        except TypeError:  # transformers < 4.56 takes no config
            return self._cache_class()

    def _forward(self, ids: Sequence[int]) -> np.ndarray:
        torch = self._torch
        kwargs: dict[str, Any] = {self._cache_kw: self._cache, "use_cache": True}
        if self._keep_kw is not None:
            kwargs[self._keep_kw] = 1
        with torch.inference_mode():
            out = self.model(input_ids=torch.tensor([list(ids)], dtype=torch.long, device=self.device), **kwargs)
        returned = getattr(out, self._cache_kw, None)
        if returned is not None and returned is not self._cache:
            self._cache = returned
        return out.logits[0, -1].float().cpu().numpy()

    def start(self, prompt_ids: Sequence[int]) -> np.ndarray:
        ids = [int(i) for i in prompt_ids]
        if not ids:
            raise ValueError("HFBackend.start: the prompt has no tokens (a causal LM needs at least one, e.g. BOS)")
        self._cache = self._new_cache()
        self._ids = ids
        self._prompt_len = len(ids)
        return self._forward(ids)

    def append(self, token_id: int) -> np.ndarray:
        if self._cache is None:
            raise ValueError("HFBackend.append before start()")
        self._ids.append(int(token_id))
        return self._forward([int(token_id)])

    def truncate(self, n: int) -> None:
        if n == 0:
            return
        appended = len(self._ids) - self._prompt_len
        if not 0 < n <= appended:
            raise ValueError(f"HFBackend.truncate({n}): only {appended} tokens were appended since start()")
        del self._ids[-n:]
        try:
            self._cache.crop(-n)
            ok = self._cache.get_seq_length() == len(self._ids)
        except (RuntimeError, ValueError, NotImplementedError):
            ok = False
        if not ok:
            self._rebuild()

    def _rebuild(self) -> None:
        """Re-run the kept sequence into a fresh cache (for caches that cannot be cropped)."""
        self.rebuilds += 1
        self._cache = self._new_cache()
        self._forward(self._ids)
