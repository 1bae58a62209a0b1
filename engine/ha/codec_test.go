package ha

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/sara-lb/sara/engine/session"
)

// TestRecordGolden pins each record's bytes, written field by field from
// docs/ha.md (not produced by the encoder).
func TestRecordGolden(t *testing.T) {
	want := []string{
		"0101 11 00 0a000001 13c4 0a000064 13c4 0002 00 0000000000000007 0000018bcfe5687b 0000ea60 00 00",
		"0101 11 03 20010db8000000000000000000000001 9c40 20010db8000000000000000000000100 7530 03ff 02" +
			" 0000010000000000 ffffffffffffffff 00000001 04 0c",
		"0102 11 00 0a000001 13c4 0a000064 13c4",
		"0201 11 34 0a000064 7530 0000000000000007 c0000209 0fa0 0002 01 00 0000018bcfe5dd30",
		"0201 06 0e 20010db8000000000000000000000100 7532 0000000000000009 20010db8000000000000000000000009" +
			" 0000 0000 02 03 0000000000000000",
		"0201 11 00 0a000064 7534 0000000000000009 0000 0000 00 00 0000000000000000",
		"0202 11 00 0a000064 7530 0000000000000007",
		"0301 0000000000000007 0002 00 00",
		"0301 0000000000000008 0001 01 07 61624063642e65",
		"0302 0000000000000007",
		"0401 0003 02",
		"0402 0003",
		"0501 3fe6666666666666 3feb333333333333 3fee666666666666 3ff0000000000000",
		"0502",
	}
	recs := sampleRecords()
	if len(recs) != len(want) {
		t.Fatalf("%d samples, %d golden", len(recs), len(want))
	}
	for i, r := range recs {
		w := strings.ReplaceAll(want[i], " ", "")
		b := mustAppend(t, r)
		if got := hex.EncodeToString(b); got != w {
			t.Errorf("record %d (%s)\n got %s\nwant %s", i, r.Kind, got, w)
			continue
		}
		back, n, err := DecodeRecord(append(b, 0xee)) // trailing byte: not consumed
		if err != nil || n != len(b) {
			t.Errorf("record %d: decode n=%d err=%v", i, n, err)
			continue
		}
		if back != r.Value() {
			t.Errorf("record %d: round trip\n got %+v\nwant %+v", i, back, r.Value())
		}
		if len(b) > MaxRecordLen {
			t.Errorf("record %d: %d bytes > MaxRecordLen", i, len(b))
		}
	}
}

func TestRecordRejects(t *testing.T) {
	bad := []Record{
		{Kind: 0, Op: OpPut},
		{Kind: KindFlow, Op: 3},
		{Kind: KindFlow, Op: OpPut}, // invalid addresses
		{Kind: KindFlow, Op: OpPut, Flow: FlowRecord{Key: session.FlowKey{Src: ap("1.1.1.1:1"), Dst: ap("2.2.2.2:2"), Proto: 1}}},
		{Kind: KindExpectation, Op: OpPut, Exp: ExpectationRecord{Proto: session.UDP}},
	}
	for i, r := range bad {
		b, err := AppendRecord([]byte{9}, &r)
		if !errors.Is(err, ErrBadRecord) || len(b) != 1 {
			t.Errorf("bad %d: err %v, len %d", i, err, len(b))
		}
	}
	for name, h := range map[string]string{
		"empty":          "",
		"op 0":           "0100",
		"kind 6":         "0601",
		"truncated":      "0101110 00a000001",
		"flow flag":      "010211040a00000113c40a00006413c4",
		"flow proto":     "010201000a00000113c40a00006413c4",
		"announced flow": "0101110 00a000001 13c4 0a000064 13c4 0002 01 0000000000000007 0000018bcfe5687b 0000ea60",
		"flow server":    "0101110 00a000001 13c4 0a000064 13c4 0400 00 0000000000000007 0000018bcfe5687b 0000ea60",
		"exp del flags":  "0202 11 10 0a000064 7530 0000000000000007",
		"exp src6 alone": "0201 11 08 0a000064 7530 0000000000000007 0000 0000 00 00 0000000000000000",
		"state 5":        "0401 0003 05",
		"assoc server":   "0301 0000000000000007 ffff",
		"thresholds":     "0501 3feb333333333333 3fe6666666666666 3fee666666666666 3ff0000000000000",
		"nan":            "0501 7ff8000000000001 3feb333333333333 3fee666666666666 3ff0000000000000",
	} {
		b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, _, err := DecodeRecord(b); !errors.Is(err, ErrRecord) {
			t.Errorf("%s: err %v, want ErrRecord", name, err)
		}
	}
}

func TestRecordCodecNoAlloc(t *testing.T) {
	recs := sampleRecords()
	buf := make([]byte, 0, MaxRecordLen)
	if n := testing.AllocsPerRun(100, func() {
		for i := range recs {
			b, _ := AppendRecord(buf[:0], &recs[i])
			if _, _, err := DecodeRecord(b); err != nil {
				t.Fatal(err)
			}
		}
	}); n != 0 {
		t.Fatalf("encode+decode allocates %v per run", n)
	}
}
