"""Neural (NeuroBack-style) phase priors: training data, and later the model.

NeuroBack's idea: before solving a satisfiable formula, predict for every
variable the phase it takes in most satisfying assignments (its backbone
phase where it has one) and start the solver from those phases.

- :mod:`fastback.neuro.families`: satisfiable formula generators (random
  3-SAT, planted 3-SAT, graph colouring, clique, blocks-world planning,
  random circuits, factoring, Latin squares), deterministic from a seed;
- :mod:`fastback.neuro.data`: labelling (backbones plus sampled-solution
  majorities), compact ``.npz`` shards, and the parallel dataset builder;
- :mod:`fastback.neuro.graph`, :mod:`fastback.neuro.model`,
  :mod:`fastback.neuro.train`, :mod:`fastback.neuro.priors`: the graph, the
  GNN, its training and inference (:func:`predict_phases`, importable from
  here);
- :mod:`fastback.neuro.cli`: ``fastback neuro ...`` subcommands.

Invariant: apart from :mod:`fastback.neuro.model` (the torch-geometric
network itself, which needs the ``gnn`` extra), nothing under
``fastback.neuro`` imports torch (or any other optional dependency) when it
is imported, so ``import fastback.neuro``, native inference and the
``fastback`` command line work in an install without the extra. Code that
trains or runs the model through torch imports it inside its functions.
This module itself imports nothing: ``fastback sat`` loads it to build its
parser.
"""

from __future__ import annotations

from typing import Any

__all__ = ["predict_phases", "build_graph", "DEFAULT_SAMPLES", "DEFAULT_TIME_LIMIT", "DEFAULT_SHARD_SIZE"]

# The labelling defaults, declared once: here, in the one module of the
# package that imports nothing, so that ``fastback neuro make-data --help``
# shows them without importing numpy. :mod:`fastback.neuro.data` uses them.

#: Models sampled per formula for the majority labels.
DEFAULT_SAMPLES = 16
#: Seconds allowed to each solve and to the backbone computation of a
#: formula; a formula that needs more is discarded as a timeout.
DEFAULT_TIME_LIMIT = 30.0
#: Formulas per shard file.
DEFAULT_SHARD_SIZE = 512


def __getattr__(name: str) -> Any:
    # predict_phases on first use (PEP 562), so that importing the package
    # does not load numpy and the native model code.
    if name == "predict_phases":
        from fastback.neuro.priors import predict_phases

        return predict_phases
    if name == "build_graph":
        from fastback.neuro.graph import build_graph

        return build_graph
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
