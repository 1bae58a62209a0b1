package ha

// Source is the primary's state: Snapshot calls fn once for every entry
// (as an OpPut record) at the time of the call. The snapshot may be fuzzy
// (taken while the state changes) as long as every change is published
// through Node.Publish after it is made, by one writer per key: changes
// numbered after the snapshot started are replayed over it, and records
// overwrite. Snapshot runs under the Node's lock: it must not call the Node
// nor wait for a goroutine that is publishing.
type Source interface {
	Snapshot(fn func(Record))
}

// Sink is the backup's state: Reset empties it (before a snapshot is
// applied) and Apply puts or deletes one entry. Apply must be idempotent
// for the same record (the stream may repeat what a snapshot held).
type Sink interface {
	Reset()
	Apply(r Record)
}

// Transport sends one datagram to the peer; b is only valid during the
// call. Errors are the transport's to count (UDP is lossy anyway).
type Transport interface {
	Send(b []byte)
}

// VIPOwner claims and gives up the service addresses: TakeVIP when this
// node becomes primary (gratuitous ARP, unsolicited neighbour
// advertisement), ReleaseVIP when it stops being primary.
type VIPOwner interface {
	TakeVIP() error
	ReleaseVIP() error
}
