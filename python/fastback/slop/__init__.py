"""Phrase matching and the antislop sampler.

:class:`Matcher` is a compiled Aho-Corasick automaton over many phrases
(case folding, Unicode word boundaries, four match kinds) that reports Python
string offsets; :meth:`Matcher.stream` gives an incremental matcher with O(1)
snapshots and rollback. :mod:`fastback.slop.sampler` builds the antislop
backtracking sampler on top of it (torch and transformers are the ``llm`` extra).

The names are imported on first use (PEP 562), so ``import fastback.slop.sampler``
does not load the compiled matcher until it is needed.
"""

from __future__ import annotations

from fastback._lazy import lazy_names

__all__ = ["Matcher", "MatchStream", "StreamSnapshot", "PhraseFileError", "load_phrases"]

__getattr__, __dir__ = lazy_names(__name__, {name: "fastback.slop._matcher" for name in __all__}, globals())
