# mmusim: every entry point lives here. `make help` lists them.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
LIBS    := -lzstd -lz -lm
SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B       := build

TRACE_SRC := traces/xio.c traces/trace.c traces/native.c traces/text.c traces/lackey.c
MODEL_SRC := model/arm64.c model/pmem.c model/page_alloc.c model/slab.c model/pgtable.c model/vma.c model/memory.c model/tlbflush.c model/context.c model/filemap.c model/fork.c model/os.c model/check.c
TB_SRC    := tb/tlb.c tb/walker.c tb/mmu.c tb/config.c tb/report.c tb/replay.c
LIB_SRC   := $(TRACE_SRC) $(MODEL_SRC) $(TB_SRC)
HEADERS   := $(wildcard traces/*.h model/*.h tb/*.h)
TESTS     := test_tlb test_trace test_mmu test_buddy test_slab test_os test_walker
TOOLS     := mmusim mmutrace

# Debian packages: simulation, waveforms, traces, plots, tests, lint.
DEB_PKGS := verilator gtkwave libsystemc-dev valgrind zlib1g-dev libzstd-dev zstd \
	gnuplot-nox libcmocka-dev jq cppcheck build-essential

RUN_TRACE ?= traces/bundled/xz.mmut.zst
RUN_ARGS  ?= -s cores=2

.PHONY: all build deps run test lint bench trace clean help
all build: $(addprefix $(B)/,$(TOOLS))

help:
	@echo "make deps     install the Debian packages mmusim needs (apt-get, idempotent)"
	@echo "make build    build/mmusim and build/mmutrace"
	@echo "make run      TLB miss rates of a bundled real trace (RUN_TRACE=, RUN_ARGS=)"
	@echo "make test     unit and end-to-end tests under ASan/UBSan"
	@echo "make lint     cppcheck on the C sources"
	@echo "make bench    trace reader speed and trace size"
	@echo "make trace CMD='prog args' OUT=file.mmut.zst   capture a real program"
	@echo "make clean    remove build/"

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi

$(B)/%: tb/%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS)

$(B)/%: traces/%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS)

# Tests run sanitized copies of the tools and the test programs.
$(B)/asan/%: tb/%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(SAN) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS)

$(B)/asan/%: traces/%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(SAN) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS)

$(B)/asan/%: tb/tests/%.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(SAN) $(WARN) -Wno-missing-prototypes -o $@ $< $(LIB_SRC) $(LIBS) -lcmocka

run: $(B)/mmusim
	$(B)/mmusim $(RUN_TRACE) $(RUN_ARGS)

test: $(addprefix $(B)/asan/,$(TESTS) $(TOOLS)) $(B)/mmutrace
	@tb/tests/run.sh $(B)/asan $(TESTS)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr $(LIB_SRC) tb/mmusim.c traces/mmutrace.c tb/tests/*.c

bench: $(B)/bench_reader
	bench/reader.sh

$(B)/bench_reader: bench/bench_reader.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS)

trace: $(B)/mmutrace
	@[ -n "$(CMD)" ] && [ -n "$(OUT)" ] || { echo "usage: make trace CMD='prog args' OUT=file.mmut.zst"; exit 2; }
	$(B)/mmutrace capture -o $(OUT) -- $(CMD)

clean:
	rm -rf $(B)
