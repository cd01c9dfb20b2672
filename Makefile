# Two commands on a fresh machine: `make run` (set up, build the corpus, execute every
# notebook, export the figures) and `make test` (the whole test suite). Both create the
# virtual environment in .venv on first use; after that they work offline.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Keep Jupyter, IPython and matplotlib from writing under $HOME; headless plotting.
export MPLBACKEND       := Agg
export MPLCONFIGDIR     := $(CURDIR)/.cache/matplotlib
export IPYTHONDIR       := $(CURDIR)/.cache/ipython
export JUPYTER_CONFIG_DIR  := $(CURDIR)/.cache/jupyter/config
export JUPYTER_DATA_DIR    := $(CURDIR)/.cache/jupyter/data
export JUPYTER_RUNTIME_DIR := $(CURDIR)/.cache/jupyter/runtime
export PYTHONHASHSEED   := 0

.PHONY: install run test lab figures notebooks benchmark clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

run: install
	$(BIN)/python -m analysis build
	$(BIN)/python -m analysis notebooks
	$(BIN)/python -m analysis figures

test: install
	$(BIN)/python -m pytest

figures: install
	$(BIN)/python -m analysis figures

notebooks: install
	$(BIN)/python -m analysis notebooks

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

benchmark: install
	$(BIN)/python benchmarks/pipeline_throughput.py

clean:
	rm -rf .cache .pytest_cache
