// SPDX-License-Identifier: MIT
/*
 * The page cache of a file (mapping->i_pages): a radix tree of 64-way
 * nodes, as Linux's xarray, whose nodes come from radix_tree_node_cachep.
 * The cache holds one reference on each of its pages; pages stay cached
 * after munmap and leave only on truncation.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RADIX_SHIFT 6
#define RADIX_SLOTS (1u << RADIX_SHIFT)

struct radix_node {
	void *slot[RADIX_SLOTS];
	unsigned count;
	uint64_t obj;
};

static struct radix_node *node_alloc(struct os *os, struct address_space *m)
{
	struct radix_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->obj = kmem_cache_alloc(os->radix_tree_node_cachep, os->cur_cpu);
	if (!n->obj) {
		free(n);
		return NULL;
	}
	m->nr_nodes++;
	return n;
}

static void node_free(struct os *os, struct address_space *m, struct radix_node *n)
{
	kmem_cache_free(os->radix_tree_node_cachep, os->cur_cpu, n->obj);
	m->nr_nodes--;
	free(n);
}

static uint64_t max_index(unsigned height)
{
	return height >= 11 ? UINT64_MAX : (1ULL << (RADIX_SHIFT * height)) - 1;
}

static struct page *radix_lookup(const struct address_space *m, uint64_t index)
{
	const struct radix_node *n = m->root;

	if (!n || index > max_index(m->height))
		return NULL;
	for (unsigned h = m->height; h > 1; h--) {
		n = n->slot[(index >> (RADIX_SHIFT * (h - 1))) & (RADIX_SLOTS - 1)];
		if (!n)
			return NULL;
	}
	return n->slot[index & (RADIX_SLOTS - 1)];
}

static int radix_insert(struct os *os, struct address_space *m, uint64_t index,
			struct page *p)
{
	if (!m->root) {
		if (!(m->root = node_alloc(os, m)))
			return -1;
		m->height = 1;
	}
	while (index > max_index(m->height)) { /* grow upwards */
		struct radix_node *top = node_alloc(os, m);

		if (!top)
			return -1;
		top->slot[0] = m->root;
		top->count = 1;
		m->root = top;
		m->height++;
	}
	struct radix_node *n = m->root;

	for (unsigned h = m->height; h > 1; h--) {
		unsigned i = (index >> (RADIX_SHIFT * (h - 1))) & (RADIX_SLOTS - 1);

		if (!n->slot[i]) {
			if (!(n->slot[i] = node_alloc(os, m)))
				return -1;
			n->count++;
		}
		n = n->slot[i];
	}
	n->slot[index & (RADIX_SLOTS - 1)] = p;
	n->count++;
	return 0;
}

struct page *filemap_fault_page(struct os *os, struct address_space *mapping, uint64_t index,
				bool *major)
{
	struct page *p = radix_lookup(mapping, index);

	*major = false;
	if (p)
		return p;
	p = alloc_page(&os->pa, GFP_HIGHUSER_MOVABLE); /* its contents are "read" */
	if (!p)
		return NULL;
	if (radix_insert(os, mapping, index, p)) {
		__free_pages(&os->pa, p, 0);
		return NULL;
	}
	p->mapping = mapping;
	p->index = index;
	mapping->nrpages++;
	if (mapping->path) /* shmem stays off the LRU lists: it has no swap here */
		lru_cache_add(os, p);
	*major = mapping->path != NULL; /* read from the file; a shmem hole is minor */
	if (*major)
		os->vm_events[PGPGIN] += PAGE_SIZE >> 10;
	return p;
}

static void free_subtree(struct os *os, struct address_space *m, struct radix_node *n,
			 unsigned h)
{
	for (unsigned i = 0; i < RADIX_SLOTS; i++) {
		if (!n->slot[i])
			continue;
		if (h > 1) {
			free_subtree(os, m, n->slot[i], h - 1);
			continue;
		}
		struct page *p = n->slot[i];

		if (p->flags & PG_lru)
			lruvec_del_folio(&os->pa, p);
		p->mapping = NULL;
		p->flags &= ~PG_dirty;
		m->nrpages--;
		put_page(&os->pa, p); /* the cache's reference */
	}
	node_free(os, m, n);
}

/*
 * __filemap_remove_folio: the page leaves the tree (nodes left empty go
 * too) and the cache drops its reference.
 */
void delete_from_page_cache(struct os *os, struct page *page)
{
	struct address_space *m = page->mapping;
	struct radix_node *path[12] = { NULL };
	struct radix_node *n = m->root;
	uint64_t index = page->index;

	for (unsigned h = m->height; h > 1; h--) {
		path[h - 1] = n;
		n = n->slot[(index >> (RADIX_SHIFT * (h - 1))) & (RADIX_SLOTS - 1)];
	}
	n->slot[index & (RADIX_SLOTS - 1)] = NULL;
	n->count--;
	for (unsigned h = 1; h < m->height && !n->count; h++) {
		struct radix_node *parent = path[h];

		parent->slot[(index >> (RADIX_SHIFT * h)) & (RADIX_SLOTS - 1)] = NULL;
		parent->count--;
		node_free(os, m, n);
		n = parent;
	}
	if (!n->count && n == m->root) {
		node_free(os, m, n);
		m->root = NULL;
		m->height = 0;
	}
	m->nrpages--;
	page->mapping = NULL;
	page->flags &= ~PG_dirty;
	put_page(&os->pa, page);
}

/* truncate_inode_pages: every page leaves the cache (unmapped first). */
void truncate_inode_pages(struct os *os, struct address_space *mapping)
{
	if (mapping->root)
		free_subtree(os, mapping, mapping->root, mapping->height);
	mapping->root = NULL;
	mapping->height = 0;
}

void mapping_free(struct os *os, struct address_space *mapping)
{
	truncate_inode_pages(os, mapping);
	free(mapping->path);
	free(mapping);
}

struct address_space *shmem_file_setup(struct os *os)
{
	struct address_space *m = calloc(1, sizeof(*m));

	(void)os;
	if (m)
		m->i_size = UINT64_MAX;
	return m;
}

struct address_space *os_file(struct os *os, uint32_t id, const char *path)
{
	if (id == 0 || id > (1u << 24))
		return NULL;
	if (id >= os->nr_files) {
		unsigned n = id + 16;
		struct address_space **f = realloc(os->files, n * sizeof(*f));

		if (!f)
			return NULL;
		memset(f + os->nr_files, 0, (n - os->nr_files) * sizeof(*f));
		os->files = f;
		os->nr_files = n;
	}
	if (!os->files[id]) {
		struct address_space *m = calloc(1, sizeof(*m));

		if (!m || !(m->path = strdup(path ? path : "?"))) {
			free(m);
			return NULL;
		}
		m->id = id;
		m->i_size = UINT64_MAX; /* unknown: no access is beyond the end */
		os->files[id] = m;
	}
	return os->files[id];
}
