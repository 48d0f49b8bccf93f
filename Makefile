# civharm — the project's commands.
#
#   make            list the commands (this file's `## ` comments)
#   make validate   check the whole data package
#   make test       run the test suite
#
# You need Python 3.11 and make. Every command that runs Python first sets up the
# environment in .venv from requirements.lock by itself, so whichever command you run
# first just works; later runs reuse .venv until requirements.lock or pyproject.toml changes.

.DEFAULT_GOAL := help

# --- Variables are data ------------------------------------------------------------------
# What you give a variable (make diff FROM=…, make sql Q='…', make test PYTEST_ARGS='-k "a or b"')
# is the text you typed, nothing else: make never expands it (a `$(shell …)` or `$$` in it stays
# text), and every recipe hands it to its program through the environment as "$$FROM", never as
# shell text, so quotes, `$HOME`, `;` and comments arrive intact and no command in them runs.
# ARGS and PYTEST_ARGS are lists of arguments: civharm.makeargs splits them by shell quoting
# rules ('…', "…", \) and expands nothing. PYTHON is the one variable that names a command.
USER_VARS := ARGS PYTEST_ARGS Q FILE FROM TO FORMAT VERSION DATE ID CHECK GED DRY_RUN REVIEW \
             FUZZ_SECONDS FUZZ_TARGET SHAPE N FRICTIONLESS_CAP VALIDATE_CAP PYTHON
# Every command-line variable (and any of USER_VARS from the environment) becomes its literal
# text; make would otherwise expand a command-line variable each time it starts a recipe.
$(foreach v,$(.VARIABLES),$(if $(or $(filter command line,$(origin $v)),$(and $(filter $v,$(USER_VARS)),$(filter environment,$(origin $v)))),\
  $(eval override $v := $$(value $v))$(eval export $v)))
# USER_VARS are exported at the end of this file, after their defaults (`export X` before
# `X ?= default` would define X as empty, and the default would never apply).

# --- Exit codes through make ---------------------------------------------------------------
# make exits 2 whenever a recipe fails, so the validator's 1 (invalid) would read as 2 (cannot
# run). In question mode (-q) GNU make runs only recipe lines marked `+` and exits 1, not 2,
# when one of them exits 1. So when `validate` is the only goal, make runs in question mode and
# the lines of `validate` and of the install step it may need are marked `+` ($(RUN)): `make
# validate` exits 0, 1 or 2 exactly as the validator does. With other goals beside it, make's
# own rule applies (any failure is 2).
ifeq ($(MAKECMDGOALS),validate)
MAKEFLAGS += -q
RUN := +
endif

# --- Settings you can override on the command line -------------------------------------

# The Python 3.11 that creates .venv: make PYTHON=/usr/bin/python3.11 install
PYTHON ?= python3
# Extra arguments for `python -m civharm.validate`: make validate ARGS="--format json"
ARGS ?=
# Extra arguments for pytest: make test PYTEST_ARGS='-k "claims or grades" -x'
PYTEST_ARGS ?=

VENV  := .venv
BIN   := $(VENV)/bin
# Touched after a complete install; when it is older than the lock, .venv is updated.
STAMP := $(VENV)/.installed
# cffconvert pins jsonschema<4, which conflicts with frictionless 5, so it has its own
# environment, .venv-cff, from requirements-cff.lock (set up by the first command that needs it:
# cff-check, cite, test, docs). Defined here, before the rules that name it as a prerequisite.
CFF_VENV  := .venv-cff
CFF_STAMP := $(CFF_VENV)/.installed
# Machine-readable output (make validate ARGS="--format json", make diff FORMAT=json) is the only
# thing those targets print on stdout: their recipes are silent (@) and the install step's
# messages go to stderr, so `make validate ARGS="--format json" | jq .` works even on a first run.
# `"$$PYTHON" $(IS_PY311)` in a recipe fails unless that Python is 3.11 (pyproject.toml's requires-python).
IS_PY311 := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'

# --- Commands ------------------------------------------------------------------------------

.PHONY: help install validate test fmt fmt-check coverage bench db sql parquet sql-script r-script lock clean

help: ## List the commands (this screen)
	@echo "civharm: run these from the repository root."
	@echo
	@awk 'BEGIN { FS = ":.*## " } /^[a-zA-Z_-]+:.*## / { name[++n] = $$1; text[n] = $$2; if (length($$1) > w) w = length($$1) } \
	  END { for (i = 1; i <= n; i++) printf "  make %-" w "s  %s\n", name[i], text[i] }' $(MAKEFILE_LIST)
	@echo
	@echo "Options:  make validate ARGS=\"--format json\"   make test PYTEST_ARGS=\"-k claims -x\""
	@echo "          PYTHON=python3.11 chooses the Python that creates .venv."

install: $(STAMP) ## Set up .venv from requirements.lock (automatic; reruns when the lock changes)

# The real work of `install`. It runs when the stamp is missing or older than the lock or
# pyproject.toml; a failed install leaves no stamp, so the next command tries again.
$(STAMP): requirements.lock pyproject.toml
	$(RUN)@if [ -f $@ ]; then \
	  echo "Updating .venv: $? changed since the last install…" >&2; \
	else \
	  echo "Setting up .venv from requirements.lock (first run only)…" >&2; \
	fi
	$(RUN)@if [ ! -x $(BIN)/python ]; then \
	  "$$PYTHON" $(IS_PY311) 2>/dev/null || { \
	    echo "civharm needs Python 3.11, but '$$PYTHON' is: $$("$$PYTHON" --version 2>&1)." >&2; \
	    echo "Install Python 3.11, or point make at it: make PYTHON=/path/to/python3.11 ..." >&2; \
	    exit 2; }; \
	  "$$PYTHON" -m venv $(VENV) >&2; \
	fi
	$(RUN)@$(BIN)/python $(IS_PY311) || { \
	  echo "$(VENV) was made with $$($(BIN)/python --version 2>&1), not Python 3.11: run 'make clean', then try again." >&2; \
	  exit 2; }
	$(RUN)@echo "  pip install -r requirements.lock" >&2
	$(RUN)@$(BIN)/python -m pip install --quiet -r requirements.lock >&2
	$(RUN)@echo "  pip install --no-deps -e .   (the civharm and validate packages, editable)" >&2
	$(RUN)@$(BIN)/python -m pip install --quiet --no-deps -e . >&2
	$(RUN)@touch $@
	$(RUN)@echo "Environment ready: $(VENV) ($$($(BIN)/python --version 2>&1))." >&2

validate: install ## Check the data package: all seven layers, every problem at once (exit 0 valid, 1 invalid, 2 cannot run)
	$(RUN)@$(BIN)/python -m civharm.makeargs ARGS $(BIN)/python -m civharm.validate

test: install $(CFF_STAMP) ## Run the tests (pytest)
	$(BIN)/python -m civharm.makeargs PYTEST_ARGS $(BIN)/python -m pytest

fmt: install ## Rewrite data/*.csv in canonical form
	$(BIN)/python -m civharm.fmt

fmt-check: install ## Fail if any CSV is not in canonical form (changes nothing)
	$(BIN)/python -m civharm.fmt --check

coverage: install ## Refresh README.md's generated block: totals and what the data holds
	$(BIN)/python -m civharm.coverage --write README.md

# `import-ucdp` needs GED=path/to/ged.csv; DRY_RUN=1 prints the plan and writes nothing;
# REVIEW=path writes a review of every event (.md for Markdown, CSV otherwise).
# More options (window, governorate, crosswalk): .venv/bin/python -m importers.ucdp_ged --help
# make fuzz: coverage-guided fuzzing (atheris) of what reads untrusted input, for FUZZ_SECONDS;
# a crashing input is written to tests/fuzz_regressions/ and becomes a test (bench/fuzz.py).
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= csv

.PHONY: fuzz
fuzz: install ## Fuzz the validator, diff or importer: make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGET=csv|descriptor|schema|diff|importer]
	$(BIN)/python -m bench.fuzz --seconds "$$FUZZ_SECONDS" --target "$$FUZZ_TARGET"

.PHONY: import-airwars
import-airwars: install ## Import the Airwars register (curation/airwars_register_*.csv): make import-airwars [DRY_RUN=1]
	$(BIN)/python -m importers.airwars_register $(if $(filter 1 yes true,$(DRY_RUN)),--dry-run)

.PHONY: import-reports
import-reports: install ## Import other sources' reports (curation/other_reports_*.csv): make import-reports [DRY_RUN=1] [DECIDED_ONLY=1]
	$(BIN)/python -m importers.reports_register $(if $(filter 1 yes true,$(DRY_RUN)),--dry-run) $(if $(filter 1 yes true,$(DECIDED_ONLY)),--decided-only)

.PHONY: import-ucdp
import-ucdp: install ## Import UCDP GED events: make import-ucdp GED=path [DRY_RUN=1] [REVIEW=path]
	@if [ -z "$$GED" ]; then \
	  echo "make import-ucdp needs the GED CSV: make import-ucdp GED=../shared/data/ucdp-ged-syria-19.1/ged_syria.csv [DRY_RUN=1]" >&2; \
	  exit 2; fi
	$(BIN)/python -m importers.ucdp_ged "$$GED" $(if $(filter 1 yes true,$(DRY_RUN)),--dry-run) $(if $(REVIEW),--review "$$REVIEW")

# --- Speed -------------------------------------------------------------------------------------

# make bench measures, on one package and each as a whole process: python -m civharm.validate, DuckDB
# reading every CSV (the floor no check can beat) and frictionless validate. It prints wall time,
# peak RSS and the ratios, and records the run in build/bench/<time>-<shape>-<N>.json.
#   SHAPE=synthetic  N short synthetic incidents (bench/synthesize.py)
#   SHAPE=real       the real package cloned ceil(N / its incidents) times, fresh IDs (bench/clone.py)
# Packages are cached in build/bench-<shape>-<N>/. N=100000 takes a minute or two; the
# validator's targets (issue 10) are set at N=1000000.
SHAPE ?= synthetic
N ?= 100000
# Seconds after which frictionless validate is cut and reported as "more than" (0 skips it)
FRICTIONLESS_CAP ?= 120
# Seconds after which `python -m civharm.validate` is cut too (0: never)
VALIDATE_CAP ?= 0

.PHONY: bench-compare

bench: install ## Time validate, DuckDB's bare read and frictionless: make bench [SHAPE=real] [N=100000]
	$(BIN)/python -m bench.run --shape "$$SHAPE" -n "$$N" --frictionless-cap "$$FRICTIONLESS_CAP" --validate-cap "$$VALIDATE_CAP"

bench-compare: install ## Print the last five make bench records side by side
	@$(BIN)/python -m bench.run --compare 5

# --- The query layer (DuckDB) ---------------------------------------------------------------

DB := build/civharm.duckdb
# `make sql` is a full DuckDB shell over local files (it can read and write any file you can).
# One query: make sql Q='FROM official_vs_monitors'; one file: make sql FILE=sql/cookbook/01-….sql
Q ?=
FILE ?=

db: install ## Build build/civharm.duckdb (typed tables, comments, views) from a valid package
	$(BIN)/python -m civharm.db db

sql: $(DB) ## Open the database read-only in the DuckDB shell; or run SQL: make sql Q='FROM deaths_by_month' | FILE=q.sql
ifneq ($(strip $(FILE)),)
	@$(BIN)/duckdb -readonly -bail $(DB) -f "$$FILE"
else ifneq ($(strip $(Q)),)
	@$(BIN)/duckdb -readonly -bail $(DB) -c "$$Q"
else
	$(BIN)/duckdb -readonly $(DB)
endif

# Built on the way to `make sql`, saying so on stderr: stdout holds only the query's rows.
$(DB): $(STAMP) datapackage.json $(wildcard data/*.csv schemas/*.json sql/views/*.sql)
	@echo "Building $(DB) from the package…" >&2
	@$(BIN)/python -m civharm.db db >&2

parquet: install ## Write build/parquet/<table>.parquet with version, licence and citation metadata
	$(BIN)/python -m civharm.db parquet

sql-script: install ## Regenerate sql/load.sql (plain DuckDB CLI: duckdb -init sql/load.sql)
	$(BIN)/python -m civharm.metadata.ddl

r-script: install ## Regenerate R/civharm.R (each table read into R by readr with the schema's types)
	$(BIN)/python -m civharm.metadata.rreader

# --- The documentation site ---------------------------------------------------------------

# CIVHARM_PACKAGE=path/to/package documents another copy of the package (default: this one).
# NO_MKDOCS_2_WARNING silences Material's banner about its successor.
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs

.PHONY: docs serve docs-wasm

# The SQL page's DuckDB-WASM: pinned npm packages fetched with npm pack, sha512-checked, cached in
# build/duckdb-wasm-<version>/ (civharm/docs/wasm.py says why it is not committed). The docs build
# does this by itself the first time; this target does it ahead (for a machine that goes offline).
docs-wasm: install ## Fetch and check the SQL page's pinned DuckDB-WASM into build/ (the docs build does it once by itself)
	$(BIN)/python -m civharm.docs.wasm

docs: install $(CFF_STAMP) ## Build the documentation site into site/ (mkdocs build --strict; pages generated from the data)
	$(MKDOCS) build --strict

serve: install $(CFF_STAMP) ## Serve the documentation on http://127.0.0.1:8000, rebuilt when docs, data or schemas change
	$(MKDOCS) serve --strict --dev-addr 127.0.0.1:8000

# --- Versions, releases and citation (docs/versions.md) -------------------------------------

# make diff FROM=… [TO=…]: FROM and TO are each a released version (0.2.0, resolved by
# releases/versions.csv), a git revision, a package folder or a release zip (TO defaults to the working tree); FORMAT=json for machines, markdown for CHANGELOG.md.
FROM ?=
TO ?= .
FORMAT ?= text
# make bump VERSION=0.2.0 FROM=<previous release> [DATE=YYYY-MM-DD];  make cite ID=CH-000002
VERSION ?=
DATE ?=
ID ?=

.PHONY: diff bump release verify-release cite zenodo cff-check

diff: install ## Compare two versions, with the bump needed: make diff FROM=<version|rev|folder|zip> [TO=…] [FORMAT=json|markdown]
	@if [ -z "$$FROM" ]; then \
	  echo "make diff needs FROM, a released version, git revision, package folder or release zip: make diff FROM=0.2.0 [TO=.] [FORMAT=json|markdown]" >&2; \
	  exit 2; fi
	@$(BIN)/python -m civharm.diff "$$FROM" "$$TO" --format "$$FORMAT"

bump: install $(CFF_STAMP) ## Set a new version and date everywhere and draft its changelog: make bump VERSION=0.2.0 FROM=<rev>
	@if [ -z "$$VERSION" ] || [ -z "$$FROM" ]; then \
	  echo "make bump needs VERSION and FROM, the previous release: make bump VERSION=0.2.0 FROM=<rev> [DATE=YYYY-MM-DD]" >&2; \
	  exit 2; fi
	$(BIN)/python -m civharm.release bump "$$VERSION" --from "$$FROM" $(if $(DATE),--date "$$DATE")

release: install ## Build dist/civharm-<version>.zip, its wheel, Parquet and DuckDB; VERSION=<released> rebuilds that one from its commit
	@$(BIN)/python -m civharm.release build $(if $(VERSION),--version "$$VERSION")

verify-release: install ## Rebuild a released version from the commit releases/versions.csv records and compare its sha256: make verify-release VERSION=0.2.0
	@if [ -z "$$VERSION" ]; then \
	  echo "make verify-release needs VERSION, a version in releases/versions.csv: make verify-release VERSION=0.2.0" >&2; \
	  exit 2; fi
	@$(BIN)/python -m civharm.release verify "$$VERSION"

cite: install $(CFF_STAMP) ## Print BibTeX and APA (rendered by cffconvert) and the form to cite one incident (make cite ID=CH-000002)
	@$(BIN)/python -m civharm.cite $(if $(ID),--id "$$ID")

zenodo: install $(CFF_STAMP) ## Regenerate .zenodo.json with cffconvert from CITATION.cff (make zenodo CHECK=1 only compares)
	$(BIN)/python -m civharm.cite --zenodo $(if $(CHECK),--check)

cff-check: $(CFF_STAMP) ## Validate CITATION.cff with cffconvert (its own environment, .venv-cff)
	$(CFF_VENV)/bin/cffconvert --validate --infile CITATION.cff

$(CFF_STAMP): requirements-cff.lock
	@echo "Setting up $(CFF_VENV) for cffconvert from requirements-cff.lock…" >&2
	@if [ ! -x $(CFF_VENV)/bin/python ]; then "$$PYTHON" -m venv $(CFF_VENV) >&2; fi
	@$(CFF_VENV)/bin/python -m pip install --quiet -r requirements-cff.lock >&2
	@touch $@

# `lock` installs pyproject.toml's direct dependencies (with the test extra) into a
# throwaway venv and writes what pip freeze reports. Only a complete run replaces the lock.
lock: ## Regenerate requirements.lock from pyproject.toml's direct dependencies
	@"$$PYTHON" $(IS_PY311) || { echo "make lock needs Python 3.11: make lock PYTHON=/path/to/python3.11" >&2; exit 2; }
	@echo "Resolving pyproject.toml's dependencies in a throwaway venv…"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	"$$PYTHON" -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  deps = p["dependencies"] + [d for extra in p.get("optional-dependencies", {}).values() for d in extra]; \
	  print("\n".join(deps))' > "$$tmp/direct.txt" && \
	"$$PYTHON" -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/python" -m pip install --quiet -r "$$tmp/direct.txt" && \
	"$$tmp/venv/bin/python" -m pip freeze > "$$tmp/requirements.lock" && \
	mv "$$tmp/requirements.lock" requirements.lock
	@echo "Wrote requirements.lock ($$(wc -l < requirements.lock) pins). Review it with: git diff requirements.lock"

clean: ## Remove .venv, .venv-cff and caches (the next command sets .venv up again)
	rm -rf $(VENV) $(CFF_VENV) .pytest_cache build dist *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -exec rm -rf {} +

# --- Variables to the recipes ------------------------------------------------------------------
# Every user variable reaches its program through the environment (see "Variables are data").
export $(USER_VARS)
