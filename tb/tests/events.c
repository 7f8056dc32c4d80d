// SPDX-License-Identifier: MIT
/*
 * A program whose memory events are known in advance, for the capture
 * tests (tb/tests/cli.sh writes the list it must give by hand). Everything
 * it maps lies at fixed addresses from 0x2000000000 on.
 *
 *   events FILE   the run described below (FILE: 100 bytes are written to it);
 *                 its threads start, then end in the order they started;
 *                 then it spawns /bin/true
 *   events crash  dies of SIGSEGV
 *   events kill   kills itself with SIGKILL
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BASE ((char *)0x2000000000)

static sigjmp_buf bus_jmp;
static volatile int buses;

static void on_bus(int sig)
{
	(void)sig;
	buses++;
	siglongjmp(bus_jmp, 1);
}

static sem_t started, may_end[2];

static void *worker(void *arg)
{
	volatile char *p = arg;
	int i = p != BASE + 0x100000;

	p[0] = 1;
	sem_post(&started);
	sem_wait(&may_end[i]);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "crash"))
		return *(volatile int *)16;
	if (!strcmp(argv[1], "kill"))
		raise(SIGKILL);
	if (!strcmp(argv[1], "execfail")) { /* an exec that fails (EACCES), then work */
		static char buf[1 << 16];
		char *args[] = { argv[0], NULL };
		int fd = open("noexec.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || close(fd) || execv("noexec.txt", args) == 0)
			return 6;
		for (unsigned i = 0; i < sizeof(buf); i++)
			buf[i] = (char)i;
		printf("after the failed exec: %d\n", buf[1000]);
		return 0;
	}

	/* anonymous: map 4 pages, protect the second, unmap the fourth */
	char *a = mmap(BASE, 0x4000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);
	if (a != BASE)
		return 3;
	a[0] = 1;
	if (mprotect(BASE + 0x1000, 0x1000, PROT_READ) || munmap(BASE + 0x3000, 0x1000))
		return 4;
	/* move the first page to 0x2000100000 and grow it to four */
	char *m = mremap(BASE, 0x1000, 0x4000, MREMAP_MAYMOVE | MREMAP_FIXED, BASE + 0x100000);
	if (m != BASE + 0x100000)
		return 5;
	m[0x3000] = 2;

	/* a file of 100 bytes mapped for two pages: the second is past its end */
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
	char text[100];

	memset(text, 'x', sizeof(text));
	if (fd < 0 || write(fd, text, sizeof(text)) != (ssize_t)sizeof(text))
		return 6;
	char *f = mmap(BASE + 0x200000, 0x2000, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (f != BASE + 0x200000)
		return 7;
	close(fd);
	signal(SIGBUS, on_bus);
	volatile char sum = f[50]; /* inside the file */

	if (!sigsetjmp(bus_jmp, 1))
		sum += f[0x1000]; /* a page wholly past the end: SIGBUS */
	if (buses != 1)
		return 8;
	munmap(f, 0x2000);

	/* two threads, the second started once the first runs, both running
	 * before either ends; they end in the order they started */
	pthread_t t[2];

	sem_init(&started, 0, 0);
	for (int i = 0; i < 2; i++) {
		sem_init(&may_end[i], 0, 0);
		if (pthread_create(&t[i], NULL, worker, BASE + 0x100000 + 0x1000 * i))
			return 9;
		sem_wait(&started);
	}
	for (int i = 0; i < 2; i++) {
		sem_post(&may_end[i]);
		pthread_join(t[i], NULL);
	}
	/* posix_spawn: clone(CLONE_VM | CLONE_VFORK | SIGCHLD), a fork under Valgrind */
	pid_t child;
	char *child_argv[] = { "true", NULL };
	int status;

	if (posix_spawn(&child, "/bin/true", NULL, NULL, child_argv, NULL) ||
	    waitpid(child, &status, 0) != child || status)
		return 11;
	return sum == 'x' ? 0 : 10;
}
