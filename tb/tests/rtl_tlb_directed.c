// SPDX-License-Identifier: MIT
/*
 * Directed tests of every TLBI operation on the Verilated rtl/mmu_tlb.sv.
 * Each case fills a fixed set of entries (4 KiB, 2 MiB and 1 GiB; several
 * ASIDs; global and not; lower and upper half), applies one TLBI and probes
 * every entry's VA with its ASID. Which entries must still hit is written by
 * hand from the Arm ARM (D8, the TLBI operand layouts of DESIGN.md); every
 * operand is a literal with its fields spelled out. Nothing here calls the
 * golden model or tlbi_decode(): a case that fails is a disagreement with
 * the architecture, not with another implementation.
 *
 * Operands (4 KiB granule):
 *   VAE1, VALE1, VAAE1, VAALE1  ASID[63:48] TTL[47:44] VA[55:12] in [43:0]
 *     TTL[3:2] = 0b01 names the 4 KiB granule, TTL[1:0] the level;
 *     0b0000 (and level 0) give no hint.
 *   ASIDE1                      ASID[63:48];  VMALLE1: no operand
 *   RVAE1, RVALE1, RVAAE1, RVAALE1  ASID[63:48] TG[47:46]=0b01 SCALE[45:44]
 *     NUM[43:39] TTL[38:37] BaseADDR[36:0] = VA[48:12];
 *     (NUM+1) << (5*SCALE+1) pages from BaseADDR.
 *
 * The TLB holds leaf translations only (walk caches live in the walker), so
 * a leaf-only ("L") form removes exactly what its non-L form removes.
 *
 * A TTL hint that names another level than the entry's: the architecture
 * then requires nothing to be invalidated; rtl/mmu_tlb.sv and tb/tlb.c keep
 * the entry (target.level != entry level), and that is what the cases with
 * a wrong hint expect. A hint for another granule (TTL[3:2] != 0b01) or
 * level 0 is read as no hint (model/arm64.c, rtl/mmu_pkg.sv): removing the
 * entry is then over-invalidation, legal, and the documented choice.
 *
 *   rtl_tlb_directed            (built against the fully associative 16x16)
 */
#include <stdio.h>
#include <string.h>

#include "../rtl/tlb_shim.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define G 0xffffu /* asid field of a global entry: no ASID below uses it */

struct ent {
	const char *name;
	uint64_t va; /* the entry's first VA; also the probe address */
	uint8_t level;
	uint16_t asid; /* G: a global entry, probed with ASID 9 */
};

/*
 * The standard set. Probes are unambiguous: no two entries a probe (VA,
 * ASID) could match overlap.
 */
static const struct ent std_set[] = {
	/* user 4 KiB */
	{ "u1_4k", 0x0000000000400000ULL, 3, 1 },	  /*  0 */
	{ "u1_4k_next", 0x0000000000401000ULL, 3, 1 },	  /*  1 */
	{ "u2_4k", 0x0000000000400000ULL, 3, 2 },	  /*  2 same VA, ASID 2 */
	{ "g_4k", 0x0000000000402000ULL, 3, G },	  /*  3 */
	/* user 2 MiB */
	{ "u1_2m", 0x0000000000600000ULL, 2, 1 },	  /*  4 [0x600000, 0x800000) */
	{ "u3_2m", 0x0000000000800000ULL, 2, 3 },	  /*  5 [0x800000, 0xa00000) */
	{ "g_2m", 0x0000000000a00000ULL, 2, G },	  /*  6 [0xa00000, 0xc00000) */
	/* user 1 GiB */
	{ "u1_1g", 0x0000000080000000ULL, 1, 1 },	  /*  7 [2 GiB, 3 GiB) */
	{ "u2_1g", 0x0000000080000000ULL, 1, 2 },	  /*  8 same VA, ASID 2 */
	{ "g_1g", 0x00000000c0000000ULL, 1, G },	  /*  9 [3 GiB, 4 GiB) */
	/* kernel (TTBR1) */
	{ "k_g_4k", 0xffff800000000000ULL, 3, G },	  /* 10 */
	{ "k1_4k", 0xffff800000001000ULL, 3, 1 },	  /* 11 */
	{ "k2_4k", 0xffff800000001000ULL, 3, 2 },	  /* 12 */
	{ "k_g_2m", 0xffff800000200000ULL, 2, G },	  /* 13 */
	{ "k1_1g", 0xffff800040000000ULL, 1, 1 },	  /* 14 */
	/* the last user page */
	{ "u2_last", 0x00007ffffffff000ULL, 3, 2 },	  /* 15 */
};

/*
 * Range edges: a range of (NUM+1) << (5*SCALE+1) pages from
 * B = 0x0000001234567000 (BaseADDR 0x1234567): the page before it, its
 * first and last pages, the page past it, and the first page in ASID 2.
 */
#define EDGES(tag, last, past)                                                                   \
	static const struct ent tag[] = {                                                        \
		{ "before", 0x0000001234566000ULL, 3, 1 },                                       \
		{ "first", 0x0000001234567000ULL, 3, 1 },                                        \
		{ "last", last, 3, 1 },                                                          \
		{ "past", past, 3, 1 },                                                          \
		{ "first_asid2", 0x0000001234567000ULL, 3, 2 },                                  \
	}
/* 2 pages: B + 0x1000, B + 0x2000 */
EDGES(edge_2, 0x0000001234568000ULL, 0x0000001234569000ULL);
/* 64 pages: B + 0x3f000, B + 0x40000 */
EDGES(edge_64, 0x00000012345a6000ULL, 0x00000012345a7000ULL);
/* 2048 pages: B + 0x7ff000, B + 0x800000 */
EDGES(edge_2k, 0x0000001234d66000ULL, 0x0000001234d67000ULL);
/* 65536 pages: B + 0xffff000, B + 0x10000000 */
EDGES(edge_64k, 0x0000001244566000ULL, 0x0000001244567000ULL);
/* 2^21 pages (8 GiB): B + 0x1fffff000, B + 0x200000000 */
EDGES(edge_2m, 0x0000001434566000ULL, 0x0000001434567000ULL);

/* Blocks at the edges of [0x3ffff000, 0x40001000), across the 1 GiB line. */
static const struct ent block_set[] = {
	{ "u1_2m_in", 0x000000003fe00000ULL, 2, 1 },   /* 0 holds 0x3ffff000 */
	{ "u1_2m_prev", 0x000000003fc00000ULL, 2, 1 }, /* 1 ends at 0x3fe00000 */
	{ "u2_1g_in", 0x0000000040000000ULL, 1, 2 },   /* 2 holds 0x40000000 */
	{ "u1_4k_past", 0x0000000040001000ULL, 3, 1 }, /* 3 the page past the range */
	{ "u1_2m_next", 0x0000000040200000ULL, 2, 1 }, /* 4 */
	{ "g_1g_next", 0x0000000080000000ULL, 1, G },  /* 5 */
};

/* The top of the address space: entries that end at 2^64. */
static const struct ent top_set[] = {
	{ "g_top_4k", 0xfffffffffffff000ULL, 3, G },  /* 0 */
	{ "k1_top_2m", 0xffffffffffe00000ULL, 2, 1 }, /* 1 holds the top page */
	{ "g_top_1g", 0xffffffffc0000000ULL, 1, G },  /* 2 holds both */
	{ "k1_below", 0xffffffffbffff000ULL, 3, 1 },  /* 3 the page below the 1 GiB */
};

struct tcase {
	const char *name;
	const struct ent *set;
	unsigned n;
	enum tlbi_op op;
	uint64_t operand;
	/* per entry, in order: H must hit afterwards, . must miss; blanks ignored */
	const char *expect;
};

#define SET(s) s, ARRAY_SIZE(s)

/* std_set expectations are grouped: user 4K (0-3), 2M (4-6), 1G (7-9), kernel (10-14), 15 */
static const struct tcase cases[] = {
	/* ---- VMALLE1, ASIDE1 ---- */
	{ "vmalle1", SET(std_set), TLBI_VMALLE1, 0, ".... ... ... ..... ." },
	/* ASID 1: non-global ASID-1 entries only */
	{ "aside1_asid1", SET(std_set), TLBI_ASIDE1, 0x0001000000000000ULL, "..HH .HH .HH H.HH. H" },
	{ "aside1_asid2", SET(std_set), TLBI_ASIDE1, 0x0002000000000000ULL, "HH.H HHH H.H HH.HH ." },
	/* ASID 9 is the probe ASID of the globals, and no entry's: nothing goes */
	{ "aside1_asid9_globals_stay", SET(std_set), TLBI_ASIDE1, 0x0009000000000000ULL,
	  "HHHH HHH HHH HHHHH H" },
	/* ASID 0xffff is the asid field the globals were filled with: still global */
	{ "aside1_global_asid_field", SET(std_set), TLBI_ASIDE1, 0xffff000000000000ULL,
	  "HHHH HHH HHH HHHHH H" },

	/* ---- VA forms, no hint: ASID 1, VA 0x400000 -> VA>>12 = 0x400 ---- */
	{ "vae1_4k", SET(std_set), TLBI_VAE1, 0x0001000000000400ULL, ".HHH HHH HHH HHHHH H" },
	{ "vale1_4k", SET(std_set), TLBI_VALE1, 0x0001000000000400ULL, ".HHH HHH HHH HHHHH H" },
	{ "vae1_4k_asid2", SET(std_set), TLBI_VAE1, 0x0002000000000400ULL, "HH.H HHH HHH HHHHH H" },
	{ "vae1_4k_asid3_none", SET(std_set), TLBI_VAE1, 0x0003000000000400ULL,
	  "HHHH HHH HHH HHHHH H" },
	/* a global entry goes for any ASID: ASID 2, VA 0x402000 */
	{ "vae1_global_4k", SET(std_set), TLBI_VAE1, 0x0002000000000402ULL, "HHH. HHH HHH HHHHH H" },
	{ "vale1_global_4k", SET(std_set), TLBI_VALE1, 0x0003000000000402ULL,
	  "HHH. HHH HHH HHHHH H" },
	/* VA 0x6ab000 inside u1_2m [0x600000, 0x800000) */
	{ "vae1_in_2m", SET(std_set), TLBI_VAE1, 0x00010000000006abULL, "HHHH .HH HHH HHHHH H" },
	{ "vae1_in_2m_other_asid", SET(std_set), TLBI_VAE1, 0x00030000000006abULL,
	  "HHHH HHH HHH HHHHH H" },
	/* VA 0x7ff000: the last page of u1_2m */
	{ "vale1_2m_last_page", SET(std_set), TLBI_VALE1, 0x00010000000007ffULL,
	  "HHHH .HH HHH HHHHH H" },
	/* VA 0x800000: the first page of u3_2m, not u1_2m's */
	{ "vae1_2m_first_page", SET(std_set), TLBI_VAE1, 0x0003000000000800ULL,
	  "HHHH H.H HHH HHHHH H" },
	/* VA 0xbffff000: the last page of the 1 GiB blocks at 2 GiB */
	{ "vae1_in_1g", SET(std_set), TLBI_VAE1, 0x00010000000bffffULL, "HHHH HHH .HH HHHHH H" },
	{ "vale1_in_1g_asid2", SET(std_set), TLBI_VALE1, 0x00020000000bffffULL,
	  "HHHH HHH H.H HHHHH H" },
	/* VA 0xd2345000 inside the global g_1g, asked for by ASID 3 */
	{ "vae1_global_1g", SET(std_set), TLBI_VAE1, 0x00030000000d2345ULL, "HHHH HHH HH. HHHHH H" },
	/* VA 0x00007ffffffff000: VA>>12 = 0x7ffffffff */
	{ "vae1_last_user_page", SET(std_set), TLBI_VAE1, 0x00020007ffffffffULL,
	  "HHHH HHH HHH HHHHH ." },

	/* ---- all-ASID forms: the ASID field is ignored ---- */
	{ "vaae1_in_1g", SET(std_set), TLBI_VAAE1, 0x00000000000bffffULL, "HHHH HHH ..H HHHHH H" },
	{ "vaae1_asid_field_ignored", SET(std_set), TLBI_VAAE1, 0xffff0000000bffffULL,
	  "HHHH HHH ..H HHHHH H" },
	{ "vaale1_4k", SET(std_set), TLBI_VAALE1, 0x0007000000000400ULL, ".H.H HHH HHH HHHHH H" },
	{ "vaae1_global_4k", SET(std_set), TLBI_VAAE1, 0x0000000000000402ULL,
	  "HHH. HHH HHH HHHHH H" },
	{ "vaale1_global_1g", SET(std_set), TLBI_VAALE1, 0x00000000000d2345ULL,
	  "HHHH HHH HH. HHHHH H" },
	{ "vaae1_2m", SET(std_set), TLBI_VAAE1, 0x00050000000009ffULL, "HHHH H.H HHH HHHHH H" },

	/* ---- TTL hints: TTL[47:44] = 0b01ll ---- */
	{ "vae1_ttl_l3_on_4k", SET(std_set), TLBI_VAE1, 0x0001700000000400ULL,
	  ".HHH HHH HHH HHHHH H" },
	{ "vae1_ttl_l2_on_4k_kept", SET(std_set), TLBI_VAE1, 0x0001600000000400ULL,
	  "HHHH HHH HHH HHHHH H" },
	{ "vae1_ttl_l1_on_4k_kept", SET(std_set), TLBI_VAE1, 0x0001500000000400ULL,
	  "HHHH HHH HHH HHHHH H" },
	{ "vae1_ttl_l2_on_2m", SET(std_set), TLBI_VAE1, 0x00016000000006abULL,
	  "HHHH .HH HHH HHHHH H" },
	{ "vae1_ttl_l3_on_2m_kept", SET(std_set), TLBI_VAE1, 0x00017000000006abULL,
	  "HHHH HHH HHH HHHHH H" },
	{ "vaae1_ttl_l1_on_1g", SET(std_set), TLBI_VAAE1, 0x0000500000080000ULL,
	  "HHHH HHH ..H HHHHH H" },
	{ "vaae1_ttl_l2_on_1g_kept", SET(std_set), TLBI_VAAE1, 0x0000600000080000ULL,
	  "HHHH HHH HHH HHHHH H" },
	{ "vale1_ttl_l3_global", SET(std_set), TLBI_VALE1, 0x0004700000000402ULL,
	  "HHH. HHH HHH HHHHH H" },
	/* TTL 0b0100: 4 KiB granule, level 0: no leaf there, read as no hint */
	{ "vae1_ttl_level0_is_no_hint", SET(std_set), TLBI_VAE1, 0x0001400000000400ULL,
	  ".HHH HHH HHH HHHHH H" },
	/* TTL 0b1011 (16 KiB, level 3) on a 2 MiB entry: another granule, no hint */
	{ "vae1_ttl_16k_granule_is_no_hint", SET(std_set), TLBI_VAE1, 0x0001b000000006abULL,
	  "HHHH .HH HHH HHHHH H" },
	/* TTL 0b1110 (64 KiB, level 2) on a 4 KiB entry */
	{ "vae1_ttl_64k_granule_is_no_hint", SET(std_set), TLBI_VAE1, 0x0001e00000000400ULL,
	  ".HHH HHH HHH HHHHH H" },

	/* ---- upper half: VA[55:12] of 0xffff8000_0000_1000 = 0xff800000001 ---- */
	{ "vae1_kernel_4k", SET(std_set), TLBI_VAE1, 0x00010ff800000001ULL, "HHHH HHH HHH H.HHH H" },
	{ "vaae1_kernel_4k", SET(std_set), TLBI_VAAE1, 0x00000ff800000001ULL,
	  "HHHH HHH HHH H..HH H" },
	/* 0xffff8000_0000_0000 from ASID 5: the global k_g_4k */
	{ "vae1_kernel_global", SET(std_set), TLBI_VAE1, 0x00050ff800000000ULL,
	  "HHHH HHH HHH .HHHH H" },
	/* 0xffff8000_002f_f000: inside k_g_2m */
	{ "vae1_kernel_in_2m", SET(std_set), TLBI_VAE1, 0x00010ff8000002ffULL,
	  "HHHH HHH HHH HHH.H H" },
	/* 0xffff8000_7fff_f000: the last page of k1_1g */
	{ "vale1_kernel_in_1g", SET(std_set), TLBI_VALE1, 0x00010ff80007ffffULL,
	  "HHHH HHH HHH HHHH. H" },
	/* the same page from ASID 2: k1_1g is ASID 1's */
	{ "vae1_kernel_in_1g_asid2", SET(std_set), TLBI_VAE1, 0x00020ff80007ffffULL,
	  "HHHH HHH HHH HHHHH H" },

	/* ---- range forms on the standard set ---- */
	/* ASID 1, TG 01, SCALE 0, NUM 1: 4 pages from 0x400000 */
	{ "rvae1_4_pages", SET(std_set), TLBI_RVAE1, 0x0001408000000400ULL, "..H. HHH HHH HHHHH H" },
	{ "rvale1_4_pages", SET(std_set), TLBI_RVALE1, 0x0001408000000400ULL,
	  "..H. HHH HHH HHHHH H" },
	{ "rvaae1_4_pages", SET(std_set), TLBI_RVAAE1, 0x0000408000000400ULL,
	  ".... HHH HHH HHHHH H" },
	/* SCALE 0, NUM 0: 2 pages [0x7ff000, 0x801000), across two 2 MiB blocks */
	{ "rvae1_2m_boundary", SET(std_set), TLBI_RVAE1, 0x00014000000007ffULL,
	  "HHHH .HH HHH HHHHH H" },
	{ "rvaale1_2m_boundary", SET(std_set), TLBI_RVAALE1, 0x00004000000007ffULL,
	  "HHHH ..H HHH HHHHH H" },
	/* SCALE 1, NUM 31: 2048 pages [0x400000, 0xc00000); TTL[38:37] 0..3 */
	{ "rvaae1_ttl_none", SET(std_set), TLBI_RVAAE1, 0x00005f8000000400ULL,
	  ".... ... HHH HHHHH H" },
	{ "rvaae1_ttl_l3", SET(std_set), TLBI_RVAAE1, 0x00005fe000000400ULL,
	  ".... HHH HHH HHHHH H" },
	{ "rvaae1_ttl_l2", SET(std_set), TLBI_RVAAE1, 0x00005fc000000400ULL,
	  "HHHH ... HHH HHHHH H" },
	{ "rvaae1_ttl_l1_none_there", SET(std_set), TLBI_RVAAE1, 0x00005fa000000400ULL,
	  "HHHH HHH HHH HHHHH H" },
	/* ASID 2, SCALE 3, NUM 31: 2^21 pages [0, 8 GiB) */
	{ "rvae1_8g_asid2", SET(std_set), TLBI_RVAE1, 0x00027f8000000000ULL, "HH.. HH. H.. HHHHH H" },
	/* SCALE 0, NUM 0 at 0xfffff000: the last page of g_1g, and the next one */
	{ "rvaae1_1g_last_page", SET(std_set), TLBI_RVAAE1, 0x00004000000fffffULL,
	  "HHHH HHH HH. HHHHH H" },
	/* at 0x100000000: one page past g_1g */
	{ "rvaae1_past_1g", SET(std_set), TLBI_RVAAE1, 0x0000400000100000ULL,
	  "HHHH HHH HHH HHHHH H" },
	/* upper half: BaseADDR = VA[48:12] of 0xffff8000_0000_0000 = 0x1800000000 (bit 48 = 1
	 * sign-extends); ASID 1, SCALE 0, NUM 1: 4 pages */
	{ "rvae1_kernel", SET(std_set), TLBI_RVAE1, 0x0001409800000000ULL, "HHHH HHH HHH ..HHH H" },
	/* the same range for all ASIDs with TTL[38:37] = 3: the three 4 KiB pages */
	{ "rvaae1_kernel_ttl_l3", SET(std_set), TLBI_RVAAE1, 0x000040f800000000ULL,
	  "HHHH HHH HHH ...HH H" },
	/*
	 * TG 0b10 (16 KiB) while the 4 KiB granule is in use: the architecture
	 * requires nothing; rtl/mmu_pkg.sv and model/arm64.c document invalidating
	 * every VA then (legal over-invalidation), the ASID still applies.
	 * ASID 1, TG 10, SCALE 0, NUM 0, BaseADDR 0x400.
	 */
	{ "rvae1_foreign_granule_all_vas", SET(std_set), TLBI_RVAE1, 0x0001800000000400ULL,
	  "..H. .H. .H. ..H.. H" },

	/* ---- range edges: B = 0x1234567000, before/first/last/past/first_asid2 ---- */
	/* SCALE 0 NUM 0: 2 pages */
	{ "rvae1_s0_n0_edges", SET(edge_2), TLBI_RVAE1, 0x0001400001234567ULL, "H..HH" },
	/* SCALE 0 NUM 31: 64 pages */
	{ "rvae1_s0_n31_edges", SET(edge_64), TLBI_RVAE1, 0x00014f8001234567ULL, "H..HH" },
	/* SCALE 1 NUM 0: 64 pages */
	{ "rvae1_s1_n0_edges", SET(edge_64), TLBI_RVAE1, 0x0001500001234567ULL, "H..HH" },
	/* SCALE 1 NUM 31: 2048 pages */
	{ "rvae1_s1_n31_edges", SET(edge_2k), TLBI_RVAE1, 0x00015f8001234567ULL, "H..HH" },
	/* SCALE 2 NUM 0: 2048 pages */
	{ "rvae1_s2_n0_edges", SET(edge_2k), TLBI_RVAE1, 0x0001600001234567ULL, "H..HH" },
	/* SCALE 2 NUM 31: 65536 pages */
	{ "rvae1_s2_n31_edges", SET(edge_64k), TLBI_RVAE1, 0x00016f8001234567ULL, "H..HH" },
	/* SCALE 3 NUM 0: 65536 pages */
	{ "rvae1_s3_n0_edges", SET(edge_64k), TLBI_RVAE1, 0x0001700001234567ULL, "H..HH" },
	/* SCALE 3 NUM 31: 2^21 pages */
	{ "rvae1_s3_n31_edges", SET(edge_2m), TLBI_RVAE1, 0x00017f8001234567ULL, "H..HH" },
	/* the all-ASID and leaf forms take ASID 2's page too */
	{ "rvaae1_s1_n31_edges", SET(edge_2k), TLBI_RVAAE1, 0x00005f8001234567ULL, "H..H." },
	{ "rvaale1_s3_n0_edges", SET(edge_64k), TLBI_RVAALE1, 0x0000700001234567ULL, "H..H." },
	{ "rvale1_s2_n31_edges", SET(edge_64k), TLBI_RVALE1, 0x00016f8001234567ULL, "H..HH" },
	/* a range that is too short by one page: SCALE 0 NUM 30 = 62 pages; keeps 'last' */
	{ "rvae1_s0_n30_short", SET(edge_64), TLBI_RVAE1, 0x00014f0001234567ULL, "H.HHH" },
	/* level hint 3 on 4 KiB entries selects them; hint 2 keeps them */
	{ "rvae1_s1_n0_ttl_l3", SET(edge_64), TLBI_RVAE1, 0x0001506001234567ULL, "H..HH" },
	{ "rvae1_s1_n0_ttl_l2_kept", SET(edge_64), TLBI_RVAE1, 0x0001504001234567ULL, "HHHHH" },

	/* ---- blocks at range edges: [0x3ffff000, 0x40001000) = SCALE 0 NUM 0 ---- */
	{ "rvaae1_blocks_overlap", SET(block_set), TLBI_RVAAE1, 0x000040000003ffffULL, ".H.HHH" },
	{ "rvae1_blocks_asid1", SET(block_set), TLBI_RVAE1, 0x000140000003ffffULL, ".HHHHH" },
	/* TTL[38:37] = 1: only the 1 GiB block; = 2: only the 2 MiB one */
	{ "rvaae1_blocks_ttl_l1", SET(block_set), TLBI_RVAAE1, 0x000040200003ffffULL, "HH.HHH" },
	{ "rvaae1_blocks_ttl_l2", SET(block_set), TLBI_RVAAE1, 0x000040400003ffffULL, ".HHHHH" },
	/* SCALE 1 NUM 0 from 0x3ffc0000: 64 pages ending exactly at 1 GiB */
	{ "rvaae1_ends_at_1g", SET(block_set), TLBI_RVAAE1, 0x000050000003ffc0ULL, ".HHHHH" },
	/* VAE1 of 0x40000000 from ASID 2 (the 1 GiB block's first page) */
	{ "vae1_1g_first_page", SET(block_set), TLBI_VAE1, 0x0002000000040000ULL, "HH.HHH" },

	/* ---- the top of the address space: spans that end at 2^64 ---- */
	/* VA 0xffff_ffff_ffff_f000: VA[55:12] = 0xfffffffffff; in all three blocks */
	{ "vae1_top_page", SET(top_set), TLBI_VAE1, 0x00010fffffffffffULL, "...H" },
	{ "vaae1_top_page", SET(top_set), TLBI_VAAE1, 0x00000fffffffffffULL, "...H" },
	/* VA 0xffff_ffff_c000_0000 from ASID 1: the first page of g_top_1g */
	{ "vae1_top_1g_first_page", SET(top_set), TLBI_VAE1, 0x00010ffffffc0000ULL, "HH.H" },
	/* BaseADDR = VA[48:12] of 0xffff_ffff_ffff_e000 = 0x1ffffffffe; 2 pages to 2^64 */
	{ "rvaae1_top", SET(top_set), TLBI_RVAAE1, 0x0000401ffffffffeULL, "...H" },
	/* 0xffff_ffff_bfff_f000 (BaseADDR 0x1ffffbffff): 2 pages across the 1 GiB line */
	{ "rvae1_below_top_1g", SET(top_set), TLBI_RVAE1, 0x0001401ffffbffffULL, "HH.." },
};

static const char *const op_names[TLBI_NR_OPS] = {
	"VMALLE1", "ASIDE1", "VAE1", "VALE1", "VAAE1", "VAALE1",
	"RVAE1", "RVALE1", "RVAAE1", "RVAALE1",
};

static struct translation fill_of(const struct ent *e, unsigned i)
{
	bool global = e->asid == G;

	return (struct translation){
		.va_base = e->va,
		.pa_base = (uint64_t)(i + 1) << 30, /* distinct, aligned for every size */
		.level = e->level,
		.global = global,
		.asid = e->asid,
		/* AF, Inner Shareable, AttrIndx 1; nG for the non-global */
		.attrs = 0x0000000000000704ULL | (global ? 0 : 0x800ULL),
	};
}

static uint16_t probe_asid(const struct ent *e)
{
	return e->asid == G ? 9 : e->asid;
}

/* 1: the probe found exactly this entry; 0: a miss; -1: another entry */
static int probe(struct rtl_tlb *t, const struct ent *e, unsigned i, struct translation *got)
{
	struct translation want = fill_of(e, i);

	if (!rtl_tlb_lookup(t, e->va, probe_asid(e), got))
		return 0;
	return got->va_base == want.va_base && got->pa_base == want.pa_base &&
			       got->level == want.level && got->global == want.global &&
			       got->asid == want.asid && got->attrs == want.attrs
		       ? 1
		       : -1;
}

static const char *size_name(uint8_t level)
{
	return level == 3 ? "4K" : level == 2 ? "2M" : "1G";
}

static const char *cur; /* the case running, named in every complaint */

static void describe(const struct ent *e, unsigned i)
{
	printf("    %s: entry %u %s (va %#018llx %s %s", cur, i, e->name, (unsigned long long)e->va,
	       size_name(e->level), e->asid == G ? "global" : "asid");
	if (e->asid != G)
		printf(" %u", e->asid);
	printf(")");
}

static int run_case(const struct tcase *c)
{
	char want[32];
	unsigned n = 0, misses = 0;
	int bad = 0;

	for (const char *p = c->expect; *p; p++) {
		if (*p == ' ')
			continue;
		if ((*p != 'H' && *p != '.') || n >= sizeof(want) - 1) {
			printf("    %s: bad expectation string \"%s\"\n", cur, c->expect);
			return 1;
		}
		want[n++] = *p;
		misses += *p == '.';
	}
	if (n != c->n) {
		printf("    %s: the expectation has %u entries, the set %u\n", cur, n, c->n);
		return 1;
	}
	struct rtl_tlb *t = rtl_tlb_new();
	struct rtl_tlb_counters before, after;
	struct translation got;

	for (unsigned i = 0; i < c->n; i++) {
		struct translation tr = fill_of(&c->set[i], i);

		rtl_tlb_fill(t, &tr);
	}
	for (unsigned i = 0; i < c->n; i++) { /* everything is there before the TLBI */
		if (probe(t, &c->set[i], i, &got) != 1) {
			describe(&c->set[i], i);
			printf(": missing after the fills\n");
			bad = 1;
		}
	}
	rtl_tlb_counters(t, &before);
	rtl_tlb_tlbi(t, c->op, c->operand);
	rtl_tlb_counters(t, &after);
	for (unsigned i = 0; i < c->n; i++) {
		int r = probe(t, &c->set[i], i, &got);
		bool hit_wanted = want[i] == 'H';

		if (r == (hit_wanted ? 1 : 0))
			continue;
		describe(&c->set[i], i);
		printf(": expected %s, got %s", hit_wanted ? "hit" : "miss",
		       r == 1 ? "hit" : r == 0 ? "miss" : "a hit on another entry");
		if (r < 0)
			printf(" (va %#llx %s asid %u pa %#llx)", (unsigned long long)got.va_base,
			       size_name(got.level), got.asid, (unsigned long long)got.pa_base);
		printf("\n");
		bad = 1;
	}
	if (after.invalidated - before.invalidated != misses) {
		printf("    %s: the invalidated counter rose by %llu, expected %u\n", cur,
		       (unsigned long long)(after.invalidated - before.invalidated), misses);
		bad = 1;
	}
	if (rtl_tlb_errors(t)) {
		printf("    %s: an RTL assertion failed\n", cur);
		bad = 1;
	}
	rtl_tlb_free(t);
	return bad;
}

int main(void)
{
	unsigned failed = 0;
	const unsigned n = ARRAY_SIZE(cases);

	printf("[==========] rtl_tlb_directed: running %u test(s).\n", n);
	for (unsigned i = 0; i < n; i++) {
		const struct tcase *c = &cases[i];

		cur = c->name;
		printf("[ RUN      ] rtl_tlb_directed %s\n", c->name);
		if (run_case(c)) {
			printf("    %s: TLBI %s %#018llx\n", cur, op_names[c->op],
			       (unsigned long long)c->operand);
			printf("[  FAILED  ] rtl_tlb_directed %s\n", c->name);
			failed++;
		} else {
			printf("[       OK ] rtl_tlb_directed %s\n", c->name);
		}
	}
	printf("[==========] rtl_tlb_directed: %u test(s) run.\n", n);
	printf("[  PASSED  ] %u test(s).\n", n - failed);
	if (failed)
		printf("[  FAILED  ] %u test(s).\n", failed);
	return failed != 0;
}
