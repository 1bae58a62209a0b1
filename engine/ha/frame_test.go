package ha

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFrameGolden pins every frame type's bytes (docs/ha.md, "Frames").
func TestFrameGolden(t *testing.T) {
	assoc := "0301 0000000000000007 0002 0000"
	server := "0401 0003 02"
	recs := unhex(t, assoc+server)
	cases := []struct {
		f    Frame
		want string
	}{
		{Frame{Type: TypeHello, Epoch: 5, Role: RolePrimary, Priority: 200, Flags: FlagHandover, Seq: 0x1234},
			"5341 01 01 00000005 02 c8 02 00 0000000000001234"},
		{Frame{Type: TypeSnapBegin, Epoch: 5, Snap: 3, Seq: 99, Total: 2, Frames: 3},
			"5341 01 02 00000005 00000003 00000000 0000000000000063 00000002 00000003"},
		{Frame{Type: TypeSnapChunk, Epoch: 5, Snap: 3, Index: 1, Count: 2, Records: recs},
			"5341 01 03 00000005 00000003 00000001 0002" + assoc + server},
		{Frame{Type: TypeSnapEnd, Epoch: 5, Snap: 3, Index: 2, Total: 2, Frames: uint32(len(recs))},
			"5341 01 04 00000005 00000003 00000002 00000002 00000013"},
		{Frame{Type: TypeBatch, Epoch: 5, Seq: 100, Count: 2, Records: recs},
			"5341 01 05 00000005 0000000000000064 0002" + assoc + server},
		{Frame{Type: TypeAck, Epoch: 5, Snap: 0, Seq: 101}, "5341 01 06 00000005 00000000 0000000000000065"},
		{Frame{Type: TypeNack, Epoch: 5, Reason: NackGap, Seq: 102}, "5341 01 07 00000005 01 000000 0000000000000066"},
	}
	for _, c := range cases {
		w := strings.ReplaceAll(c.want, " ", "")
		got := hex.EncodeToString(AppendFrame(nil, &c.f))
		if got != w {
			t.Errorf("%s\n got %s\nwant %s", c.f.Type, got, w)
			continue
		}
		var back Frame
		if err := DecodeFrame(unhex(t, w), &back); err != nil {
			t.Errorf("%s: decode: %v", c.f.Type, err)
			continue
		}
		if back.Type != c.f.Type || back.Epoch != c.f.Epoch || back.Seq != c.f.Seq || back.Snap != c.f.Snap ||
			back.Index != c.f.Index || back.Count != c.f.Count || back.Total != c.f.Total ||
			back.Frames != c.f.Frames || back.Role != c.f.Role || back.Priority != c.f.Priority ||
			back.Flags != c.f.Flags || back.Reason != c.f.Reason || string(back.Records) != string(c.f.Records) {
			t.Errorf("%s: round trip %+v, want %+v", c.f.Type, back, c.f)
		}
	}
}

func TestFrameRejects(t *testing.T) {
	for name, h := range map[string]string{
		"short":         "5341 01 01 000000",
		"magic":         "5342 01 06 00000005 00000000 0000000000000065",
		"version":       "5341 02 06 00000005 00000000 0000000000000065",
		"type 0":        "5341 01 00 00000005 00000000 0000000000000065",
		"type 8":        "5341 01 08 00000005 00000000 0000000000000065",
		"ack long":      "5341 01 06 00000005 00000000 0000000000000065 00",
		"hello role":    "5341 01 01 00000005 03 c8 02 00 0000000000001234",
		"hello flags":   "5341 01 01 00000005 02 c8 08 00 0000000000001234",
		"hello pad":     "5341 01 01 00000005 02 c8 02 01 0000000000001234",
		"nack reason":   "5341 01 07 00000005 03 000000 0000000000000066",
		"begin index":   "5341 01 02 00000005 00000003 00000001 0000000000000063 00000002 00000003",
		"begin frames":  "5341 01 02 00000005 00000003 00000000 0000000000000063 00000002 00000001",
		"begin snap 0":  "5341 01 02 00000005 00000000 00000000 0000000000000063 00000002 00000003",
		"batch empty":   "5341 01 05 00000005 0000000000000064 0000",
		"batch count":   "5341 01 05 00000005 0000000000000064 0002 0301 0000000000000007 0002",
		"batch extra":   "5341 01 05 00000005 0000000000000064 0001 0301 0000000000000007 0002 00",
		"batch bad rec": "5341 01 05 00000005 0000000000000064 0001 0401 0003 09",
		"chunk snap 0":  "5341 01 03 00000005 00000000 00000001 0001 0401 0003 02",
	} {
		var f Frame
		if err := DecodeFrame(unhex(t, h), &f); !errors.Is(err, ErrFrame) {
			t.Errorf("%s: err %v, want ErrFrame", name, err)
		}
	}
}

func TestDecodeFrameNoAlloc(t *testing.T) {
	var recs []byte
	for _, r := range sampleRecords() {
		recs = append(recs, mustAppend(t, r)...)
	}
	b := AppendFrame(nil, &Frame{Type: TypeBatch, Epoch: 1, Seq: 1, Count: uint16(len(sampleRecords())), Records: recs})
	var f Frame
	n := 0
	if a := testing.AllocsPerRun(100, func() {
		if err := DecodeFrame(b, &f); err != nil {
			t.Fatal(err)
		}
		f.EachRecord(func(int, Record) { n++ })
	}); a != 0 {
		t.Fatalf("DecodeFrame+EachRecord allocates %v", a)
	}
	if n != 101*len(sampleRecords()) {
		t.Fatalf("EachRecord visited %d", n)
	}
}
