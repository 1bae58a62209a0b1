// Package netns holds the management plane's network-namespace integration
// test: a dispatcher namespace running the real mgmt listener and health
// monitor, three server namespaces each running a real `sara agent` process
// against a real probe target, joined by veth pairs. It needs root (and
// iproute2); without root the test skips. See README.md.
package netns
