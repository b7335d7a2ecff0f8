# fastback — build, demo, test, bench.
#
#   make demo    create .venv, build fastback in release mode, solve a bundled example
#   make test    install the dev dependencies, run cargo test and pytest (and stubtest)
#   make bench   compare fastback with MiniSat, CaDiCaL and PySAT (after make bench-deps)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: demo test venv build dev-deps gnn-deps lr2bench-deps llm-deps dist-deps plot-deps cargo-test pytest stubtest bench-deps bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "maturin>=1.5,<2" "numpy>=1.22" "tqdm>=4.60"

venv: $(PY)

# Release build of the extension into the venv (editable Python sources).
build: $(PY)
	$(VENV)/bin/maturin develop --release --quiet

# The CLI exits 10 for SAT and 20 for UNSAT (competition convention): anything
# else means the demo failed.
demo: build
	@echo "== fastback sat examples/php-5-4.cnf --stats   (pigeonhole: 5 pigeons, 4 holes)"
	@$(VENV)/bin/fastback sat examples/php-5-4.cnf --stats; test $$? -eq 20
	@echo "== fastback sat examples/queens-8.cnf   (8 queens)"
	@$(VENV)/bin/fastback sat examples/queens-8.cnf; test $$? -eq 10

# The test tools (pyproject's `dev` extra), installed once per venv: the stamp
# file records that they are there, so `make test` does not re-resolve them.
DEV_STAMP := $(VENV)/.dev-deps-installed

# reasoning-gym generates the puzzles of the external check (tests/test_reasoning_gym.py);
# pyahocorasick, ahocorasick_rs and daachorse are the phrase matcher's differential anchors.
$(DEV_STAMP): $(PY) pyproject.toml
	$(PIP) install --quiet "pytest>=7" "hypothesis>=6" "python-sat>=1.8.dev0" "mypy>=1.8" "reasoning-gym>=0.1.20" \
	    "pyahocorasick>=2" "ahocorasick_rs>=1" "daachorse>=0.5"
	touch $@

dev-deps: $(DEV_STAMP)

# The gnn extra (torch, torch-geometric, safetensors: several GB, the CUDA build
# of torch from PyPI, which runs on the CPU when there is no GPU), installed once
# per venv like the test tools. The neural-prior tests need it; make test sets
# FASTBACK_REQUIRE_GNN so that they fail rather than skip when it is missing.
GNN_STAMP := $(VENV)/.gnn-deps-installed

$(GNN_STAMP): $(PY)
	$(PIP) install --quiet "torch>=2.1" "torch-geometric>=2.4" "safetensors>=0.4" "tqdm>=4.60"
	touch $@

gnn-deps: $(GNN_STAMP)

# The lr2bench extra (wordfreq, the English word list of the cryptogram,
# drop-quote and acrostic solvers), installed once per venv like the test tools;
# make test sets FASTBACK_REQUIRE_LR2BENCH so that the LR²Bench tests fail
# rather than skip when wordfreq or ../shared/bench/lr2bench is missing.
LR2BENCH_STAMP := $(VENV)/.lr2bench-deps-installed

$(LR2BENCH_STAMP): $(PY)
	$(PIP) install --quiet "wordfreq>=3"
	touch $@

lr2bench-deps: $(LR2BENCH_STAMP)

# The llm extra (torch and transformers, for the antislop sampler's Hugging
# Face backend), installed once per venv like the test tools; make test sets
# FASTBACK_REQUIRE_LLM so that the sampler's transformers tests fail rather
# than skip when either is missing.
LLM_STAMP := $(VENV)/.llm-deps-installed

$(LLM_STAMP): $(PY)
	$(PIP) install --quiet "torch>=2.1" "transformers>=4.45"
	touch $@

llm-deps: $(LLM_STAMP)

# The dist extra (dask.distributed, for fastback.batch on a Dask cluster),
# installed once per venv like the test tools; make test sets
# FASTBACK_REQUIRE_DIST so that the cluster tests (tests/test_batch_dask.py)
# fail rather than skip when it is missing.
DIST_STAMP := $(VENV)/.dist-deps-installed

$(DIST_STAMP): $(PY)
	$(PIP) install --quiet "dask[distributed]>=2024.1"
	touch $@

dist-deps: $(DIST_STAMP)

# The plot extra (matplotlib, for the cactus and scatter plots of
# fastback batch report), installed once per venv like the test tools; make
# test sets FASTBACK_REQUIRE_PLOT so that the plot tests fail rather than
# skip when matplotlib is missing.
PLOT_STAMP := $(VENV)/.plot-deps-installed

$(PLOT_STAMP): $(PY)
	$(PIP) install --quiet "matplotlib>=3.7"
	touch $@

plot-deps: $(PLOT_STAMP)

# Rust tests in the test profile (optimised, with debug assertions and overflow checks).
cargo-test:
	cargo test -p fastback-core

# The Python suite against the built extension (tests/: API, differential
# against PySAT's CaDiCaL, DIMACS, CLI).
pytest: build dev-deps gnn-deps lr2bench-deps llm-deps dist-deps plot-deps
	FASTBACK_REQUIRE_GNN=1 FASTBACK_REQUIRE_LR2BENCH=1 FASTBACK_REQUIRE_LLM=1 FASTBACK_REQUIRE_DIST=1 FASTBACK_REQUIRE_PLOT=1 $(PY) -m pytest -q

# The hand-written python/fastback/_core.pyi must match the built module.
stubtest: build dev-deps
	$(PY) -m mypy.stubtest fastback._core --allowlist stubtest-allowlist.txt

# From a fresh clone: venv, test tools, Rust tests, release build, pytest, stubtest.
test: dev-deps gnn-deps lr2bench-deps llm-deps dist-deps plot-deps cargo-test build pytest stubtest

# The anchors benches/sat.py compares against: Debian's MiniSat 2.2 and CaDiCaL
# (apt, as root or through sudo) and PySAT's CaDiCaL 1.9.5 in the venv; GNU time
# measures each solver's own peak memory.
bench-deps: $(PY)
	@if ! command -v minisat >/dev/null 2>&1 || ! command -v cadical >/dev/null 2>&1 || \
	    ! [ -x /usr/bin/time ]; then \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq minisat cadical time; \
	fi
	$(PIP) install --quiet "python-sat>=1.8.dev0"
	$(PIP) install --quiet "ortools>=9.8" "python-constraint2>=2"
	@command -v minisat >/dev/null && command -v cadical >/dev/null && [ -x /usr/bin/time ] && \
	  $(PY) -c "from pysat.solvers import Cadical195" && \
	  echo "bench-deps: minisat, cadical, GNU time and python-sat (Cadical195) are ready" || \
	  { echo "bench-deps: minisat, cadical, /usr/bin/time or pysat's Cadical195 is still missing" >&2; exit 1; }

# Quick set (31 instances, 30 s limit each): BENCH_ARGS="--set all --json out.json" for more.
bench: build
	$(PY) benches/sat.py --set quick $(BENCH_ARGS)

clean:
	rm -rf target $(VENV) .pytest_cache .hypothesis

# Trace generation and the CountDown solver (benches/traces.py; results in benches/results/traces.txt).
.PHONY: bench-traces
bench-traces: build
	$(PY) benches/traces.py $(BENCH_ARGS)
