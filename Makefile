# snowdeck: a terminal operations console for Airflow + Snowflake.
#
# make            build ./snowdeck
# make check      every test: unit suites, integration against real Airflow 3
#                 and 2, end-to-end in tmux (installs what it needs)
# make demo       the seed's demos locally (Snowflake sandbox + setup, service
#                 containers, Airflow 3 with the demo DAGs) and snowdeck on them;
#                 make demo DEMO_CHECK=1 / make demo-check: the same, non-interactive
# make asan       unit + integration suites under ASan/UBSan
# make valgrind   unit + integration suites under valgrind
# make fuzz       build and run every fuzz target (clang libFuzzer)
# make sandbox    the local Snowflake sandbox's own suite (tests/sandbox/)
# make lint       layering rules, each header compiling alone
# make format / format-check, make bench, make install

PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build/release
CC       ?= cc
PKGS      = ncursesw libcurl libcjson libuv openssl
CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	    -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wcast-qual -Wvla \
	    -Wundef -Wpointer-arith -Wmissing-declarations -Wsign-compare
OPT      ?= -O2 -g
SAN      ?=
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
ALL_CFLAGS = $(CSTD) $(WARN) -Werror $(OPT) $(SAN) -Iinclude $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

CORE_SRC  := $(sort $(wildcard core/*.c))
TUI_SRC   := $(sort $(wildcard tui/*.c))
VIEW_SRC  := $(sort $(wildcard views/*.c))
APP_SRC   := $(sort $(wildcard app*.c cli*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

LIB_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC) $(TUI_SRC) $(VIEW_SRC) $(APP_SRC))
MAIN_OBJ  := $(BUILD)/main.o
UNIT_OBJ  := $(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC))
LIB       := $(BUILD)/libsnowdeck.a
BIN       := $(BUILD)/snowdeck
CHECK_BIN := $(BUILD)/check_main

.PHONY: all deps-ok check unit integration e2e asan valgrind fuzz lint format \
	format-check bench install uninstall demo deps clean golden sandbox \
	demo-check

all: deps-ok $(BIN)
	@ln -sf $(BIN) snowdeck

deps-ok:
	@tests/deps.sh --build

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Installed themes are looked up under the install prefix.
$(BUILD)/tui/theme.o: ALL_CFLAGS += -DSNOWDECK_DATADIR='"$(PREFIX)/share/snowdeck"'

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(PKG_LIBS) -lm

SUITE_NAMES := $(patsubst tests/unit/check_%.c,%,$(filter-out tests/unit/check_main.c tests/unit/support_%.c,$(UNIT_SRC)))
$(BUILD)/tests/suites.inc: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	@printf 'SUITE(%s)\n' $(SUITE_NAMES) > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/tests/unit/check_main.o: $(BUILD)/tests/suites.inc
$(BUILD)/tests/unit/check_main.o: ALL_CFLAGS += -I$(BUILD)/tests

$(CHECK_BIN): $(UNIT_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJ) $(LIB) $(PKG_LIBS) $(CHECK_LIBS) -lm

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

# Everything a CI run needs, in order: tools, the build, then every suite.
# Each phase prints its duration (tests/phase.sh).
check: deps-ok
	@tests/deps.sh --all
	@tests/phase.sh lint $(MAKE) lint
	@tests/phase.sh format $(MAKE) format-check
	@tests/phase.sh unit $(MAKE) unit
	@tests/phase.sh integration $(MAKE) integration
	@tests/phase.sh sandbox $(MAKE) sandbox
	@tests/phase.sh e2e $(MAKE) e2e
	@tests/phase.sh demo-check $(MAKE) demo-check
	@tests/phase.sh asan $(MAKE) asan
	@tests/phase.sh valgrind $(MAKE) valgrind
	@tests/phase.sh fuzz $(MAKE) fuzz FUZZ_SECONDS=10

unit: $(BIN) $(CHECK_BIN)
	@ln -sf $(BIN) snowdeck
	cd tests && SNOWDECK_ROOT=.. ../$(CHECK_BIN)

integration: $(BIN)
	SNOWDECK_BIN=$(abspath $(BIN)) tests/integration/run.sh
	tests/airflow/selftest.sh 3

e2e: $(BIN)
	SNOWDECK_BIN=$(abspath $(BIN)) tests/e2e/run.sh

# The local Snowflake sandbox (test and demo infrastructure) and its own suite.
sandbox:
	tests/sandbox/run.sh

asan:
	$(MAKE) BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	    build/asan/snowdeck build/asan/check_main
	cd tests && ASAN_OPTIONS=detect_leaks=1 SNOWDECK_TIME_FACTOR=10 \
	    SNOWDECK_ROOT=.. unit/sharded.sh ../build/asan/check_main
	ASAN_OPTIONS=detect_leaks=1 SNOWDECK_BIN=$(abspath build/asan/snowdeck) \
	    tests/integration/run.sh --quick

valgrind:
	$(MAKE) BUILD=build/valgrind OPT="-O0 -g" build/valgrind/snowdeck \
	    build/valgrind/check_main
	cd tests && CK_FORK=no SNOWDECK_ROOT=.. SNOWDECK_TIME_FACTOR=100 \
	    unit/sharded.sh ../build/valgrind/check_main valgrind -q \
	    --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=1 --suppressions=valgrind.supp
	SNOWDECK_BIN=$(abspath build/valgrind/snowdeck) \
	    SNOWDECK_WRAP="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=$(abspath tests/valgrind.supp)" \
	    tests/integration/run.sh --quick

FUZZ_SECONDS ?= 60
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

lint:
	tests/lint.sh

format:
	clang-format -i $(CORE_SRC) $(TUI_SRC) $(VIEW_SRC) $(APP_SRC) main.c include/*.h

format-check:
	clang-format --dry-run -Werror $(CORE_SRC) $(TUI_SRC) $(VIEW_SRC) $(APP_SRC) main.c include/*.h

bench: $(BIN)
	SNOWDECK_BIN=$(abspath $(BIN)) bench/run.sh

# Rewrites tests/golden/*.txt from the widget and view suites; review the diff.
golden: $(CHECK_BIN)
	mkdir -p tests/golden
	cd tests && for s in widgets views views_sf opviews; do \
	    SNOWDECK_GOLDEN_UPDATE=1 SNOWDECK_ROOT=.. CK_RUN_SUITE=$$s \
	    ../$(CHECK_BIN) || exit 1; done

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/snowdeck/themes
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/snowdeck
	install -m 644 docs/snowdeck.1 $(DESTDIR)$(PREFIX)/share/man/man1/snowdeck.1
	for t in themes/*.theme; do [ -f "$$t" ] || continue; \
	    install -m 644 "$$t" $(DESTDIR)$(PREFIX)/share/snowdeck/themes/; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/snowdeck $(DESTDIR)$(PREFIX)/share/man/man1/snowdeck.1
	rm -rf $(DESTDIR)$(PREFIX)/share/snowdeck

demo: all
	tests/demo.sh $(if $(DEMO_CHECK),--check)

# make demo, non-interactively: panes populated, a customer_analytics run, quit,
# nothing left running (tests/demo.sh --check).
demo-check: all
	SNOWDECK_BIN=$(abspath $(BIN)) tests/demo.sh --check

clean:
	rm -rf build snowdeck
