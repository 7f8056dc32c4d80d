/* SPDX-License-Identifier: MIT */
/* Simulation configuration: `key = value` settings from files and -s. */
#ifndef MMUSIM_CONFIG_H
#define MMUSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlb.h"

/*
 * Cores of the golden model and of --backend rtl. The RTL itself would take
 * up to 256 (rtl/mmu_top.sv names a TLBI's core in 8 bits, tlbi_core_i).
 */
#define MAX_CORES 64

enum os_mode { OS_NONE, OS_LINUX };
enum backend { BACKEND_MODEL, BACKEND_RTL };

struct sim_config {
	unsigned cores;
	uint64_t seed;
	struct tlb_geometry l1i, l1d, l2;
	unsigned walk_latency; /* --os none: cycles of every page walk */
	unsigned page_level;   /* --os none: size of the identity pages */
	enum os_mode os;
	enum backend backend;
	/* --os linux */
	uint64_t mem_bytes;
	uint64_t swap_bytes;	  /* the swap device, 0: none */
	unsigned swappiness;
	unsigned va_bits, asid_bits;
	bool tlbi_range, ttl, thp;
	unsigned mem_latency;	  /* cycles of one descriptor read */
	unsigned walk_cache[3];	  /* entries caching L0, L1, L2 table descriptors */
	unsigned hop_latency;	  /* --backend rtl: cycles a fabric hop takes */
	bool parallel;		  /* --backend rtl: the cores translate at once */
	uint64_t watchdog;	  /* --backend rtl: cycles any wait of the RTL may take */
	/* fault injection (fault.*) */
	uint64_t walk_abort;	  /* a VA whose walks' descriptor read fails, 0: none */
	unsigned walk_abort_level; /* ... the read at this level */
	uint64_t drop_ack;	  /* --backend rtl: the TLBI never acknowledged, 0: none */
	const char *wave;	  /* --backend rtl: an FST file to write, or NULL */
	uint64_t wave_from, wave_to; /* the cycles it covers */
	unsigned given;		  /* keys of config_scoped_keys set explicitly (bit i) */
};

/* Keys that apply only in some modes: --os linux or none, --backend rtl. */
enum config_scope { SCOPE_LINUX, SCOPE_NONE, SCOPE_RTL, SCOPE_RANDOM };
struct config_scoped_key {
	const char *name;
	enum config_scope scope;
};
extern const struct config_scoped_key config_scoped_keys[];
/* Does key i of config_scoped_keys apply to configuration c? */
bool config_key_applies(const struct sim_config *c, unsigned i);
/*
 * The keys that were set but do not apply: one "KEY (why)" each, joined by
 * "; ", in out; returns how many.
 */
unsigned config_unused_keys(const struct sim_config *c, char *out, size_t len);

void config_defaults(struct sim_config *c);
/* Applies one setting; on error returns -1 with a message in err. */
int config_set(struct sim_config *c, const char *key, const char *value, char *err,
	       size_t errlen);
/* Applies a file of `key = value` lines ('#' comments). */
int config_load(struct sim_config *c, const char *path, char *err, size_t errlen);
/* Checks the whole configuration once every setting is in. */
int config_check(const struct sim_config *c, char *err, size_t errlen);
/*
 * Every key: its type, the field it sets, the range of a number (a size's
 * in bytes), the names of a choice, its default and one line of help.
 */
enum config_type { CONFIG_UINT, CONFIG_U64, CONFIG_SIZE, CONFIG_BOOL, CONFIG_CHOICE, CONFIG_POLICY };
struct config_choice {
	const char *name;
	unsigned value;
};
struct config_key {
	const char *name;
	enum config_type type;
	size_t offset; /* in struct sim_config */
	uint64_t min, max;
	const struct config_choice *choices; /* CONFIG_CHOICE, CONFIG_BOOL; NULL-ended */
	const char *def;		     /* as a value of -s */
	const char *help;
};
extern const struct config_key config_keys[]; /* ends with a NULL name */
const struct config_key *config_find_key(const char *name);
/* The keys for --help; and as the README's Markdown table. */
void config_print_keys(FILE *f);
void config_print_keys_markdown(FILE *f);

#endif
