# cvmprep — one non-recursive Makefile. `make help` lists the targets.

PKGS      := libkmod blkid libudev libcjson zlib libcrypto libcurl libarchive
# Of those, the libraries loaded on first use (core/dlibs.h): compiled against, never linked.
DL_PKGS   := libkmod libcrypto libcurl libarchive blkid
TEST_PKGS := cmocka

CC        ?= cc
CFLAGS    ?= -O2 -g
BUILD     ?= build
VERSION   := 0.1.0
PREFIX    ?= /usr/local

WARNINGS  := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wvla -Wwrite-strings -Wpointer-arith -Wundef
HARDENING := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN  := -pie -Wl,-z,relro,-z,now

# CI (and WERROR=1) turn warnings into errors.
ifneq ($(CI)$(WERROR),)
WARNINGS  += -Werror
endif
# SANITIZE=address,undefined builds everything with those sanitizers.
ifneq ($(SANITIZE),)
CFLAGS    += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

# Recursive (=) so that pkg-config runs only after ci/deps.sh has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(filter-out $(DL_PKGS),$(PKGS)))
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS))

ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -I. $(WARNINGS) $(HARDENING) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDHARDEN) $(LDFLAGS)

LIB_SRCS  := $(wildcard core/*.c checks/*.c reports/*.c provision/*.c image/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libcvmprep.a
# The command line (cli/): main.c and the commands; all but main.c also link the unit tests.
CLI_SRCS  := $(filter-out cli/main.c,$(wildcard cli/*.c))
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
CLI_LIB   := $(BUILD)/libcvmprep-cli.a
BIN       ?= cvmprep

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# The unit tests find the fixture roots here (tests/unit/check-harness.h), from any directory.
UNIT_CFLAGS = $(TEST_CFLAGS) -DFIXTURES_DIR='"$(abspath tests/fixtures)"'

# Helpers the integration tests run (a FUSE server, a seccomp filter), built without the library.
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)

DEPS_OK   := $(BUILD)/.deps-ok

.PHONY: all run docs test test-sanitize test-valgrind check-unit check-integration bench fuzz \
	install clean format deps help man deb

MAN        := $(BUILD)/cvmprep.1
COMPLETION := deploy/bash-completion/cvmprep

all: $(BIN) $(MAN)

help:
	@echo "make            build ./cvmprep"
	@echo "make run        install what is missing, build, check this machine"
	@echo "make test       install what is missing, build, run every test"
	@echo "make check-unit / check-integration   one stage of the tests"
	@echo "make bench      each figure against its budget: CPU, RSS, reads, scale, the field's scripts"
	@echo "make fuzz       run the libFuzzer targets (FUZZ_SECONDS each, clang)"
	@echo "make format     clang-format every C file"
	@echo "make docs       regenerate docs/requirements.md from the check registry"
	@echo "make install    install cvmprep, its man page and bash completion under PREFIX ($(PREFIX))"
	@echo "make man        build/cvmprep.1 from docs/cvmprep.1.in and the binary's check ids"
	@echo "make deb        build the Debian package (dpkg-buildpackage) and test it in a clean root"
	@echo "knobs: SANITIZE=address,undefined  WERROR=1  CFLAGS=..."

# Installs the Debian packages the build and tests need, once per build tree.
$(DEPS_OK): ci/deps.sh
	@mkdir -p $(BUILD)
	bash ci/deps.sh
	@touch $@

deps: $(DEPS_OK)

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

$(CLI_LIB): $(CLI_OBJS)
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/cli/main.o $(CLI_LIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tools/%: tests/tools/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# The same programs under tests/tools/no-openat2, which answers openat2(2) as kernels before 5.6
# and older seccomp profiles do: the host layer then resolves paths with chase_openat.
# test-pod.sh is left out: its live cases see that filter (Seccomp: 2 in /proc/self/status);
# test-testbed.sh too: it does not run cvmprep; test-image-testbed.sh: test-image.sh reads the
# same formats under the filter, and the root it builds takes 25 s; test-elf.sh reads the binary
# itself.
NO_OPENAT2_BINS  := $(BUILD)/no-openat2/cvmprep $(BUILD)/no-openat2/test-host-ENOSYS \
                    $(BUILD)/no-openat2/test-host-EPERM $(BUILD)/no-openat2/test-fileio-ENOSYS
NO_OPENAT2_TESTS := $(filter-out tests/integration/test-pod.sh tests/integration/test-testbed.sh tests/integration/test-image-testbed.sh \
                      tests/integration/test-elf.sh,\
                      $(wildcard tests/integration/test-*.sh))

# Each is the program itself linked with tests/tools/no-openat2.c built as a constructor that
# installs the filter (no wrapper that execs it: a test may run it as another user).
$(BUILD)/no-openat2/init-%.o: tests/tools/no-openat2.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DNO_OPENAT2_INIT=$* -c -o $@ $<

$(BUILD)/no-openat2/cvmprep: $(BUILD)/no-openat2/init-ENOSYS.o $(BUILD)/cli/main.o $(CLI_LIB) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

NO_OPENAT2_TEST = $(CC) $(ALL_CFLAGS) $(UNIT_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o %.c,$^) \
	$(CLI_LIB) $(LIB) $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/no-openat2/test-host-%: $(BUILD)/no-openat2/init-%.o tests/unit/test-host.c $(CLI_LIB) $(LIB)
	$(NO_OPENAT2_TEST)

$(BUILD)/no-openat2/test-fileio-%: $(BUILD)/no-openat2/init-%.o tests/unit/test-fileio.c $(CLI_LIB) $(LIB)
	$(NO_OPENAT2_TEST)

$(BUILD)/tests/%: tests/unit/%.c $(CLI_LIB) $(LIB) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(UNIT_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(CLI_LIB) $(LIB) $(PKG_LIBS) $(TEST_LIBS)

run: $(BIN)
	@echo "== cvmprep check (this machine)"
	-./$(BIN) check
	@mkdir -p $(BUILD)
	-@./$(BIN) check --format json -o $(BUILD)/report.json; \
	  echo "== JSON report written to $(BUILD)/report.json (exit $$?)"
	@echo "== cvmprep provision --dry-run --force (this machine: the plan, and what it would run)"
	-./$(BIN) provision --dry-run --force

test: $(BIN) $(MAN) $(UNIT_BINS) $(TOOL_BINS) $(NO_OPENAT2_BINS)
	CVMPREP=$(abspath $(BIN)) CVMPREP_TOOLS=$(abspath $(BUILD)/tools) bash tests/run.sh $(UNIT_BINS)
	@echo "== the suite again with openat2 refused (ENOSYS, and EPERM for the host unit tests)"
	CVMPREP=$(abspath $(BUILD)/no-openat2/cvmprep) CVMPREP_VARIANT=no-openat2 CVMPREP_TOOLS=$(abspath $(BUILD)/tools) \
	  CVMPREP_TESTS="$(NO_OPENAT2_TESTS)" bash tests/run.sh $(NO_OPENAT2_BINS:%/cvmprep=)

# The whole suite once more with ASan and UBSan, in a build tree of its own (CI runs it).
# The provisioning, image test bed and package tests are left out: they run the binary in roots
# without libasan.
SANITIZE_TESTS := $(filter-out tests/integration/test-provision% tests/integration/test-testbed.sh \
                    tests/integration/test-image-testbed.sh tests/integration/test-deb.sh,\
                    $(wildcard tests/integration/test-*.sh))
test-sanitize:
	CVMPREP_VARIANT=sanitize $(MAKE) BUILD=$(BUILD)/sanitize BIN=$(BUILD)/sanitize/cvmprep SANITIZE=address,undefined \
	  CVMPREP_TESTS="$(SANITIZE_TESTS)" check-unit check-integration

# The check integration tests with cvmprep under valgrind memcheck: an error or a definite leak
# exits 99, which no test expects. valgrind answers openat2(2) with ENOSYS: the host layer's
# own resolver runs.
VALGRIND_TESTS := tests/integration/test-check.sh
$(BUILD)/valgrind/cvmprep: $(BIN) tests/valgrind.supp
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=%s %s "$$@"\n' \
	  $(abspath tests/valgrind.supp) $(abspath $(BIN)) >$@
	chmod 755 $@

test-valgrind: $(BUILD)/valgrind/cvmprep $(TOOL_BINS)
	CVMPREP=$(abspath $(BUILD)/valgrind/cvmprep) CVMPREP_VARIANT=valgrind CVMPREP_TOOLS=$(abspath $(BUILD)/tools) \
	  CVMPREP_TESTS="$(VALGRIND_TESTS)" bash tests/run.sh --integration

check-unit: $(UNIT_BINS)
	bash tests/run.sh --unit $(UNIT_BINS)

check-integration: $(BIN) $(TOOL_BINS)
	CVMPREP=$(abspath $(BIN)) CVMPREP_TOOLS=$(abspath $(BUILD)/tools) bash tests/run.sh --integration

# Budgets of `check` without probes: time per run, no process started, each file read once;
# then what a no-op `provision` re-run costs in the provisioning test bed; then `summarize`
# over 10,000 generated reports (time against 2 s, peak RSS).
bench: $(BIN)
	bash ci/deps.sh bench
	CVMPREP=$(abspath $(BIN)) bash ci/bench.sh
	CVMPREP=$(abspath $(BIN)) bash ci/bench-provision.sh || [ $$? -eq 77 ]
	CVMPREP=$(abspath $(BIN)) bash ci/bench-summarize.sh

# libFuzzer targets in tests/fuzz/ (clang), FUZZ_SECONDS each.
fuzz: $(BIN)
	bash ci/deps.sh fuzz
	bash ci/fuzz.sh

# The man page's check ids come from the binary itself (docs/man.py), so they cannot drift.
$(MAN): docs/cvmprep.1.in docs/man.py $(BIN)
	@mkdir -p $(dir $@)
	/usr/bin/python3 docs/man.py $(abspath $(BIN)) docs/cvmprep.1.in $@

man: $(MAN)

install: $(BIN) $(MAN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/$(BIN)
	install -D -m 0644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/cvmprep.1
	install -D -m 0644 $(COMPLETION) $(DESTDIR)$(PREFIX)/share/bash-completion/completions/cvmprep

# The Debian package, built from a copy of this tree and installed into a clean root of the test
# bed (tests/integration/test-deb.sh, also part of make test: ~10-15 s of it).
deb: $(BIN)
	CVMPREP=$(abspath $(BIN)) CVMPREP_TESTS=tests/integration/test-deb.sh bash tests/run.sh --integration

# docs/requirements.md is generated; tests/integration/test-docs.sh fails when it is stale.
docs: $(BIN)
	./$(BIN) list --format md >docs/requirements.md

# Formats the lines changed since FORMAT_BASE (a commit; default HEAD) with git clang-format,
# never the whole tree: its tables and the way its long strings are split are kept by hand, which
# clang-format would redo. Changes are formatted once staged (git add).
FORMAT_BASE ?= HEAD
format:
	git clang-format --style=file $(FORMAT_BASE) -- cli core checks reports provision image tests/unit

clean:
	rm -rf $(BUILD) $(BIN)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(BUILD)/cli/main.d $(UNIT_BINS:=.d) $(TOOL_BINS:=.d)
