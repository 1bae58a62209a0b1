/*
 * dp_table.h — the per-worker flow table's fast path (see struct dp_ftable).
 *
 * An entry is the key (16 bytes IPv4, 48 IPv6) followed by struct dp_flow;
 * a bucket holds DP_FT_WAYS (two) entries: one 64-byte cache line for
 * IPv4. A key lives in bucket h1 = crc(key) or h2 = fmix32(h1 ^ seed2). (A
 * second CRC with another initial value would not do: CRC is affine in it,
 * so h2 would be h1 xor a constant and buckets would pair up into fixed
 * groups.) Lookup scans h1 then h2. Insertion takes a free slot of h1 or
 * h2, else frees one along a cuckoo path of up to DP_FT_DEPTH moves
 * (dp_ft_relocate_path); if that fails the table counts as full for this
 * key (the caller forwards it statelessly). Entry pointers are valid until
 * the next insertion or purge.
 *
 * Why two ways and not four: with the table far beyond the caches every
 * lookup is a miss, and on this project's machine the misses (and their
 * page walks), not the instructions, set the forwarding rate: a 128-byte
 * four-way bucket cost two lines per lookup. The deeper cuckoo path keeps
 * the load a two-way table reaches (TestFlowTable: 1.0 % of keys without
 * room at 90 % load, 0.8 % with four ways and one step).
 */
#ifndef SARA_DP_TABLE_H
#define SARA_DP_TABLE_H

#include <stddef.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#include <rte_vect.h>

#include "dp.h"

/* dp_crc64 is CRC32-C over n 8-byte words: the value rte_hash_crc gives for
 * a key of 8n bytes, without its per-word dispatch on the CPU's CRC support
 * (the data plane is built with -msse4.2). */
static inline uint32_t dp_crc64(const void *key, uint32_t n, uint32_t seed)
{
#ifdef __SSE4_2__
	const uint8_t *p = key;
	uint64_t h = seed;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t v;
		memcpy(&v, p + 8 * i, 8);
		h = __builtin_ia32_crc32di(h, v);
	}
	return (uint32_t)h;
#else
	return rte_hash_crc(key, 8 * n, seed);
#endif
}

static inline uint32_t dp_ft_hash(const struct dp_ftable *t, const void *key, uint32_t seed)
{
	return dp_crc64(key, t->klen / 8, seed);
}

/* dp_ft_hash4 is dp_ft_hash of an IPv4 key (16 bytes). */
static inline uint32_t dp_ft_hash4(const struct dp_key4 *k)
{
	return dp_crc64(k, 2, 0);
}

/* dp_ft_alt is the alternate hash: murmur3's finaliser of h1. */
static inline uint32_t dp_ft_alt(const struct dp_ftable *t, uint32_t h1)
{
	uint32_t h = h1 ^ t->seed2;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static inline uint8_t *dp_ft_bucket(const struct dp_ftable *t, uint32_t h)
{
	return t->mem + (size_t)(h & t->mask) * DP_FT_WAYS * t->esz;
}

static inline struct dp_flow *dp_ft_flow(const struct dp_ftable *t, uint8_t *e)
{
	return (struct dp_flow *)(e + t->klen);
}

static inline int dp_ft_keyeq(const struct dp_ftable *t, const uint8_t *e, const void *key)
{
	if (t->klen == 16) {
		const uint64_t *a = (const uint64_t *)e, *b = key;
		return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
	}
	return memcmp(e, key, t->klen) == 0;
}

/* dp_ft_prefetch brings the key's first bucket into cache. */
static inline void dp_ft_prefetch(const struct dp_ftable *t, uint32_t h1)
{
	const uint8_t *b = dp_ft_bucket(t, h1);
	rte_prefetch0(b);
	if (DP_FT_WAYS * t->esz > 64)
		rte_prefetch0(b + 64);
}

static inline uint8_t *dp_ft_scan(const struct dp_ftable *t, uint8_t *b, const void *key)
{
	for (int i = 0; i < DP_FT_WAYS; i++, b += t->esz)
		if ((dp_ft_flow(t, b)->flags & DP_F_VALID) && dp_ft_keyeq(t, b, key))
			return b;
	return NULL;
}

static inline uint8_t *dp_ft_free_slot(const struct dp_ftable *t, uint8_t *b)
{
	for (int i = 0; i < DP_FT_WAYS; i++, b += t->esz)
		if (!(dp_ft_flow(t, b)->flags & DP_F_VALID))
			return b;
	return NULL;
}

/* IPv4 entries: 16-byte key + state, 32 bytes, the flags byte at DP_FT4_FLAGS. */
#define DP_FT4_ESZ 32
#define DP_FT4_FLAGS (16 + 7)
static_assert(sizeof(struct dp_key4) + sizeof(struct dp_flow) == DP_FT4_ESZ, "IPv4 entry size");
static_assert(offsetof(struct dp_flow, flags) == DP_FT4_FLAGS - 16, "IPv4 entry flags offset");

/* dp_ft_scan4 finds the key (k0, k1) in an IPv4 bucket without a branch on
 * which way holds it (the way varies from frame to frame, and a
 * mispredicted exit would stall the loads of the next frames' buckets),
 * and without reading the flags: an entry that is not valid has an
 * all-zero key (the table starts zeroed, dp_ft_clear zeroes a freed slot,
 * an insertion is made valid before the next lookup), and no flow's key
 * is all zero (its destination is a VIP). */
static_assert(DP_FT_WAYS == 2, "dp_ft_scan4 compares two ways");
static inline uint8_t *dp_ft_scan4(uint8_t *b, const struct dp_key4 *key)
{
	/* one 16-byte compare per way; a key is in one way at most, so the
	 * entry is b + 32 * m1 when either matched */
	const __m128i k = _mm_loadu_si128((const __m128i *)key);
	uintptr_t m0 = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *)b), k)) == 0xffff;
	uintptr_t m1 =
		_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_load_si128((const __m128i *)(b + DP_FT4_ESZ)), k)) == 0xffff;
	return (uint8_t *)(((uintptr_t)b + (m1 << 5)) & -(m0 | m1));
}
static_assert(DP_FT4_ESZ == 1 << 5, "dp_ft_scan4 shifts to the second way");

/* dp_ft_bucket4 is dp_ft_bucket of the IPv4 table. */
static inline uint8_t *dp_ft_bucket4(const struct dp_ftable *t, uint32_t h)
{
	return t->mem + (size_t)(h & t->mask) * DP_FT_WAYS * DP_FT4_ESZ;
}

/* dp_ft_lookup4_second scans only the second bucket of an IPv4 key (h1 =
 * its first hash): for a caller that has scanned the first. */
static inline uint8_t *dp_ft_lookup4_second(const struct dp_ftable *t, const struct dp_key4 *key, uint32_t h1)
{
	return dp_ft_scan4(dp_ft_bucket4(t, dp_ft_alt(t, h1)), key);
}

/* dp_ft_lookup4 is dp_ft_lookup for the IPv4 table (t->klen == 16), with
 * the entry size known at compile time. */
static inline uint8_t *dp_ft_lookup4(const struct dp_ftable *t, const struct dp_key4 *key, uint32_t h1)
{
	uint8_t *e = dp_ft_scan4(dp_ft_bucket4(t, h1), key);
	return e != NULL ? e : dp_ft_lookup4_second(t, key, h1);
}

/* dp_ft_lookup returns the entry of key (h1 = its first hash) or NULL. */
static inline uint8_t *dp_ft_lookup(const struct dp_ftable *t, const void *key, uint32_t h1)
{
	uint8_t *e = dp_ft_scan(t, dp_ft_bucket(t, h1), key);
	if (e != NULL)
		return e;
	return dp_ft_scan(t, dp_ft_bucket(t, dp_ft_alt(t, h1)), key);
}

/* dp_ft_clear frees slot e: flags and key zeroed (dp_ft_scan4 relies on
 * the key). */
static inline void dp_ft_clear(struct dp_ftable *t, uint8_t *e)
{
	memset(e, 0, t->klen);
	dp_ft_flow(t, e)->flags = 0;
}

/* dp_ft_other is the bucket of entry e's key other than b (b itself when
 * both of its hashes name b). */
static inline uint8_t *dp_ft_other(const struct dp_ftable *t, const uint8_t *e, const uint8_t *b)
{
	uint32_t h1 = dp_ft_hash(t, e, 0);
	uint8_t *b1 = dp_ft_bucket(t, h1);
	return b1 == b ? dp_ft_bucket(t, dp_ft_alt(t, h1)) : b1;
}

/* DP_FT_DEPTH bounds the cuckoo path an insertion may take: up to four
 * residents move, each to its other bucket. */
#define DP_FT_DEPTH 4

/* dp_ft_relocate frees a slot of the full bucket path[depth-1] by moving
 * residents along a cuckoo path: a resident goes to a free slot of its
 * other bucket, or (left > 1) to a slot freed there the same way. path
 * holds the full buckets the search came through; it never enters one of
 * them again, so a resident about to move is never moved by a deeper call
 * and every slot it is given is one that call freed. Every move copies a
 * whole entry to a free slot of its key's other bucket before the old slot
 * is cleared: no key ever leaves its two buckets. Returns the freed slot or
 * NULL; a call that fails has moved nothing. */
static inline uint8_t *dp_ft_relocate_path(struct dp_ftable *t, uint8_t **path, int depth, int left)
{
	uint8_t *b = path[depth - 1], *other[DP_FT_WAYS], *e = b;
	for (int i = 0; i < DP_FT_WAYS; i++, e += t->esz) {
		other[i] = dp_ft_other(t, e, b);
		uint8_t *slot = other[i] == b ? NULL : dp_ft_free_slot(t, other[i]);
		if (slot != NULL) {
			memcpy(slot, e, t->esz);
			dp_ft_clear(t, e);
			return e;
		}
	}
	if (left <= 1)
		return NULL;
	e = b;
	for (int i = 0; i < DP_FT_WAYS; i++, e += t->esz) {
		int seen = 0;
		for (int j = 0; j < depth; j++)
			seen |= path[j] == other[i];
		if (seen)
			continue;
		path[depth] = other[i];
		uint8_t *slot = dp_ft_relocate_path(t, path, depth + 1, left - 1);
		if (slot != NULL) {
			memcpy(slot, e, t->esz);
			dp_ft_clear(t, e);
			return e;
		}
	}
	return NULL;
}

/* dp_ft_relocate frees a slot of the full bucket b (dp_ft_relocate_path
 * with a path of at most DP_FT_DEPTH moves); returns it or NULL. */
static inline uint8_t *dp_ft_relocate(struct dp_ftable *t, uint8_t *b)
{
	uint8_t *path[DP_FT_DEPTH] = {b};
	return dp_ft_relocate_path(t, path, 1, DP_FT_DEPTH);
}

/* dp_ft_insert_absent adds key, which the caller has just looked up and
 * not found (nothing written to the table since): no second scan for it.
 * Returns NULL when the key has no room. A new entry has the key and flags
 * 0: the caller fills the flow and sets DP_F_VALID. */
static inline uint8_t *dp_ft_insert_absent(struct dp_ftable *t, const void *key, uint32_t h1)
{
	uint8_t *b1 = dp_ft_bucket(t, h1), *b2 = dp_ft_bucket(t, dp_ft_alt(t, h1)), *e;
	if ((e = dp_ft_free_slot(t, b1)) == NULL && (e = dp_ft_free_slot(t, b2)) == NULL &&
	    (e = dp_ft_relocate(t, b1)) == NULL && (e = dp_ft_relocate(t, b2)) == NULL)
		return NULL;
	if (t->klen == 16)
		memcpy(e, key, 16); /* IPv4: two stores, not a call */
	else
		memcpy(e, key, t->klen);
	dp_ft_flow(t, e)->flags = 0;
	t->count++;
	return e;
}

/* dp_ft_insert finds or adds key (dp_ft_insert_absent). *existed tells
 * which; returns NULL when the key has no room. */
static inline uint8_t *dp_ft_insert(struct dp_ftable *t, const void *key, uint32_t h1, int *existed)
{
	uint8_t *e = dp_ft_lookup(t, key, h1);
	*existed = e != NULL;
	return e != NULL ? e : dp_ft_insert_absent(t, key, h1);
}

/* dp_ft_delete frees an entry. */
static inline void dp_ft_delete(struct dp_ftable *t, uint8_t *e)
{
	dp_ft_clear(t, e);
	t->count--;
}

#endif
