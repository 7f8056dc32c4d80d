// SPDX-License-Identifier: MIT
/*
 * The OS model against hand-derived expectations: faults of every kind,
 * VMA split and merge, the exact TLBI lists arm64 Linux 6.9+ issues for
 * munmap (with and without FEAT_TLBIRANGE), fork and copy-on-write, stack
 * growth, ASID rollover, and exit returning every page.
 * check_os() runs after every operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_fixture.h"

#define GB (1ULL << 30)
#define S 0x1020000000ULL /* 64 GiB + 512 MiB: 2 MiB- but not 1 GiB-aligned */

/* A 512 MiB machine: DMA < 64 MiB, DMA32 < 128 MiB, 8 MiB reserved. */
static void small_config(struct os_config *c)
{
	os_default_config(c);
	c->mem.mem_bytes = 512 * MB;
	c->mem.dma_limit = 64 * MB;
	c->mem.dma32_limit = 128 * MB;
	c->mem.reserved_bytes = 8 * MB;
}

static void boot(unsigned cpus, bool range, unsigned asid_bits)
{
	struct os_config c;

	small_config(&c);
	c.nr_cpus = cpus;
	c.tlb_range = range;
	c.asid_bits = asid_bits;
	boot_config(&c);
}

static void touch(struct mm_struct *mm, uint64_t addr, enum access_type a)
{
	assert_int_equal(handle_page_fault(&os, mm, addr, a), FAULT_OK);
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static void test_anon_faults(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct task_struct *t = spawn(0);
	struct mm_struct *mm = t->mm;
	uint64_t free0 = nr_free_pages(&os.pa);

	map(mm, 0x400000, 3 * PAGE_SIZE, RW, ANON);
	touch(mm, 0x400000, ACCESS_WRITE); /* new zeroed page, writable, dirty */
	assert_int_equal(os.st.faults[FAULT_ANON], 1);
	touch(mm, 0x401008, ACCESS_READ); /* the zero page */
	assert_int_equal(os.st.faults[FAULT_ZERO_PAGE], 1);
	uint64_t slot;
	unsigned level;

	pt_slot(&os, mm, 0x401000, 3, false, &slot, &level);
	uint64_t pte = pt_read(&os, slot);

	assert_int_equal(level, 3);
	assert_int_equal(pte_pfn(pte), page_to_pfn(&os.pa, os.zero_page));
	assert_true(pte & PTE_RDONLY);
	assert_true(pte & PTE_SPECIAL);
	checked();
	/* three table pages (pud, pmd, pte), one data page, and the first
	 * slab of vm_area_struct */
	assert_int_equal(nr_free_pages(&os.pa), free0 - 5);
	nops = 0;
	touch(mm, 0x401000, ACCESS_WRITE); /* COW from the zero page: a flush */
	assert_int_equal(os.st.faults[FAULT_WP_COPY], 1);
	assert_int_equal(nops, 1);
	expect_op(0, TLBI_VALE1, tlbi_vaddr(0x401000, mm_asid(&os, mm), 0));
	pte = pt_read(&os, slot);
	assert_false(pte & PTE_RDONLY);
	assert_true(pte & PTE_WRITE);
	assert_true(pte & PTE_DIRTY);
	/* a write to a writable dirty page: spurious, nothing to do */
	touch(mm, 0x401000, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_SPURIOUS], 1);
	/* PROT_NONE and unmapped addresses */
	map(mm, 0x500000, PAGE_SIZE, 0, ANON);
	assert_int_equal(handle_page_fault(&os, mm, 0x500000, ACCESS_READ), FAULT_SIGSEGV_ACCERR);
	assert_int_equal(handle_page_fault(&os, mm, 0x600000, ACCESS_READ), FAULT_SIGSEGV_MAPERR);
	map(mm, 0x700000, PAGE_SIZE, PROT_READ, ANON);
	assert_int_equal(handle_page_fault(&os, mm, 0x700000, ACCESS_WRITE), FAULT_SIGSEGV_ACCERR);
	assert_int_equal(handle_page_fault(&os, mm, 0x700000, ACCESS_EXEC), FAULT_SIGSEGV_ACCERR);
	checked();
}

static void expect_vmas(struct mm_struct *mm, unsigned n, const uint64_t (*want)[3])
{
	if (mm->map_count != n) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		dump_maps(&os, mm, f);
		fclose(f);
		fail_msg("%u VMAs, expected %u:\n%s", mm->map_count, n, text);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct vm_area_struct *v = mm->vmas[i];

		if (v->vm_start != want[i][0] || v->vm_end != want[i][1] ||
		    (v->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) != want[i][2])
			fail_msg("VMA %u: %#llx-%#llx flags %#llx", i, (unsigned long long)v->vm_start,
				 (unsigned long long)v->vm_end, (unsigned long long)v->vm_flags);
	}
}

static void test_vma_split_merge(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const char *why;

	/* adjacent anonymous mappings with equal flags merge */
	map(mm, 0x10000000, 4 * PAGE_SIZE, RW, ANON);
	map(mm, 0x10004000, 4 * PAGE_SIZE, RW, ANON);
	map(mm, 0x0fffc000, 4 * PAGE_SIZE, RW, ANON);
	static const uint64_t one[][3] = { { 0x0fffc000, 0x10008000, VM_READ | VM_WRITE } };

	expect_vmas(mm, 1, one);
	/* mprotect of the middle splits in three */
	assert_int_equal(os_mprotect(&os, mm, 0x10000000, 2 * PAGE_SIZE, PROT_READ, &why), 0);
	checked();
	static const uint64_t three[][3] = { { 0x0fffc000, 0x10000000, VM_READ | VM_WRITE },
					     { 0x10000000, 0x10002000, VM_READ },
					     { 0x10002000, 0x10008000, VM_READ | VM_WRITE } };

	expect_vmas(mm, 3, three);
	/* and back: they merge again */
	assert_int_equal(os_mprotect(&os, mm, 0x10000000, 2 * PAGE_SIZE, RW, &why), 0);
	checked();
	expect_vmas(mm, 1, one);
	/* munmap of the middle leaves two */
	assert_int_equal(os_munmap(&os, mm, 0x10001000, 0x2000), 0);
	checked();
	static const uint64_t two[][3] = { { 0x0fffc000, 0x10001000, VM_READ | VM_WRITE },
					   { 0x10003000, 0x10008000, VM_READ | VM_WRITE } };

	expect_vmas(mm, 2, two);
	/* different flags do not merge */
	map(mm, 0x10001000, 0x2000, PROT_READ, ANON);
	checked();
	assert_int_equal(mm->map_count, 3);
	/* MAP_FIXED over the middle replaces it, and then all merge */
	map(mm, 0x10001000, 0x2000, RW, ANON | MAP_FIXED);
	expect_vmas(mm, 1, one);
	/* without MAP_FIXED an occupied range is refused */
	assert_int_equal(os_mmap(&os, mm, 0x10000000, PAGE_SIZE, RW, ANON, NULL, 0, &why), -1);
	assert_non_null(strstr(why, "already mapped"));
	/* file mappings merge only with contiguous offsets */
	struct address_space *f = os_file(&os, 1, "/lib/libc.so.6");

	assert_int_equal(os_mmap(&os, mm, 0x20000000, 0x2000, PROT_READ, MAP_PRIVATE, f, 0, &why), 0);
	assert_int_equal(os_mmap(&os, mm, 0x20002000, 0x2000, PROT_READ, MAP_PRIVATE, f, 0x2000, &why), 0);
	assert_int_equal(os_mmap(&os, mm, 0x20004000, 0x2000, PROT_READ, MAP_PRIVATE, f, 0x8000, &why), 0);
	checked();
	assert_int_equal(mm->map_count, 3);
	assert_int_equal(mm->vmas[1]->vm_end, 0x20004000);
	/* the maps view */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	dump_maps(&os, mm, out);
	fclose(out);
	assert_non_null(strstr(text, "0fffc000-10008000 rw-p 00000000 00:00 0 \n"));
	/* the 40-character header padded to 72, a space, the name */
	assert_non_null(strstr(text, "20000000-20004000 r--p 00000000 00:00 1 "
				     "                                 /lib/libc.so.6\n"));
	assert_non_null(strstr(text, "20004000-20006000 r--p 00008000 00:00 1"));
	free(text);
}

/* Populates [S, S + pages) of a larger VMA and unmaps it: TLBIs recorded. */
static uint16_t munmap_inside(bool range, uint64_t pages)
{
	boot(1, range, 16);
	struct mm_struct *mm = spawn(0)->mm;

	map(mm, S - 4 * MB, 16 * MB, RW, ANON);
	for (uint64_t i = 0; i < pages; i++)
		touch(mm, S + i * PAGE_SIZE, ACCESS_WRITE);
	checked();
	nops = 0;
	assert_int_equal(os_munmap(&os, mm, S, pages * PAGE_SIZE), 0);
	checked();
	return mm_asid(&os, mm);
}

#define VAL3(asid, va) tlbi_vaddr(va, asid, TLBI_TTL_4K_LEVEL(3))

static void test_munmap_tlbi_range(void **s)
{
	(void)s;
	uint16_t a = munmap_inside(true, 1);

	assert_int_equal(nops, 1);
	expect_op(0, TLBI_VALE1, VAL3(a, S));
	os_free(&os);
	a = munmap_inside(true, 2);
	assert_int_equal(nops, 1);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 0, 0, 3));
	os_free(&os);
	a = munmap_inside(true, 31); /* 30 by range, the odd last page alone */
	assert_int_equal(nops, 2);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 0, 14, 3));
	expect_op(1, TLBI_VALE1, VAL3(a, S + 30 * PAGE_SIZE));
	os_free(&os);
	a = munmap_inside(true, 32);
	assert_int_equal(nops, 1);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 0, 15, 3));
	os_free(&os);
	a = munmap_inside(true, 33);
	assert_int_equal(nops, 2);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 0, 15, 3));
	expect_op(1, TLBI_VALE1, VAL3(a, S + 32 * PAGE_SIZE));
	os_free(&os);
	/* 512: the PTE table of [S, S + 2 MiB) goes too: a second, non-leaf
	 * flush at 2 MiB stride, no level hint */
	a = munmap_inside(true, 512);
	assert_int_equal(nops, 2);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 1, 7, 3));
	expect_op(1, TLBI_RVAE1, tlbi_vaddr_range(S, a, 1, 7, 0));
	os_free(&os);
	a = munmap_inside(true, 513);
	assert_int_equal(nops, 3);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 1, 7, 3));
	expect_op(1, TLBI_VALE1, VAL3(a, S + 512 * PAGE_SIZE));
	expect_op(2, TLBI_RVAE1, tlbi_vaddr_range(S, a, 1, 7, 0));
	/* each __flush_tlb_range ends in one dsb(ish), after all its TLBIs */
	assert_int_equal(ndsb, 2);
	assert_int_equal(dsb_at[0], 2);
	assert_int_equal(dsb_at[1], 3);
}

static void test_munmap_tlbi_no_range(void **s)
{
	(void)s;
	static const unsigned sizes[] = { 1, 2, 31, 32, 33 };

	for (unsigned k = 0; k < 5; k++) {
		uint16_t a = munmap_inside(false, sizes[k]);

		assert_int_equal(nops, sizes[k]);
		for (unsigned i = 0; i < sizes[k]; i++)
			expect_op(i, TLBI_VALE1, VAL3(a, S + i * PAGE_SIZE));
		os_free(&os);
	}
	/* 512 and 513: 2 MiB of 4 KiB pages reaches MAX_DVM_OPS: by ASID */
	for (unsigned pages = 512; pages <= 513; pages++) {
		uint16_t a = munmap_inside(false, pages);

		assert_int_equal(nops, 2);
		expect_op(0, TLBI_ASIDE1, tlbi_asid(a));
		expect_op(1, TLBI_VAE1, tlbi_vaddr(S, a, 0));
		if (pages == 512)
			os_free(&os);
	}
}

/* A whole VMA with neighbours 4 MiB below and 2 MiB above: its PTE tables go. */
static void test_munmap_whole_vma(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;

	map(mm, S - 8 * MB, 4 * MB, RW, ANON);
	map(mm, S, 513 * PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, ANON);
	map(mm, S + 4 * MB + 513 * PAGE_SIZE, 4 * MB, RW, ANON);
	for (uint64_t i = 0; i < 513; i++)
		touch(mm, S + i * PAGE_SIZE, ACCESS_WRITE);
	nops = 0;
	assert_int_equal(os_munmap(&os, mm, S, 513 * PAGE_SIZE), 0);
	checked();
	uint16_t a = mm_asid(&os, mm);

	/* two PTE tables: [S, S + 2 MiB) and [S + 2 MiB, ...): 1024 pages at 2 MiB */
	assert_int_equal(nops, 3);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 1, 7, 3));
	expect_op(1, TLBI_VALE1, VAL3(a, S + 512 * PAGE_SIZE));
	expect_op(2, TLBI_RVAE1, tlbi_vaddr_range(S, a, 1, 15, 0));
}

/*
 * 8 GiB from S inside a larger VMA. The zap queues at most 9678 pages
 * before a forced flush (7 + 19 batches of 509): 216 flushes of 9678 pages
 * and a last one of 6704. With range TLBI each 9678 is SCALE 2 NUM 3
 * (8192 pages) + SCALE 1 NUM 22 (1472) + SCALE 0 NUM 6 (14); 6704 is
 * 6144 + 512 + 48: 651 RVALE1IS. Then 4103 page tables go (256 + 7 x 513 +
 * 256: the PMD tables of the 1 GiB blocks 65..71 GiB lie inside), flushed
 * every 509 at 2 MiB stride; the first window, [64.5 GiB, 65 GiB + 253 x
 * 2 MiB) = 260608 pages, is SCALE 3 NUM 2 + SCALE 2 NUM 30 + SCALE 1 NUM 7.
 * Totals as an independent model of the same kernel code (written from
 * the sources, in Python) counts them: 26 RVAE1IS; without range TLBI
 * 224 ASIDE1IS and 540 VAE1IS.
 */
static void munmap_8g(bool range)
{
	struct os_config c;

	os_default_config(&c);
	c.mem.mem_bytes = 10 * GB;
	c.tlb_range = range;
	boot_config(&c);
	struct mm_struct *mm = spawn(0)->mm;

	map(mm, S - 4 * MB, 8 * GB + 16 * MB, RW, ANON);
	for (uint64_t a = S; a < S + 8 * GB; a += PAGE_SIZE)
		touch(mm, a, ACCESS_WRITE);
	nops = ndsb = 0;
	memset(os.st.tlbi, 0, sizeof(os.st.tlbi));
	assert_int_equal(os_munmap(&os, mm, S, 8 * GB), 0);
	checked();
}

static void test_munmap_8g(void **s)
{
	(void)s;
	munmap_8g(true);
	uint16_t a = mm_asid(&os, os.tasks[0]->mm);

	assert_int_equal(os.st.tlbi[TLBI_RVALE1], 651);
	assert_int_equal(os.st.tlbi[TLBI_RVAE1], 26);
	assert_int_equal(nops, 651 + 26);
	/* one dsb(ish) ends each flush, after its TLBIs: none empty, none before
	 * the last TLBI missing */
	assert_int_equal(os.st.dsb, ndsb);
	assert_true(ndsb >= 651 / 3 + 1);
	for (unsigned i = 0; i < ndsb; i++)
		assert_true(dsb_at[i] > (i ? dsb_at[i - 1] : 0));
	assert_int_equal(dsb_at[ndsb - 1], nops);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(S, a, 2, 3, 3));
	expect_op(1, TLBI_RVALE1, tlbi_vaddr_range(S + 0x2000 * PAGE_SIZE, a, 1, 22, 3));
	expect_op(2, TLBI_RVALE1, tlbi_vaddr_range(S + 0x25c0 * PAGE_SIZE, a, 0, 6, 3));
	expect_op(3, TLBI_RVALE1, tlbi_vaddr_range(S + 9678 * PAGE_SIZE, a, 2, 3, 3));
	expect_op(651, TLBI_RVAE1, tlbi_vaddr_range(S, a, 3, 2, 0));
	expect_op(652, TLBI_RVAE1, tlbi_vaddr_range(S + (3ULL << 16) * PAGE_SIZE, a, 2, 30, 0));
	expect_op(653, TLBI_RVAE1,
		  tlbi_vaddr_range(S + ((3ULL << 16) + (31ULL << 11)) * PAGE_SIZE, a, 1, 7, 0));
	os_free(&os);
	munmap_8g(false);
	assert_int_equal(os.st.tlbi[TLBI_ASIDE1], 224);
	assert_int_equal(os.st.tlbi[TLBI_VAE1], 540);
	assert_int_equal(nops, 224 + 540);
	expect_op(0, TLBI_ASIDE1, tlbi_asid(mm_asid(&os, os.tasks[0]->mm)));
}

/* MAP_HUGETLB: 2 MiB blocks; their unmap is one entry at level 2. */
static void test_huge_pages(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const uint64_t base = 0x40000000;

	map(mm, base, 4 * MB, RW, ANON | MAP_HUGETLB);
	touch(mm, base + 0x1234, ACCESS_WRITE);
	touch(mm, base + 2 * MB + 8, ACCESS_READ);
	assert_int_equal(os.st.faults[FAULT_HUGE], 2);
	uint64_t slot;
	unsigned level;

	pt_slot(&os, mm, base, 3, false, &slot, &level);
	assert_int_equal(level, 2); /* stopped at the block */
	assert_int_equal(pt_read(&os, slot) & 3, 1);
	assert_int_equal(mm->rss_anon, 1024);
	checked();
	nops = 0;
	assert_int_equal(os_munmap(&os, mm, base, 4 * MB), 0);
	checked();
	/* the blocks: 2 MiB stride, leaf, level 2 (1024 pages: SCALE 1 NUM 15);
	 * then, nothing else being mapped, the PMD table of [1 GiB, 2 GiB) and
	 * the PUD table of [0, 512 GiB) go: ranges [1 GiB, +4K) and [0, +4K)
	 * at 1 GiB stride, so [0, 2 GiB): 524288 pages, SCALE 3 NUM 7, non-leaf */
	uint16_t a = mm_asid(&os, mm);

	assert_int_equal(nops, 2);
	expect_op(0, TLBI_RVALE1, tlbi_vaddr_range(base, a, 1, 15, 2));
	expect_op(1, TLBI_RVAE1, tlbi_vaddr_range(0, a, 3, 7, 0));
	/* misaligned MAP_HUGETLB is refused */
	const char *why;

	assert_int_equal(os_mmap(&os, mm, base + PAGE_SIZE, 2 * MB, RW, ANON | MAP_HUGETLB, NULL,
				 0, &why), -1);
}

/* mremap moves the PTEs and flushes the old range once. */
static void test_mremap(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const char *why;

	map(mm, 0x500000, 4 * PAGE_SIZE, RW, ANON);
	touch(mm, 0x500000, ACCESS_WRITE);
	touch(mm, 0x503000, ACCESS_WRITE);
	uint64_t slot;
	unsigned level;

	pt_slot(&os, mm, 0x503000, 3, false, &slot, &level);
	uint64_t pfn = pte_pfn(pt_read(&os, slot));

	nops = 0;
	assert_int_equal(os_mremap(&os, mm, 0x500000, 4 * PAGE_SIZE, 0x900000, 8 * PAGE_SIZE, &why), 0);
	checked();
	assert_int_equal(mm->map_count, 1);
	assert_int_equal(mm->vmas[0]->vm_start, 0x900000);
	assert_int_equal(mm->vmas[0]->vm_end, 0x908000);
	pt_slot(&os, mm, 0x903000, 3, false, &slot, &level);
	assert_int_equal(pte_pfn(pt_read(&os, slot)), pfn); /* the same page, moved */
	/* flush_tlb_range of the old 4 pages: non-leaf, no hint */
	expect_op(0, TLBI_RVAE1, tlbi_vaddr_range(0x500000, mm_asid(&os, mm), 0, 1, 0));
	assert_int_equal(handle_page_fault(&os, mm, 0x500000, ACCESS_READ), FAULT_SIGSEGV_MAPERR);
}

/* Regression tests for bugs a review found; each failed before its fix. */
static void test_shmem_lifetime(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct task_struct *p = spawn(0);
	uint64_t free0 = nr_free_pages(&os.pa);
	const char *why;

	/* a split shared anonymous mapping, then a fork: one shmem file, three
	 * VMAs in the parent and three in the child */
	map(p->mm, 0x10000000, 3 * PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS);
	touch(p->mm, 0x10001000, ACCESS_WRITE);
	assert_int_equal(os_mprotect(&os, p->mm, 0x10001000, PAGE_SIZE, PROT_READ, &why), 0);
	struct task_struct *c = os_clone(&os, p, 0);

	checked();
	/* the child sees the same page (shared), through its own fault */
	touch(c->mm, 0x10001000, ACCESS_READ);
	os_exit(&os, c);
	touch(p->mm, 0x10000000, ACCESS_WRITE); /* the file outlived the child */
	checked();
	assert_int_equal(os_munmap(&os, p->mm, 0x10000000, 3 * PAGE_SIZE), 0);
	os_reap_caches(&os);
	checked();
	/* the shmem pages went with the last mapping; with the slab caches
	 * reaped, every page is back */
	assert_int_equal(nr_free_pages(&os.pa), free0);
}

static void test_bad_ranges(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const char *why;

	map(mm, 0x400000, 2 * PAGE_SIZE, RW, ANON);
	/* overlapping mremap: EINVAL, nothing changes */
	assert_int_equal(os_mremap(&os, mm, 0x400000, 0x2000, 0x3ff000, 0x4000, &why), -1);
	assert_int_equal(mm->map_count, 1);
	/* growing past the top, moving to a misaligned place */
	map(mm, 0xffffffe00000ULL, PAGE_SIZE, RW, ANON);
	assert_int_equal(os_mremap(&os, mm, 0xffffffe00000ULL, PAGE_SIZE, 0xffffffe00000ULL,
				   4 * MB, &why), -1);
	assert_int_equal(os_mremap(&os, mm, 0x400000, PAGE_SIZE, 0x40100123, PAGE_SIZE, &why), -1);
	/* mprotect ranges that wrap */
	assert_int_equal(os_mprotect(&os, mm, 0xfffffffffffff000ULL, 0x2000, 0, &why), -1);
	assert_int_equal(os_mprotect(&os, mm, 0x400000, (uint64_t)-1, 0, &why), -1);
	/* half of a hugetlb mapping cannot go (EINVAL) */
	map(mm, 0x40000000, 2 * MB, RW, ANON | MAP_HUGETLB);
	assert_int_equal(os_munmap(&os, mm, 0x40000000, MB), -1);
	checked();
}

/* A faulted VMA split by mprotect and put back is one VMA again. */
static void test_anon_vma_merge(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const char *why;

	map(mm, 0x40000000, 4 * PAGE_SIZE, RW, ANON);
	touch(mm, 0x40000000, ACCESS_WRITE);
	touch(mm, 0x40003000, ACCESS_WRITE);
	assert_int_equal(os_mprotect(&os, mm, 0x40001000, PAGE_SIZE, PROT_READ, &why), 0);
	assert_int_equal(mm->map_count, 3);
	assert_int_equal(os_mprotect(&os, mm, 0x40001000, PAGE_SIZE, RW, &why), 0);
	assert_int_equal(mm->map_count, 1);
	checked();
}

/*
 * mremap of 4 MiB between 2 MiB-aligned places moves whole PTE tables, each
 * with a flush of its old 2 MiB; unmapping the old range then frees its PMD
 * table: [1 GiB, +4K) at 1 GiB stride, SCALE 3 NUM 3.
 */
static void test_mremap_tables(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const char *why;
	const uint64_t a = 0x40000000, b = 0x80000000;

	map(mm, a, 4 * MB, RW, ANON);
	for (uint64_t x = a; x < a + 4 * MB; x += 64 * PAGE_SIZE)
		touch(mm, x, ACCESS_WRITE);
	uint64_t tables = mm->pgtables;

	nops = 0;
	assert_int_equal(os_mremap(&os, mm, a, 4 * MB, b, 4 * MB, &why), 0);
	checked();
	uint16_t asid = mm_asid(&os, mm);

	assert_int_equal(nops, 3);
	expect_op(0, TLBI_RVAE1, tlbi_vaddr_range(a, asid, 1, 7, 0));
	expect_op(1, TLBI_RVAE1, tlbi_vaddr_range(a + 2 * MB, asid, 1, 7, 0));
	expect_op(2, TLBI_RVAE1, tlbi_vaddr_range(a, asid, 3, 3, 0));
	/* the PTE tables moved; a PMD table came for b's 1 GiB, a's went */
	assert_int_equal(mm->pgtables, tables);
}

/* THP: fork shares a block read-only; a write copies it, flushing 2 MiB. */
static void test_thp_fork(void **s)
{
	(void)s;
	struct os_config c;

	small_config(&c);
	c.thp = true;
	boot_config(&c);
	struct task_struct *p = spawn(0);

	map(p->mm, 0x40000000, 4 * MB, RW, ANON);
	touch(p->mm, 0x40000000, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_HUGE], 1);
	struct task_struct *ch = os_clone(&os, p, 0);

	checked();
	assert_int_equal(ch->mm->rss_anon, 512);
	nops = 0;
	touch(p->mm, 0x40000008, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_WP_COPY], 1);
	expect_op(0, TLBI_RVAE1, tlbi_vaddr_range(0x40000000, mm_asid(&os, p->mm), 1, 7, 2));
	checked();
	touch(ch->mm, 0x40000008, ACCESS_WRITE); /* alone now: reused */
	assert_int_equal(os.st.faults[FAULT_WP_REUSE], 1);
	checked();
}

static void test_fork_cow(void **s)
{
	(void)s;
	boot(2, true, 16);
	struct task_struct *p = spawn(0);
	struct mm_struct *pm = p->mm;
	uint64_t free_before_children = nr_free_pages(&os.pa);

	map(pm, 0x400000, 2 * PAGE_SIZE, RW, ANON);
	touch(pm, 0x400000, ACCESS_WRITE);
	touch(pm, 0x401000, ACCESS_WRITE);
	nops = 0;
	struct task_struct *c = os_clone(&os, p, 0);

	assert_non_null(c);
	checked();
	/* one ASIDE1IS for the parent, whose PTEs are now read-only */
	assert_int_equal(nops, 1);
	expect_op(0, TLBI_ASIDE1, tlbi_asid(mm_asid(&os, pm)));
	uint64_t slot;
	unsigned level;

	pt_slot(&os, pm, 0x400000, 3, false, &slot, &level);
	struct page *shared = pfn_to_page(&os.pa, pte_pfn(pt_read(&os, slot)));

	assert_true(pt_read(&os, slot) & PTE_RDONLY);
	assert_int_equal(shared->refcount, 2);
	assert_int_equal(shared->mapcount, 2);
	os_switch_to(&os, 1, c);
	/* the parent writes: a copy */
	nops = 0;
	touch(pm, 0x400000, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_WP_COPY], 1);
	expect_op(0, TLBI_VALE1, tlbi_vaddr(0x400000, mm_asid(&os, pm), 0));
	assert_int_equal(shared->refcount, 1);
	assert_int_equal(shared->mapcount, 1);
	checked();
	/* the child writes the same page: alone now, it reuses it */
	nops = 0;
	touch(c->mm, 0x400000, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_WP_REUSE], 1);
	assert_int_equal(nops, 1);
	expect_op(0, TLBI_VALE1, tlbi_vaddr(0x400000, mm_asid(&os, c->mm), 0));
	/* the child's other page is old (AF clear): a read sets AF, no flush */
	nops = 0;
	touch(c->mm, 0x401000, ACCESS_READ);
	assert_int_equal(os.st.faults[FAULT_YOUNG], 1);
	assert_int_equal(nops, 0);
	checked();
	/* a thread shares the mm */
	struct task_struct *th = os_clone(&os, c, CLONE_VM | CLONE_THREAD);

	assert_ptr_equal(th->mm, c->mm);
	assert_int_equal(c->mm->mm_users, 2);
	os_exit(&os, th);
	assert_int_equal(c->mm->mm_users, 1);
	checked();
	os_exit(&os, c);
	checked();
	os_exit(&os, p);
	checked();
	os_reap_caches(&os);
	/* every page of both address spaces is back; the parent's own mm,
	 * pgd and task came before free_before_children was read */
	assert_int_equal(nr_free_pages(&os.pa),
			 free_before_children + 1 /* pgd */ + 1 /* mm_struct slab */ +
				 2 /* task_struct slab, order 1 */);
	checked();
}

static void test_exit_returns_everything(void **s)
{
	(void)s;
	boot(1, true, 16);
	uint64_t free0 = nr_free_pages(&os.pa);
	unsigned buddy0[NR_PAGE_ORDERS];

	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		buddy0[o] = (unsigned)os.pa.zones[ZONE_NORMAL].free_area[o].nr_free;
	struct task_struct *t = spawn(0);
	struct mm_struct *mm = t->mm;

	map(mm, 0x400000, 64 * MB, RW, ANON);
	for (uint64_t a = 0x400000; a < 0x400000 + 64 * MB; a += 37 * PAGE_SIZE)
		touch(mm, a, a % 3 ? ACCESS_WRITE : ACCESS_READ);
	map(mm, 0x7f0000000000, 4 * MB, RW, MAP_SHARED | MAP_ANONYMOUS);
	touch(mm, 0x7f0000001000, ACCESS_WRITE);
	checked();
	nops = 0;
	os_exit(&os, t);
	/* fullmm: no leaf flushes; one ASIDE1IS because tables were freed */
	assert_int_equal(nops, 1);
	assert_int_equal(ops[0].op, TLBI_ASIDE1);
	os_reap_caches(&os);
	checked();
	assert_int_equal(nr_free_pages(&os.pa), free0);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		assert_int_equal(os.pa.zones[ZONE_NORMAL].free_area[o].nr_free, buddy0[o]);
}

static void test_stack_growth(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	const uint64_t top = 0x7ffff0000000ULL;

	map(mm, top - 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW, ANON | MAP_GROWSDOWN);
	/* 100 KiB below: grows */
	touch(mm, top - 100 * 1024, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_STACK_GROW], 1);
	assert_int_equal(mm->vmas[0]->vm_start, (top - 100 * 1024) & PAGE_MASK);
	checked();
	/* past RLIMIT_STACK (8 MiB): SIGSEGV */
	assert_int_equal(handle_page_fault(&os, mm, top - 9 * MB, ACCESS_WRITE), FAULT_SIGSEGV_MAPERR);
	/* a mapping 1.5 MiB below the stack: the guard gap (1 MiB) still allows
	 * growing to 1 MiB above it, not closer */
	uint64_t low = top - 4 * MB;

	map(mm, low - PAGE_SIZE, PAGE_SIZE, RW, ANON);
	assert_int_equal(handle_page_fault(&os, mm, low + MB, ACCESS_WRITE), FAULT_OK);
	assert_int_equal(handle_page_fault(&os, mm, low + MB - PAGE_SIZE, ACCESS_WRITE),
			 FAULT_SIGSEGV_MAPERR);
	checked();
}

static void test_file_faults(void **s)
{
	(void)s;
	boot(1, true, 16);
	struct mm_struct *mm = spawn(0)->mm;
	struct address_space *f = os_file(&os, 3, "/usr/lib/data");
	const char *why;

	f->i_size = 3 * PAGE_SIZE + 100; /* 4 pages, the last partly */
	assert_int_equal(os_mmap(&os, mm, 0x800000, 8 * PAGE_SIZE, RW, MAP_PRIVATE, f, 0, &why), 0);
	touch(mm, 0x800000, ACCESS_READ); /* from the page cache, read-only */
	assert_int_equal(os.st.faults[FAULT_FILE_READ], 1);
	assert_int_equal(os.st.faults[FAULT_MAJOR], 1);
	touch(mm, 0x801000, ACCESS_WRITE); /* private write to a new page: cow */
	assert_int_equal(os.st.faults[FAULT_COW], 1);
	touch(mm, 0x800000, ACCESS_WRITE); /* write to the mapped cache page: copy */
	assert_int_equal(os.st.faults[FAULT_WP_COPY], 1);
	checked();
	touch(mm, 0x803000, ACCESS_READ); /* the partial last page is mappable */
	assert_int_equal(handle_page_fault(&os, mm, 0x804000, ACCESS_READ), FAULT_SIGBUS_ADRERR);
	assert_int_equal(os.st.faults[FAULT_SIGBUS], 1);
	/* a shared writable mapping of the same file: write-notify */
	assert_int_equal(os_mmap(&os, mm, 0x900000, 2 * PAGE_SIZE, RW, MAP_SHARED, f, 0, &why), 0);
	touch(mm, 0x900000, ACCESS_READ); /* page 0 is cached: minor, read-only */
	assert_int_equal(os.st.faults[FAULT_MAJOR], 3);
	touch(mm, 0x900000, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_WP_SHARED], 1);
	touch(mm, 0x901000, ACCESS_WRITE);
	assert_int_equal(os.st.faults[FAULT_SHARED], 1);
	checked();
	/* pages stay cached after munmap */
	uint64_t cached = f->nrpages;

	assert_int_equal(os_munmap(&os, mm, 0x800000, 8 * PAGE_SIZE), 0);
	assert_int_equal(os_munmap(&os, mm, 0x900000, 2 * PAGE_SIZE), 0);
	assert_int_equal(f->nrpages, cached);
	checked();
}

static void test_asid_rollover(void **s)
{
	(void)s;
	/* 8-bit ASIDs, with CONFIG_UNMAP_KERNEL_AT_EL0's odd ASIDs taken:
	 * the first generation hands out 2, 4, ..., 254 (127 of them) */
	boot(2, true, 8);
	struct task_struct *t[130];

	for (int i = 0; i < 127; i++) {
		t[i] = os_create_process(&os);
		os_switch_to(&os, (unsigned)(i % 2), t[i]);
		assert_int_equal(mm_asid(&os, t[i]->mm), 2 * (i + 1));
	}
	/* cpu 0 runs t[126] (254), cpu 1 runs t[125] (252) */
	assert_int_equal(os.asids.rollovers, 0);
	nops = ndsb = 0;
	t[127] = os_create_process(&os);
	os_switch_to(&os, 0, t[127]);
	assert_int_equal(os.asids.rollovers, 1);
	/* from now on every ASID is usable: the lowest free one is 1 */
	assert_int_equal(mm_asid(&os, t[127]->mm), 1);
	assert_int_equal(t[127]->mm->context.id >> 16, 2);
	/* a local VMALLE1 on cpu 0 only */
	assert_int_equal(nops, 1);
	assert_int_equal(ops[0].op, TLBI_VMALLE1);
	assert_false(ops[0].shareable);
	/* then dsb(nsh): local_flush_tlb_all */
	assert_int_equal(ndsb, 1);
	assert_int_equal(dsb_at[0], 1);
	assert_false(dsb_shareable);
	/* cpu 1 keeps 252 reserved for t[125]; t[0]'s old 2 is free: reused */
	nops = 0;
	os_switch_to(&os, 1, t[0]);
	assert_int_equal(mm_asid(&os, t[0]->mm), 2);
	assert_int_equal(nops, 1); /* cpu 1's own pending flush */
	assert_int_equal(ops[0].op, TLBI_VMALLE1);
	/* t[125] had 252 reserved: it keeps it in the new generation */
	nops = 0;
	os_switch_to(&os, 0, t[125]);
	assert_int_equal(mm_asid(&os, t[125]->mm), 252);
	assert_int_equal(nops, 0);
	/* t[1] (4) comes back with its number, t[128] gets the next free: 3 */
	os_switch_to(&os, 0, t[1]);
	assert_int_equal(mm_asid(&os, t[1]->mm), 4);
	t[128] = os_create_process(&os);
	os_switch_to(&os, 0, t[128]);
	assert_int_equal(mm_asid(&os, t[128]->mm), 3);
	checked();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_anon_faults, teardown),
		cmocka_unit_test_teardown(test_vma_split_merge, teardown),
		cmocka_unit_test_teardown(test_munmap_tlbi_range, teardown),
		cmocka_unit_test_teardown(test_munmap_tlbi_no_range, teardown),
		cmocka_unit_test_teardown(test_munmap_whole_vma, teardown),
		cmocka_unit_test_teardown(test_munmap_8g, teardown),
		cmocka_unit_test_teardown(test_huge_pages, teardown),
		cmocka_unit_test_teardown(test_mremap, teardown),
		cmocka_unit_test_teardown(test_shmem_lifetime, teardown),
		cmocka_unit_test_teardown(test_bad_ranges, teardown),
		cmocka_unit_test_teardown(test_anon_vma_merge, teardown),
		cmocka_unit_test_teardown(test_mremap_tables, teardown),
		cmocka_unit_test_teardown(test_thp_fork, teardown),
		cmocka_unit_test_teardown(test_fork_cow, teardown),
		cmocka_unit_test_teardown(test_exit_returns_everything, teardown),
		cmocka_unit_test_teardown(test_stack_growth, teardown),
		cmocka_unit_test_teardown(test_file_faults, teardown),
		cmocka_unit_test_teardown(test_asid_rollover, teardown),
	};

	return cmocka_run_group_tests_name("os", tests, NULL, NULL);
}
