"""fastback: Rust-accelerated backtracking search.

Engines: a CDCL SAT solver (:mod:`fastback.sat`). More engines (neural phase
priors, CSP and Sudoku, phrase matching) build on the same foundation.
"""

from fastback._core import __version__

__all__ = ["__version__"]
