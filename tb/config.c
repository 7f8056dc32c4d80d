// SPDX-License-Identifier: MIT
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(MAX_CORES <= 256, "mmu_top's tlbi_core_i has 8 bits");

/*
 * Keys that apply only in some modes: setting one in another mode is
 * warned about (config_unused_keys), and the JSON report lists a key only
 * where it applies.
 */
const struct config_scoped_key config_scoped_keys[] = {
	{ "walk.latency", SCOPE_NONE },	     { "page_size", SCOPE_NONE },
	{ "mem", SCOPE_LINUX },		     { "va_bits", SCOPE_LINUX },
	{ "asid_bits", SCOPE_LINUX },	     { "tlbi_range", SCOPE_LINUX },
	{ "ttl", SCOPE_LINUX },		     { "thp", SCOPE_LINUX },
	{ "walk.mem_latency", SCOPE_LINUX }, { "walk.l0_entries", SCOPE_LINUX },
	{ "walk.l1_entries", SCOPE_LINUX },  { "walk.l2_entries", SCOPE_LINUX },
	{ "fabric.hop_latency", SCOPE_RTL }, { "rtl.parallel", SCOPE_RTL },
	{ "seed", SCOPE_RANDOM },	     { "swap", SCOPE_LINUX },
	{ "swappiness", SCOPE_LINUX },	     { "rtl.watchdog", SCOPE_RTL },
	{ "fault.walk_abort", SCOPE_LINUX }, { "fault.walk_level", SCOPE_LINUX },
	{ "fault.drop_ack", SCOPE_RTL },
	{ NULL, SCOPE_LINUX },
};

static void mark_given(struct sim_config *c, const char *key)
{
	for (unsigned i = 0; config_scoped_keys[i].name; i++)
		if (!strcmp(key, config_scoped_keys[i].name))
			c->given |= 1u << i;
}

bool config_key_applies(const struct sim_config *c, unsigned i)
{
	switch (config_scoped_keys[i].scope) {
	case SCOPE_LINUX:
		return c->os == OS_LINUX;
	case SCOPE_NONE:
		return c->os == OS_NONE;
	case SCOPE_RTL:
		return c->backend == BACKEND_RTL;
	default: /* the random policy, of a TLB model or of the RTL's */
		return c->l1i.policy == POLICY_RANDOM || c->l1d.policy == POLICY_RANDOM ||
		       (c->l2.entries && c->l2.policy == POLICY_RANDOM);
	}
}

unsigned config_unused_keys(const struct sim_config *c, char *out, size_t len)
{
	static const char *const why[] = {
		[SCOPE_LINUX] = "--os linux only",
		[SCOPE_NONE] = "--os none only",
		[SCOPE_RTL] = "--backend rtl only",
		[SCOPE_RANDOM] = "no TLB has policy random",
	};
	unsigned n = 0;
	size_t at = 0;

	if (len)
		out[0] = 0;
	for (unsigned i = 0; config_scoped_keys[i].name; i++) {
		if (!(c->given & 1u << i) || config_key_applies(c, i))
			continue;
		if (at < len)
			at += (size_t)snprintf(out + at, len - at, "%s%s (%s)", n ? "; " : "",
					       config_scoped_keys[i].name,
					       why[config_scoped_keys[i].scope]);
		n++;
	}
	return n;
}

static const struct config_choice page_sizes[] = {
	{ "4k", LEVEL_4K }, { "2m", LEVEL_2M }, { "1g", LEVEL_1G }, { NULL, 0 },
};
static const struct config_choice os_modes[] = {
	{ "linux", OS_LINUX }, { "none", OS_NONE }, { NULL, 0 },
};
static const struct config_choice backends[] = {
	{ "model", BACKEND_MODEL }, { "rtl", BACKEND_RTL }, { NULL, 0 },
};
static const struct config_choice va_sizes[] = { { "48", 48 }, { "39", 39 }, { NULL, 0 } };
static const struct config_choice asid_sizes[] = { { "16", 16 }, { "8", 8 }, { NULL, 0 } };
static const struct config_choice on_off[] = {
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 }, { NULL, 0 },
};

#define FIELD(f) offsetof(struct sim_config, f)
#define NUMBER(f, lo, hi) CONFIG_UINT, FIELD(f), lo, hi, NULL
#define CHOICE(f, list) CONFIG_CHOICE, FIELD(f), 0, 0, list
#define FLAG(f) CONFIG_BOOL, FIELD(f), 0, 0, on_off
#define TLB_KEYS(t, name, e, w, lat, note)                                                   \
	{ #t ".entries", NUMBER(t.entries, 0, 1u << 20), #e,                                 \
	  name " entries; sets = entries/ways must be a power of two" note },                \
	{ #t ".ways", NUMBER(t.ways, 0, 1u << 20), #w,                                       \
	  name " ways; ways = entries is fully associative" },                               \
	{ #t ".policy", CONFIG_POLICY, FIELD(t.policy), 0, 0, NULL, "lru",                   \
	  name " replacement: lru, plru (tree; power-of-two ways), fifo, random" },          \
	{ #t ".latency", NUMBER(t.latency, 0, 1u << 20), #lat, "cycles of one " name " lookup" }

/*
 * Every key, declared once: the parser (config_set), the defaults
 * (config_defaults), --help (config_print_keys) and the README's table of
 * keys (config_print_keys_markdown; tb/tests/test_config.c checks the two
 * agree) all read this table. TLB defaults follow Arm's Cortex-A76:
 * 48-entry fully associative L1 TLBs, a 1280-entry 5-way L2 TLB.
 */
const struct config_key config_keys[] = {
	TLB_KEYS(l1i, "L1 I-TLB", 48, 48, 1, ""),
	TLB_KEYS(l1d, "L1 D-TLB", 48, 48, 1, ""),
	TLB_KEYS(l2, "unified L2 TLB", 1280, 5, 6, "; 0 removes it"),
	{ "cores", NUMBER(cores, 1, MAX_CORES), "1",
	  "cores the threads are spread over (thread t on core (t-1) mod cores); at most 64 "
	  "cores: the model's limit (the RTL's 8-bit tlbi_core_i would take 256)" },
	{ "seed", CONFIG_U64, FIELD(seed), 0, UINT64_MAX, NULL, "1",
	  "seed of the random policy" },
	{ "os", CHOICE(os, os_modes), "linux", "linux (Linux's memory manager) or none (as --os)" },
	{ "backend", CHOICE(backend, backends), "model",
	  "model, or rtl: the Verilog MMU with the golden model in lockstep (as --backend)" },
	{ "mem", CONFIG_SIZE, FIELD(mem_bytes), 33ULL << 20, 1ULL << 40, NULL, "8g",
	  "simulated physical memory, the kernel's 32m included: bytes or with k, m or g, in 4 KiB "
	  "pages (zones DMA < 1 GiB, DMA32 < 4 GiB, Normal)" },
	{ "swap", CONFIG_SIZE, FIELD(swap_bytes), 0, 64ULL << 30, NULL, "0",
	  "size of the swap device, e.g. 64m (0: no swap)" },
	{ "swappiness", NUMBER(swappiness, 0, 200), "60",
	  "vm.swappiness: how reclaim weighs anonymous against file pages" },
	{ "va_bits", CHOICE(va_bits, va_sizes), "48", "48 (4-level tables) or 39 (3-level)" },
	{ "asid_bits", CHOICE(asid_bits, asid_sizes), "16", "ASID bits: 16 or 8" },
	{ "tlbi_range", FLAG(tlbi_range), "on", "FEAT_TLBIRANGE: Linux uses range TLBIs" },
	{ "ttl", FLAG(ttl), "on", "FEAT_TTL: level hints in TLBI operands" },
	{ "thp", FLAG(thp), "off", "2 MiB anonymous pages where an aligned 2 MiB fits a VMA" },
	{ "walk.mem_latency", NUMBER(mem_latency, 0, 1u << 16), "20",
	  "cycles of one descriptor read" },
	{ "walk.l0_entries", NUMBER(walk_cache[0], 0, 1u << 16), "16",
	  "walk-cache entries for L0 table descriptors (--backend rtl: equal at every level)" },
	{ "walk.l1_entries", NUMBER(walk_cache[1], 0, 1u << 16), "16",
	  "walk-cache entries for L1 table descriptors" },
	{ "walk.l2_entries", NUMBER(walk_cache[2], 0, 1u << 16), "16",
	  "walk-cache entries for L2 table descriptors" },
	{ "fabric.hop_latency", NUMBER(hop_latency, 0, 1024), "2",
	  "cycles a broadcast TLBI takes per hop of the ring (--backend rtl); the fabric "
	  "holds the issuer off while a core's queue of 8 is full" },
	{ "rtl.parallel", FLAG(parallel), "off",
	  "--backend rtl: the cores translate their pages at once, the walkers sharing the "
	  "memory port (off: one page at a time)" },
	{ "rtl.watchdog", CONFIG_U64, FIELD(watchdog), 1, 1ULL << 40, NULL, "1000000",
	  "--backend rtl: cycles a page's answer, a TLBI's entry into the fabric or a DSB's "
	  "completion may take; past it the run stops with an error naming the core, the "
	  "operation and the cycle" },
	{ "fault.walk_abort", CONFIG_U64, FIELD(walk_abort), 0, UINT64_MAX, NULL, "0",
	  "fault injection (--os linux): a VA; the memory answers the descriptor read at level "
	  "fault.walk_level of every walk in its region with an error, a synchronous external "
	  "abort on the walk, and Linux kills the process (SIGKILL); 0: none" },
	{ "fault.walk_level", NUMBER(walk_abort_level, 0, 3), "3",
	  "the level of the descriptor read fault.walk_abort fails (0..3; 1..3 with va_bits=39)" },
	{ "fault.drop_ack", CONFIG_U64, FIELD(drop_ack), 0, UINT64_MAX, NULL, "0",
	  "fault injection (--backend rtl): the Nth TLBI (from 1) is never acknowledged by the "
	  "last core it reaches (its issuer if local), so the DSB after it waits until "
	  "rtl.watchdog stops the run; 0: none" },
	{ "walk.latency", NUMBER(walk_latency, 0, 1u << 20), "40",
	  "cycles of a page walk (--os none)" },
	{ "page_size", CHOICE(page_level, page_sizes), "4k",
	  "the pages of the identity map (--os none)" },
	{ NULL, CONFIG_UINT, 0, 0, 0, NULL, NULL, NULL },
};

const struct config_key *config_find_key(const char *name)
{
	for (const struct config_key *k = config_keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

void config_defaults(struct sim_config *c)
{
	char err[256];

	*c = (struct sim_config){ 0 };
	for (const struct config_key *k = config_keys; k->name; k++)
		if (config_set(c, k->name, k->def, err, sizeof(err)))
			abort(); /* a default outside its own range: tb/tests/test_config.c */
	c->given = 0;
}

static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end || *out > max ? -1 : 0;
}

/* A size in whole 4 KiB pages: bytes, or with a suffix k, m or g (KiB, MiB, GiB). */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t n, unit = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end == 'g' || *end == 'G')
		unit = 1ULL << 30, end++;
	else if (*end == 'm' || *end == 'M')
		unit = 1ULL << 20, end++;
	else if (*end == 'k' || *end == 'K')
		unit = 1ULL << 10, end++;
	if (errno || *end || n > UINT64_MAX / unit || (n * unit) % 4096)
		return -1;
	*out = n * unit;
	return 0;
}

/* A choice's names, "a, b or c", into out; the choices end at the first NULL. */
static void choice_names(const struct config_choice *list, char *out, size_t len)
{
	size_t at = 0;

	out[0] = 0;
	for (unsigned i = 0; list[i].name && at < len; i++)
		at += (size_t)snprintf(out + at, len - at, "%s%s",
				       !i ? "" : list[i + 1].name ? ", " : " or ", list[i].name);
}

static int set_key(struct sim_config *c, const struct config_key *k, const char *value,
		   char *err, size_t errlen)
{
	void *field = (char *)c + k->offset;
	char names[128];
	uint64_t v;

	switch (k->type) {
	case CONFIG_UINT:
	case CONFIG_U64:
		if (parse_uint(value, k->max, &v) || v < k->min) {
			snprintf(err, errlen, "%s: '%s' is not a number from %llu to %llu (%s)",
				 k->name, value, (unsigned long long)k->min,
				 (unsigned long long)k->max, k->help);
			return -1;
		}
		if (k->type == CONFIG_U64)
			*(uint64_t *)field = v;
		else
			*(unsigned *)field = (unsigned)v;
		return 0;
	case CONFIG_SIZE:
		if (parse_size(value, &v) || v < k->min || v > k->max) {
			snprintf(err, errlen, "%s: '%s' is not a size from %llum to %llug in 4k pages",
				 k->name, value, (unsigned long long)(k->min >> 20),
				 (unsigned long long)(k->max >> 30));
			return -1;
		}
		*(uint64_t *)field = v;
		return 0;
	case CONFIG_POLICY:
		if (!tlb_policy_parse(value, field))
			return 0;
		snprintf(err, errlen, "%s: unknown policy '%s' (lru, plru, fifo, random)", k->name,
			 value);
		return -1;
	case CONFIG_CHOICE:
	case CONFIG_BOOL:
		for (const struct config_choice *ch = k->choices; ch->name; ch++) {
			if (strcmp(ch->name, value))
				continue;
			if (k->type == CONFIG_BOOL)
				*(bool *)field = ch->value;
			else
				*(unsigned *)field = ch->value;
			return 0;
		}
		choice_names(k->choices, names, sizeof(names));
		snprintf(err, errlen, "%s: '%s' is not %s", k->name, value, names);
		return -1;
	}
	return -1;
}

static void print_range(FILE *f, const struct config_key *k, const char *sep)
{
	switch (k->type) {
	case CONFIG_UINT:
	case CONFIG_U64:
		if (k->max == UINT64_MAX)
			fprintf(f, "%llu..2^64-1", (unsigned long long)k->min);
		else
			fprintf(f, "%llu..%llu", (unsigned long long)k->min,
				(unsigned long long)k->max);
		return;
	case CONFIG_SIZE:
		fprintf(f, "%llum..%llug", (unsigned long long)(k->min >> 20),
			(unsigned long long)(k->max >> 30));
		return;
	case CONFIG_POLICY:
		for (unsigned i = 0; i < 4; i++)
			fprintf(f, "%s%s", i ? sep : "", tlb_policy_names[i]);
		return;
	case CONFIG_CHOICE:
	case CONFIG_BOOL:
		for (unsigned i = 0; k->choices[i].name; i++)
			fprintf(f, "%s%s", i ? sep : "", k->choices[i].name);
		return;
	}
}

void config_print_keys(FILE *f)
{
	for (const struct config_key *k = config_keys; k->name; k++) {
		fprintf(f, "  %-19s %-6s ", k->name, k->def);
		print_range(f, k, "|");
		/* the help below, in lines of at most 72 columns */
		for (const char *p = k->help; *p;) {
			int n = (int)strlen(p);

			if (n > 72)
				for (n = 72; n > 0 && p[n] != ' '; n--)
					;
			fprintf(f, "\n      %.*s", n ? n : 72, p);
			p += n ? n : 72;
			while (*p == ' ')
				p++;
		}
		fputc('\n', f);
	}
}

void config_print_keys_markdown(FILE *f)
{
	fprintf(f, "| key | default | values | meaning |\n|---|---|---|---|\n");
	for (const struct config_key *k = config_keys; k->name; k++) {
		fprintf(f, "| `%s` | %s | ", k->name, k->def);
		print_range(f, k, ", ");
		fprintf(f, " | %s |\n", k->help);
	}
}

int config_set(struct sim_config *c, const char *key, const char *value, char *err,
	       size_t errlen)
{
	const struct config_key *k = config_find_key(key);

	if (!k) {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -1;
	}
	if (set_key(c, k, value, err, errlen))
		return -1;
	mark_given(c, key);
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = 0;
	return s;
}

int config_load(struct sim_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024], msg[256];
	unsigned lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			fclose(f);
			return -1;
		}
		char *hash = strchr(line, '#');

		if (hash)
			*hash = 0;
		char *s = trim(line);

		if (!*s)
			continue;
		char *eq = strchr(s, '=');

		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected 'key = value', got '%s'", path,
				 lineno, s);
			fclose(f);
			return -1;
		}
		*eq = 0;
		if (config_set(c, trim(s), trim(eq + 1), msg, sizeof(msg))) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int config_check(const struct sim_config *c, char *err, size_t errlen)
{
	if (c->walk_abort && c->os != OS_LINUX) {
		snprintf(err, errlen, "fault.walk_abort needs --os linux (the page tables it reads)");
		return -1;
	}
	if (c->walk_abort && c->walk_abort_level < (c->va_bits == 39 ? 1u : 0u)) {
		snprintf(err, errlen, "fault.walk_level %u: with va_bits=39 walks start at level 1",
			 c->walk_abort_level);
		return -1;
	}
	if (c->drop_ack && c->backend != BACKEND_RTL) {
		snprintf(err, errlen, "fault.drop_ack needs --backend rtl (the RTL's fabric)");
		return -1;
	}
	if (c->backend == BACKEND_RTL) {
		if (c->walk_cache[0] != c->walk_cache[1] || c->walk_cache[1] != c->walk_cache[2] ||
		    !c->walk_cache[0]) {
			snprintf(err, errlen, "--backend rtl: the RTL walker has the same nonzero "
					      "number of walk-cache entries at every level");
			return -1;
		}
	}
	const struct {
		const char *name;
		const struct tlb_geometry *g;
	} t[] = { { "l1i", &c->l1i }, { "l1d", &c->l1d }, { "l2", &c->l2 } };

	for (int i = 0; i < 3; i++) {
		const char *why = tlb_geometry_error(t[i].g);

		if (i < 2 && t[i].g->entries == 0)
			why = "an L1 TLB needs at least one entry";
		if (why) {
			snprintf(err, errlen, "%s (%u entries, %u ways): %s", t[i].name,
				 t[i].g->entries, t[i].g->ways, why);
			return -1;
		}
	}
	return 0;
}
