/*
 * dp_sync.h — flow-state export and import, for the hot-standby dispatcher.
 *
 * With dp_conf.flow_events set, a worker reports every flow it creates or
 * expires as a struct dp_flowrec on its ev_out ring (SP/SC, elements, not
 * pointers); on a dump request it also walks its tables a bounded number of
 * entries per loop and reports every live flow (DP_EV_SNAPSHOT), then
 * clears the request. Go drains ev_out in bursts (dp_ev_drain) and streams
 * the records to the backup. On the backup, Go writes DP_EV_INSTALL /
 * DP_EV_DELETE records to each worker's ev_in ring (dp_ev_push); the worker
 * applies them at a burst boundary, so its tables keep a single writer.
 * A full ring loses a record: counted (ev_lost), and the backup resyncs
 * from a dump.
 */
#ifndef SARA_DP_SYNC_H
#define SARA_DP_SYNC_H

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp.h"

enum dp_ev_type {
	DP_EV_CREATED = 1,
	DP_EV_EXPIRED = 2,
	DP_EV_SNAPSHOT = 3,
	DP_EV_INSTALL = 4,
	DP_EV_DELETE = 5,
};

struct dp_flowrec {
	uint8_t type;
	uint8_t family; /* 4 or 6 */
	uint16_t worker;
	uint32_t pad;
	struct dp_flow f;
	uint8_t key[48]; /* struct dp_key4 or dp_key6 */
	uint8_t pad2[8];
};
static_assert(sizeof(struct dp_flowrec) == 80, "dp_flowrec layout");

#endif
