// SPDX-License-Identifier: GPL-2.0
/*
 * insn-profile.c: a QEMU TCG plugin that counts, per translation block, the
 * guest instructions executed between two "marks", for tools/bench/bench
 * --profile.  It is the per-function profile the guest cannot take itself
 * (no PMU under TCG) and costs the guest nothing: the counters live in QEMU.
 *
 *   -plugin build/bench/insn-profile.so,out=DIR,mark=0xADDR
 *
 * Every time the guest executes the translation block that starts at ADDR
 * (the entry of a kernel function the guest calls on purpose, e.g.
 * __x64_sys_personality), the plugin writes DIR/prof.SEQ, one line per
 * block that ran since the previous mark:
 *
 *     VADDR NINSNS EXECUTIONS
 *
 * then zeroes the counters and increments SEQ (from 0).  Instructions of a
 * block = NINSNS * EXECUTIONS; executions of the block at a function's entry
 * are its calls.  tools/bench/profile-report maps the addresses to symbols.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-abi.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* One translated block.  Blocks never move: the inline counter of QEMU's
 * generated code points into them. */
struct block {
	uint64_t vaddr;
	uint64_t executions;
	uint32_t n_insns;
};

#define CHUNK_BLOCKS 4096
struct chunk {
	struct chunk *next;
	unsigned int used;
	struct block blocks[CHUNK_BLOCKS];
};

static struct chunk *chunks;
static struct block **slots;	/* open addressing on (vaddr, n_insns) */
static size_t n_slots, n_blocks;
static uint64_t mark_vaddr;
static const char *out_dir;
static unsigned int seq;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "insn-profile: out of memory\n");
		abort();
	}
	return p;
}

static size_t slot_of(uint64_t vaddr, uint32_t n_insns, size_t mask)
{
	uint64_t h = (vaddr ^ ((uint64_t)n_insns << 48)) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 20) & mask;
}

static void grow_slots(void)
{
	size_t new_n = n_slots ? n_slots * 2 : 1 << 16, i, s;
	struct block **new_slots = xcalloc(new_n, sizeof(*new_slots));

	for (i = 0; i < n_slots; i++) {
		struct block *b = slots[i];

		if (!b)
			continue;
		for (s = slot_of(b->vaddr, b->n_insns, new_n - 1); new_slots[s]; s = (s + 1) & (new_n - 1))
			;
		new_slots[s] = b;
	}
	free(slots);
	slots = new_slots;
	n_slots = new_n;
}

static struct block *new_block(uint64_t vaddr, uint32_t n_insns)
{
	struct block *b;

	if (!chunks || chunks->used == CHUNK_BLOCKS) {
		struct chunk *c = xcalloc(1, sizeof(*c));

		c->next = chunks;
		chunks = c;
	}
	b = &chunks->blocks[chunks->used++];
	b->vaddr = vaddr;
	b->n_insns = n_insns;
	n_blocks++;
	return b;
}

/* The block for (vaddr, n_insns): a retranslation reuses its counter. */
static struct block *block_for(uint64_t vaddr, uint32_t n_insns)
{
	size_t s;

	if (2 * (n_blocks + 1) > n_slots)
		grow_slots();
	for (s = slot_of(vaddr, n_insns, n_slots - 1); slots[s]; s = (s + 1) & (n_slots - 1))
		if (slots[s]->vaddr == vaddr && slots[s]->n_insns == n_insns)
			return slots[s];
	slots[s] = new_block(vaddr, n_insns);
	return slots[s];
}

/* Write the counters since the previous mark, then zero them. */
static void dump(void)
{
	char path[4096];
	struct chunk *c;
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/prof.%u", out_dir, seq++);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "insn-profile: %s: %s\n", path, strerror(errno));
	for (c = chunks; c; c = c->next) {
		for (i = 0; i < c->used; i++) {
			struct block *b = &c->blocks[i];

			if (f && b->executions)
				fprintf(f, "%llx %u %llu\n", (unsigned long long)b->vaddr, b->n_insns,
					(unsigned long long)b->executions);
			b->executions = 0;
		}
	}
	if (f)
		fclose(f);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	dump();
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct block *b = block_for(vaddr, (uint32_t)qemu_plugin_tb_n_insns(tb));

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->executions, 1);
	if (vaddr == mark_vaddr)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			out_dir = argv[i] + 4;
		else if (!strncmp(argv[i], "mark=", 5))
			mark_vaddr = strtoull(argv[i] + 5, NULL, 0);
		else {
			fprintf(stderr, "insn-profile: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	if (!out_dir || !mark_vaddr) {
		fprintf(stderr, "insn-profile: needs out=DIR and mark=ADDR\n");
		return -1;
	}
	grow_slots();
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}
