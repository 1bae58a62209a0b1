// Package admission is SA2C, SARA's session-aware admission control (paper
// §III.B, DESIGN §7 eqs 1–4). Once per load interval a Controller turns the
// servers' scalar loads and the dispatcher's own load into a Policy: the
// drop probability of new sessions (p_new), the drop probability of the
// media packets of established sessions (p_est), the moving thresholds and
// the rejection-pacing parameters. The Policy is a plain struct of numbers
// that the data plane publishes to its workers; a Decider applies it per new
// session, per in-dialog request and per media packet with a cheap random
// draw (it is the reference the C workers mirror, and the simulator's).
//
// Signalling of established sessions is never dropped, in the reject-all
// region (l ≥ C) either: ending sessions frees capacity.
package admission
