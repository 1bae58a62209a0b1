/*
 * dp_sync.c — the worker's side of flow-state export and import
 * (dp_sync.h) and Go's burst calls on the rings.
 */
#include <string.h>

#include <rte_cycles.h>

#include "dp_sync.h"
#include "dp_table.h"

void dp_ev_report(struct dp_worker *w, uint8_t type, const struct dp_ftable *t, const uint8_t *e)
{
	struct dp_flowrec r;
	memset(&r, 0, sizeof(r));
	r.type = type;
	r.family = t == &w->t4 ? 4 : 6;
	r.worker = w->id;
	memcpy(r.key, e, t->klen);
	r.f = *(const struct dp_flow *)(e + t->klen);
	if (rte_ring_sp_enqueue_elem(w->ev_out, &r, sizeof(r)) == 0)
		w->cnt.ev_sent++;
	else
		w->cnt.ev_lost++;
}

/* dp_ev_apply applies up to 32 install/delete records from Go. */
void dp_ev_apply(struct dp_worker *w, uint32_t nservers, uint32_t now)
{
	struct dp_flowrec rs[32];
	unsigned n = rte_ring_sc_dequeue_burst_elem(w->ev_in, rs, sizeof(rs[0]), 32, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct dp_flowrec *r = &rs[i];
		struct dp_ftable *t = r->family == 6 ? &w->t6 : &w->t4;
		uint32_t h1 = dp_ft_hash(t, r->key, 0);
		if (r->type == DP_EV_DELETE) {
			uint8_t *e = dp_ft_lookup(t, r->key, h1);
			if (e != NULL)
				dp_ft_delete(t, e);
			w->cnt.ev_applied++;
			continue;
		}
		int existed;
		uint8_t *e = r->f.server < nservers ? dp_ft_insert(t, r->key, h1, &existed) : NULL;
		if (e == NULL) { /* no room, or a server this member does not have */
			w->cnt.ev_rejected++;
			continue;
		}
		struct dp_flow *f = dp_ft_flow(t, e);
		*f = r->f;
		f->last_seen = now; /* the backup's clock: idle time restarts at takeover */
		f->flags |= DP_F_VALID;
		if (!existed)
			w->cnt.flows_created++;
		w->cnt.ev_applied++;
	}
}

/* dp_dump_step reports up to budget entries of a requested dump. */
void dp_dump_step(struct dp_worker *w, uint32_t budget)
{
	for (uint32_t n = 0; n < budget; n++) {
		struct dp_ftable *t = w->dump_fam ? &w->t6 : &w->t4;
		if (w->dump_next >= t->cap) {
			w->dump_next = 0;
			if (w->dump_fam++) {
				w->dump_fam = 0;
				__atomic_store_n(&w->dump_req, 0, __ATOMIC_RELEASE);
				return;
			}
			continue;
		}
		if (rte_ring_free_count(w->ev_out) == 0)
			return; /* Go drains; resume next loop */
		uint8_t *e = t->mem + (size_t)w->dump_next++ * t->esz;
		if (dp_ft_flow(t, e)->flags & DP_F_VALID)
			dp_ev_report(w, DP_EV_SNAPSHOT, t, e);
	}
}

/* dp_ev_drain takes up to max records from every worker's ev_out. */
int dp_ev_drain(struct dp_worker **ws, int nw, struct dp_flowrec *out, int max)
{
	int n = 0;
	for (int i = 0; i < nw && n < max; i++)
		n += (int)rte_ring_sc_dequeue_burst_elem(ws[i]->ev_out, out + n, sizeof(*out), (unsigned)(max - n), NULL);
	return n;
}

/* dp_ev_push queues install/delete records on their workers' ev_in;
 * returns how many were queued (the rest found the ring full). */
int dp_ev_push(struct dp_worker **ws, int nw, const struct dp_flowrec *recs, int n)
{
	int ok = 0;
	for (int i = 0; i < n; i++) {
		int wi = recs[i].worker < nw ? recs[i].worker : 0;
		if (rte_ring_sp_enqueue_elem(ws[wi]->ev_in, (void *)&recs[i], sizeof(recs[i])) == 0)
			ok++;
	}
	return ok;
}
