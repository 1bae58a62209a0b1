// Package api is SARA's HTTP/JSON operations interface: status, ports and
// workers, servers, sessions and flows, admission and HA state, and the
// mutating calls drain, undrain and reload.
//
// The dispatcher implements Backend; New builds a Server from the `api:`
// configuration section, and Serve (or Run) answers on the management
// address until its context ends. Every response body is JSON; errors are
// {"error": "..."} with a status code that says which (400, 401, 403, 404,
// 405, 500, 501, 503). Mutations need the configured token as a bearer
// token; reads need it (or the read token) only when a read token is set.
// The Prometheus endpoint and the dashboard are mounted with WithHandler by
// the packages that own them (mgmt/metrics, mgmt/dashboard).
package api
