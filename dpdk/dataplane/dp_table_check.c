/*
 * dp_table_check.c — exercises the flow table from Go tests (table_test.go
 * via TableCheck): insert, find, relocate, delete and fill.
 */
#include <rte_malloc.h>

#include "dp.h"
#include "dp_table.h"

static void dp_check_key(struct dp_key4 *k, uint32_t i)
{
	memset(k, 0, sizeof(*k));
	k->src = i * 2654435761u;
	k->dst = 0x6400000a;
	k->sport = (uint16_t)i;
	k->dport = (uint16_t)(i >> 16);
	k->proto = 17;
}

/* dp_table_check fills a table of entries slots with n keys, checks every
 * lookup, deletes the odd keys, checks again and re-inserts them. Returns
 * the number of keys that did not fit (>= 0), or a negative step number
 * on a failed check (-7: the worker's IPv4 lookup disagrees). */
int dp_table_check(uint32_t entries, uint32_t n)
{
	struct dp_ftable t;
	if (dp_ftable_init(&t, "dp_table_check", entries, sizeof(struct dp_key4), -1) != 0)
		return -1;
	int full = 0, rc = 0;
	struct dp_key4 k;
	for (uint32_t i = 0; i < n; i++) {
		dp_check_key(&k, i);
		int existed;
		uint8_t *e = dp_ft_insert(&t, &k, dp_ft_hash(&t, &k, 0), &existed);
		if (e == NULL) {
			full++;
			continue;
		}
		if (existed) {
			rc = -2;
			goto out;
		}
		dp_ft_flow(&t, e)->server = (uint16_t)i;
		dp_ft_flow(&t, e)->flags = DP_F_VALID;
	}
	for (uint32_t i = 0; i < n; i++) { /* every key that fitted is found with its state */
		dp_check_key(&k, i);
		uint8_t *e = dp_ft_lookup(&t, &k, dp_ft_hash(&t, &k, 0));
		if (e != NULL && dp_ft_flow(&t, e)->server != (uint16_t)i) {
			rc = -3;
			goto out;
		}
		if (e == NULL)
			full--; /* counted as not fitting above */
	}
	if (full != 0) {
		rc = -4; /* a key that fitted was lost (relocation bug) */
		goto out;
	}
	for (uint32_t i = 1; i < n; i += 2) {
		dp_check_key(&k, i);
		uint8_t *e = dp_ft_lookup(&t, &k, dp_ft_hash(&t, &k, 0));
		if (e != NULL)
			dp_ft_delete(&t, e);
	}
	for (uint32_t i = 0; i < n; i++) {
		dp_check_key(&k, i);
		uint8_t *e = dp_ft_lookup(&t, &k, dp_ft_hash(&t, &k, 0));
		if ((i & 1) && e != NULL) {
			rc = -5;
			goto out;
		}
		/* the worker's lookup (no flags read) agrees: a freed slot
		 * (deleted, or left by a relocation) never matches */
		if (dp_ft_lookup4(&t, &k, dp_ft_hash4(&k)) != e) {
			rc = -7;
			goto out;
		}
	}
	rc = 0;
	for (uint32_t i = 0; i < n; i++) { /* count what does not fit in the end */
		dp_check_key(&k, i);
		int existed;
		uint8_t *e = dp_ft_insert(&t, &k, dp_ft_hash(&t, &k, 0), &existed);
		if (e == NULL)
			rc++;
		else if (!existed)
			dp_ft_flow(&t, e)->flags = DP_F_VALID;
	}
	if (t.count + (uint32_t)rc != n)
		rc = -6;
out:
	dp_ftable_free(&t);
	return rc;
}
