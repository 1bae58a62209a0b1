// Package gateway is the gateway inspector's integration test: a `sara
// gateway` process captures on one end of a veth pair in a network
// namespace while tcpreplay sends a real-peer capture into the other end,
// and a receiver in the test opens and counts the announcements. It needs
// root, ip and tcpreplay; without them it skips.
package gateway
