"""Search traces for training language models, and a CountDown solver.

fastback's own depth-first searches, on Sudoku (n×n, with simple
propagation) and CountDown (Stream of Search's DFS over ``+ - * /``), record
every step in Rust; the trace text is rendered from that record, never
written separately, and every trace is verified by replaying its text with
an independent parser (:mod:`fastback.traces.replay`)::

    from fastback import traces

    t = traces.sudoku_trace("53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
                            format="nl", backtracks=3, seed=1, propagation="none", cell_order="first")
    t.text          # "Looking at the cell at (1,3). Based on the current board, ..."
    t.backtracks    # 3
    traces.countdown_trace([4, 3, 5, 6], 13, format="dfs").text
    traces.solve_countdown([25, 3, 7, 6], 190, all=True)   # ['(25 + 3) * 7 - 6', ...]

Formats:

- ``dfs``, the linearised DFS of "To Backtrack or Not to Backtrack" (Qin et
  al., 2025). Sudoku: one event per line, ``fill r1c3=4`` (propagation),
  ``guess r2c5=7``, ``dead r4c4`` or ``dead row 3 value 5`` (contradiction),
  ``revert r2c5=7`` (undo that guess and all after it), ``solved``,
  ``solution <grid line>``; the paper's exact Sudoku token format was not
  available, so this is an equivalent designed here (see the Rust renderer's
  documentation). CountDown: Stream of Search's trace lines (Gandhi et al.,
  2024; Qin et al. describe their CountDown traces as Stream of Search's DFS,
  but their own code could not be reached to confirm), reproduced string for
  string
  (``Current State: 24:[8, 2, 3, 2], Operations: []``, ``Exploring
  Operation: 8+2=10, Resulting Numbers: [3, 2, 10]``, ``Generated Node
  #0,0: ...``, ``Moving to Node #0,0``, ``15,24 unequal: No Solution``,
  ``24,24 equal: Goal Reached``).
- ``nl``, the natural language of "How Much Backtracking is Enough?" (Cai et
  al., 2025), following the sentences of the authors' released generators
  ("Looking at the cell at (r,c). Based on the current board, ... Let's try
  to fill cell (r,c) with d.", "Wait, we are stuck at cell (r,c). ...",
  "Back at (r,c); erase d. The current board is:"; for CountDown "Step i:
  a + b = c. ", "Wait, this doesn't lead to the correct solution. ... Let
  me go back to step n and keep thinking from there.") and their
  ``</think> <answer>`` ending.

Backtracks: ``backtracks=None`` gives the full search; ``backtracks=k`` the
search's solution path with exactly k wrong guesses that the search
refutes, each explored until a contradiction and undone (the paper's
construction, from fastback's own search). A puzzle that cannot supply k
raises :class:`NotEnoughBacktracksError` with the number it can supply.

The command line: ``fastback traces sudoku|countdown ... --format dfs|nl
--backtracks K --out F.jsonl``.
"""

from __future__ import annotations

from typing import Dict

from fastback._lazy import lazy_names

# Each public name and the submodule that defines it. The submodules are
# imported on first use (PEP 562) so that `fastback` commands that never touch
# traces do not pay for importing them.
_LAZY: Dict[str, str] = {
    "BudgetExceededError": "fastback.traces._errors",
    "NoSolutionError": "fastback.traces._errors",
    "NotEnoughBacktracksError": "fastback.traces._errors",
    "TraceError": "fastback.traces._errors",
    "TraceVerificationError": "fastback.traces._errors",
    "Instance": "fastback.traces.countdown",
    "countdown_instances": "fastback.traces.countdown",
    "countdown_prompt": "fastback.traces.countdown",
    "solve_countdown": "fastback.traces.countdown",
    "FORMATS": "fastback.traces.generate",
    "Trace": "fastback.traces.generate",
    "countdown_trace": "fastback.traces.generate",
    "generate_countdown": "fastback.traces.generate",
    "generate_sudoku": "fastback.traces.generate",
    "item_seed": "fastback.traces.generate",
    "options": "fastback.traces.generate",
    "sudoku_trace": "fastback.traces.generate",
    "verify": "fastback.traces.generate",
    "board_text": "fastback.traces.sudoku",
    "sudoku_line": "fastback.traces.sudoku",
    "sudoku_prompt": "fastback.traces.sudoku",
}

__all__ = list(_LAZY)


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())
