// SPDX-License-Identifier: MIT
/*
 * A GTKWave save file for an FST of the system top: the signals grouped per
 * core and structure (translation port, L1 I, L1 D, L2, walker), then the
 * fabric and the memory port, with translate filters that name TLBI
 * operations, walker and MMU states, fault kinds, accesses and sources.
 */
#include "gtkw.h"

#include <stdio.h>
#include <string.h>

#include "../model/arm64.h"

enum { F_TLBI = 1, F_FAULT, F_ACCESS, F_SOURCE, F_CORE_STATE, F_PTW_STATE, NR_FILTERS };

static const char *const filter_names[NR_FILTERS] = {
	[F_TLBI] = "tlbi", [F_FAULT] = "fault", [F_ACCESS] = "access", [F_SOURCE] = "source",
	[F_CORE_STATE] = "core_state", [F_PTW_STATE] = "walker_state",
};

static int write_filter(const char *base, int k, char *path, size_t n)
{
	static const char *const fault[] = { "none", "translation", "access_flag", "permission" };
	static const char *const access[] = { "read", "write", "exec" };
	static const char *const source[] = { "L1", "L2", "walk" };
	static const char *const core[] = { "Idle", "L1Look", "L2Look", "L1Fill", "Walk", "L2Fill",
					    "Respond" };
	static const char *const ptw[] = { "Idle", "Probe", "Read", "Wait", "Done" };
	FILE *f;

	snprintf(path, n, "%s.%s.filter", base, filter_names[k]);
	f = fopen(path, "w");
	if (!f)
		return -1;
	switch (k) {
	case F_TLBI:
		for (int i = 0; i < TLBI_NR_OPS; i++)
			fprintf(f, "%d %s\n", i, tlbi_op_names[i]);
		break;
	case F_FAULT:
		for (int i = 0; i < 4; i++)
			fprintf(f, "%d %s\n", i, fault[i]);
		break;
	case F_ACCESS:
		for (int i = 0; i < 3; i++)
			fprintf(f, "%d %s\n", i, access[i]);
		break;
	case F_SOURCE:
		for (int i = 0; i < 3; i++)
			fprintf(f, "%d %s\n", i, source[i]);
		break;
	case F_CORE_STATE:
		for (int i = 0; i < 7; i++)
			fprintf(f, "%d %s\n", i, core[i]);
		break;
	default:
		for (int i = 0; i < 5; i++)
			fprintf(f, "%d %s\n", i, ptw[i]);
		break;
	}
	return fclose(f);
}

struct sig {
	const char *name; /* below the scope */
	int filter;	  /* 0: none */
	int hex;	  /* 1: hex, 0: binary (one bit) or decimal */
};

/* GTKWave numbers translate filters in the order the save file names them. */
static int slot[NR_FILTERS], used;

static void group(FILE *f, const char *title, const char *scope, const struct sig *s, size_t n,
		  char filters[NR_FILTERS][1100])
{
	fprintf(f, "@800200\n-%s\n", title);
	for (size_t i = 0; i < n; i++) {
		if (s[i].filter) {
			if (!slot[s[i].filter])
				slot[s[i].filter] = ++used;
			fprintf(f, "@2024\n^%d %s\n", slot[s[i].filter], filters[s[i].filter]);
		} else {
			fprintf(f, "@%s\n", s[i].hex ? "22" : "28");
		}
		fprintf(f, "%s.%s\n", scope, s[i].name);
	}
	fprintf(f, "@1000200\n-%s\n", title);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

int write_gtkw(const char *fst, unsigned cores)
{
	char base[1024], path[1100], filters[NR_FILTERS][1100];
	size_t n = strlen(fst);

	memset(slot, 0, sizeof(slot));
	used = 0;
	snprintf(base, sizeof(base), "%.*s", (int)(n > 4 ? n - 4 : n), fst);
	for (int k = 1; k < NR_FILTERS; k++)
		if (write_filter(base, k, filters[k], sizeof(filters[k])))
			return -1;
	snprintf(path, sizeof(path), "%s.gtkw", base);
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "[*] GTKWave save file written by mmusim\n[dumpfile] \"%s\"\n", fst);
	fprintf(f, "[sst_width] 260\n[signals_width] 300\n[sst_expanded] 1\n");
	static const struct sig port[] = {
		{ "req_valid_i", 0, 0 },   { "req_access_i[1:0]", F_ACCESS, 0 },
		{ "req_va_i[63:0]", 0, 1 }, { "req_ttbr_i[63:0]", 0, 1 },
		{ "state_q[2:0]", F_CORE_STATE, 0 }, { "resp_valid_o", 0, 0 },
		{ "resp_fault_o[1:0]", F_FAULT, 0 }, { "resp_level_o[1:0]", 0, 1 },
		{ "resp_pa_o[47:0]", 0, 1 }, { "resp_source_o[1:0]", F_SOURCE, 0 },
	};
	static const struct sig tlb[] = {
		{ "lookup_valid_i", 0, 0 }, { "lookup_vpn_i[51:0]", 0, 1 },
		{ "lookup_asid_i[15:0]", 0, 1 }, { "resp_hit_o", 0, 0 },
		{ "fill_valid_i", 0, 0 }, { "tlbi_valid_i", 0, 0 },
		{ "tlbi_op_i[3:0]", F_TLBI, 0 }, { "cnt_hits_o[63:0]", 0, 1 },
	};
	static const struct sig ptw[] = {
		{ "state_q[2:0]", F_PTW_STATE, 0 }, { "level_q[1:0]", 0, 1 },
		{ "restart_q", 0, 0 },	{ "mem_req_valid_o", 0, 0 },
		{ "mem_req_addr_o[47:0]", 0, 1 }, { "mem_resp_valid_i", 0, 0 },
		{ "mem_resp_data_i[63:0]", 0, 1 }, { "resp_fault_o[1:0]", F_FAULT, 0 },
	};
	static const struct sig fabric[] = {
		{ "tlbi_valid_i", 0, 0 }, { "tlbi_core_i[7:0]", 0, 1 },
		{ "tlbi_shareable_i", 0, 0 }, { "tlbi_op_i[3:0]", F_TLBI, 0 },
		{ "tlbi_operand_i[63:0]", 0, 1 }, { "sync_valid_i", 0, 0 },
		{ "sync_done_o", 0, 0 },	{ "mem_req_valid_o", 0, 0 },
		{ "mem_req_addr_o[47:0]", 0, 1 }, { "mem_resp_valid_i", 0, 0 },
	};
	fprintf(f, "@28\nTOP.mmu_top.clk_i\n");
	for (unsigned c = 0; c < cores; c++) {
		char scope[128], title[64];
		static const char *const tlbs[3][2] = { { "u_l1i", "L1 I-TLB" },
							{ "u_l1d", "L1 D-TLB" },
							{ "u_l2", "L2 TLB" } };

		snprintf(scope, sizeof(scope), "TOP.mmu_top.g_core[%u].u_core", c);
		snprintf(title, sizeof(title), "core %u translation", c);
		group(f, title, scope, port, N(port), filters);
		for (int k = 0; k < 3; k++) {
			char sub[160];

			snprintf(sub, sizeof(sub), "%s.%s", scope, tlbs[k][0]);
			snprintf(title, sizeof(title), "core %u %s", c, tlbs[k][1]);
			group(f, title, sub, tlb, N(tlb), filters);
		}
		char sub[160];

		snprintf(sub, sizeof(sub), "%s.u_ptw", scope);
		snprintf(title, sizeof(title), "core %u walker", c);
		group(f, title, sub, ptw, N(ptw), filters);
	}
	group(f, "fabric and memory port", "TOP.mmu_top", fabric, N(fabric), filters);
	return fclose(f);
}
