"""LR²Bench: loaders, the benchmark's metrics, and solvers.

LR²Bench (Chen et al., 2025, "Evaluating Long-chain Reflective Reasoning
Capabilities of Large Language Models via Constraint Satisfaction
Problems") has six puzzle tasks with 50 puzzles per level. This package:

- reads them (:func:`load`, typed records in :mod:`.puzzles`; the data
  folder from ``root=``, ``$FASTBACK_LR2BENCH`` or ``../shared/bench/lr2bench``,
  see :mod:`.data`) and their gold answers (:func:`load_answers`);
- scores model or solver outputs exactly as the benchmark defines CR, S-Acc,
  EM and PM-0.5 (:func:`score`, :mod:`.scoring`, which documents every
  choice the benchmark leaves open), reading the answers with a parser that
  never evaluates text (:func:`parse_literal`, :mod:`.literal`);
- solves the tasks (:mod:`.solve`): Sudoku through :mod:`fastback.sudoku`,
  cryptograms and drop quotes with an English word list (the ``lr2bench``
  extra: ``wordfreq``), crosswords and acrostics from caller-supplied
  candidate answers per clue (:mod:`.fill`), logic grids through
  :mod:`.logic` when it is installed; every solver writes its answer as a
  model would (:mod:`.render`), so one scorer grades both.

Command line: ``fastback lr2bench score PRED.jsonl`` and ``fastback lr2bench
solve --task T [--level L] --out F`` (:mod:`.cli`).
"""

from __future__ import annotations

from typing import Dict

from fastback._lazy import lazy_names

# Each public name and the submodule that defines it. The submodules are
# imported on first use (PEP 562) so that `fastback` commands that never touch
# LR²Bench do not pay for importing them.
_LAZY: Dict[str, str] = {
    "LEVELS": "fastback.lr2bench.data",
    "TASKS": "fastback.lr2bench.data",
    "DataNotFoundError": "fastback.lr2bench.data",
    "GoldAnswers": "fastback.lr2bench.data",
    "LR2BenchError": "fastback.lr2bench.data",
    "data_root": "fastback.lr2bench.data",
    "load_answers": "fastback.lr2bench.data",
    "LiteralError": "fastback.lr2bench.literal",
    "parse_literal": "fastback.lr2bench.literal",
    "Acrostic": "fastback.lr2bench.puzzles",
    "Crossword": "fastback.lr2bench.puzzles",
    "Cryptogram": "fastback.lr2bench.puzzles",
    "DropQuote": "fastback.lr2bench.puzzles",
    "LogicGrid": "fastback.lr2bench.puzzles",
    "Sudoku": "fastback.lr2bench.puzzles",
    "load": "fastback.lr2bench.puzzles",
    "parse_record": "fastback.lr2bench.puzzles",
    "Prediction": "fastback.lr2bench.scoring",
    "Report": "fastback.lr2bench.scoring",
    "read_predictions": "fastback.lr2bench.scoring",
    "score": "fastback.lr2bench.scoring",
}

__all__ = list(_LAZY)


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
