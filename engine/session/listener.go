package session

// Listener hears every change of a Tracker, on the Tracker's goroutine,
// in order: the data plane's mirror (flow table, expectation table,
// association table in C) and the backup dispatcher's replication stream
// are fed from it. Implementations must not call back into the Tracker.
type Listener interface {
	FlowAdded(f Flow)                         // a flow entered the table
	FlowRemoved(k FlowKey)                    // a flow left it (expired or with its session)
	ExpectationAdded(e Expectation)           // an announced flow is expected, or re-announced unchanged (new Expires): an upsert
	ExpectationRemoved(e Expectation)         // matched, expired or cancelled
	Associated(s Session)                     // session → server set (s.Server; flows follow)
	SessionEnded(s Session, reason EndReason) // the session ended (BYE, CANCEL, TEARDOWN, timeout)
}

// NopListener ignores every change; embed it to implement part of Listener.
type NopListener struct{}

// FlowAdded does nothing.
func (NopListener) FlowAdded(Flow) {}

// FlowRemoved does nothing.
func (NopListener) FlowRemoved(FlowKey) {}

// ExpectationAdded does nothing.
func (NopListener) ExpectationAdded(Expectation) {}

// ExpectationRemoved does nothing.
func (NopListener) ExpectationRemoved(Expectation) {}

// Associated does nothing.
func (NopListener) Associated(Session) {}

// SessionEnded does nothing.
func (NopListener) SessionEnded(Session, EndReason) {}
