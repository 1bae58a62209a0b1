package session

import "errors"

// Sentinel errors; callers branch with errors.Is.
var (
	ErrConfig          = errors.New("session: invalid config")
	ErrFlowsFull       = errors.New("session: flow table full")
	ErrSessionsFull    = errors.New("session: session table full")
	ErrExpectFull      = errors.New("session: expectation table full")
	ErrNoSession       = errors.New("session: message belongs to no session")
	ErrUnknownSession  = errors.New("session: unknown session")
	ErrAlreadyAssigned = errors.New("session: session already has a server")
)
