// Package sim is a discrete-event simulator of a SARA-balanced cluster. It
// drives the real engine/shell and engine/admission code (not a copy) with
// synthetic sessions — Poisson arrivals, exponential or heavy-tailed holding
// times, CBR G.711 voice and RTSP-like streams — on servers whose media loss
// grows with their overload, and reports, for each balancer and admission
// policy, how many offered sessions completed with acceptable quality.
//
// A run is deterministic for a seed: the workload (arrivals, holding times,
// in-dialog requests, report noise) is drawn from streams that do not depend
// on the policy under test, so every policy faces the same sessions.
// See README.md for the model and its parameters.
package sim
