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
# The project's Jupyter settings (.jupyter/: kernels over local IPC sockets, not TCP).
export JUPYTER_CONFIG_PATH := $(CURDIR)/.jupyter

# `make lab PORT=8890 TOKEN=secret HEADLESS=1`: port, access token (default: a random one,
# printed in the URL) and whether to open a browser (HEADLESS=1: no browser, for a remote machine).
# `make run JOBS=1`: notebooks and figures made one at a time (default: two at once, one per core).
JOBS     ?= 2
PORT     ?= 8888
TOKEN    ?=
HEADLESS ?= 0

.PHONY: install run test lab figures notebooks benchmark book clean dirs

install: $(STAMP) dirs

# IPython and matplotlib warn on first use when their folders' parents do not exist yet.
dirs:
	@mkdir -p .cache/ipython .cache/matplotlib .cache/jupyter/config .cache/jupyter/data .cache/jupyter/runtime

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

run: install
	$(BIN)/python -m analysis build
	$(BIN)/python -m analysis notebooks --jobs $(JOBS)
	$(BIN)/python -m analysis figures --jobs $(JOBS)

test: install
	$(BIN)/python -m pytest

figures: install
	$(BIN)/python -m analysis figures --jobs $(JOBS)

notebooks: install
	$(BIN)/python -m analysis notebooks --jobs $(JOBS)

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) \
	  $(if $(TOKEN),--IdentityProvider.token=$(TOKEN),) \
	  $(if $(filter 1 yes true,$(HEADLESS)),--no-browser --ip=127.0.0.1,) \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

benchmark: install
	$(BIN)/python benchmarks/pipeline_throughput.py

book: install
	$(BIN)/python -m analysis book

clean:
	rm -rf .cache .pytest_cache output
