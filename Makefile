# SPDX-License-Identifier: MIT
# essc: one program with subcommands, its tests and its benchmarks.
# docs/ARCHITECTURE.md explains the layers this file builds.
#
#   make            build ./essc
#   make run        install the missing Debian packages running needs (as root), build,
#                   run the main job
#   make check      the same with the packages the tests need; lint, build and run every
#                   test with prove (SANITIZE=1: under ASan+UBSan)
#   make install    install essc, its data and documents (PREFIX=/usr/local, DESTDIR=);
#                   make uninstall removes them; make install-mpi: the MPI build as essc-mpi
#   make lint       check the include rules between the layers
#   make golden     rewrite tests/golden/ from the current build (review the diff)
#   make man        the man pages, build/man/essc.1 and essc-COMMAND.1, from the built essc
#   make bench      build and run the benchmarks (FUZZ_SECONDS=N: the fuzzer's time per fault)
#   make mutate     mutation score of the conformance suite (docs/MUTATION.md)
#   make fuzz       coverage-guided fuzzing of every parser, FUZZ_SECONDS each (docs/PARSER-FUZZING.md)
#   make deb        the Debian packages essc and essc-mpi in build-deb/, and lintian (debian/README.source)
#   make clean
#
# WERROR=1 turns warnings into errors (CI sets it).  Objects go to build/
# (build-san/ with SANITIZE=1, build-mpi/ with MPI=1, build-fuzz/ with FUZZ=1: clang
# and libFuzzer's coverage), so the builds live side by side.

CC         ?= gcc
PKG_CONFIG ?= pkg-config
PKGS       := glib-2.0 gio-2.0 libsodium sqlite3 json-glib-1.0 libsoup-3.0

# Where `make install` puts things (GNU names; DESTDIR is prepended to each,
# not compiled in).  The data root $(datadir)/essc is compiled in: the
# program looks there for its scenarios and vectors when it runs neither
# from its build tree nor beside a ../share/essc (base/datadir.h).
PREFIX     ?= /usr/local
prefix     ?= $(PREFIX)
bindir     ?= $(prefix)/bin
datadir    ?= $(prefix)/share
docdir     ?= $(datadir)/doc/essc
mandir     ?= $(datadir)/man
bashcompdir ?= $(datadir)/bash-completion/completions

ifeq ($(FUZZ),1)                      # clang with libFuzzer's coverage, ASan and UBSan
  BUILD    := build-fuzz
  CC       := clang
  SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
  OPT      := -O1
else ifeq ($(SANITIZE),1)
  BUILD    := build-san
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT      := -O1
else
  BUILD    := build
  OPT      := -O2
endif
ifeq ($(MPI),1)                       # the simulator over Open MPI
  BUILD    := $(BUILD)-mpi
  CC       := mpicc
  MPIFLAGS := -DESSC_MPI
endif

comma := ,
empty :=
space := $(empty) $(empty)
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wvla -Wpointer-arith $(if $(filter 1,$(WERROR)),-Werror)
override CFLAGS  += -std=gnu11 $(OPT) -g $(WARN) $(SANFLAGS) -I. -I$(BUILD)/gen $(MPIFLAGS) \
                    -DESSC_VERSION='"$(shell cat VERSION)"' \
                    -DESSC_DATAROOT='"$(datadir)/essc"' \
                    $(if $(SANFLAGS),-DESSC_SANITIZERS='"$(subst $(space),$(comma),$(patsubst -fsanitize=%,%,$(filter -fsanitize=%,$(SANFLAGS))))"') \
                    $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
override LDFLAGS += $(SANFLAGS)
LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm
Q      := $(if $(filter 1,$(V)),,@)  # V=1 shows every command line

# ---- the layers: a folder, its modules (X.c + X.h), the archive ----------
# Adding a module is adding its name here.  A layer's code includes headers
# only from the layers named in its USES_ line (checked by `make lint`), and
# a test in tests/LAYER/ links the archives of LAYER and of what LAYER uses.

DIR_base         := base
MODS_base        := regions names error text bytes hex time sqlite dbkind proc file stats csv datadir
USES_base        :=

DIR_sim          := sim
MODS_sim         := rng binomial engine summary histogram histogram_bytes queue erlang mpi \
                    reduce model jobs abc sensitivity
USES_sim         := base

DIR_std          := model/std
MODS_std         := stdcode keypair id card ecard pin credential base45 qr consent \
                    channel channel_request channel_replay channel_relay ledger ledger_book audit issuer \
                    store store_row store_table store_head
USES_std         := base

DIR_rollout      := model/rollout
MODS_rollout     := datapath access demography arrivals posterior calibrate scenario scenario_estimate scenario_calibration scenario_keyfile scenario_keys scenario_latency scenario_csv \
                    published cities catalogue rollout rollout_checkpoint rollout_procs \
                    latency latency_io sweep sweep_result sens sensdb verdict rundb rundb_latency rundb_posterior rundb_verdict \
                    calibdb
USES_rollout     := std sim base

DIR_conformance  := conformance
MODS_conformance := json child transcript transport transport_pipe transport_http client \
                    impl impl_verifier impl_channel impl_platform impl_platform_pin \
                    impl_platform_chan impl_http faults \
                    vectors vec_fixture vec_id vec_credential vec_qr vec_boundary vec_channel \
                    vec_channel_role vec_channel_edge vec_consent vec_payment vec_card vec_pin \
                    vec_audit vec_flows vec_encoding \
                    cert cert_file signature certificate feed run_report manifest plan profile waivers expect runner output resultsdb selftest \
                    fuzz fuzz_seq fuzz_gen fuzz_mutate fuzz_shrink fuzz_write
USES_conformance := std base

DIR_reports      := reports
MODS_reports     := report reader gnuplot html html_csv latency latency_plots conform conform_cert \
                    conform_plots rollout rollout_verdict rollout_plots rollout_maps rollout_forecast compare \
                    compare_page sweep sensitivity calibration calibration_plots posterior_plots export
USES_reports     := base

DIR_registry     := registry
MODS_registry    := regdb change check lifecycle lifecycle_cert publish token
USES_registry    := reports conformance std base

DIR_serve        := serve
MODS_serve       := store pool run_json recover http actions api sse page static views views_staff pages
USES_serve       := registry reports conformance std base

DIR_cli          := cli
MODS_cli         := main version db_guard progress cmd_id cmd_demo cmd_store cmd_sim sim_latency points cmd_sweep cmd_sensitivity cmd_calibrate cmd_report cmd_compare cmd_export \
                    cmd_bench bench_service cmd_impl cmd_vectors cmd_keygen cmd_cert \
                    cmd_conform conform_server cmd_selftest cmd_fuzz cmd_scenario cmd_registry cmd_registry_token cmd_serve
USES_cli         := serve registry reports conformance rollout std sim base

# What a layer may include: its folder and those of the layers it uses; the
# rollout uses just one interface of the standard (keep it that narrow).
ALLOW_rollout := model/rollout model/std/channel.h sim base
allow = $(or $(ALLOW_$(1)),$(DIR_$(1)) $(foreach u,$(USES_$(1)),$(DIR_$(u))))

LAYERS := base sim std rollout conformance reports registry serve
objs    = $(MODS_$(1):%=$(BUILD)/$(DIR_$(1))/%.o) $(GEN_$(1))
lib     = $(BUILD)/lib$(1).a
GEN_base        := $(BUILD)/gen/regions.o       # the GB/T 2260 region table
GEN_conformance := $(BUILD)/gen/requirements.o  # ESSC-STD's requirement ids
GEN_rollout     := $(BUILD)/gen/borders.o       # the provinces' outlines for the maps

# ---- build ---------------------------------------------------------------

.PHONY: all deps deps-check deps-package run check lint golden bench clean mpi-essc mutate browser-deps \
        mutate-check mutate-env fuzz fuzz-build install install-mpi uninstall uninstall-mpi man deb
.SECONDARY:
all: essc

essc: $(BUILD)/essc
	$(if $(SANFLAGS),,cp $< $@)

$(BUILD)/essc: $(call objs,cli) $(foreach l,$(USES_cli),$(call lib,$(l)))
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(foreach l,$(LAYERS),$(eval $(call lib,$(l)): $(call objs,$(l))))
$(BUILD)/lib%.a:
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/%.o: %.c | deps-quiet
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Generated sources: the county code list as a sorted C array (id checks do
# no I/O), the standard's requirement ids and levels (the coverage table) and
# the provinces' outlines that the run database copies for the maps.
$(BUILD)/gen/regions.c: base/data/counties-2023.csv tools/gen-regions.sh
$(BUILD)/gen/requirements.c: docs/ESSC-STD.md tools/gen-requirements.sh
$(BUILD)/gen/%.c:
	@mkdir -p $(dir $@)
	sh tools/gen-$*.sh $(firstword $^) > $@.tmp && mv $@.tmp $@
# The provinces' outlines (model/rollout/data/README.md) from two files.
BORDERS_CSV := model/rollout/data/provinces.csv model/rollout/data/province-borders.csv
$(BUILD)/gen/borders.c: $(BORDERS_CSV) tools/gen-borders.sh
	@mkdir -p $(dir $@)
	sh tools/gen-borders.sh $(BORDERS_CSV) > $@.tmp && mv $@.tmp $@

# ---- tests ---------------------------------------------------------------
# tests/LAYER/test_NAME.c -> $(BUILD)/tests/LAYER/NAME.test, linked with the
# test library (tests/lib/) and the archives of LAYER and the layers it uses.
# Tests in tests/cli/ run the essc binary.

TEST_SRCS := $(sort $(wildcard tests/*/test_*.c))
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%.test,$(subst /test_,/,$(TEST_SRCS)))
TESTLIB   := $(BUILD)/libtest.a
test_libs  = $(TESTLIB) $(foreach l,$(filter $(LAYERS),$(1) $(USES_$(1))),$(call lib,$(l)))

$(TESTLIB): $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))

.SECONDEXPANSION:
$(BUILD)/tests/%.test: $(BUILD)/tests/$$(dir $$*)test_$$(notdir $$*).o \
                       $$(call test_libs,$$(firstword $$(subst /, ,$$*)))
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check: deps-check lint $(BUILD)/essc $(TEST_BINS) mpi-essc fuzz-build browser-deps
	ESSC_BIN=$(CURDIR)/$(BUILD)/essc ESSC_SRCDIR=$(CURDIR) ESSC_MPI_BIN=$(CURDIR)/build-mpi/essc \
	  ESSC_FUZZ_DIR=$(CURDIR)/build-fuzz/fuzz ESSC_NODE_MODULES=$(CURDIR)/$(BROWSER_DIR)/node_modules \
	  $(if $(SANFLAGS),ESSC_SANITIZE=1) prove --exec '' $(if $(CI),,-j2) $(TEST_BINS)
	$(if $(SANFLAGS),,@$(MAKE) --no-print-directory mutate-check)

# The browser tests (tests/browser/*.mjs, run by tests/cli/test_serve_e2e.c)
# drive Debian's chromium with puppeteer-core from npm, pinned by
# tests/browser/package-lock.json: `npm ci` installs it into
# build/browser/node_modules when missing or when the lock changed.  It needs
# the npm registry once; without it the rule fails (the test is not skipped).
BROWSER_DIR   := build/browser
BROWSER_STAMP := $(BROWSER_DIR)/node_modules/.essc-installed
browser-deps: $(BROWSER_STAMP)
$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json | deps-check
	@echo "  NPM     $(BROWSER_DIR)/node_modules (npm ci)"
	$(Q)rm -rf $(BROWSER_DIR) && mkdir -p $(BROWSER_DIR)
	$(Q)cp tests/browser/package.json tests/browser/package-lock.json $(BROWSER_DIR)/
	$(Q)cd $(BROWSER_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
	  || { echo "make: npm ci failed in $(BROWSER_DIR): the browser test needs puppeteer-core" \
	       "from the npm registry ($$(npm config get registry)); make check cannot run without it" >&2; \
	       rm -rf $(BROWSER_DIR)/node_modules; exit 2; }
	$(Q)touch $@

# The MPI tests run the MPI build (without sanitizers: Open MPI's own
# allocations are not ours to check) under mpirun.
mpi-essc: deps-check
	@$(MAKE) --no-print-directory MPI=1 SANITIZE= build-mpi/essc

# ---- coverage-guided fuzzing (docs/PARSER-FUZZING.md) ----------------------
# tests/fuzz/fuzz_NAME.c is a libFuzzer harness for one parser, linked with
# tests/fuzz/harness.c and every layer built by clang with coverage, ASan and
# UBSan (FUZZ=1, build-fuzz/); its seeds and kept crashes are in
# tests/fuzz/corpus/NAME/.  `make fuzz` runs each for FUZZ_SECONDS (new
# inputs go to build-fuzz/corpus/NAME/, crashes to build-fuzz/crashes/);
# make check's tests/fuzz/test_fuzz.c replays each corpus and fuzzes a few
# seconds.  FUZZ_ONLY='base45 qr' picks harnesses.

FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS    := $(FUZZ_NAMES:%=build-fuzz/fuzz/%)
FUZZ_LAYERS  := registry reports conformance rollout std sim base
FUZZ_ONLY    ?= $(FUZZ_NAMES)

fuzz-build: deps-check
	@$(MAKE) --no-print-directory FUZZ=1 SANITIZE= MPI= $(FUZZ_BINS)

fuzz: fuzz-build
	sh tools/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_ONLY)

build-fuzz/fuzz/%: build-fuzz/tests/fuzz/fuzz_%.o build-fuzz/tests/fuzz/harness.o \
                   $$(foreach l,$$(FUZZ_LAYERS),$$(call lib,$$(l)))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

lint:
	@sh tools/lint-includes.sh $(foreach l,$(LAYERS) cli,"$(DIR_$(l)):$(call allow,$(l))")

golden: $(BUILD)/essc $(BUILD)/tests/cli/golden.test
	ESSC_BIN=$(CURDIR)/$(BUILD)/essc ESSC_SRCDIR=$(CURDIR) ESSC_GOLDEN_UPDATE=1 \
	  $(BUILD)/tests/cli/golden.test
	@git status --short tests/golden

# ---- man pages -------------------------------------------------------------
# build/man/essc.1 and essc-COMMAND.1 for every command of `essc --help`, made
# from the program's --help texts and tools/man-pages.txt (each command's
# files and examples) by tools/gen-man.sh, for the PREFIX essc is installed
# in (docs/HACKING.md, "Man pages").  MAN_BIN (INSTALL_BIN when given) is the
# program asked; made every time, as a different PREFIX gives other pages.
# SOURCE_DATE_EPOCH, when set, dates them (else today).

MAN_BIN ?= $(or $(INSTALL_BIN),$(BUILD)/essc)

man: $(filter $(BUILD)/essc,$(MAN_BIN))
	@echo "  MAN     build/man ($(MAN_BIN))"
	$(Q)sh tools/gen-man.sh $(MAN_BIN) build/man $(PREFIX) $(shell cat VERSION)

# ---- install ---------------------------------------------------------------
# make install [PREFIX=/usr/local] [DESTDIR=DIR] puts the program in
# $(bindir), its data (the vectors, the scenarios with their data files) in
# $(datadir)/essc, the documents (README.md, docs/, examples/) in $(docdir),
# the man pages of make man (build/man/*.1) in $(mandir)/man1 and the bash
# completion (tools/completion/essc) in $(bashcompdir), each when there.
# INSTALL_BIN=FILE installs that already built program instead of building
# $(BUILD)/essc (make check's tests/cli/test_install.c does).  make uninstall
# removes exactly those files, and the essc folders it made when empty.
# make install-mpi / uninstall-mpi: the MPI build as $(bindir)/essc-mpi
# (INSTALL_MPI_BIN=FILE as INSTALL_BIN; the build needs Open MPI).

INSTALL         ?= install
INSTALL_BIN     ?=
INSTALL_MPI_BIN ?=
install_bin     := $(or $(INSTALL_BIN),$(BUILD)/essc)
install_mpi_bin := $(or $(INSTALL_MPI_BIN),build-mpi/essc)
essc_datadir    := $(datadir)/essc
DATA_VECTORS    := $(sort $(wildcard conformance/vectors/*.json))
DATA_SCENARIOS  := $(sort $(wildcard scenarios/*.ini scenarios/*.sweep scenarios/README.md \
                                     scenarios/data/*))
DOC_FILES       := $(sort $(wildcard docs/*.md docs/*.json docs/*/*)) \
                   $(sort $(wildcard examples/*/*))
COMPLETION      := tools/completion/essc
MAN_PAGES_DIR   := build/man
# Where each installed file goes (what uninstall removes).
inst_vectors    = $(DATA_VECTORS:conformance/vectors/%=$(DESTDIR)$(essc_datadir)/vectors/%)
inst_scenarios  = $(DATA_SCENARIOS:%=$(DESTDIR)$(essc_datadir)/%)
inst_docs       = $(DESTDIR)$(docdir)/README.md $(DOC_FILES:%=$(DESTDIR)$(docdir)/%)

install: $(if $(INSTALL_BIN),,$(BUILD)/essc)
	@test -x "$(install_bin)" || { echo "make install: no program $(install_bin)" >&2; exit 2; }
	$(INSTALL) -D -m 755 "$(install_bin)" "$(DESTDIR)$(bindir)/essc"
	@echo "  INSTALL $(DESTDIR)$(essc_datadir) (vectors, scenarios)"
	$(Q)for f in $(DATA_VECTORS); do \
	  $(INSTALL) -D -m 644 "$$f" "$(DESTDIR)$(essc_datadir)/vectors/$${f#conformance/vectors/}" || exit 2; \
	done
	$(Q)for f in $(DATA_SCENARIOS); do \
	  $(INSTALL) -D -m 644 "$$f" "$(DESTDIR)$(essc_datadir)/$$f" || exit 2; \
	done
	@echo "  INSTALL $(DESTDIR)$(docdir)"
	$(Q)$(INSTALL) -D -m 644 README.md "$(DESTDIR)$(docdir)/README.md"
	$(Q)for f in $(DOC_FILES); do \
	  if test -x "$$f"; then m=755; else m=644; fi; \
	  $(INSTALL) -D -m $$m "$$f" "$(DESTDIR)$(docdir)/$$f" || exit 2; \
	done
	$(Q)if LC_ALL=C $(MAKE) --no-print-directory -n man 2>&1 | grep -q "No rule to make target .man."; \
	then echo "  (no man pages: this tree has no make man)"; \
	else $(MAKE) --no-print-directory man INSTALL_BIN="$(install_bin)" || exit 2; fi
	$(Q)for f in $(MAN_PAGES_DIR)/*.1; do \
	  test -f "$$f" || continue; \
	  $(INSTALL) -D -m 644 "$$f" "$(DESTDIR)$(mandir)/man1/$${f##*/}" || exit 2; \
	done
	$(Q)if test -f $(COMPLETION); then \
	  $(INSTALL) -D -m 644 $(COMPLETION) "$(DESTDIR)$(bashcompdir)/essc"; fi

uninstall:
	rm -f "$(DESTDIR)$(bindir)/essc"
	@echo "  RM      $(DESTDIR)$(essc_datadir) $(DESTDIR)$(docdir) (the files installed)"
	$(Q)rm -f $(foreach f,$(inst_vectors) $(inst_scenarios) $(inst_docs),"$(f)")
	rm -f "$(DESTDIR)$(mandir)/man1/essc.1" "$(DESTDIR)$(mandir)/man1/essc-"*.1
	rm -f "$(DESTDIR)$(bashcompdir)/essc"
	$(Q)for d in "$(DESTDIR)$(essc_datadir)" "$(DESTDIR)$(docdir)"; do \
	  if test -d "$$d"; then find "$$d" -depth -type d -empty -delete; fi; \
	done

install-mpi:
	$(if $(INSTALL_MPI_BIN),,@$(MAKE) --no-print-directory MPI=1 SANITIZE= build-mpi/essc)
	$(INSTALL) -D -m 755 "$(install_mpi_bin)" "$(DESTDIR)$(bindir)/essc-mpi"

uninstall-mpi:
	rm -f "$(DESTDIR)$(bindir)/essc-mpi"

# ---- set-up and jobs -----------------------------------------------------

# Installs the missing Debian packages of a purpose (packages.txt's sections,
# tools/deps.sh) when root; otherwise names them.  deps: what building and
# running need (make, make run, make install); deps-check: that and what the
# tests need (make check, make bench); deps-package: that of deps and what
# building the Debian package needs.  SKIP_DEPS=1 skips them all (a package
# build, where dpkg-buildpackage has checked the Build-Depends and nothing
# may be installed).
deps_sh = $(if $(filter 1,$(SKIP_DEPS)),@:,@sh tools/deps.sh $(1))
deps deps-quiet:
	$(call deps_sh,run)
deps-check:
	$(call deps_sh,check)
deps-package:
	$(call deps_sh,package)

# The main job: the national scenario (20 replications on 2 threads: enough
# for visible 90% bands), the conformance suite against the reference channel
# (signed with a key made once in runs/; the TAP goes to a file, the verdict
# line to stderr), and the report of each (essc report: SVG, PNG, index.html).
RUN_SCENARIO := scenarios/national-2019.ini
RUN_NAME     := national-2019
RUN_DB       := runs/$(RUN_NAME)-$(shell sed -n 's/^seed *= *//p' $(RUN_SCENARIO) 2>/dev/null).db

run: deps essc
	@mkdir -p runs
	./essc sim $(RUN_SCENARIO) --db $(RUN_DB) --replications 20 --jobs 2 --plan-capacity
	@test -f runs/conformance.key || ./essc keygen --out runs/conformance
	rm -f runs/conformance.db
	./essc conform --role channel --impl "./essc impl --role channel" --db runs/conformance.db \
	  --sign runs/conformance.key --report runs/conformance-channel.report > runs/conformance-channel.tap
	./essc report $(RUN_DB) --out runs/$(RUN_NAME)-report
	./essc report runs/conformance.db --out runs/conformance-report
	@echo
	@echo "simulation:  $(RUN_DB)"
	@echo "             report runs/$(RUN_NAME)-report/index.html"
	@echo "conformance: runs/conformance.db, signed report runs/conformance-channel.report"
	@echo "             (essc cert check-report runs/conformance-channel.report --pub runs/conformance.pub)"
	@echo "             report runs/conformance-report/index.html"

# Differential fuzzing against every deliberate fault (FUZZ_SECONDS each, per
# role) and against the reference itself (FUZZ_REF_SECONDS per role): over an
# hour at the defaults; `make bench FUZZ_SECONDS=10 FUZZ_REF_SECONDS=60` is quicker.
FUZZ_SECONDS     ?= 60
FUZZ_REF_SECONDS ?= 600

bench: deps-check essc mpi-essc
	./essc bench
	sh tools/bench-conform.sh ./essc
	sh tools/bench-fuzz.sh ./essc $(FUZZ_SECONDS) $(FUZZ_REF_SECONDS)
	sh tools/bench-sim.sh ./essc
	sh tools/bench-calibrate.sh ./essc
	python3 tools/bench-serve.py ./essc
	sh tools/bench-mpi.sh build-mpi/essc
	python3 tools/mutate.py -j2 -q --out runs/mutate-all

# Mutation testing (docs/MUTATION.md): tools/mutate.py mutates the reference
# roles' sources (tests/mutate/files.txt) one mutant at a time, links each into
# a mutant essc and runs the suite against it.  `make mutate` measures the
# score on a fixed sample (the first line printed is the score);
# MUTATE_ARGS='--sample 1000 --seed 7' or '' (every mutant) changes it.
# `make check` runs the self-test and a small fixed sample that fails on a
# survivor listed neither in tests/mutate/equivalent.txt nor survivors.txt
# (not under SANITIZE=1: a sanitizer kills mutants the suite alone does not).
MUTATE_ARGS  ?= --sample 1200 --seed 1
MUTATE_CHECK := --sample 30 --seed check --check -q --out runs/mutate-check

mutate: essc
	python3 tools/mutate.py -j2 $(MUTATE_ARGS)

mutate-check: $(BUILD)/essc
	python3 tools/mutate.py --selftest
	python3 tools/mutate.py -j2 $(MUTATE_CHECK)

# What tools/mutate.py compiles and links a mutant with (it reads this).
mutate-env:
	$(info MUTATE_CC=$(CC))
	$(info MUTATE_CFLAGS=$(CFLAGS))
	$(info MUTATE_LDFLAGS=$(LDFLAGS))
	$(info MUTATE_LDLIBS=$(LDLIBS))
	$(info MUTATE_OBJS=$(call objs,cli))
	$(info MUTATE_LIBS=$(foreach l,$(USES_cli),$(call lib,$(l))))
	$(info MUTATE_BUILD=$(BUILD))
	@:

# The Debian packages (debian/, debian/README.source): dpkg-buildpackage in a
# copy of the tracked files as they are in the working tree (uncommitted
# changes included, untracked files not) in build-deb/essc-VERSION/, so this
# tree stays clean; then lintian (an error tag fails).  The .deb files and
# the .changes are left in build-deb/.  DEB_JOBS (2) parallel jobs;
# DEB_BUILD_OPTIONS=nocheck skips the quick test, DEB_BUILD_PROFILES=pkg.essc.nompi
# the essc-mpi package.
DEB_SRC  := build-deb/essc-$(shell cat VERSION)
DEB_JOBS ?= 2

deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null && command -v lintian >/dev/null || \
	  { echo "make deb: needs dpkg-dev, debhelper and lintian (as root: apt-get build-dep ./ && apt-get install lintian)" >&2; exit 2; }
	@git rev-parse --git-dir >/dev/null 2>&1 || \
	  { echo "make deb: $(CURDIR) is not a git checkout (it exports the tracked files)" >&2; exit 2; }
	rm -rf build-deb && mkdir -p $(DEB_SRC)
	tree=$$(git stash create) && git archive $${tree:-HEAD} | tar -x -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -j$(DEB_JOBS)
	lintian --info --display-info build-deb/essc_*.changes


clean:
	rm -rf build build-san build-mpi build-san-mpi build-fuzz build-deb essc

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
