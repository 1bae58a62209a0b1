package sip

import (
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/sara-lb/sara/engine/inspect"
)

type tortureIndex struct {
	Messages []struct {
		File, Group, Title string
		Section            string `json:"rfc_section"`
	}
}

func loadTorture(t *testing.T) tortureIndex {
	t.Helper()
	b, err := os.ReadFile("testdata/rfc4475/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var idx tortureIndex
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Messages) < 40 {
		t.Fatalf("index has %d messages", len(idx.Messages))
	}
	return idx
}

var udpMeta = inspect.Meta{
	Src: netip.MustParseAddrPort("10.99.0.1:5060"), Dst: netip.MustParseAddrPort("10.99.0.2:5060"),
	Transport: inspect.UDP, Dir: inspect.FromClient,
}

// rejectTorture are the RFC 4475 messages this inspector must refuse
// because they break what session identification relies on: framing,
// start line, CSeq, From/To, Call-ID, mandatory headers.
var rejectTorture = map[string]error{
	"clerr.dat":      inspect.ErrTruncated,     // Content-Length larger than the message
	"ncl.dat":        inspect.ErrContentLength, // negative Content-Length
	"scalar02.dat":   inspect.ErrCSeq,          // CSeq beyond 2**31
	"scalarlg.dat":   inspect.ErrCSeq,          // CSeq beyond 2**31 in a response
	"quotbal.dat":    inspect.ErrHeader,        // unterminated quote in To
	"ltgtruri.dat":   inspect.ErrStartLine,     // <> around the Request-URI
	"lwsruri.dat":    inspect.ErrNotProtocol,   // LWS inside the Request-URI
	"lwsstart.dat":   inspect.ErrNotProtocol,   // several SP in the request line
	"trws.dat":       inspect.ErrStartLine,     // SP at the end of the request line
	"badvers.dat":    inspect.ErrStartLine,     // SIP/7.0
	"mismatch01.dat": inspect.ErrCSeq,          // start line vs CSeq method
	"mismatch02.dat": inspect.ErrCSeq,
	"bigcode.dat":    inspect.ErrStartLine, // status code 4294967301
	"insuf.dat":      inspect.ErrMissingHeader,
	"multi01.dat":    inspect.ErrCSeq, // two CSeq (and Call-ID, To, From) values
	"mcl01.dat":      inspect.ErrContentLength,
}

func TestTortureAll(t *testing.T) {
	idx := loadTorture(t)
	in := New()
	var r inspect.Result
	for _, m := range idx.Messages {
		b, err := os.ReadFile(filepath.Join("testdata/rfc4475", m.File))
		if err != nil {
			t.Fatal(err)
		}
		err = in.Inspect(udpMeta, b, &r)
		t.Logf("%-15s %-22s err=%v key=%q ev=%v media=%d", m.File, m.Group, err, r.Key, r.Event, r.NMedia)
		want, reject := rejectTorture[m.File]
		switch {
		case reject && !errors.Is(err, want):
			t.Errorf("%s (%s): err = %v, want %v", m.File, m.Title, err, want)
		case !reject && err != nil:
			t.Errorf("%s (%s): unexpected error %v", m.File, m.Title, err)
		}
	}
	c := in.Counters()
	if c.Parsed+c.TotalFailed() != uint64(len(idx.Messages)) {
		t.Fatalf("counters %+v do not add up to %d", c, len(idx.Messages))
	}
}
