package metrics

import "github.com/prometheus/client_golang/prometheus"

// Namespace prefixes every metric name.
const Namespace = "sara"

func d(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(Namespace+"_"+name, help, labels, nil)
}

// descs are every metric the Collector exports.
type descs struct {
	info, start, configLoad, sessions, sessionsCreated, policySeq          *prometheus.Desc
	announceInstall, sigLatency                                            *prometheus.Desc
	wRX, wTX, wFwd, wDrop, wSig, wRingFull, wExpHit, wExpAmb               *prometheus.Desc
	wFlowsCreated, wFlowsExpired, wFlowsInactive, wFlowsRebal, wFlowsLive  *prometheus.Desc
	wTableFull, wPolls, wBusy, wMpps                                       *prometheus.Desc
	pRX, pTX, pMissed, pRXErr, pTXErr, pNoMbuf                             *prometheus.Desc
	sState, sLoad, sComp, sForecast, sErr, sEst, sCost, sSessions, sWeight *prometheus.Desc
	sPackets, sFlows, sLost                                                *prometheus.Desc
	aLoad, aThreshold, aProb, aRegion, aNoServers, aDecisions, aIntervals  *prometheus.Desc
	haEnabled, haRole, haPeer, haRepl, haSnap, haTakeover                  *prometheus.Desc
	haEpoch, haInSync, haLagRecords, haLag                                 *prometheus.Desc
	apiReq, apiRejected, apiMutations                                      *prometheus.Desc
}

func newDescs() *descs {
	w, s := "worker", "server"
	return &descs{
		info:            d("info", "Constant 1 with the dispatcher's version, node name and role.", "version", "node", "role"),
		start:           d("start_time_seconds", "Unix time the dispatcher started."),
		configLoad:      d("config_load_time_seconds", "Unix time the configuration in force was loaded."),
		sessions:        d("sessions", "Live sessions."),
		sessionsCreated: d("sessions_created_total", "Sessions created."),
		policySeq:       d("policy_sequence", "Sequence number of the policy the workers run."),
		announceInstall: d("announce_install_latency_seconds", "Latency from a flow-announcing signalling message to its expectation installed in the data plane."),
		sigLatency:      d("sip_decision_latency_seconds", "Round trip worker → Go → worker of signalling decided per Call-ID (log2 buckets; sum estimated from bucket midpoints)."),

		wRX:            d("worker_rx_packets_total", "Frames received by the worker.", w),
		wTX:            d("worker_tx_packets_total", "Frames transmitted by the worker.", w),
		wFwd:           d("worker_forwarded_packets_total", "Frames the worker decided to forward, by path (hit, new, stateless, signalling; replied: refused SIP requests answered with a 503 in their place).", w, "path"),
		wDrop:          d("worker_dropped_packets_total", "Frames dropped, by reason (see docs/operations.md).", w, "reason"),
		wSig:           d("worker_signalling_packets_total", "Signalling frames handed to Go, by kind (decide, tap, gateway).", w, "kind"),
		wRingFull:      d("worker_signalling_ring_full_total", "Signalling frames not handed to Go because the ring was full.", w),
		wExpHit:        d("worker_expectation_hits_total", "First packets of announced flows matched to an expectation.", w),
		wExpAmb:        d("worker_expectation_ambiguous_total", "Packets matching expectations of more than one session.", w),
		wFlowsCreated:  d("worker_flows_created_total", "Flows created.", w),
		wFlowsExpired:  d("worker_flows_expired_total", "Flows purged after twice their timeout.", w),
		wFlowsInactive: d("worker_flows_inactive_total", "Flows that became inactive.", w),
		wFlowsRebal:    d("worker_flows_rebalanced_total", "Flows of failed servers moved to another server.", w),
		wFlowsLive:     d("worker_flows", "Flows in the worker's tables.", w),
		wTableFull:     d("worker_table_full_total", "New flows that did not fit the flow table (forwarded by hash).", w),
		wPolls:         d("worker_polls_total", "Poll loops, by result (empty, busy).", w, "result"),
		wBusy:          d("worker_busy_ratio", "Share of cycles spent in non-empty polls over the last rate interval.", w),
		wMpps:          d("worker_rx_mpps", "Receive rate over the last rate interval, millions of packets per second.", w),

		pRX:     d("port_rx_packets_total", "Frames received by the device.", "port"),
		pTX:     d("port_tx_packets_total", "Frames transmitted by the device.", "port"),
		pMissed: d("port_rx_missed_total", "Frames the NIC dropped because the rx queues were full.", "port"),
		pRXErr:  d("port_rx_errors_total", "Erroneous frames received.", "port"),
		pTXErr:  d("port_tx_errors_total", "Frames the device failed to send.", "port"),
		pNoMbuf: d("port_rx_nombuf_total", "Receive failures for want of an mbuf.", "port"),

		sState:    d("server_state", "1 for the server's current state, 0 for the others.", s, "state"),
		sLoad:     d("server_load", "Scalar load Σ w_k v_k of the last load vector (absent without a vector).", s),
		sComp:     d("server_load_component", "Components of the last load vector.", s, "component"),
		sForecast: d("server_load_forecast", "Forecast f^{i+1} of the server's load (eq 6).", s),
		sErr:      d("server_forecast_error", "Prediction error err^i (eq 7).", s),
		sEst:      d("server_load_estimate", "Damped estimate L̂^{i+1} used for selection (eq 8).", s),
		sCost:     d("server_session_cost", "Learned load cost of one session.", s),
		sSessions: d("server_sessions", "Live sessions on the server.", s),
		sWeight:   d("server_weight", "Configured relative capacity.", s),
		sPackets:  d("server_forwarded_packets_total", "Frames forwarded to the server.", s),
		sFlows:    d("server_flows_total", "Flows assigned to the server.", s),
		sLost:     d("server_lost_heartbeats_total", "Heartbeats lost (sequence gaps).", s),

		aLoad:      d("admission_load", "Admission loads: cluster (l_c), estimate (l̃_c), dispatcher (l_h), effective (l).", "kind"),
		aThreshold: d("admission_threshold", "Thresholds T1, T2, T3, C in force (current) and as configured.", "threshold", "source"),
		aProb:      d("admission_drop_probability", "p_new (class new) and p_est (class established).", "class"),
		aRegion:    d("admission_region", "1 for the current admission region, 0 for the others.", "region"),
		aNoServers: d("admission_no_servers", "1 when no server is Active: new sessions cannot be placed."),
		aDecisions: d("admission_decisions_total", "Admission decisions by class (new, in_dialog, media) and outcome.", "class", "outcome"),
		aIntervals: d("admission_intervals_total", "Control intervals that ended in each region.", "region"),

		haEnabled:    d("ha_enabled", "1 when a backup/primary peer is configured."),
		haRole:       d("ha_role", "1 for this dispatcher's role, 0 for the others.", "role"),
		haPeer:       d("ha_peer_alive", "1 while the peer's heartbeats arrive."),
		haRepl:       d("ha_replicated_records_total", "State records sent (primary) or applied (backup)."),
		haSnap:       d("ha_snapshots_total", "Full state snapshots sent or applied."),
		haTakeover:   d("ha_takeovers_total", "Times this dispatcher became primary, by reason.", "reason"),
		haEpoch:      d("ha_epoch", "HA epoch: increases with every change of primary."),
		haInSync:     d("ha_in_sync", "1 when the backup holds the primary's state."),
		haLagRecords: d("ha_lag_records", "Replication lag in records (primary: unacknowledged; backup: not applied)."),
		haLag:        d("ha_lag_seconds", "Age of the oldest unacknowledged change (primary)."),

		apiReq:       d("api_requests_total", "HTTP requests to the API, metrics and dashboard."),
		apiRejected:  d("api_rejected_requests_total", "API requests refused, by reason.", "reason"),
		apiMutations: d("api_mutations_total", "Drain, undrain and reload calls that succeeded."),
	}
}

// all lists every desc, for Describe.
func (x *descs) all() []*prometheus.Desc {
	return []*prometheus.Desc{x.info, x.start, x.configLoad, x.sessions, x.sessionsCreated, x.policySeq,
		x.announceInstall, x.sigLatency, x.wRX, x.wTX, x.wFwd, x.wDrop, x.wSig, x.wRingFull, x.wExpHit, x.wExpAmb,
		x.wFlowsCreated, x.wFlowsExpired, x.wFlowsInactive, x.wFlowsRebal, x.wFlowsLive, x.wTableFull, x.wPolls,
		x.wBusy, x.wMpps, x.pRX, x.pTX, x.pMissed, x.pRXErr, x.pTXErr, x.pNoMbuf, x.sState, x.sLoad, x.sComp,
		x.sForecast, x.sErr, x.sEst, x.sCost, x.sSessions, x.sWeight, x.sPackets, x.sFlows, x.sLost, x.aLoad,
		x.aThreshold, x.aProb, x.aRegion, x.aNoServers, x.aDecisions, x.aIntervals, x.haEnabled, x.haRole,
		x.haPeer, x.haRepl, x.haSnap, x.haTakeover, x.haEpoch, x.haInSync, x.haLagRecords, x.haLag,
		x.apiReq, x.apiRejected, x.apiMutations}
}
