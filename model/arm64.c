// SPDX-License-Identifier: MIT
/* Decoding of TLBI operands (Arm ARM D8.13, "TLB maintenance instructions"). */
#include "arm64.h"

const char *const tlbi_op_names[TLBI_NR_OPS] = {
	[TLBI_VMALLE1] = "vmalle1", [TLBI_ASIDE1] = "aside1",
	[TLBI_VAE1] = "vae1",	    [TLBI_VALE1] = "vale1",
	[TLBI_VAAE1] = "vaae1",	    [TLBI_VAALE1] = "vaale1",
	[TLBI_RVAE1] = "rvae1",	    [TLBI_RVALE1] = "rvale1",
	[TLBI_RVAAE1] = "rvaae1",   [TLBI_RVAALE1] = "rvaale1",
};

/* Sign-extend a VA whose top implemented bit is 'bit'. */
static uint64_t sext_va(uint64_t va, unsigned bit)
{
	unsigned sh = 63 - bit;

	return (uint64_t)((int64_t)(va << sh) >> sh);
}

static void decode_va(uint64_t x, struct tlbi_target *t)
{
	unsigned ttl = (x >> 44) & 0xf;

	t->va_start = sext_va((x & ((1ULL << 44) - 1)) << 12, 55);
	t->va_last = t->va_start + PAGE_SIZE - 1;
	/* A hint for another granule, or level 0, says nothing about 4 KiB. */
	t->level = (ttl >> 2) == TLBI_TG_4K ? (ttl & 3) : 0;
}

static void decode_range(uint64_t x, struct tlbi_target *t)
{
	unsigned tg = (x >> 46) & 3, scale = (x >> 44) & 3, num = (x >> 39) & 0x1f;
	uint64_t len = tlbi_range_pages(scale, num) << PAGE_SHIFT;

	if (tg != TLBI_TG_4K) {
		/* Reserved or foreign granule: invalidating more is legal. */
		t->va_start = 0;
		t->va_last = UINT64_MAX;
		t->level = 0;
		return;
	}
	t->va_start = sext_va((x & ((1ULL << 37) - 1)) << 12, 48);
	t->va_last = len - 1 > UINT64_MAX - t->va_start ? UINT64_MAX : t->va_start + len - 1;
	t->level = (x >> 37) & 3;
}

void tlbi_decode(const struct tlbi *op, struct tlbi_target *t)
{
	*t = (struct tlbi_target){ .asid = (uint16_t)(op->operand >> 48) };
	t->last_level = tlbi_is_last_level(op->op);
	t->any_asid = tlbi_is_all_asid(op->op);
	switch (op->op) {
	case TLBI_VMALLE1:
		t->all = true;
		break;
	case TLBI_ASIDE1:
		t->asid_only = true;
		break;
	case TLBI_VAE1:
	case TLBI_VALE1:
	case TLBI_VAAE1:
	case TLBI_VAALE1:
		decode_va(op->operand, t);
		break;
	default:
		decode_range(op->operand, t);
		break;
	}
}
