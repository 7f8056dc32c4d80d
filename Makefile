# mmusim: every entry point lives here. `make help` lists them.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
LIBS    := -lzstd -lz -lm -ldl
SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B       := build

TRACE_SRC := traces/xio.c traces/trace.c traces/native.c traces/text.c traces/lackey.c traces/capture.c
MODEL_SRC := model/arm64.c model/pmem.c model/page_alloc.c model/slab.c model/pgtable.c model/vma.c model/memory.c model/tlbflush.c model/context.c model/filemap.c model/fork.c model/os.c model/check.c
TB_SRC    := tb/tlb.c tb/walker.c tb/mmu.c tb/config.c tb/report.c tb/replay.c tb/rtl_backend.c tb/gtkw.c tb/latency.c
LIB_SRC   := $(TRACE_SRC) $(MODEL_SRC) $(TB_SRC)
HEADERS   := $(wildcard traces/*.h model/*.h tb/*.h tb/rtl/*.h)
TESTS     := test_tlb test_trace test_mmu test_buddy test_slab test_os test_walker
TOOLS     := mmusim mmutrace

# Debian packages: simulation, waveforms, traces, plots, tests, lint, synthesis, fuzzing.
DEB_PKGS := verilator gtkwave libsystemc-dev valgrind zlib1g-dev libzstd-dev zstd libxxhash-dev \
	gnuplot-nox libcmocka-dev jq cppcheck build-essential clang yosys

# RTL: Verilator builds one model per configuration (name:entries:ways:policy).
VERILATOR     := verilator
VL_INC        := /usr/share/verilator/include
RTL_SRC       := rtl/mmu_pkg.sv rtl/mmu_tlb.sv rtl/mmu_ptw.sv rtl/mmu_core.sv rtl/mmu_top.sv
RTL_HDR       := rtl/mmu_assert.svh
RANDOM_STATE  := 9e3779b97f4a7c15
RTL_TLB_CFGS  := lru_16x4:16:4:0 plru_16x16:16:16:1 fifo_32x2:32:2:2 random_8x8:8:8:3 \
                 lru_20x5:20:5:0 random_16x4:16:4:3 plru_64x8:64:8:1 lru_1280x5:1280:5:0
# walker configurations: name:va_bits:walk-cache entries:memory latency
RTL_PTW_CFGS  := w48_wc4:48:4:3 w39_wc1:39:1:1 w48_wc8:48:8:7
# per-core MMU: name:L1 entries:L1 ways:L2 entries:L2 ways:walk-cache entries:latency
RTL_CORE_CFGS := small:16:4:64:4:4:3 a76:48:48:1280:5:4:5
# system tops: name:cores:hop latency (small TLBs: 16x4 L1s, 64x4 L2); their
# 32-bit fabric clock starts 40 cycles below its wrap, which every test crosses
RTL_TOP_CFGS  := n1:1:2 n2:2:2 n4:4:2 n8:8:2
RTL_RACE_CFGS := $(filter n2:% n4:%,$(RTL_TOP_CFGS))
CYCLE_START   := 32\'hffffffd8
RTL_TESTS     := $(foreach c,$(RTL_TOP_CFGS),../rtl/rtl_top_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_TLB_CFGS),../rtl/rtl_tlb_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_PTW_CFGS),../rtl/rtl_ptw_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_CORE_CFGS),../rtl/rtl_core_$(word 1,$(subst :, ,$(c)))) \
                 ../rtl/rtl_tlb_directed ../rtl/rtl_ptw_directed \
                 $(foreach c,$(RTL_TOP_CFGS),../rtl/rtl_top_directed_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_RACE_CFGS),../rtl/rtl_top_race_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_TOP_CFGS),../rtl/rtl_top_shootdown_$(word 1,$(subst :, ,$(c))))

# The Valgrind tool (traces/vgtool/), built outside Valgrind's tree against
# Debian's headers and static libraries. $(B)/vg is a VALGRIND_LIB: links to
# the system's Valgrind files, the tool, and the version it was built for.
VG_INC     := /usr/include/valgrind
VG_LIBDIR  := /usr/lib/x86_64-linux-gnu/valgrind
VG_EXEC    := /usr/libexec/valgrind
# (-Wno-unused-parameter: Valgrind's callbacks hand every tool parameters it need not use)
VG_CFLAGS  := -O2 -g -std=gnu11 -Wall -Wno-unused-parameter -fno-stack-protector -fno-builtin \
	-fno-strict-aliasing -fpic -fno-pie -DVGA_amd64=1 -DVGO_linux=1 -DVGP_amd64_linux=1 \
	-DVGPV_amd64_linux_vanilla=1 -I$(VG_INC)
VG_LDFLAGS := -static -nodefaultlibs -nostartfiles -u _start -Wl,--build-id=none \
	-Wl,-Ttext-segment=0x58000000
VGTOOL     := $(B)/vg/mmut-amd64-linux

RUN_TRACE ?= traces/bundled/xz.mmut.zst
RUN_ARGS  ?= -s cores=2

.PHONY: all build deps run test lint bench synth trace wave clean help fuzz systemc
all build: $(addprefix $(B)/,$(TOOLS)) $(VGTOOL)

help:
	@echo "make deps     install the Debian packages mmusim needs (apt-get, idempotent)"
	@echo "make build    build/mmusim and build/mmutrace"
	@echo "make run      TLB miss rates of a bundled real trace (RUN_TRACE=, RUN_ARGS=)"
	@echo "make test     unit and end-to-end tests under ASan/UBSan"
	@echo "make lint     cppcheck on the C sources, Verilator -Wall on the RTL"
	@echo "make bench    trace reader speed and size; RTL pages/s; capture and live runs vs cachegrind"
	@echo "make fuzz     libFuzzer on the trace readers and the config parser (FUZZ_SECONDS=60 each)"
	@echo "make synth    Yosys synthesis of the RTL: cells, flip-flops, longest path (SYNTH=names)"
	@echo "make trace CMD='prog args' OUT=file.mmut.zst   capture a real program"
	@echo "make wave     RTL waveforms of xz's first two threads on two cores, opened in GTKWave"
	@echo "make systemc  the MMU as a SystemC/TLM-2.0 module, its example platform and tests"
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
	$(CC) $(SAN) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS) -lcmocka

$(VGTOOL): traces/vgtool/mmut_main.c traces/native_tags.h $(wildcard $(VG_INC)/valgrind.h)
	@mkdir -p $(@D)
	@[ -f $(VG_INC)/pub_tool_basics.h ] || { echo "no Valgrind tool headers: make deps"; exit 1; }
	$(CC) $(VG_CFLAGS) -o $@ $< $(VG_LDFLAGS) $(VG_LIBDIR)/libcoregrind-amd64-linux.a \
		$(VG_LIBDIR)/libvex-amd64-linux.a $(VG_LIBDIR)/libgcc-sup-amd64-linux.a -lgcc
	@for f in $(VG_EXEC)/*; do ln -sfn $$f $(@D)/$$(basename $$f); done
	@sed -n 's/^#define __VALGRIND_\(MAJOR\|MINOR\)__ *\([0-9]*\)/\2/p' $(VG_INC)/valgrind.h | \
		paste -sd. > $(@D)/version

run: $(B)/mmusim
	$(B)/mmusim $(RUN_TRACE) $(RUN_ARGS)

test: $(addprefix $(B)/asan/,$(TESTS) $(TOOLS) stress_trace) $(B)/mmutrace $(B)/mmusim $(VGTOOL) $(addprefix $(B)/asan/,$(RTL_TESTS)) \
		$(FUZZERS) $(B)/systemc/mmusc $(B)/systemc/sc_protocol $(B)/systemc/minimal
	@FUZZ_TARGETS="$(FUZZ_TARGETS)" tb/tests/run.sh $(B)/asan $(TESTS) $(RTL_TESTS)

# ---- fuzzing: libFuzzer harnesses of the input readers and the config parser ----
# `make fuzz` runs each for FUZZ_SECONDS; `make test` replays their seeds and
# the inputs that once crashed them (tb/fuzz/regress/).
FUZZ_TARGETS := lackey native text config
FUZZ_SECONDS ?= 60
FUZZERS      := $(addprefix $(B)/fuzz/fuzz_,$(FUZZ_TARGETS))
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS    := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(LIB_SRC))

$(B)/fuzz/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) -c $< -o $@

$(B)/fuzz/fuzz_%: tb/fuzz/fuzz_input.c $(FUZZ_OBJS) $(HEADERS)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(WARN) -DFUZZ_$(shell echo $* | tr a-z A-Z) -o $@ $< \
		$(FUZZ_OBJS) $(LIBS)

fuzz: $(FUZZERS)
	tb/fuzz/run.sh $(B)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- RTL lockstep tests: Verilated TLB against the golden one ----
$(B)/rtl/verilated.o: $(VL_INC)/verilated.cpp
	@mkdir -p $(@D)
	$(CXX) -O2 -I$(VL_INC) -I$(VL_INC)/vltstd -c $< -o $@

$(B)/rtl/verilated_threads.o: $(VL_INC)/verilated_threads.cpp
	@mkdir -p $(@D)
	$(CXX) -O2 -I$(VL_INC) -I$(VL_INC)/vltstd -c $< -o $@

define rtl_tlb_rules
$(B)/rtl/tlb_$(1)/Vmmu_tlb__ALL.a: $(RTL_SRC) $(RTL_HDR)
	@mkdir -p $$(@D)
	$(VERILATOR) --cc --build -j 2 -O2 --assert -Wall -Irtl -Mdir $$(@D) --top-module mmu_tlb \
		-GEntries=$(2) -GWays=$(3) -GReplPolicy=$(4) -GRandomState=64\'h$(RANDOM_STATE) \
		$(RTL_SRC) > $$(@D)/build.log || { cat $$(@D)/build.log; exit 1; }

$(B)/rtl/rtl_tlb_$(1): tb/tests/rtl_tlb_lockstep.c tb/tests/xorshift.h tb/rtl/tlb_shim.cpp $(HEADERS) tb/tlb.c \
		model/arm64.c $(B)/rtl/tlb_$(1)/Vmmu_tlb__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_tlb_lockstep.c -o $$@.o \
		-DCFG_NAME='"$(1)"' -DCFG_ENTRIES=$(2) -DCFG_WAYS=$(3) -DCFG_POLICY=$(4) \
		-DCFG_RANDOM_STATE=0x$(RANDOM_STATE)ULL
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/tlb_$(1) -c tb/rtl/tlb_shim.cpp \
		-o $$@.shim.o
	$(CC) $(SAN) -std=gnu11 -c tb/tlb.c -o $$@.tlb.o
	$(CC) $(SAN) -std=gnu11 -c model/arm64.c -o $$@.arm64.o
	$(CXX) $(SAN) -o $$@ $$@.o $$@.shim.o $$@.tlb.o $$@.arm64.o \
		$(B)/rtl/tlb_$(1)/Vmmu_tlb__ALL.a $(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o -pthread
endef
$(foreach c,$(RTL_TLB_CFGS),$(eval $(call rtl_tlb_rules,$(word 1,$(subst :, ,$(c))),$(word 2,$(subst :, ,$(c))),$(word 3,$(subst :, ,$(c))),$(word 4,$(subst :, ,$(c))))))

define rtl_ptw_rules
$(B)/rtl/ptw_$(1)/Vmmu_ptw__ALL.a: $(RTL_SRC) $(RTL_HDR)
	@mkdir -p $$(@D)
	$(VERILATOR) --cc --build -j 2 -O2 --assert -Wall -Irtl -Mdir $$(@D) --top-module mmu_ptw \
		-GVaBits=$(2) -GWcEntries=$(3) rtl/mmu_pkg.sv rtl/mmu_ptw.sv \
		> $$(@D)/build.log || { cat $$(@D)/build.log; exit 1; }

$(B)/rtl/rtl_ptw_$(1): tb/tests/rtl_ptw_lockstep.c tb/tests/random_tables.h tb/tests/xorshift.h tb/rtl/ptw_shim.cpp $(HEADERS) tb/walker.c \
		tb/walker.h model/arm64.c $(B)/rtl/ptw_$(1)/Vmmu_ptw__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_ptw_lockstep.c -o $$@.o \
		-DCFG_NAME='"$(1)"' -DCFG_VA_BITS=$(2) -DCFG_WC=$(3) -DCFG_LATENCY=$(4)
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/ptw_$(1) -c tb/rtl/ptw_shim.cpp \
		-o $$@.shim.o
	$(CC) $(SAN) -std=gnu11 -c tb/walker.c -o $$@.walker.o
	$(CC) $(SAN) -std=gnu11 -c model/arm64.c -o $$@.arm64.o
	$(CXX) $(SAN) -o $$@ $$@.o $$@.shim.o $$@.walker.o $$@.arm64.o \
		$(B)/rtl/ptw_$(1)/Vmmu_ptw__ALL.a $(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o -pthread
endef
$(foreach c,$(RTL_PTW_CFGS),$(eval $(call rtl_ptw_rules,$(word 1,$(subst :, ,$(c))),$(word 2,$(subst :, ,$(c))),$(word 3,$(subst :, ,$(c))),$(word 4,$(subst :, ,$(c))))))

w = $(word $(2),$(subst :, ,$(1)))
# the golden hierarchy the per-core lockstep tests link
CORE_GOLDEN := tb/tlb.c tb/walker.c tb/mmu.c tb/latency.c tb/config.c model/arm64.c

define rtl_core_rules
$(B)/rtl/core_$(call w,$(1),1)/Vmmu_core__ALL.a: $(RTL_SRC) $(RTL_HDR)
	@mkdir -p $$(@D)
	$(VERILATOR) --cc --build -j 2 -O2 --assert -Wall -Irtl -Mdir $$(@D) --top-module mmu_core \
		-GL1iEntries=$(call w,$(1),2) -GL1iWays=$(call w,$(1),3) \
		-GL1dEntries=$(call w,$(1),2) -GL1dWays=$(call w,$(1),3) \
		-GL2Entries=$(call w,$(1),4) -GL2Ways=$(call w,$(1),5) -GWcEntries=$(call w,$(1),6) \
		$(RTL_SRC) > $$(@D)/build.log || { cat $$(@D)/build.log; exit 1; }

$(B)/rtl/rtl_core_$(call w,$(1),1): tb/tests/rtl_core_lockstep.c tb/tests/random_tables.h tb/tests/xorshift.h \
		tb/rtl/core_shim.cpp tb/rtl/core_shim.h $(CORE_GOLDEN) $(HEADERS) \
		$(B)/rtl/core_$(call w,$(1),1)/Vmmu_core__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_core_lockstep.c -o $$@.o \
		-DCFG_NAME='"$(call w,$(1),1)"' -DCFG_L1=$(call w,$(1),2) -DCFG_L1_WAYS=$(call w,$(1),3) \
		-DCFG_L2=$(call w,$(1),4) -DCFG_L2_WAYS=$(call w,$(1),5) -DCFG_WC=$(call w,$(1),6) \
		-DCFG_LATENCY=$(call w,$(1),7)
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/core_$(call w,$(1),1) \
		-c tb/rtl/core_shim.cpp -o $$@.shim.o
	for f in $(CORE_GOLDEN); do $(CC) $(SAN) -std=gnu11 -c $$$$f -o $$@.$$$$(basename $$$$f .c).o \
		|| exit 1; done
	$(CXX) $(SAN) -o $$@ $$@.o $$@.shim.o $(foreach f,$(CORE_GOLDEN),$$@.$(basename $(notdir $(f))).o) \
		$(B)/rtl/core_$(call w,$(1),1)/Vmmu_core__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o -pthread
endef
$(foreach c,$(RTL_CORE_CFGS),$(eval $(call rtl_core_rules,$(c))))

define rtl_top_rules
$(B)/rtl/top_$(call w,$(1),1)/Vmmu_top__ALL.a: $(RTL_SRC) $(RTL_HDR)
	@mkdir -p $$(@D)
	$(VERILATOR) --cc --build -j 2 -O2 --assert -Wall -Irtl -Mdir $$(@D) --top-module mmu_top \
		-GNumCores=$(call w,$(1),2) -GHopLatency=$(call w,$(1),3) -GL1iEntries=16 -GL1iWays=4 \
		-GL1dEntries=16 -GL1dWays=4 -GL2Entries=64 -GL2Ways=4 -GCycleStart=$(CYCLE_START) \
		$(RTL_SRC) > $$(@D)/build.log || { cat $$(@D)/build.log; exit 1; }

$(B)/rtl/rtl_top_$(call w,$(1),1): tb/tests/rtl_top_lockstep.c tb/tests/random_tables.h tb/tests/xorshift.h \
		tb/rtl/top_shim.cpp tb/rtl/top_shim.h $(CORE_GOLDEN) $(HEADERS) \
		$(B)/rtl/top_$(call w,$(1),1)/Vmmu_top__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_top_lockstep.c -o $$@.o \
		-DCFG_NAME='"$(call w,$(1),1)"' -DCFG_CORES=$(call w,$(1),2) -DCFG_HOP=$(call w,$(1),3)
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/top_$(call w,$(1),1) \
		-c tb/rtl/top_shim.cpp -o $$@.shim.o
	for f in $(CORE_GOLDEN); do $(CC) $(SAN) -std=gnu11 -c $$$$f -o $$@.$$$$(basename $$$$f .c).o \
		|| exit 1; done
	$(CXX) $(SAN) -o $$@ $$@.o $$@.shim.o $(foreach f,$(CORE_GOLDEN),$$@.$(basename $(notdir $(f))).o) \
		$(B)/rtl/top_$(call w,$(1),1)/Vmmu_top__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o -pthread
endef
$(foreach c,$(RTL_TOP_CFGS),$(eval $(call rtl_top_rules,$(c))))

# ---- directed RTL tests: expectations written by hand from the architecture ----
# They reuse Verilated models built above: no configuration of their own.
# The TLB: fully associative 16 ways, so the cases' <= 16 entries never evict.
$(B)/rtl/rtl_tlb_directed: tb/tests/rtl_tlb_directed.c tb/rtl/tlb_shim.cpp $(HEADERS) \
		$(B)/rtl/tlb_plru_16x16/Vmmu_tlb__ALL.a $(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_tlb_directed.c -o $@.o
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/tlb_plru_16x16 -c tb/rtl/tlb_shim.cpp \
		-o $@.shim.o
	$(CXX) $(SAN) -o $@ $@.o $@.shim.o $(B)/rtl/tlb_plru_16x16/Vmmu_tlb__ALL.a \
		$(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o -pthread

# The walker: 48-bit VAs, 4 walk-cache entries a level; memory latency is set at run time.
$(B)/rtl/rtl_ptw_directed: tb/tests/rtl_ptw_directed.c tb/rtl/ptw_shim.cpp $(HEADERS) \
		$(B)/rtl/ptw_w48_wc4/Vmmu_ptw__ALL.a $(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_ptw_directed.c -o $@.o
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/ptw_w48_wc4 -c tb/rtl/ptw_shim.cpp \
		-o $@.shim.o
	$(CXX) $(SAN) -o $@ $@.o $@.shim.o $(B)/rtl/ptw_w48_wc4/Vmmu_ptw__ALL.a \
		$(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o -pthread

# The system tops of RTL_TOP_CFGS: broadcast and local TLBIs on 1, 2, 4, 8 cores
# (rtl_top_directed_*); TLBI + DSB ISH racing translations in flight on 2 and 4
# (rtl_top_race_*); shootdown latency, idle and under load (rtl_top_shootdown_*).
# $(1): the configuration, $(2): the test.
define rtl_top_test_rules
$(B)/rtl/rtl_top_$(2)_$(call w,$(1),1): tb/tests/rtl_top_$(2).c tb/tests/one_page_table.h tb/rtl/top_shim.cpp \
		$(HEADERS) $(B)/rtl/top_$(call w,$(1),1)/Vmmu_top__ALL.a $(B)/rtl/verilated.o \
		$(B)/rtl/verilated_threads.o
	$(CC) $(SAN) $(WARN) -c tb/tests/rtl_top_$(2).c -o $$@.o \
		-DCFG_NAME='"$(call w,$(1),1)"' -DCFG_CORES=$(call w,$(1),2) -DCFG_HOP=$(call w,$(1),3)
	$(CXX) $(SAN) -I$(VL_INC) -I$(VL_INC)/vltstd -I$(B)/rtl/top_$(call w,$(1),1) \
		-c tb/rtl/top_shim.cpp -o $$@.shim.o
	$(CXX) $(SAN) -o $$@ $$@.o $$@.shim.o $(B)/rtl/top_$(call w,$(1),1)/Vmmu_top__ALL.a \
		$(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o -pthread
endef
$(foreach c,$(RTL_TOP_CFGS),$(eval $(call rtl_top_test_rules,$(c),directed)))
$(foreach c,$(RTL_RACE_CFGS),$(eval $(call rtl_top_test_rules,$(c),race)))
$(foreach c,$(RTL_TOP_CFGS),$(eval $(call rtl_top_test_rules,$(c),shootdown)))

# the lockstep tests live in $(B)/rtl; run.sh finds them from $(B)/asan
$(B)/asan/../rtl/%: $(B)/rtl/% ;

# ---- SystemC/TLM-2.0: the system top as a SystemC module, and an example platform ----
# libmmu_tlm.a: the module (tb/systemc/mmu_tlm.h) and the C library it loads
# the Verilated top with; mmusc: the example platform (tb/systemc/mmusc.cpp);
# sc_protocol: the sockets' error responses, under ASan/UBSan.
SC_CFLAGS := $(shell pkg-config --cflags systemc 2>/dev/null)
SC_LIBS   := $(shell pkg-config --libs systemc 2>/dev/null)
SC_CXXW   := -std=c++17 -Wall -Wextra -Wshadow
SC_HDR    := $(wildcard tb/systemc/*.h)
SC_OBJ    := $(patsubst %.c,$(B)/systemc/obj/%.o,$(LIB_SRC))
SC_SANOBJ := $(patsubst %.c,$(B)/systemc/asan/%.o,$(LIB_SRC))

systemc: $(B)/systemc/libmmu_tlm.a $(B)/systemc/mmusc $(B)/systemc/sc_protocol $(B)/systemc/minimal

$(B)/systemc/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -c $< -o $@

$(B)/systemc/obj/tb/systemc/%.o: tb/systemc/%.cpp $(SC_HDR) $(HEADERS)
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(SC_CXXW) $(SC_CFLAGS) -c $< -o $@

$(B)/systemc/libmmu_tlm.a: $(B)/systemc/obj/tb/systemc/mmu_tlm.o $(SC_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/systemc/mmusc: $(B)/systemc/obj/tb/systemc/mmusc.o $(B)/systemc/obj/tb/systemc/platform.o \
		$(B)/systemc/obj/tb/systemc/sc_replay.o $(B)/systemc/libmmu_tlm.a
	$(CXX) $(CFLAGS) -o $@ $^ $(SC_LIBS) $(LIBS) -pthread

# the README's sample, built as a platform of your own would be
$(B)/systemc/minimal: tb/systemc/minimal.cpp tb/systemc/mmu_tlm.h $(B)/systemc/libmmu_tlm.a
	$(CXX) $(CFLAGS) $(SC_CXXW) $(SC_CFLAGS) -o $@ $< $(B)/systemc/libmmu_tlm.a $(SC_LIBS) \
		-lzstd -lz -lm -ldl -pthread

$(B)/systemc/asan/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(SAN) $(WARN) -c $< -o $@

$(B)/systemc/asan/tb/systemc/%.o: tb/systemc/%.cpp $(SC_HDR) $(HEADERS)
	@mkdir -p $(@D)
	$(CXX) $(SAN) $(SC_CXXW) $(SC_CFLAGS) -c $< -o $@

$(B)/systemc/sc_protocol: $(B)/systemc/asan/tb/systemc/sc_protocol.o \
		$(B)/systemc/asan/tb/systemc/mmu_tlm.o $(B)/systemc/asan/tb/systemc/platform.o $(SC_SANOBJ)
	$(CXX) $(SAN) -o $@ $^ $(SC_LIBS) $(LIBS) -pthread

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr $(LIB_SRC) tb/mmusim.c traces/mmutrace.c tb/tests/*.c tb/fuzz/*.c \
		tb/systemc/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c++17 --language=c++ --inline-suppr tb/systemc/*.cpp
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 --inline-suppr -I$(VG_INC) -D__x86_64__ -D__GNUC__ -DVGA_amd64=1 \
		-DVGO_linux=1 -DVGP_amd64_linux=1 -DVGPV_amd64_linux_vanilla=1 traces/vgtool/mmut_main.c
	@for c in $(RTL_TLB_CFGS); do set -- $$(echo $$c | tr : ' '); \
		echo "verilator --lint-only -Wall mmu_tlb ($$1)"; \
		$(VERILATOR) --lint-only -Wall --assert -Irtl --top-module mmu_tlb rtl/mmu_pkg.sv \
			rtl/mmu_tlb.sv -GEntries=$$2 -GWays=$$3 -GReplPolicy=$$4 || exit 1; done
	@for c in $(RTL_TOP_CFGS); do set -- $$(echo $$c | tr : ' '); \
		echo "verilator --lint-only -Wall mmu_top ($$1)"; \
		$(VERILATOR) --lint-only -Wall --assert -Irtl --top-module mmu_top $(RTL_SRC) \
			-GNumCores=$$2 -GHopLatency=$$3 -GL1iEntries=16 -GL1iWays=4 -GL1dEntries=16 \
			-GL1dWays=4 -GL2Entries=64 -GL2Ways=4 || exit 1; done
	@for c in $(RTL_CORE_CFGS); do set -- $$(echo $$c | tr : ' '); \
		echo "verilator --lint-only -Wall mmu_core ($$1)"; \
		$(VERILATOR) --lint-only -Wall --assert -Irtl --top-module mmu_core $(RTL_SRC) \
			-GL1iEntries=$$2 -GL1iWays=$$3 -GL1dEntries=$$2 -GL1dWays=$$3 \
			-GL2Entries=$$4 -GL2Ways=$$5 -GWcEntries=$$6 || exit 1; done
	@for c in $(RTL_PTW_CFGS); do set -- $$(echo $$c | tr : ' '); \
		echo "verilator --lint-only -Wall mmu_ptw ($$1)"; \
		$(VERILATOR) --lint-only -Wall --assert -Irtl --top-module mmu_ptw rtl/mmu_pkg.sv \
			rtl/mmu_ptw.sv -GVaBits=$$2 -GWcEntries=$$3 || exit 1; done

bench: $(B)/bench_reader $(B)/mmusim $(B)/mmutrace $(VGTOOL)
	bench/reader.sh
	bench/rtl.sh
	bench/capture.sh

# SYNTH: configurations of bench/synth.sh (default: all but tlb_1280x5 and core_default)
synth:
	bench/synth.sh $(SYNTH)

$(B)/bench_reader: bench/bench_reader.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -o $@ $< $(LIB_SRC) $(LIBS)

trace: $(B)/mmutrace $(VGTOOL)
	@[ -n "$(CMD)" ] && [ -n "$(OUT)" ] || { echo "usage: make trace CMD='prog args' OUT=file.mmut.zst"; exit 2; }
	$(B)/mmutrace capture -o $(OUT) -- $(CMD)

# The first 400,000 records of xz on two cores: its second thread starts
# (on core 1) at record 382,925, about RTL cycle WAVE_FROM. The TLB
# geometry is the one `make test` builds (its waveform test), so the
# Verilated model is usually there already; if not it is built once.
WAVE_TLBS := -s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 \
	-s l2.ways=4
WAVE_FROM ?= 800000
WAVE_TO   ?= 806000
wave: $(B)/mmusim $(B)/mmutrace
	@echo "make wave: RTL cycles $(WAVE_FROM)..$(WAVE_TO) of xz's first two threads on two cores"
	@echo "  (a few seconds, plus about two minutes to build the traced model if make test has not)"
	$(B)/mmutrace cat traces/bundled/xz.mmut.zst 2>/dev/null | head -n 400000 > $(B)/wave.txt
	$(B)/mmusim $(B)/wave.txt --backend rtl -s cores=2 $(WAVE_TLBS) -q --wave $(B)/wave.fst \
		--wave-from $(WAVE_FROM) --wave-to $(WAVE_TO)
	@if [ -n "$${DISPLAY:-}" ]; then gtkwave $(B)/wave.gtkw; \
	else echo "no display: open it with  gtkwave $(B)/wave.gtkw"; fi

clean:
	rm -rf $(B)
