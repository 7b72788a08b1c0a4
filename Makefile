# The two commands: `make run` (install, build the default checkpoint if needed, serve it)
# and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHECKPOINT := checkpoints/default
CONFIG := configs/default.yaml

.PHONY: install test model run data-check clean teacher soft-labels student

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,ray]'
	touch $@

# pytest exits 5 when it collects nothing: for this suite that is a failure, said plainly.
test: install
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected: the suite must not be empty"; fi; \
	exit $$status

# Rebuilds only when the checkpoint is missing or was built from another config or data.
model: install
	$(BIN)/stance train --config $(CONFIG) --output $(CHECKPOINT) --if-stale

run: model
	$(BIN)/stance serve --checkpoint $(CHECKPOINT)

# Distillation (README, "Distillation"): the default model (all-mpnet-base-v2) labels the
# unlabelled pool with its calibrated probabilities, and the fast student (all-MiniLM-L6-v2)
# trains on the gold corpus plus those soft labels. The soft labels are not committed:
# `make student` builds them (and the default model) first if they are missing.
# `make teacher` builds the slower 3-epoch all-mpnet-base-v2 (configs/teacher.yaml, ~40 min);
# `make soft-labels TEACHER=checkpoints/teacher` distils from it instead.
TEACHER := $(CHECKPOINT)
STUDENT := checkpoints/student
SOFT_LABELS := data/soft/teacher-pool.jsonl
SOFT_SWAPS := data/soft/teacher-pool-swaps.jsonl

teacher: install
	$(BIN)/stance train --config configs/teacher.yaml --output checkpoints/teacher --if-stale

soft-labels: $(if $(filter $(CHECKPOINT),$(TEACHER)),model,install)
	$(BIN)/stance soft-label data/unlabelled/*.jsonl --teacher $(TEACHER) --output $(SOFT_LABELS)
	$(BIN)/stance soft-label data/unlabelled/*.jsonl --teacher $(TEACHER) --output $(SOFT_SWAPS) --country-swaps

$(SOFT_LABELS) $(SOFT_SWAPS):
	$(MAKE) soft-labels

student: install $(SOFT_LABELS) $(SOFT_SWAPS)
	$(BIN)/stance train --config configs/student.yaml --output $(STUDENT) --if-stale

data-check: install
	$(BIN)/stance data check data/train.jsonl data/dev.jsonl data/test.jsonl --targets

clean:
	rm -rf $(VENV) $(CHECKPOINT)

# Public benchmarks (SemEval-2016 stance, NewsMTSC rw): trains each configs/benchmarks/*.yaml,
# scores its test split and writes bench/results/benchmarks.{md,json}. About 65 minutes on 2 cores (Zen 5) with all-mpnet-base-v2.
.PHONY: benchmarks
benchmarks: install
	$(BIN)/python bench/benchmarks.py

# Speed on this machine: scoring paths vs the naive pipeline, service latency and throughput,
# server memory, `make model` from scratch and one retraining job -> bench/results/latest.{md,json}.
# About 20 minutes on 2 cores (two trainings); `python bench/speed.py --skip-training` for the rest.
.PHONY: bench
bench: model
	$(BIN)/python bench/speed.py --checkpoint $(CHECKPOINT)

# Reliability suite (load, faults, bad input, security): runs tests/reliability, recording its
# figures, and renders RELIABILITY.md from them. A few minutes on two cores.
RELIABILITY_RECORD := runs/reliability/record.json
.PHONY: reliability
reliability: install
	STANCE_RELIABILITY_RECORD=$(RELIABILITY_RECORD) $(BIN)/python -m pytest tests/reliability -q -p no:cacheprovider
	$(BIN)/python bench/reliability_report.py $(RELIABILITY_RECORD) RELIABILITY.md
