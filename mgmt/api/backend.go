package api

import (
	"errors"
	"time"
)

// Backend is what the API reads and drives: the dispatcher implements it.
// Every method may be called from any goroutine, concurrently; reads return
// copies (snapshots) and must not block on a worker.
type Backend interface {
	// Status is the appliance summary: identity, ports, totals.
	Status() Status
	// Workers are the data-plane workers' counters and rates.
	Workers() []WorkerStatus
	// Servers are the cluster members in configuration (ServerID) order.
	Servers() []ServerStatus
	// Sessions returns one page of the sessions matching q (q is valid:
	// Limit ≥ 1). FilterPage implements paging and filtering over a slice.
	Sessions(q SessionQuery) (SessionPage, error)
	// Admission is the SA2C state of the last interval.
	Admission() AdmissionStatus
	// HA is the fault-recovery (primary/backup) state.
	HA() HAStatus
	// Drain stops new sessions to server from at (zero: now); established
	// sessions stay. ErrUnknownServer if no server has that name.
	Drain(server string, at time.Time) error
	// Undrain makes a drained server selectable again.
	Undrain(server string) error
	// Reload re-reads the configuration file and applies it without
	// dropping sessions; an invalid file leaves the running one in force.
	Reload() error
	// Switchover starts a planned switchover of a hot-standby pair: the
	// VIPs move to the peer once it holds the whole state (ErrInvalid when
	// the pair cannot switch now: peer down or not in sync, this node not
	// ready; ErrUnsupported without a pair).
	Switchover() error
}

// Errors a Backend returns (wrapped with %w) so the API picks the status
// code; any other error is a 500.
var (
	// ErrUnknownServer: no server has the given name (404).
	ErrUnknownServer = errors.New("unknown server")
	// ErrInvalid: the request is well-formed but not acceptable (400),
	// e.g. a reload file that does not validate or an undrain of a server
	// that is not draining.
	ErrInvalid = errors.New("invalid request")
	// ErrUnsupported: this backend cannot do that (501), e.g. reload
	// without a configuration file.
	ErrUnsupported = errors.New("not supported")
	// ErrUnavailable: try again later (503), e.g. a reload in progress.
	ErrUnavailable = errors.New("unavailable")
)
