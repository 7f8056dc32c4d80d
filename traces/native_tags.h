/* SPDX-License-Identifier: MIT */
/*
 * The first bytes of native-format records (traces/FORMAT.md), shared by the
 * reader and writer (native.c) and the Valgrind tool (vgtool/), which links
 * no libc: this header includes nothing.
 */
#ifndef MMUSIM_NATIVE_TAGS_H
#define MMUSIM_NATIVE_TAGS_H

enum native_tag {
	/* 0x01..0x3f: an instruction fetch of that size at iend */
	TAG_IJUMP = 0x40,  /* 0x40..0x7f: size | 0x40, then delta */
	TAG_DATA = 0x80,   /* 0x80..0xbf: kind<<4 | log2(size) */
	TAG_ACCESS = 0xc0, /* generic access */
	TAG_SWITCH = 0xe0,
	TAG_SEGMENT,
	TAG_MMAP,
	TAG_MUNMAP,
	TAG_MPROTECT,
	TAG_BRK,
	TAG_MREMAP,
	TAG_CLONE,
	TAG_EXIT,
	TAG_FILE,
	TAG_EXEC, /* version 3 */
	TAG_END = 0xff,
};

#endif
