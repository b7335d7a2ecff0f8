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

from fastback.lr2bench.data import (LEVELS, TASKS, DataNotFoundError, GoldAnswers, LR2BenchError,
                                    data_root, load_answers)
from fastback.lr2bench.literal import LiteralError, parse_literal
from fastback.lr2bench.puzzles import (Acrostic, Crossword, Cryptogram, DropQuote, LogicGrid, Sudoku,
                                       load, parse_record)
from fastback.lr2bench.scoring import Prediction, Report, read_predictions, score

__all__ = ["TASKS", "LEVELS", "LR2BenchError", "DataNotFoundError", "LiteralError", "GoldAnswers",
           "data_root", "load", "parse_record", "load_answers", "parse_literal", "score",
           "read_predictions", "Prediction", "Report", "Crossword", "Acrostic", "LogicGrid",
           "Cryptogram", "Sudoku", "DropQuote"]
