// Package shell is SARA's server selector ("short-term forecasted least
// loaded server", paper §III.C). Once per load interval it turns the servers'
// reported scalar loads into damped short-term estimates (DESIGN §7, eqs 5–8)
// and publishes a selection sequence of server ids built by water-filling over
// those estimates (eq 9 plus a learned per-session cost), which the data-plane
// workers consume slot by slot without calling into Go.
//
// The Forecaster type (eqs 5–8 for one series) is exported so that admission
// control applies the very same estimator to the cluster load series.
//
// A Shell is not safe for concurrent use: one goroutine (the control loop)
// calls Update and Sequence.
package shell
