package ha

import "sync"

// Table is replicated state held in memory: a map from RecordKey to the
// latest put. It is a Source (Snapshot) and a Sink (Reset, Apply), safe for
// concurrent use. Tests use it as both ends' state; a dispatcher can use it
// as the Go-side mirror of tables it cannot enumerate (Mirror feeds it).
type Table struct {
	mu sync.Mutex
	m  map[RecordKey]Record
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{m: make(map[RecordKey]Record)} }

// Apply puts or deletes r's entry.
func (t *Table) Apply(r Record) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r.Op == OpDelete {
		delete(t.m, r.Key())
		return
	}
	t.m[r.Key()] = r.Value()
}

// Reset empties the table.
func (t *Table) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.m)
}

// Snapshot calls fn with every entry, under the table's lock (fn must not
// call back into the table).
func (t *Table) Snapshot(fn func(Record)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.m {
		fn(r)
	}
}

// Len returns the number of entries.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// Get returns the entry with key k.
func (t *Table) Get(k RecordKey) (Record, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.m[k]
	return r, ok
}

// Diff returns how many keys differ between t and o (missing on either
// side or with another value); 0 means the two hold the same state. It
// copies t under t's lock, then compares under o's (never both locks).
func (t *Table) Diff(o *Table) int {
	if t == o {
		return 0
	}
	t.mu.Lock()
	mine := make(map[RecordKey]Record, len(t.m))
	for k, r := range t.m {
		mine[k] = r
	}
	t.mu.Unlock()
	o.mu.Lock()
	defer o.mu.Unlock()
	d := 0
	for k, r := range mine {
		if or, ok := o.m[k]; !ok || or != r {
			d++
		}
	}
	for k := range o.m {
		if _, ok := mine[k]; !ok {
			d++
		}
	}
	return d
}
