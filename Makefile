# mmusim: every entry point. `make help` lists them.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
LIBS    := -lzstd -lz -lm
B       := build

TRACE_SRC := traces/xio.c traces/trace.c traces/native.c traces/text.c traces/lackey.c
MODEL_SRC := model/arm64.c
TB_SRC    := tb/tlb.c tb/mmu.c tb/config.c tb/report.c
LIB_SRC   := $(TRACE_SRC) $(MODEL_SRC) $(TB_SRC)

.PHONY: all build
all build: $(B)/mmutrace $(B)/mmusim

$(B)/mmutrace: traces/mmutrace.c $(LIB_SRC) $(wildcard traces/*.h model/*.h tb/*.h) | $(B)
	$(CC) $(CFLAGS) $(WARN) -o $@ traces/mmutrace.c $(LIB_SRC) $(LIBS)

$(B)/mmusim: tb/mmusim.c $(LIB_SRC) $(wildcard traces/*.h model/*.h tb/*.h) | $(B)
	$(CC) $(CFLAGS) $(WARN) -o $@ tb/mmusim.c $(LIB_SRC) $(LIBS)

$(B):
	mkdir -p $@
