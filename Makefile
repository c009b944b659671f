# SPDX-License-Identifier: MIT
# essc: one program with subcommands, its tests and its benchmarks.
#
#   make            build ./essc
#   make run        install missing Debian packages (as root), build, run the main job
#   make check      build and run every test with prove   (SANITIZE=1: under ASan+UBSan)
#   make bench      build and run the benchmarks
#   make clean
#
# WERROR=1 turns warnings into errors (CI sets it).  Objects go to build/
# (build-san/ with SANITIZE=1), so both builds can live side by side.

CC       ?= gcc
PKGS     := glib-2.0 gio-2.0 libsodium sqlite3 json-glib-1.0
PKG_CONFIG ?= pkg-config

ifeq ($(SANITIZE),1)
  BUILD    := build-san
  SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT      := -O1
else
  BUILD    := build
  SANFLAGS :=
  OPT      := -O2
endif

# MPI=1: the simulator over Open MPI (mpicc; objects in build-mpi/).
ifeq ($(MPI),1)
  BUILD    := $(BUILD)-mpi
  CC       := mpicc
  MPIFLAGS := -DESSC_MPI
endif

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wvla -Wpointer-arith
ifeq ($(WERROR),1)
  WARN += -Werror
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ESSC_VERSION := $(shell cat VERSION)
override CFLAGS += -std=gnu11 $(OPT) -g $(WARN) $(SANFLAGS) -I. -I$(BUILD)/gen \
                   -DESSC_VERSION='"$(ESSC_VERSION)"' $(MPIFLAGS) $(PKG_CFLAGS)
override LDFLAGS += $(SANFLAGS)
LDLIBS   = $(PKG_LIBS) -lm

# V=1 shows every command line.
ifneq ($(V),1)
  Q := @
endif

# ---- sources -------------------------------------------------------------

# model/: the standard's reference implementation, one module per concern.
MODEL_MODULES := stdcode common keypair id card ecard pin credential base45 qr consent \
                 channel channel_request ledger ledger_book audit issuer store store_row store_table \
                 scenario scenario_keyfile scenario_keys scenario_latency scenario_csv published cities catalogue rollout rollout_checkpoint rollout_procs latency latency_io sweep sweep_result \
                 simdb simdb_latency
MODEL_OBJS    := $(MODEL_MODULES:%=$(BUILD)/model/%.o) $(BUILD)/gen/regions.o

# sim/: the simulation engine (knows nothing of e-cards; archived into libmodel.a).
SIM_MODULES   := rng binomial engine summary histogram histogram_bytes queue erlang mpi
SIM_OBJS      := $(SIM_MODULES:%=$(BUILD)/sim/%.o)

# conformance/: the test bed (uses model/).  One line per part.
CONF_JSON      := json
CONF_CHILD     := child client
CONF_IMPL      := impl impl_verifier impl_channel impl_platform impl_platform_pin impl_platform_chan faults
CONF_VECTORS   := vectors vec_fixture vec_id vec_credential vec_qr vec_channel vec_consent vec_payment \
                  vec_card vec_pin vec_audit vec_flows
CONF_CERT      := cert cert_file
CONF_RUNNER    := plan profile waivers expect runner output rundb selftest
CLI_IMPL       := cmd_impl
CLI_VECTORS    := cmd_vectors
CLI_CERT       := cmd_keygen cmd_cert
CLI_RUNNER     := cmd_conform cmd_selftest
TESTS_CHILD    := conf_child conf_client
TESTS_IMPL     := conf_impl conf_impl_faults
TESTS_VECTORS  := conf_vectors
TESTS_CERT     := conf_cert conf_cert_cli
TESTS_RUNNER   := conf_runner conf_e2e
CONF_MODULES  := $(CONF_JSON) $(CONF_CHILD) $(CONF_IMPL) $(CONF_VECTORS) $(CONF_CERT) $(CONF_RUNNER)
CONF_OBJS     := $(CONF_MODULES:%=$(BUILD)/conformance/%.o) $(BUILD)/gen/requirements.o

# reports/: essc report, reading a database only.  The parts' files on their own lines.
REPORT_CORE    := report rdb gnuplot html
REPORT_PARTS   := latency latency_plots conform conform_cert conform_plots rollout rollout_plots sweep
REPORT_MODULES := $(REPORT_CORE) $(REPORT_PARTS)
REPORT_OBJS    := $(REPORT_MODULES:%=$(BUILD)/reports/%.o)

# cli/: the front that dispatches subcommands.
CLI_MODULES   := main cmd_id cmd_demo cmd_store cmd_sim sim_latency cmd_sweep cmd_report cmd_bench bench_service $(CLI_IMPL) $(CLI_VECTORS) $(CLI_CERT) \
                 $(CLI_RUNNER) cmd_scenario
CLI_OBJS      := $(CLI_MODULES:%=$(BUILD)/cli/%.o)

# tests/: one GTest binary per module (tests/test_NAME.c), plus the CLI.
TESTS         := stdcode common keypair id card ecard pin credential base45 qr consent \
                 channel channel_request ledger ledger_book audit issuer store store_file std \
                 sim_rng sim_binomial sim_engine sim_queue sim_erlang sim_histogram scenario cities catalogue rollout latency simdb calibration fuzz \
                 conf_json $(TESTS_CHILD) $(TESTS_IMPL) $(TESTS_VECTORS) $(TESTS_CERT) \
                 $(TESTS_RUNNER) cli report mpi sweep
TEST_BINS     := $(TESTS:%=$(BUILD)/tests/%.test)

# ---- build ---------------------------------------------------------------

.PHONY: all deps run check bench clean
all: essc

ifeq ($(SANITIZE),1)
essc: $(BUILD)/essc
else
essc: $(BUILD)/essc
	cp $< $@
endif

$(BUILD)/essc: $(CLI_OBJS) $(BUILD)/libreport.a $(BUILD)/libconf.a $(BUILD)/libmodel.a
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libreport.a $(BUILD)/libconf.a \
	    $(BUILD)/libmodel.a $(LDLIBS)

$(BUILD)/libreport.a: $(REPORT_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/libconf.a: $(CONF_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/libmodel.a: $(MODEL_OBJS) $(SIM_OBJS)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

$(BUILD)/%.o: %.c | deps-quiet
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The county code list becomes a sorted C array: id validation does no I/O.
$(BUILD)/gen/regions.c: model/data/counties-2023.csv tools/gen-regions.sh
	@mkdir -p $(dir $@)
	sh tools/gen-regions.sh $< > $@.tmp && mv $@.tmp $@

# The standard's requirement ids and levels, for the coverage table.
$(BUILD)/gen/requirements.c: docs/ESSC-STD.md tools/gen-requirements.sh
	@mkdir -p $(dir $@)
	sh tools/gen-requirements.sh $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/requirements.o: $(BUILD)/gen/requirements.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/gen/regions.o: $(BUILD)/gen/regions.c
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

# Each test links exactly the modules it needs (which also keeps the layers honest).
TEST_DEPS_stdcode    := stdcode common
TEST_DEPS_common     := stdcode common
TEST_DEPS_keypair    := stdcode common keypair
TEST_DEPS_id         := stdcode common id
TEST_DEPS_card       := stdcode common id card ecard
TEST_DEPS_ecard      := stdcode common id card ecard
TEST_DEPS_pin        := stdcode common id pin
TEST_DEPS_credential := stdcode common keypair credential
TEST_DEPS_base45     := base45
TEST_DEPS_qr         := stdcode common keypair base45 credential qr
TEST_DEPS_consent    := stdcode common id channel channel_request consent
TEST_DEPS_channel    := stdcode common channel channel_request
TEST_DEPS_channel_request := stdcode common channel channel_request
TEST_DEPS_ledger     := stdcode common ledger ledger_book
TEST_DEPS_ledger_book := stdcode common ledger ledger_book
TEST_DEPS_audit      := stdcode common audit
TEST_DEPS_issuer     := stdcode common keypair id card ecard credential issuer
TEST_DEPS_store      := $(MODEL_MODULES)
TEST_DEPS_store_file := $(MODEL_MODULES)
TEST_DEPS_cli        := stdcode common
TEST_DEPS_std        := stdcode common
TEST_DEPS_scenario   := $(MODEL_MODULES)
TEST_DEPS_cities     := stdcode common scenario_csv cities
TEST_DEPS_catalogue  := stdcode common channel channel_request scenario_csv cities catalogue
TEST_DEPS_fuzz       := stdcode common keypair id base45 credential qr channel channel_request common
TEST_DEPS_sim_rng    :=
TEST_DEPS_sim_binomial :=

# Tests of sim/ link only sim/ objects (TEST_SIM_x: the sim/ modules they need).
TEST_SIM_sim_rng      := rng
TEST_SIM_sim_binomial := rng binomial
TEST_SIM_sim_engine := engine summary
TEST_SIM_sim_queue := rng queue erlang
TEST_SIM_sim_erlang := erlang
TEST_SIM_sim_histogram := histogram histogram_bytes rng
TEST_DEPS_sim_histogram :=
TEST_SIM_store := $(SIM_MODULES)
TEST_SIM_store_file := $(SIM_MODULES)
TEST_SIM_scenario := $(SIM_MODULES)
TEST_DEPS_simdb := $(MODEL_MODULES)
TEST_DEPS_latency := $(MODEL_MODULES)
TEST_SIM_latency := $(SIM_MODULES)
TEST_SIM_simdb := $(SIM_MODULES)
TEST_DEPS_sim_engine :=
TEST_DEPS_sim_queue :=
TEST_DEPS_sim_erlang :=

# essc report's test runs the essc binary (make check builds it first) and
# reads the databases with SQLite: it links no module, only its helpers
# (TEST_HELPERS_x: tests/x.c files beside testutil.c).
TEST_DEPS_report :=
TEST_HELPERS_report := report_fixture png_check page_tables
# The MPI test runs the MPI and plain builds of essc and reads databases.
TEST_DEPS_mpi :=
TEST_DEPS_sweep := $(MODEL_MODULES)
TEST_SIM_sweep := $(SIM_MODULES)

# Conformance tests link libconf.a and libmodel.a whole (TEST_CONF_x := 1).
TEST_CONF_conf_json := 1
TEST_CONF_rollout := 1
TEST_CONF_calibration := 1
TEST_CONF_conf_runner := 1
TEST_CONF_conf_e2e := 1
TEST_CONF_conf_impl := 1
TEST_CONF_conf_impl_faults := 1
TEST_CONF_conf_child := 1
TEST_CONF_conf_client := 1
TEST_CONF_conf_cert := 1
TEST_CONF_conf_cert_cli := 1
TEST_CONF_conf_vectors := 1

test_objs = $(BUILD)/tests/test_$(1).o $(BUILD)/tests/testutil.o \
            $(TEST_HELPERS_$(1):%=$(BUILD)/tests/%.o) \
            $(if $(TEST_CONF_$(1)),$(BUILD)/libconf.a $(BUILD)/libmodel.a,\
              $(TEST_DEPS_$(1):%=$(BUILD)/model/%.o) $(TEST_SIM_$(1):%=$(BUILD)/sim/%.o) \
              $(BUILD)/gen/regions.o)

.SECONDARY:
.SECONDEXPANSION:
$(BUILD)/tests/%.test: $$(call test_objs,$$*)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- set-up --------------------------------------------------------------

# Installs missing Debian packages (packages.txt) when root; otherwise names them.
deps:
	@sh tools/deps.sh

deps-quiet:
	@sh tools/deps.sh

# ---- jobs ----------------------------------------------------------------

# The main job: the national scenario (20 replications on 2 threads: enough
# for visible 90% bands), the conformance suite against the reference channel
# (signed with a key made once in runs/; the TAP goes to a file, its verdict
# line is shown), and the report of each (essc report: SVG, PNG, index.html).
RUN_SCENARIO := scenarios/national-2019.ini
RUN_NAME     := national-2019
RUN_DB       := runs/$(RUN_NAME)-$(shell sed -n 's/^seed *= *//p' $(RUN_SCENARIO)).db

run: deps essc
	@mkdir -p runs
	./essc sim $(RUN_SCENARIO) --db $(RUN_DB) --replications 20 --jobs 2 --plan-capacity
	@test -f runs/conformance.key || ./essc keygen --out runs/conformance
	rm -f runs/conformance.db
	./essc conform --role channel --impl "./essc impl --role channel" --db runs/conformance.db \
	  --sign runs/conformance.key --cert runs/conformance-channel.cert > runs/conformance-channel.tap
	@grep -E '^# .* as channel: ' runs/conformance-channel.tap
	./essc report $(RUN_DB) --out runs/$(RUN_NAME)-report
	./essc report runs/conformance.db --out runs/conformance-report
	@echo
	@echo "simulation:  $(RUN_DB)"
	@echo "             report runs/$(RUN_NAME)-report/index.html"
	@echo "conformance: runs/conformance.db, certificate runs/conformance-channel.cert"
	@echo "             (essc cert verify runs/conformance-channel.cert --pub runs/conformance.pub)"
	@echo "             report runs/conformance-report/index.html"

# The MPI tests run the MPI build (without sanitizers: Open MPI's own
# allocations are not ours to check) under mpirun.
MPI_ESSC := $(CURDIR)/build-mpi/essc

check: deps $(BUILD)/essc $(TEST_BINS) mpi-essc
	ESSC_BIN=$(CURDIR)/$(BUILD)/essc ESSC_SRCDIR=$(CURDIR) ESSC_MPI_BIN=$(MPI_ESSC) \
	  $(if $(SANFLAGS),ESSC_SANITIZE=1) prove --exec '' $(if $(CI),,-j2) $(TEST_BINS)

.PHONY: mpi-essc
mpi-essc: deps
	@$(MAKE) --no-print-directory MPI=1 SANITIZE= build-mpi/essc

bench: deps essc
	./essc bench
	sh tools/bench-conform.sh ./essc
	sh tools/bench-sim.sh ./essc
	@$(MAKE) --no-print-directory MPI=1 SANITIZE= build-mpi/essc
	sh tools/bench-mpi.sh build-mpi/essc

clean:
	rm -rf build build-san essc

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
