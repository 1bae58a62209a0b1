package sip

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

// FuzzInspect: any input is parsed or rejected with a sentinel error,
// without panic, and a parsed message's slices stay inside the input.
func FuzzInspect(f *testing.F) {
	files, _ := filepath.Glob("testdata/rfc4475/*.dat")
	more, _ := filepath.Glob("testdata/sipp/*.txt")
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, false)
		}
	}
	f.Add(crlf(compactInvite), true)
	ins := New()
	var r inspect.Result
	f.Fuzz(func(t *testing.T, msg []byte, tcp bool) {
		m := in
		if tcp {
			m.Transport = inspect.TCP
		}
		err := ins.Inspect(m, msg, &r)
		if err != nil {
			if inspect.ReasonOf(err) == inspect.ReasonOther {
				t.Fatalf("non-sentinel error %v", err)
			}
			return
		}
		if r.Length > len(msg) || len(r.Key) == 0 || r.NMedia > inspect.MaxMedia {
			t.Fatalf("bad result: length %d of %d, key %q, media %d", r.Length, len(msg), r.Key, r.NMedia)
		}
	})
}
