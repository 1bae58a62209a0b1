package rtsp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

// FuzzInspect: any input is parsed or rejected with a sentinel error and
// never panics; parsed media are bounded and lengths inside the input.
func FuzzInspect(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.txt")
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b, false)
		}
	}
	f.Add(msg("RTSP/2.0 200 OK", `Transport: RTP/AVP;dest_addr="[::1]:5"/":6";src_addr="1.2.3.4:7"`, "Session: a;timeout=9"), true)
	in := New()
	var r inspect.Result
	f.Fuzz(func(t *testing.T, b []byte, reply bool) {
		m := req
		if reply {
			m = rep
		}
		if err := in.Inspect(m, b, &r); err != nil {
			if inspect.ReasonOf(err) == inspect.ReasonOther {
				t.Fatalf("non-sentinel error %v", err)
			}
			return
		}
		if r.Length > len(b) || r.NMedia > inspect.MaxMedia {
			t.Fatalf("length %d of %d, %d media", r.Length, len(b), r.NMedia)
		}
	})
}
