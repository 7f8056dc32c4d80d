# mmusim: every entry point lives here. `make help` lists them.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
DEPS    := -MMD -MP
LIBS    := -lzstd -lz -lm -ldl -pthread
SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
B       := build
# no built-in rules: make would otherwise try "%: %.o" on the dependency files
# it includes (fuzz_native.d from a fuzz_native.d.o)
MAKEFLAGS += --no-builtin-rules
.SUFFIXES:

TRACE_SRC := traces/xio.c traces/trace.c traces/native.c traces/text.c traces/lackey.c traces/capture.c \
	     traces/ahead.c
MODEL_SRC := model/arm64.c model/pmem.c model/page_alloc.c model/slab.c model/pgtable.c model/vma.c model/memory.c model/tlbflush.c model/context.c model/filemap.c model/fork.c model/os.c model/check.c model/swap.c model/rmap.c model/vmscan.c model/oom.c model/vmstat.c
TB_SRC    := tb/tlb.c tb/walker.c tb/mmu.c tb/config.c tb/report.c tb/replay.c tb/rtl_backend.c tb/gtkw.c tb/latency.c
LIB_SRC   := $(TRACE_SRC) $(MODEL_SRC) $(TB_SRC)
TESTS     := test_tlb test_trace test_mmu test_buddy test_slab test_os test_walker test_config \
             test_errors test_reclaim
TOOLS     := mmusim mmutrace

# One object per source, its dependencies in a .d beside it (-MMD -MP): the
# library of every tool and test is build/libmmusim.a, build/asan/libmmusim.a
# under ASan/UBSan (what the tests link), build/fuzz/libmmusim.a for libFuzzer.
LIB      := $(B)/libmmusim.a
ASAN_LIB := $(B)/asan/libmmusim.a
FUZZ_LIB := $(B)/fuzz/libmmusim.a
comma    := ,
obj       = $(patsubst %.c,$(B)/$(1)obj/%.o,$(filter %.c,$(2)))

# Debian packages: simulation, waveforms, traces, plots and sweeps, tests, lint, synthesis,
# fuzzing, man pages, pkg-config, arm64 programs under qemu-user.
DEB_PKGS := verilator gtkwave libsystemc-dev valgrind zlib1g-dev libzstd-dev zstd libxxhash-dev \
	gnuplot-nox parallel libcmocka-dev jq cppcheck build-essential clang yosys help2man pkgconf \
	qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross

# RTL: one file list (rtl/mmu.f) every tool reads; Verilator builds one
# model per configuration of a top (name:parameters..., below).
VERILATOR     := verilator
VL_INC        := /usr/share/verilator/include
RTL_F         := rtl/mmu.f
RTL_LIST      := $(shell sed 's,//.*,,' $(RTL_F))
RTL_SRC       := $(filter %.sv,$(RTL_LIST))
RTL_HDR       := $(foreach d,$(patsubst +incdir+%,%,$(filter +incdir+%,$(RTL_LIST))),$(wildcard $(d)/*.svh))
RANDOM_STATE  := 9e3779b97f4a7c15
# TLBs: name:entries:ways:policy
RTL_TLB_CFGS  := lru_16x4:16:4:0 plru_16x16:16:16:1 fifo_32x2:32:2:2 random_8x8:8:8:3 \
                 lru_20x5:20:5:0 random_16x4:16:4:3 plru_64x8:64:8:1 lru_1280x5:1280:5:0
# walker configurations: name:va_bits:walk-cache entries:memory latency
RTL_PTW_CFGS  := w48_wc4:48:4:3 w39_wc1:39:1:1 w48_wc8:48:8:7
# per-core MMU: name:L1 entries:L1 ways:L2 entries:L2 ways:walk-cache entries:latency
RTL_CORE_CFGS := small:16:4:64:4:4:3 a76:48:48:1280:5:4:5 nol2:16:4:0:4:4:3
# system tops: name:cores:hop latency (small TLBs: 16x4 L1s, 64x4 L2); their
# 32-bit fabric clock starts 40 cycles below its wrap, which every test crosses
RTL_TOP_CFGS  := n1:1:2 n2:2:2 n4:4:2 n8:8:2
RTL_RACE_CFGS := $(filter n2:% n4:%,$(RTL_TOP_CFGS))
CYCLE_START   := 32\'hffffffd8
RTL_KINDS     := tlb ptw core top
RTL_CFGS_tlb  := $(RTL_TLB_CFGS)
RTL_CFGS_ptw  := $(RTL_PTW_CFGS)
RTL_CFGS_core := $(RTL_CORE_CFGS)
RTL_CFGS_top  := $(RTL_TOP_CFGS)

# Field N of a configuration name:a:b:...; then per kind of top, a
# configuration's Verilator parameters and its lockstep test's -D flags.
w = $(word $(2),$(subst :, ,$(1)))
cfg_name    = -DCFG_NAME='"$(call w,$(1),1)"'
tlb_params  = -GEntries=$(call w,$(1),2) -GWays=$(call w,$(1),3) -GReplPolicy=$(call w,$(1),4) \
	-GRandomState=64\'h$(RANDOM_STATE)
tlb_defs    = $(cfg_name) -DCFG_ENTRIES=$(call w,$(1),2) -DCFG_WAYS=$(call w,$(1),3) \
	-DCFG_POLICY=$(call w,$(1),4) -DCFG_RANDOM_STATE=0x$(RANDOM_STATE)ULL
ptw_params  = -GVaBits=$(call w,$(1),2) -GWcEntries=$(call w,$(1),3)
ptw_defs    = $(cfg_name) -DCFG_VA_BITS=$(call w,$(1),2) -DCFG_WC=$(call w,$(1),3) \
	-DCFG_LATENCY=$(call w,$(1),4)
core_params = -GL1iEntries=$(call w,$(1),2) -GL1iWays=$(call w,$(1),3) -GL1dEntries=$(call w,$(1),2) \
	-GL1dWays=$(call w,$(1),3) -GL2Entries=$(call w,$(1),4) -GL2Ways=$(call w,$(1),5) \
	-GWcEntries=$(call w,$(1),6)
core_defs   = $(cfg_name) -DCFG_L1=$(call w,$(1),2) -DCFG_L1_WAYS=$(call w,$(1),3) \
	-DCFG_L2=$(call w,$(1),4) -DCFG_L2_WAYS=$(call w,$(1),5) -DCFG_WC=$(call w,$(1),6) \
	-DCFG_LATENCY=$(call w,$(1),7)
top_params  = -GNumCores=$(call w,$(1),2) -GHopLatency=$(call w,$(1),3) -GL1iEntries=16 \
	-GL1iWays=4 -GL1dEntries=16 -GL1dWays=4 -GL2Entries=64 -GL2Ways=4 -GCycleStart=$(CYCLE_START)
top_defs    = $(cfg_name) -DCFG_CORES=$(call w,$(1),2) -DCFG_HOP=$(call w,$(1),3)
RTL_TESTS     := $(foreach c,$(RTL_TOP_CFGS),../rtl/rtl_top_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_TLB_CFGS),../rtl/rtl_tlb_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_PTW_CFGS),../rtl/rtl_ptw_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_CORE_CFGS),../rtl/rtl_core_$(word 1,$(subst :, ,$(c)))) \
                 ../rtl/rtl_tlb_directed ../rtl/rtl_ptw_directed \
                 $(foreach c,$(RTL_TOP_CFGS),../rtl/rtl_top_directed_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_RACE_CFGS),../rtl/rtl_top_race_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_RACE_CFGS),../rtl/rtl_top_run_$(word 1,$(subst :, ,$(c)))) \
                 $(foreach c,$(RTL_TOP_CFGS),../rtl/rtl_top_shootdown_$(word 1,$(subst :, ,$(c))))

# The Valgrind tool (traces/vgtool/), built outside Valgrind's tree against
# Debian's headers and static libraries. $(B)/vg is a VALGRIND_LIB: links to
# the system's Valgrind files, the tool, and the version it was built for.
VG_INC     := /usr/include/valgrind
VG_LIBDIR  := /usr/lib/x86_64-linux-gnu/valgrind
VG_EXEC    := /usr/libexec/valgrind
VG_CFLAGS  := -O2 -g -std=gnu11 -Wall -Wextra -fno-stack-protector -fno-builtin \
	-fno-strict-aliasing -fpic -fno-pie -DVGA_amd64=1 -DVGO_linux=1 -DVGP_amd64_linux=1 \
	-DVGPV_amd64_linux_vanilla=1 -isystem $(VG_INC)
VG_LDFLAGS := -static -nodefaultlibs -nostartfiles -u _start -Wl,--build-id=none \
	-Wl,-Ttext-segment=0x58000000
VGTOOL     := $(B)/vg/mmut-amd64-linux

# The TCG plugin for qemu-aarch64 (traces/arm64/): arm64 programs' traces.
QEMU_PLUGIN := $(B)/qemu/libmmut.so
$(QEMU_PLUGIN): traces/arm64/mmut_plugin.c traces/arm64/qemu_plugin_api.h traces/native_tags.h \
		traces/native_records.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -fPIC -shared -fvisibility=hidden -o $@ $< -lpthread

# test helpers: an independent counting plugin, and an arm64 program whose
# events are known (tb/tests/arm64.sh; skipped if the cross compiler is missing)
$(B)/qemu/libcount.so: tb/tests/arm64/count_plugin.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -fPIC -shared -fvisibility=hidden -o $@ $<
$(B)/arm64/events: tb/tests/arm64/events.c
	@mkdir -p $(@D)
	@command -v aarch64-linux-gnu-gcc > /dev/null || { echo "no aarch64-linux-gnu-gcc: make deps"; exit 0; }; \
	echo aarch64-linux-gnu-gcc -O1 -pthread -o $@ $<; aarch64-linux-gnu-gcc -O1 -pthread -o $@ $<

RUN_TRACE ?= traces/bundled/xz.mmut.zst
RUN_ARGS  ?= -s cores=2

.PHONY: all build deps run test test-build lint bench synth trace wave clean help fuzz systemc \
	install uninstall sweep stress sysroot-arm64
all build: $(addprefix $(B)/,$(TOOLS)) $(VGTOOL) $(QEMU_PLUGIN)

help:
	@echo "make deps     install the Debian packages mmusim needs (apt-get, idempotent)"
	@echo "make build    build/mmusim and build/mmutrace"
	@echo "make sysroot-arm64   Debian arm64 programs in build/sysroot-arm64 (make deps runs it)"
	@echo "make run      TLB miss rates of a bundled real trace (RUN_TRACE=, RUN_ARGS=)"
	@echo "make test     unit and end-to-end tests under ASan/UBSan"
	@echo "make test-build  build all make test runs, without running it"
	@echo "make lint     cppcheck on the C sources, Verilator -Wall on the RTL"
	@echo "make bench    trace reader speed and size; RTL pages/s; capture and live runs vs cachegrind"
	@echo "make fuzz     libFuzzer on the trace readers and the config parser (FUZZ_SECONDS=60 each)"
	@echo "make sweep    TLB geometry, walk-cache and munmap sweeps: build/sweep/results.csv and plots"
	@echo "make stress   long random OS stress, processes and threads, every invariant checked"
	@echo "make synth    Yosys synthesis of the RTL: cells, flip-flops, longest path (SYNTH=names)"
	@echo "make trace CMD='prog args' OUT=file.mmut.zst   capture a real program"
	@echo "make wave     RTL waveforms of xz's first two threads on two cores, opened in GTKWave"
	@echo "make systemc  the MMU as a SystemC/TLM-2.0 module, its example platform and tests"
	@echo "make install  PREFIX=/usr/local: tools, library, headers, mmusim.pc, RTL, man pages"
	@echo "make uninstall PREFIX=...: remove them"
	@echo "make clean    remove build/"

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi
	@$(MAKE) --no-print-directory sysroot-arm64

# Debian's arm64 programs and libraries (traces/arm64/packages.txt), unpacked
# for qemu-aarch64 -L; idempotent (about 10 s the first time, then nothing).
SYSROOT_ARM64 := $(B)/sysroot-arm64
sysroot-arm64:
	traces/arm64/sysroot.sh traces/arm64/packages.txt $(SYSROOT_ARM64)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(DEPS) -c $< -o $@

$(B)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(SAN) $(WARN) $(DEPS) -c $< -o $@

$(LIB): $(call obj,,$(LIB_SRC))
$(ASAN_LIB): $(call obj,asan/,$(LIB_SRC))
$(LIB) $(ASAN_LIB):
	@rm -f $@
	ar rcs $@ $^

# $(call program,NAME,MAIN SOURCE,EXTRA LIBRARIES): build/NAME, and
# build/asan/NAME under ASan/UBSan (the copy the tests run)
define program
$(B)/$(1): $(call obj,,$(2)) $(LIB)
	$(CC) $(CFLAGS) -o $$@ $$^ $(LIBS) $(3)

$(B)/asan/$(1): $(call obj,asan/,$(2)) $(ASAN_LIB)
	$(CC) $(SAN) -o $$@ $$^ $(LIBS) $(3)
endef
$(eval $(call program,mmusim,tb/mmusim.c))
$(eval $(call program,mmutrace,traces/mmutrace.c))
$(eval $(call program,stress_trace,tb/tests/stress_trace.c,-lcmocka))
$(foreach t,$(filter-out test_errors,$(TESTS)),$(eval $(call program,$(t),tb/tests/$(t).c,-lcmocka)))
# its host's calloc fails on demand
$(eval $(call program,test_errors,tb/tests/test_errors.c,-lcmocka -Wl$(comma)--wrap=calloc))

$(VGTOOL): traces/vgtool/mmut_main.c traces/native_tags.h traces/native_records.h $(wildcard $(VG_INC)/valgrind.h)
	@mkdir -p $(@D)
	@[ -f $(VG_INC)/pub_tool_basics.h ] || { echo "no Valgrind tool headers: make deps"; exit 1; }
	$(CC) $(VG_CFLAGS) -o $@ $< $(VG_LDFLAGS) $(VG_LIBDIR)/libcoregrind-amd64-linux.a \
		$(VG_LIBDIR)/libvex-amd64-linux.a $(VG_LIBDIR)/libgcc-sup-amd64-linux.a -lgcc
	@for f in $(VG_EXEC)/*; do ln -sfn $$f $(@D)/$$(basename $$f); done
	@sed -n 's/^#define __VALGRIND_\(MAJOR\|MINOR\)__ *\([0-9]*\)/\2/p' $(VG_INC)/valgrind.h | \
		paste -sd. > $(@D)/version

# libFuzzer harnesses (below); `make test` replays their seeds and past crashes
FUZZ_TARGETS := lackey native text config
FUZZ_SECONDS ?= 60
FUZZERS      := $(addprefix $(B)/fuzz/fuzz_,$(FUZZ_TARGETS))
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

run: $(B)/mmusim
	$(B)/mmusim $(RUN_TRACE) $(RUN_ARGS)

# test-build: everything make test runs, built (without running it)
TEST_DEPS := $(addprefix $(B)/asan/,$(TESTS) $(TOOLS) stress_trace $(RTL_TESTS)) $(B)/mmutrace \
	$(B)/mmusim $(B)/stress_trace $(VGTOOL) $(FUZZERS) $(B)/systemc/mmusc $(B)/systemc/sc_protocol $(B)/systemc/minimal \
	$(B)/man/mmusim.1 $(B)/man/mmutrace.1 $(QEMU_PLUGIN) $(B)/qemu/libcount.so $(B)/arm64/events
test-build: $(TEST_DEPS)
# make test builds with a job per core of its own (every object and
# Verilated model is its own target), then runs the tests one by one
NPROC := $(shell nproc 2> /dev/null || echo 2)
test:
	@$(MAKE) --no-print-directory -j$(NPROC) test-build
	@FUZZ_TARGETS="$(FUZZ_TARGETS)" tb/tests/run.sh $(B)/asan $(TESTS) $(RTL_TESTS)

# ---- fuzzing: libFuzzer harnesses of the input readers and the config parser ----
# `make fuzz` runs each for FUZZ_SECONDS; `make test` replays their seeds and
# the inputs that once crashed them (tb/fuzz/regress/).

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) $(DEPS) -c $< -o $@

$(FUZZ_LIB): $(call obj,fuzz/,$(LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

# the harness of target T: tb/fuzz/fuzz_input.c with -DFUZZ_T
$(B)/fuzz/obj/fuzz_%.o: tb/fuzz/fuzz_input.c
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) $(DEPS) \
		-DFUZZ_$(shell echo $* | tr a-z A-Z) -c $< -o $@

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/fuzz_%.o $(FUZZ_LIB)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz: $(FUZZERS)
	tb/fuzz/run.sh $(B)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- RTL lockstep and directed tests: Verilated RTL against the golden C ----
VL_OBJ := $(B)/rtl/verilated.o $(B)/rtl/verilated_threads.o

$(VL_OBJ): $(B)/rtl/%.o: $(VL_INC)/%.cpp
	@mkdir -p $(@D)
	$(CXX) -O2 -I$(VL_INC) -I$(VL_INC)/vltstd -c $< -o $@

# $(call verilated,KIND,CONFIGURATION): the Verilated mmu_KIND of one
# configuration, build/rtl/KIND_NAME/Vmmu_KIND__ALL.a (Verilator's own make
# runs its 2 jobs outside ours: MAKEFLAGS=), and its C-ABI shim
# (tb/rtl/KIND_shim.cpp) compiled against it
define verilated
$(B)/rtl/$(1)_$(call w,$(2),1)/Vmmu_$(1)__ALL.a: $(RTL_F) $(RTL_SRC) $(RTL_HDR)
	@mkdir -p $$(@D)
	MAKEFLAGS= $(VERILATOR) --cc --build -j 2 -O2 --assert -Wall -f $(RTL_F) -Mdir $$(@D) \
		--top-module mmu_$(1) \
		$(call $(1)_params,$(2)) > $$(@D)/build.log || { cat $$(@D)/build.log; exit 1; }

$(B)/rtl/$(1)_$(call w,$(2),1)/$(1)_shim.o: tb/rtl/$(1)_shim.cpp $(B)/rtl/$(1)_$(call w,$(2),1)/Vmmu_$(1)__ALL.a
	$(CXX) $(SAN) $(DEPS) -I$(VL_INC) -I$(VL_INC)/vltstd -I$$(@D) -c $$< -o $$@
endef

# $(call rtl_test,TEST,SOURCE,KIND,CONFIGURATION,FLAGS): build/rtl/TEST, the
# C test SOURCE (compiled with FLAGS) linked with that model, its shim and
# the golden library
define rtl_test
$(B)/rtl/$(1).o: $(2)
	@mkdir -p $$(@D)
	$(CC) $(SAN) $(WARN) $(DEPS) $(5) -c $$< -o $$@

$(B)/rtl/$(1): $(B)/rtl/$(1).o $(B)/rtl/$(3)_$(call w,$(4),1)/$(3)_shim.o \
		$(B)/rtl/$(3)_$(call w,$(4),1)/Vmmu_$(3)__ALL.a $(VL_OBJ) $(ASAN_LIB)
	$(CXX) $(SAN) -o $$@ $$^ $(LIBS) -pthread
endef

# every configuration of every kind, with its lockstep test rtl_KIND_NAME
$(foreach k,$(RTL_KINDS),$(foreach c,$(RTL_CFGS_$(k)),$(eval $(call verilated,$(k),$(c)))$(eval \
	$(call rtl_test,rtl_$(k)_$(call w,$(c),1),tb/tests/rtl_$(k)_lockstep.c,$(k),$(c),$(call $(k)_defs,$(c))))))

# Directed tests, expectations written by hand from the architecture, on
# models built above. The TLB: fully associative 16 ways, so the cases'
# <= 16 entries never evict. The walker: 48-bit VAs, 4 walk-cache entries a
# level; memory latency is set at run time. The system tops: broadcast and
# local TLBIs on 1, 2, 4, 8 cores (rtl_top_directed_*); TLBI + DSB ISH
# racing translations in flight on 2 and 4 (rtl_top_race_*, rtl_top_run_*).
$(eval $(call rtl_test,rtl_tlb_directed,tb/tests/rtl_tlb_directed.c,tlb,plru_16x16))
$(eval $(call rtl_test,rtl_ptw_directed,tb/tests/rtl_ptw_directed.c,ptw,w48_wc4))
$(foreach c,$(RTL_TOP_CFGS),$(eval $(call rtl_test,rtl_top_directed_$(call w,$(c),1),\
	tb/tests/rtl_top_directed.c,top,$(c),$(call top_defs,$(c)))))
$(foreach c,$(RTL_RACE_CFGS),$(eval $(call rtl_test,rtl_top_race_$(call w,$(c),1),\
	tb/tests/rtl_top_race.c,top,$(c),$(call top_defs,$(c)))))
# the cores at once (rtl_top_run): a TLBI meeting translations in flight on 2 and 4
$(foreach c,$(RTL_RACE_CFGS),$(eval $(call rtl_test,rtl_top_run_$(call w,$(c),1),\
	tb/tests/rtl_top_run.c,top,$(c),$(call top_defs,$(c)))))
# shootdown latency, idle and under load, on 1, 2, 4, 8 cores (rtl_top_shootdown_*)
$(foreach c,$(RTL_TOP_CFGS),$(eval $(call rtl_test,rtl_top_shootdown_$(call w,$(c),1),\
	tb/tests/rtl_top_shootdown.c,top,$(c),$(call top_defs,$(c)))))

# the lockstep tests live in $(B)/rtl; run.sh finds them from $(B)/asan
$(B)/asan/../rtl/%: $(B)/rtl/% ;

# ---- SystemC/TLM-2.0: the system top as a SystemC module, and an example platform ----
# libmmu_tlm.a: the module (tb/systemc/mmu_tlm.h) and the C library it loads
# the Verilated top with; mmusc: the example platform (tb/systemc/mmusc.cpp);
# sc_protocol: the sockets' error responses, under ASan/UBSan.
SC_CFLAGS := $(shell pkg-config --cflags systemc 2>/dev/null)
SC_LIBS   := $(shell pkg-config --libs systemc 2>/dev/null)
SC_CXXW   := -std=c++17 -Wall -Wextra -Wshadow

systemc: $(B)/systemc/libmmu_tlm.a $(B)/systemc/mmusc $(B)/systemc/sc_protocol $(B)/systemc/minimal

$(B)/systemc/obj/%.o: tb/systemc/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(CFLAGS) $(SC_CXXW) $(SC_CFLAGS) $(DEPS) -c $< -o $@

$(B)/systemc/asan/%.o: tb/systemc/%.cpp
	@mkdir -p $(@D)
	$(CXX) $(SAN) $(SC_CXXW) $(SC_CFLAGS) $(DEPS) -c $< -o $@

$(B)/systemc/libmmu_tlm.a: $(B)/systemc/obj/mmu_tlm.o $(call obj,,$(LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

$(B)/systemc/mmusc: $(B)/systemc/obj/mmusc.o $(B)/systemc/obj/platform.o \
		$(call obj,,tb/systemc/sc_replay.c) $(B)/systemc/libmmu_tlm.a
	$(CXX) $(CFLAGS) -o $@ $^ $(SC_LIBS) $(LIBS) -pthread

# the README's sample, built as a platform of your own would be
$(B)/systemc/minimal: tb/systemc/minimal.cpp $(B)/systemc/libmmu_tlm.a
	$(CXX) $(CFLAGS) $(SC_CXXW) $(SC_CFLAGS) $(DEPS) -o $@ $< $(B)/systemc/libmmu_tlm.a $(SC_LIBS) \
		-lzstd -lz -lm -ldl -pthread

$(B)/systemc/sc_protocol: $(B)/systemc/asan/sc_protocol.o $(B)/systemc/asan/mmu_tlm.o \
		$(B)/systemc/asan/platform.o $(ASAN_LIB)
	$(CXX) $(SAN) -o $@ $^ $(SC_LIBS) $(LIBS) -pthread

# $(call lint_rtl,KIND): Verilator -Wall over the file list, at each of KIND's configurations
define lint_rtl
$(foreach c,$(RTL_CFGS_$(1)),@echo "verilator --lint-only -Wall mmu_$(1) ($(call w,$(c),1))"
@$(VERILATOR) --lint-only -Wall --assert -f $(RTL_F) --top-module mmu_$(1) $(call $(1)_params,$(c))
)
endef

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 $(LIB_SRC) tb/mmusim.c traces/mmutrace.c tb/tests/*.c tb/fuzz/*.c \
		tb/systemc/*.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c++17 --language=c++ tb/systemc/*.cpp
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 -I$(VG_INC) -D__x86_64__ -D__GNUC__ -DVGA_amd64=1 \
		-DVGO_linux=1 -DVGP_amd64_linux=1 -DVGPV_amd64_linux_vanilla=1 traces/vgtool/mmut_main.c
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 traces/arm64/*.c tb/tests/arm64/*.c
	$(foreach k,$(RTL_KINDS),$(call lint_rtl,$(k)))

bench: $(B)/bench_reader $(B)/mmusim $(B)/mmutrace $(VGTOOL) $(QEMU_PLUGIN)
	@status=0; for s in reader rtl capture arm64 backends; do \
		echo "== bench/$$s.sh"; bench/$$s.sh || status=1; done; \
		ls bench/results; exit $$status

# SYNTH: configurations of bench/synth.sh (default: all but tlb_1280x5 and core_default)
sweep: $(B)/mmusim $(B)/stress_trace
	bench/sweep.sh $(SWEEP_ARGS)

# the long random OS stress (make test runs a short one): STRESS_SEEDS seeds,
# STRESS_ACCESSES accesses a trace, every invariant checked
STRESS_SEEDS    ?= 8
STRESS_ACCESSES ?= 2000000
stress: $(B)/stress_trace $(B)/mmusim
	tb/tests/stress.sh $(STRESS_SEEDS) $(STRESS_ACCESSES)

synth:
	bench/synth.sh $(SYNTH)

$(eval $(call program,bench_reader,bench/bench_reader.c))

trace: $(B)/mmutrace $(VGTOOL)
	@[ -n "$(CMD)" ] && [ -n "$(OUT)" ] || { echo "usage: make trace CMD='prog args' OUT=file.mmut.zst"; exit 2; }
	$(B)/mmutrace capture -o $(OUT) -- $(CMD)

# The first 400,000 records of xz on two cores: its second thread starts
# (on core 1) at record 387,121, RTL cycle 810,475, inside WAVE_FROM..WAVE_TO. The TLB
# geometry is the one `make test` builds (its waveform test), so the
# Verilated model is usually there already; if not it is built once.
WAVE_TLBS := -s l1i.entries=16 -s l1i.ways=4 -s l1d.entries=16 -s l1d.ways=4 -s l2.entries=64 \
	-s l2.ways=4
WAVE_FROM ?= 807000
WAVE_TO   ?= 813000
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

# the dependency files of every object built so far (not Verilator's own)
-include $(shell find $(B)/obj $(B)/asan/obj $(B)/fuzz $(B)/systemc -name '*.d' 2>/dev/null) \
	$(wildcard $(B)/rtl/*.d $(B)/rtl/*/*_shim.d)

# ---- make install PREFIX=... (default /usr/local; DESTDIR= for staging), make uninstall ----
# bin/: mmusim, mmutrace; lib/mmusim/vg: the capture tool (a VALGRIND_LIB
# like build/vg); share/mmusim: what mmusim --backend rtl builds a model
# from (the RTL and its file list, the shim, build_top.sh and the headers
# the shim includes), and the bundled traces; lib/libmmusim.a, its headers
# in include/mmusim/{model,traces,tb}, lib/pkgconfig/mmusim.pc; man pages
# of both tools, made by help2man from their --help.
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^\#define MMUSIM_VERSION "\(.*\)"/\1/p' traces/trace.h)
I_BIN   := $(DESTDIR)$(PREFIX)/bin
I_LIB   := $(DESTDIR)$(PREFIX)/lib
I_INC   := $(DESTDIR)$(PREFIX)/include/mmusim
I_SHARE := $(DESTDIR)$(PREFIX)/share/mmusim
I_MAN   := $(DESTDIR)$(PREFIX)/share/man/man1
LIB_HDR := $(wildcard model/*.h traces/*.h tb/*.h tb/rtl/*.h)
SHIM    := tb/rtl/top_shim.cpp tb/rtl/build_top.sh

MAN_mmusim   := the TLB miss rates and page-walk costs of a memory trace, on a model or the RTL
MAN_mmutrace := capture, convert and inspect the memory traces mmusim replays

$(B)/man/%.1: $(B)/%
	@mkdir -p $(@D)
	@command -v help2man > /dev/null || { echo "no help2man: make deps"; exit 1; }
	help2man -N --no-discard-stderr --version-string=$(VERSION) -n '$(MAN_$*)' -o $@ $<

install: $(addprefix $(B)/,$(TOOLS)) $(VGTOOL) $(LIB) $(addprefix $(B)/man/,$(TOOLS:=.1))
	install -d $(I_BIN) $(I_LIB)/pkgconfig $(I_LIB)/mmusim/vg $(I_MAN)
	install -m 755 $(addprefix $(B)/,$(TOOLS)) $(I_BIN)
	install -m 644 $(LIB) $(I_LIB)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: mmusim' 'Description: MMU/TLB model: traces, the Linux mm model, golden TLBs' \
		'Version: $(VERSION)' 'Cflags: -I$${includedir}/mmusim' \
		'Libs: -L$${libdir} -lmmusim -lzstd -lz -lm -ldl -pthread' > $(I_LIB)/pkgconfig/mmusim.pc
	install -m 644 $(addprefix $(B)/man/,$(TOOLS:=.1)) $(I_MAN)
	install -m 755 $(VGTOOL) $(I_LIB)/mmusim/vg
	install -m 644 $(B)/vg/version $(I_LIB)/mmusim/vg
	for f in $(VG_EXEC)/*; do ln -sfn $$f $(I_LIB)/mmusim/vg/$$(basename $$f); done
	for f in $(LIB_HDR); do install -D -m 644 $$f $(I_INC)/$$f || exit 1; done
	for f in $(RTL_F) $(RTL_SRC) $(RTL_HDR) $(LIB_HDR) $(wildcard traces/bundled/*); do \
		install -D -m 644 $$f $(I_SHARE)/$$f || exit 1; done
	for f in $(SHIM); do install -D -m 644 $$f $(I_SHARE)/$$f || exit 1; done
	chmod 755 $(I_SHARE)/tb/rtl/build_top.sh

uninstall:
	rm -f $(addprefix $(I_BIN)/,$(TOOLS)) $(I_LIB)/libmmusim.a $(I_LIB)/pkgconfig/mmusim.pc \
		$(addprefix $(I_MAN)/,$(TOOLS:=.1))
	rm -rf $(I_INC) $(I_SHARE) $(I_LIB)/mmusim
