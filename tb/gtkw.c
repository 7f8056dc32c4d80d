// SPDX-License-Identifier: MIT
/*
 * A GTKWave save file for an FST of the system top: the signals grouped per
 * core and structure (translation port, L1 I, L1 D, L2, walker), then the
 * fabric and the memory port, with the names of TLBI operations, walker and
 * MMU states, fault kinds, accesses and response sources.
 */
#include "gtkw.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * How a signal is shown. Verilator writes each enum type's names into the
 * FST (TLBI operations, fault kinds, accesses, MMU and walker states);
 * GTKWave applies them to a signal whose save-file flags name no number
 * format, so those signals get none. resp_source_o is a plain vector: a
 * translate filter file names its values.
 */
enum show { BIT, HEX, ENUM, SOURCE };

static const char *const flags[] = { [BIT] = "28", [HEX] = "22", [ENUM] = "20", [SOURCE] = "2024" };

struct sig {
	const char *name; /* below the scope */
	enum show show;
};

static void group(FILE *f, const char *title, const char *scope, const struct sig *s, size_t n,
		  const char *source_filter)
{
	fprintf(f, "@800200\n-%s\n", title);
	for (size_t i = 0; i < n; i++) {
		/*
		 * A TLBI field holds a value (0 reads TlbiVmalle1) while no
		 * TLBI is on: a comment row says so.
		 */
		if (!strncmp(s[i].name, "tlbi_op_i", 9))
			fprintf(f, "@200\n-(tlbi_op_i: a TLBI only while tlbi_valid_i is 1)\n");
		fprintf(f, "@%s\n", flags[s[i].show]);
		if (s[i].show == SOURCE)
			fprintf(f, "^1 %s\n", source_filter);
		fprintf(f, "%s.%s\n", scope, s[i].name);
	}
	fprintf(f, "@1000200\n-%s\n", title);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

int write_gtkw(const char *fst_arg, unsigned cores, uint64_t from)
{
	char base[PATH_MAX], path[PATH_MAX + 16], source_filter[PATH_MAX + 16];
	char fst[PATH_MAX];
	FILE *f;

	/* absolute paths: the save file opens from any directory */
	if (!realpath(fst_arg, fst))
		return -1;
	size_t n = strlen(fst);

	snprintf(base, sizeof(base), "%.*s", (int)(n > 4 ? n - 4 : n), fst);
	snprintf(source_filter, sizeof(source_filter), "%s.source.filter", base);
	f = fopen(source_filter, "w");
	if (!f)
		return -1;
	fprintf(f, "0 L1\n1 L2\n2 walk\n");
	if (fclose(f))
		return -1;
	snprintf(path, sizeof(path), "%s.gtkw", base);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "[*] GTKWave save file written by mmusim\n[dumpfile] \"%s\"\n", fst);
	/*
	 * The FST's time unit is 100 ps, ten a cycle (tb/rtl/top_shim.cpp): the
	 * axis reads in ns of a 1 GHz clock, cycle N at N ns. Zoom -5.3 shows
	 * some 20 cycles, enough to read names.
	 */
	fprintf(f, "[size] 1600 1000\n[timestart] %llu\n*-5.300000 -1\n",
		(unsigned long long)from * 10);
	fprintf(f, "[sst_width] 260\n[signals_width] 300\n[sst_expanded] 1\n");
	static const struct sig port[] = {
		{ "req_valid_i", BIT },	   { "req_access_i[1:0]", ENUM },
		{ "req_va_i[63:0]", HEX },	   { "req_ttbr_i[63:0]", HEX },
		{ "state_q[2:0]", ENUM },	   { "resp_valid_o", BIT },
		{ "resp_fault_o[2:0]", ENUM },   { "resp_level_o[1:0]", HEX },
		{ "resp_pa_o[47:0]", HEX },	   { "resp_source_o[1:0]", SOURCE },
	};
	static const struct sig tlb[] = {
		{ "lookup_valid_i", BIT }, { "lookup_vpn_i[51:0]", HEX },
		{ "lookup_asid_i[15:0]", HEX }, { "resp_hit_o", BIT },
		{ "fill_valid_i", BIT },	 { "tlbi_valid_i", BIT },
		{ "tlbi_op_i[3:0]", ENUM },	 { "cnt_hits_o[63:0]", HEX },
	};
	static const struct sig ptw[] = {
		{ "state_q[2:0]", ENUM },	    { "level_q[1:0]", HEX },
		{ "restart_q", BIT },	    { "mem_req_valid_o", BIT },
		{ "mem_req_addr_o[47:0]", HEX }, { "mem_resp_valid_i", BIT },
		{ "mem_resp_data_i[63:0]", HEX }, { "mem_resp_err_i", BIT },
		{ "resp_fault_o[2:0]", ENUM },
	};
	static const struct sig fabric[] = {
		{ "tlbi_valid_i", BIT },	      { "tlbi_core_i[7:0]", HEX },
		{ "tlbi_shareable_i", BIT },     { "tlbi_op_i[3:0]", ENUM },
		{ "tlbi_operand_i[63:0]", HEX }, { "sync_valid_i", BIT },
		{ "sync_done_o", BIT },	      { "mem_req_valid_o", BIT },
		{ "mem_req_addr_o[47:0]", HEX }, { "mem_resp_valid_i", BIT },
	};
	fprintf(f, "@28\nTOP.mmu_top.clk_i\n");
	for (unsigned c = 0; c < cores; c++) {
		char scope[128], title[64];
		static const char *const tlbs[3][2] = { { "u_l1i", "L1 I-TLB" },
							{ "u_l1d", "L1 D-TLB" },
							{ "u_l2", "L2 TLB" } };

		snprintf(scope, sizeof(scope), "TOP.mmu_top.g_core[%u].u_core", c);
		snprintf(title, sizeof(title), "core %u translation", c);
		group(f, title, scope, port, N(port), source_filter);
		for (int k = 0; k < 3; k++) {
			char sub[160];

			snprintf(sub, sizeof(sub), "%s.%s", scope, tlbs[k][0]);
			snprintf(title, sizeof(title), "core %u %s", c, tlbs[k][1]);
			group(f, title, sub, tlb, N(tlb), source_filter);
		}
		char sub[160];

		snprintf(sub, sizeof(sub), "%s.u_ptw", scope);
		snprintf(title, sizeof(title), "core %u walker", c);
		group(f, title, sub, ptw, N(ptw), source_filter);
	}
	group(f, "fabric and memory port", "TOP.mmu_top", fabric, N(fabric), source_filter);
	return fclose(f);
}
