// SPDX-License-Identifier: MIT
/*
 * A minimal counting plugin for qemu-aarch64, written apart from the
 * capture plugin (traces/arm64/) to check its counts: QEMU's own inline
 * counters add one per instruction executed and per memory access in the
 * generated code, and a callback counts the stores (QEMU 7.2's inline
 * counters do not tell loads from stores). Single-threaded programs only
 * (the counters are shared). At exit it writes "insns N loads N stores N"
 * to the file named by out=FILE.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* QEMU's plugin API, version 1: the few declarations this plugin needs. */
typedef uint64_t plugin_id;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum { CB_NO_REGS = 0 };
enum { MEM_RW = 3 };
enum { INLINE_ADD_U64 = 0 };
typedef struct {
	const char *target_name;
	struct {
		int min, cur;
	} version;
	_Bool system_emulation;
} plugin_info;

void qemu_plugin_register_vcpu_tb_trans_cb(plugin_id id,
					   void (*cb)(plugin_id, struct qemu_plugin_tb *));
void qemu_plugin_register_atexit_cb(plugin_id id, void (*cb)(plugin_id, void *), void *ud);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t i);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, int op, void *ptr,
						uint64_t imm);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
				      void (*cb)(unsigned int, uint32_t, uint64_t, void *), int flags,
				      int rw, void *ud);
_Bool qemu_plugin_mem_is_store(uint32_t info);
void qemu_plugin_register_vcpu_mem_inline(struct qemu_plugin_insn *insn, int rw, int op,
					  void *ptr, uint64_t imm);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;
__attribute__((visibility("default"))) int qemu_plugin_install(plugin_id id,
							       const plugin_info *info, int argc,
							       char **argv);

static uint64_t insns, accesses, stores;
static char out[4096];

static void on_mem(unsigned int vcpu, uint32_t info, uint64_t vaddr, void *ud)
{
	(void)vcpu;
	(void)vaddr;
	(void)ud;
	stores += qemu_plugin_mem_is_store(info);
}

static void trans(plugin_id id, struct qemu_plugin_tb *tb)
{
	(void)id;
	for (size_t i = 0; i < qemu_plugin_tb_n_insns(tb); i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		qemu_plugin_register_vcpu_insn_exec_inline(insn, INLINE_ADD_U64, &insns, 1);
		qemu_plugin_register_vcpu_mem_inline(insn, MEM_RW, INLINE_ADD_U64, &accesses, 1);
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, CB_NO_REGS, MEM_RW, NULL);
	}
}

static void at_exit(plugin_id id, void *ud)
{
	FILE *f = fopen(out, "w");

	(void)id;
	(void)ud;
	if (!f)
		return;
	fprintf(f, "insns %llu loads %llu stores %llu\n", (unsigned long long)insns,
		(unsigned long long)(accesses - stores), (unsigned long long)stores);
	fclose(f);
}

int qemu_plugin_install(plugin_id id, const plugin_info *info, int argc, char **argv)
{
	(void)info;
	if (argc != 1 || strncmp(argv[0], "out=", 4)) {
		fprintf(stderr, "count_plugin: give out=FILE\n");
		return -1;
	}
	snprintf(out, sizeof(out), "%s", argv[0] + 4);
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
