# The course's two commands:  make lab   (set up, open JupyterLab)   make test   (set up, run all checks)
# Both create .venv on first use and reuse it afterwards; it is rebuilt only when
# pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.mmlab-installed
# Optional: a PyTorch wheel index, e.g. TORCH_INDEX=https://download.pytorch.org/whl/cpu on a
# Linux machine without a GPU, to skip the large CUDA build of torch.
TORCH_INDEX ?=
PIP_EXTRA := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)
# Extra options for JupyterLab; as root (containers, some classroom VMs) it needs --allow-root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

.PHONY: lab test setup lint format strip data checkpoints bench constraints doctor clean

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00_welcome.ipynb $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest tests --durations=15 -rs

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt jupyter/overrides.json
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else "mmlab needs Python 3.10 or newer; found %d.%d (set PYTHON=python3.x)" % v[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install $(PIP_EXTRA) -c constraints.txt -e ".[dev]"
	$(BIN)/python -m mmlab warm
	# JupyterLab settings the course ships: save widget state with the notebook, so that apps and
	# progress bars still show after a notebook is saved, closed and reopened.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

doctor: $(STAMP)
	$(BIN)/python -m mmlab doctor

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Remove outputs and execution counts from every lesson before committing.
strip: $(STAMP)
	$(BIN)/python scripts/strip_notebooks.py notebooks/*.ipynb

# Regenerate the shipped toy-world sets under data/toyworld (bit-identical to the committed ones).
data: $(STAMP)
	$(BIN)/python scripts/make_toyworld_data.py

# Retrain every shipped checkpoint under data/models (slow on a CPU; see each model card).
checkpoints: $(STAMP)
	for name in $$($(BIN)/python -c 'import sys; from mmlab.training.configs import training_order; print(*training_order(sys.argv[1:]))' $$(ls data/models)); do \
		$(BIN)/python -m mmlab.training --config $$name --out data/models/$$name || exit 1; done

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Write the exact versions installed now as the new tested set.
constraints: $(STAMP)
	$(BIN)/python scripts/write_constraints.py > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
