// SPDX-License-Identifier: MIT
/*
 * An arm64 test program whose address-space events are known in advance
 * (tb/tests/arm64.sh holds the list, written by hand): it maps, protects
 * and unmaps at fixed addresses in 0x6000000000.., starts a thread that
 * maps a page there, and forks a child that unmaps one. Built with
 * Debian's aarch64-linux-gnu-gcc; run under qemu-aarch64.
 * usage: events [threads|one] [MAPS]: MAPS gets a copy of /proc/self/maps
 * (qemu's view of the guest's mappings) at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASE 0x6000000000ul

static void *map_at(unsigned long addr, size_t len, int prot)
{
	void *p = mmap((void *)addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		exit(2);
	return p;
}

static void *thread(void *arg)
{
	volatile char *p = map_at(BASE + 0x200000, 0x1000, PROT_READ | PROT_WRITE);

	(void)arg;
	p[0] = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	volatile char *p;
	pthread_t t;
	pid_t child;
	int status;

	map_at(BASE, 0x1000, PROT_READ); /* the start marker */
	p = map_at(BASE + 0x100000, 0x4000, PROT_READ | PROT_WRITE);
	p[0] = 1;
	p[0x3000] = p[0] + 1;
	if (mprotect((void *)(p + 0x1000), 0x1000, PROT_READ) || munmap((void *)(p + 0x2000), 0x2000))
		return 3;
	if (argc > 1 && argv[1][0] == 't') { /* "threads": a thread and a child process too */
		if (pthread_create(&t, NULL, thread, NULL) || pthread_join(t, NULL))
			return 4;
		child = fork();
		if (child == 0) {
			munmap((void *)p, 0x1000);
			_exit(0);
		}
		if (child < 0 || waitpid(child, &status, 0) != child || status)
			return 5;
	}
	munmap((void *)BASE, 0x1000); /* the end marker */
	if (argc > 2) { /* no stdio: it would allocate, and change the maps */
		char buf[4096];
		int in = open("/proc/self/maps", O_RDONLY), out = creat(argv[2], 0644);
		ssize_t n;

		if (in < 0 || out < 0)
			return 6;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				return 7;
		close(in);
		close(out);
	}
	return 0;
}
