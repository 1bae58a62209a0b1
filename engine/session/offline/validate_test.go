package offline

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A capture cut in the middle of a record is analysed up to its last whole
// record; a record announcing more bytes than follow ends it there, without
// allocating what it announces.
func TestTruncatedAndCorruptCaptures(t *testing.T) {
	full, err := os.ReadFile(filepath.Join(fixtures, "sip_calls.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	cut := full[:len(full)/2]
	r, err := Analyze(bytes.NewReader(cut), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if r.Stats.Packets == 0 || len(r.Sessions) == 0 {
		t.Fatalf("half a capture gave %d packets, %d sessions", r.Stats.Packets, len(r.Sessions))
	}
	corrupt := bytes.Clone(full)
	binary.LittleEndian.PutUint32(corrupt[24+8:], 0xfffffff0) // first record's captured length
	if got := pcapPrefix(corrupt); got != 24 {
		t.Fatalf("prefix %d, want the header only (24)", got)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Analyze(bytes.NewReader(corrupt), DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Fatalf("a corrupt 4 GB length made Analyze allocate %d bytes", n)
	}
	if got := pcapPrefix(full); got != len(full) {
		t.Fatalf("prefix of a whole capture %d, want %d", got, len(full))
	}
}
