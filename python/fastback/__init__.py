"""fastback: Rust-accelerated backtracking search.

Engines: a CDCL SAT solver (:mod:`fastback.sat`) with neural phase priors
(:mod:`fastback.neuro`), a finite-domain CSP engine (:mod:`fastback.csp`), a
Sudoku solver (:mod:`fastback.sudoku`), LR²Bench loaders, metrics and solvers
(:mod:`fastback.lr2bench`) and search traces for training LLMs
(:mod:`fastback.traces`). Each is imported on its own; ``import fastback``
loads only the compiled core.
"""

from fastback._core import __version__

__all__ = ["__version__"]
