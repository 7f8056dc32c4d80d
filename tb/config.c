// SPDX-License-Identifier: MIT
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(MAX_CORES <= 256, "mmu_top's tlbi_core_i has 8 bits");

const char config_help[] =
	"  cores          cores the trace's threads run on (thread t on core (t-1) mod cores)\n"
	"  seed           seed of the random replacement policy (policy=random)\n"
	"  l1i.entries    L1 instruction TLB entries (likewise l1d.*, and l2.* for the\n"
	"                 unified L2 TLB; l2.entries=0 removes the L2 TLB)\n"
	"  l1i.ways       associativity; ways = entries is fully associative\n"
	"  l1i.policy     replacement: lru, plru (tree), fifo, random\n"
	"  l1i.latency    cycles of a lookup\n"
	"  walk.latency   cycles of a page walk (--os none)\n"
	"  page_size      4k, 2m or 1g: pages of the identity map (--os none)\n"
	"  os             linux (the Linux memory manager, the default) or none\n"
	"  backend        model, or rtl (the Verilog MMU, golden model in lockstep)\n"
	"  mem            physical memory, e.g. 8g or 512m (--os linux)\n"
	"  va_bits        48 (4-level tables) or 39 (3-level)\n"
	"  asid_bits      16 or 8\n"
	"  tlbi_range     on/off: FEAT_TLBIRANGE range invalidation\n"
	"  ttl            on/off: FEAT_TTL level hints\n"
	"  thp            on/off: 2 MiB anonymous pages where they fit\n"
	"  walk.mem_latency  cycles of one descriptor read (--os linux)\n"
	"  walk.l0_entries   walk-cache entries for L0 descriptors (likewise l1, l2)\n"
	"  fabric.hop_latency  cycles of a broadcast-fabric hop (--backend rtl)\n"
	"  rtl.parallel   on/off: the RTL's cores translate their pages at once, walkers\n"
	"                 sharing the memory port (--backend rtl; off: one page at a time)\n";

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
	{ "seed", SCOPE_RANDOM },
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

/*
 * Defaults after Arm's Cortex-A76: 48-entry fully associative L1 TLBs and a
 * 1280-entry 5-way L2 TLB.
 */
void config_defaults(struct sim_config *c)
{
	*c = (struct sim_config){
		.cores = 1,
		.seed = 1,
		.l1i = { 48, 48, POLICY_LRU, 1 },
		.l1d = { 48, 48, POLICY_LRU, 1 },
		.l2 = { 1280, 5, POLICY_LRU, 6 },
		.walk_latency = 40,
		.page_level = LEVEL_4K,
		.os = OS_LINUX,
		.backend = BACKEND_MODEL,
		.mem_bytes = 8ULL << 30,
		.va_bits = 48,
		.asid_bits = 16,
		.tlbi_range = true,
		.ttl = true,
		.thp = false,
		.mem_latency = 20,
		.walk_cache = { 16, 16, 16 },
		.hop_latency = 2,
	};
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

static int set_tlb(struct tlb_geometry *g, const char *field, const char *value,
		   char *err, size_t errlen, const char *key)
{
	uint64_t v;

	if (!strcmp(field, "policy")) {
		if (tlb_policy_parse(value, &g->policy) == 0)
			return 0;
		snprintf(err, errlen, "%s: unknown policy '%s' (lru, plru, fifo, random)",
			 key, value);
		return -1;
	}
	unsigned *dst = !strcmp(field, "entries") ? &g->entries
			: !strcmp(field, "ways")  ? &g->ways
			: !strcmp(field, "latency") ? &g->latency
						     : NULL;
	if (!dst) {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -1;
	}
	if (parse_uint(value, 1u << 20, &v)) {
		snprintf(err, errlen, "%s: '%s' is not a number from 0 to %u", key, value,
			 1u << 20);
		return -1;
	}
	*dst = (unsigned)v;
	return 0;
}

static int set_key(struct sim_config *c, const char *key, const char *value, char *err,
		   size_t errlen)
{
	uint64_t v;

	if (!strncmp(key, "l1i.", 4))
		return set_tlb(&c->l1i, key + 4, value, err, errlen, key);
	if (!strncmp(key, "l1d.", 4))
		return set_tlb(&c->l1d, key + 4, value, err, errlen, key);
	if (!strncmp(key, "l2.", 3))
		return set_tlb(&c->l2, key + 3, value, err, errlen, key);
	if (!strcmp(key, "cores")) {
		if (parse_uint(value, MAX_CORES, &v) || v == 0) {
			snprintf(err, errlen,
				 "cores: '%s' is not a number from 1 to %d (at most %d cores: the "
				 "model's limit; the RTL's tlbi_core_i has 8 bits, for 256)",
				 value, MAX_CORES, MAX_CORES);
			return -1;
		}
		c->cores = (unsigned)v;
		return 0;
	}
	if (!strcmp(key, "seed")) {
		if (parse_uint(value, UINT64_MAX, &v)) {
			snprintf(err, errlen, "seed: '%s' is not a number", value);
			return -1;
		}
		c->seed = v;
		return 0;
	}
	if (!strcmp(key, "walk.latency")) {
		if (parse_uint(value, 1u << 20, &v)) {
			snprintf(err, errlen, "walk.latency: '%s' is not a number", value);
			return -1;
		}
		c->walk_latency = (unsigned)v;
		return 0;
	}
	if (!strcmp(key, "page_size")) {
		if (!strcmp(value, "4k"))
			c->page_level = LEVEL_4K;
		else if (!strcmp(value, "2m"))
			c->page_level = LEVEL_2M;
		else if (!strcmp(value, "1g"))
			c->page_level = LEVEL_1G;
		else {
			snprintf(err, errlen, "page_size: '%s' is not 4k, 2m or 1g", value);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "os")) {
		if (!strcmp(value, "none"))
			c->os = OS_NONE;
		else if (!strcmp(value, "linux"))
			c->os = OS_LINUX;
		else {
			snprintf(err, errlen, "os: '%s' is not linux or none", value);
			return -1;
		}
		return 0;
	}
	bool *flag = !strcmp(key, "tlbi_range") ? &c->tlbi_range
		     : !strcmp(key, "ttl")	  ? &c->ttl
		     : !strcmp(key, "thp")	  ? &c->thp
		     : !strcmp(key, "rtl.parallel") ? &c->parallel
						  : NULL;

	if (flag) {
		if (!strcmp(value, "on") || !strcmp(value, "1"))
			*flag = true;
		else if (!strcmp(value, "off") || !strcmp(value, "0"))
			*flag = false;
		else {
			snprintf(err, errlen, "%s: '%s' is not on or off", key, value);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "mem")) {
		char *end;
		uint64_t n = strtoull(value, &end, 10), unit = 1;

		if (*end == 'g' || *end == 'G')
			unit = 1ULL << 30, end++;
		else if (*end == 'm' || *end == 'M')
			unit = 1ULL << 20, end++;
		if (*end || end == value || *value == '-' || n == 0 || n > (1ULL << 40) / unit ||
		    n * unit < (64ULL << 20)) {
			snprintf(err, errlen, "mem: '%s' is not a size from 64m to 1024g", value);
			return -1;
		}
		c->mem_bytes = n * unit;
		return 0;
	}
	unsigned *num = !strcmp(key, "va_bits")		  ? &c->va_bits
			: !strcmp(key, "asid_bits")	  ? &c->asid_bits
			: !strcmp(key, "walk.mem_latency") ? &c->mem_latency
			: !strcmp(key, "walk.l0_entries")  ? &c->walk_cache[0]
			: !strcmp(key, "walk.l1_entries")  ? &c->walk_cache[1]
			: !strcmp(key, "walk.l2_entries")  ? &c->walk_cache[2]
			: !strcmp(key, "fabric.hop_latency") ? &c->hop_latency
							   : NULL;

	if (num) {
		if (parse_uint(value, 1u << 16, &v)) {
			snprintf(err, errlen, "%s: '%s' is not a number", key, value);
			return -1;
		}
		if (num == &c->hop_latency && v > 1024) {
			/* 64 cores of it stay well inside the shim's wait for a sync */
			snprintf(err, errlen, "%s: %s is more than 1024 cycles", key, value);
			return -1;
		}
		if ((num == &c->va_bits && v != 48 && v != 39) ||
		    (num == &c->asid_bits && v != 16 && v != 8)) {
			snprintf(err, errlen, "%s: %s is not supported (%s)", key, value,
				 num == &c->va_bits ? "48 or 39" : "16 or 8");
			return -1;
		}
		*num = (unsigned)v;
		return 0;
	}
	if (!strcmp(key, "backend")) {
		if (!strcmp(value, "model"))
			c->backend = BACKEND_MODEL;
		else if (!strcmp(value, "rtl"))
			c->backend = BACKEND_RTL;
		else {
			snprintf(err, errlen, "backend: '%s' is not model or rtl", value);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s'", key);
	return -1;
}

int config_set(struct sim_config *c, const char *key, const char *value, char *err,
	       size_t errlen)
{
	if (set_key(c, key, value, err, errlen))
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
	if (c->backend == BACKEND_RTL) {
		if (c->os != OS_LINUX || !c->l2.entries) {
			snprintf(err, errlen, "--backend rtl needs --os linux and an L2 TLB");
			return -1;
		}
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
