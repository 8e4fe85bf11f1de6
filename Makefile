# The course's tasks. `make book` and `make test` set everything up on a fresh machine.
# Each target is idempotent: the virtual environment is rebuilt only when a requirements file or
# pyproject.toml changes, the book only when a page, a notebook or the package changes.
# Without make (Windows, macOS, Linux): `python tools/setup_course.py` sets up the learner's set.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SETUP  := $(VENV)/.setup-done
HTML   := _build/html/index.html
HTML_ZH := _build/html/zh/index.html
NOTEBOOKS := $(wildcard notebooks/*.ipynb book/*.ipynb book/*/*.ipynb)

# Everything the rendered book is made from.
BOOK_SOURCES := _config.yml _toc.yml $(shell find book notebooks companion -type f \
                  \( -name '*.md' -o -name '*.ipynb' -o -name '*.py' -o -name '*.bib' -o -name '*.csv' \
                     -o -name '*.css' -o -name '*.js' \) -not -path '*/.ipynb_checkpoints/*' 2>/dev/null)

# The student download (every chapter without solutions, the package, its data, the measured tables),
# linked from the book: built before the book, which copies it into _build/html/_downloads/.
KIT := _build/kit/lstm-cafe-student.zip
KIT_ZH := _build/kit/zh/lstm-cafe-student.zip
KIT_SOURCES := _toc.yml requirements.txt pyproject.toml LICENSE LICENSE-TEXT.md CITATION.cff \
               tools/student_kit.py tools/make_student.py tools/setup_course.py \
               $(shell find notebooks companion benchmarks -type f \( -name '*.ipynb' -o -name '*.py' \
                  -o -name '*.csv' -o -name '*.json' -o -name '*.md' \) -not -path '*/.ipynb_checkpoints/*' \
                  -not -path '*/__pycache__/*' 2>/dev/null)

# A fixed hash seed everywhere, so that a run repeats on one machine.
export PYTHONHASHSEED := 0
# Settings for test runs only (no GUI backend, no progress bars in test output). They are set on
# the test commands below and never exported: `make lab` and `make book` show what a learner sees,
# figures and progress bars included.
TEST_ENV := MPLBACKEND=Agg COMPANION_PROGRESS=0
# pip's per-machine index settings can print one warning per package; keep set-up output readable.
QUIET_PIP := 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

# The Chinese edition's translations (Sphinx gettext catalogs, one per page, plus values.po).
CATALOGS := $(shell find locales -name '*.po' 2>/dev/null)

.PHONY: help setup book translation student-zh test lint unit student-notebooks book-check browser lab-test no-make-setup screenshot lab lab-check student bench clean

help:  ## list the tasks
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/' | expand -t 14

setup: $(SETUP)  ## create .venv and install the pinned requirements and the package

# requirements-dev.txt = the learner's requirements.txt + the test and browser tooling.
$(SETUP): requirements.txt requirements-dev.txt pyproject.toml tools/setup_course.py
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: install python3.11 and run make again."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip $(QUIET_PIP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt $(QUIET_PIP)
	# The distribution was called `companion` before it became lstm-cafe-companion: drop a stale one.
	$(BIN)/python -m pip uninstall --quiet --yes companion 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . $(QUIET_PIP)
	$(BIN)/python tools/setup_course.py lab-settings $(VENV)
	@touch $@
	@echo "Set-up done: $(VENV) holds the pinned requirements (learner + developer) and the companion package."

book: $(HTML) $(HTML_ZH)  ## build the rendered book, English (_build/html) and Chinese (_build/html/zh)
	@echo "The book is at file://$(CURDIR)/_build/html/index.html (中文版: file://$(CURDIR)/_build/html/zh/index.html)"

$(KIT): $(SETUP) $(KIT_SOURCES)
	$(BIN)/python -m tools.student_kit $@

$(KIT_ZH): $(SETUP) $(KIT_SOURCES) $(CATALOGS) tools/translate_notebook.py
	$(BIN)/python -m tools.student_kit $@ zh

# Sphinx rebuilds only the pages whose source changed. A change to the book's extensions or static
# files (CSS, JavaScript) changes no page's source, and Sphinx, finding no page out of date, stops
# before it copies the static files: such a change rebuilds every page (--all).
WHOLE_BOOK_SOURCES := book/_ext/% book/_static/%

$(HTML): $(SETUP) $(BOOK_SOURCES) $(KIT)
	# -W: warnings are errors; -n: a broken cross-reference is a warning, hence an error.
	# A failed build may still have written index.html: remove it, so that the next make rebuilds.
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going \
	  $(if $(filter $(WHOLE_BOOK_SOURCES),$?),--all) || { rm -f $@; exit 1; }
	@touch $@

# The Chinese edition reads the chapters as the English build executed them and the numbers its
# {eval} roles recorded (tools/zh_edition.py): nothing is executed twice.
$(HTML_ZH): $(HTML) $(KIT_ZH) $(CATALOGS) tools/zh_edition.py
	$(BIN)/python -m tools.zh_edition build || { rm -f $@; exit 1; }

# No chapter runs: the English messages are read from the sources (tools/zh_edition.py sync).
translation: $(SETUP)  ## after changing English prose and its catalog entries: merge and check the catalogs, write student-zh/ (about 12 s)
	$(BIN)/python -m tools.zh_edition sync

REPORTS := _build/reports
JUNIT = --junitxml=$(REPORTS)/$(1).xml

# `make test` runs its steps in three stages, two jobs at a time on the machine's two cores:
# 1. nbval runs the student copies of the chapters (proving they run without their solutions)
#    while the book build executes the full chapters, solution cells included, with any error
#    failing the build. Each gets one thread.
# 2. axe-core's accessibility check (Chromium on every page, about 5 min) beside, in turn, the
#    checks of the built pages, the page visits in Chromium and the unit tests (one thread).
# 3. The JupyterLab run of every chapter beside the fresh-clone set-up (mostly pip).
# The unit tests need no book; they run in stage 2, where a core is free, rather than first.
# While developing, `make unit` runs them alone (about 1.5 min).
test: lint  ## every check: ruff, unit tests, notebooks, book build, book pages, browser, JupyterLab, no-make set-up
	rm -rf $(REPORTS) && mkdir -p $(REPORTS)
	OMP_NUM_THREADS=1 $(MAKE) --no-print-directory -j2 --output-sync=target student-notebooks book
	$(MAKE) --no-print-directory -j2 --output-sync=target browser-a11y checks-in-turn
	$(MAKE) --no-print-directory -j2 --output-sync=target lab-test no-make-setup
	@$(BIN)/python -m tools.test_summary $(REPORTS)

.PHONY: checks-in-turn
checks-in-turn: $(HTML) $(HTML_ZH)
	$(MAKE) --no-print-directory book-check
	$(MAKE) --no-print-directory browser-pages
	OMP_NUM_THREADS=1 $(MAKE) --no-print-directory unit

lint: $(SETUP)  ## ruff, and no notebook committed with outputs
	$(BIN)/ruff check .
	$(BIN)/nbstripout --verify $(NOTEBOOKS) || { echo "A notebook holds outputs: run '$(BIN)/nbstripout $(NOTEBOOKS)'."; exit 1; }

unit: $(SETUP)  ## unit and property tests of the companion package
	mkdir -p $(REPORTS)
	$(TEST_ENV) $(BIN)/python -m pytest tests -m "not book and not lab and not fresh_clone" --ignore=tests/browser --ignore=tests/lab -q $(call JUNIT,1-unit)

NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=300 -p tests.nbval_guard -p no:cacheprovider

student-notebooks: student  ## execute the student copies with nbval (fails if a chapter in _toc.yml did not run)
	$(TEST_ENV) $(BIN)/python -m pytest student book $(NBVAL) --require-toc --student-dir=student -q $(call JUNIT,2-notebooks)

book-check: $(HTML) $(HTML_ZH)  ## the book build (warnings as errors), then checks of the built pages
	$(TEST_ENV) $(BIN)/python -m pytest tests -m book --ignore=tests/browser -q $(call JUNIT,3-book)

# The accessibility check (axe-core on every page, both editions, both colour modes) runs beside
# the page check: both wait on Chromium much of the time, so together they take less than in turn.
browser: $(HTML) $(HTML_ZH) chromium  ## every page in headless Chromium, network blocked: loads, search, accessibility
	$(MAKE) --no-print-directory -j2 --output-sync=target browser-pages browser-a11y

.PHONY: browser-pages browser-a11y
browser-pages: $(HTML) $(HTML_ZH) chromium
	$(TEST_ENV) $(BIN)/python -m pytest tests/browser --ignore=tests/browser/test_accessibility.py -q $(call JUNIT,4-browser)

browser-a11y: $(HTML) $(HTML_ZH) chromium
	$(TEST_ENV) $(BIN)/python -m pytest tests/browser/test_accessibility.py -q $(call JUNIT,4-accessibility)

no-make-setup: $(SETUP)  ## the set-up without make (tools/setup_course.py) in a fresh clone, then a chapter (~2 min)
	$(TEST_ENV) $(BIN)/python -m pytest tests -m fresh_clone -q $(call JUNIT,6-no-make-setup)

screenshot: $(HTML) chromium  ## a PNG of the page with an equation, network blocked: _build/screenshot.png
	$(BIN)/python -m tools.screenshot book/intro.html _build/screenshot.png

lab-test: $(HTML) $(HTML_ZH) student student-zh chromium  ## every chapter (student copy) in a real JupyterLab: rendered prose, numbers, figures
	# One thread, as the book build of `make test`: the numbers of both runs are compared.
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest tests/lab -m lab -q $(call JUNIT,5-lab)

lab-check: $(SETUP) chromium  ## run the trading dashboard in a real JupyterLab in headless Chromium: step a control, axe, progress bars
	$(BIN)/python -m tools.lab_check notebooks/08_trade.ipynb _build/lab_check.png

.PHONY: chromium
# Chromium, and a CJK font for the Chinese edition's pages (the browser test checks they draw).
chromium:
	@{ command -v chromium >/dev/null && fc-list :lang=zh | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "The browser test needs Chromium and a CJK font: run 'sudo apt-get install chromium fonts-noto-cjk' (Debian/Ubuntu)."; exit 1; fi; }

lab: $(SETUP)  ## JupyterLab on the chapters, with the course's kernel, figures and progress bars
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Note: you are root. JupyterLab refuses root unless told (--allow-root); that is fine in a"; \
	  echo "container or a VM of your own. On a shared machine, run 'make lab' as a normal user instead."; fi
	$(BIN)/jupyter lab notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

student: $(SETUP)  ## student copies of the notebooks, without solution cells, in student/
	rm -rf student && $(BIN)/python -m tools.make_student notebooks student

student-zh: $(SETUP)  ## the same in Chinese (中文学生版), prose from the catalogs, in student-zh/
	rm -rf student-zh && $(BIN)/python -m tools.translate_notebook notebooks student-zh

bench: $(SETUP)  ## the heavy experiments; writes benchmarks/results/ (minutes)
	$(BIN)/python -m benchmarks.run_all

clean:  ## remove the build, the student copies and the venv
	rm -rf _build student student-zh $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
