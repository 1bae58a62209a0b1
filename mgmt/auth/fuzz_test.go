package auth

import "testing"

// FuzzOpen feeds arbitrary datagrams to the opener: no panic, and anything
// accepted must be a body followed by a trailer from the registered sender.
func FuzzOpen(f *testing.F) {
	s, _ := pair(f)
	f.Add(s.Seal(nil, []byte{0, 0, 0, 42, 0, 1, 1, 0x65, 0x53, 0xf1, 0}))
	f.Add(s.Seal(nil, nil))
	f.Add([]byte{})
	f.Add(make([]byte, TrailerLen))
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, o := pair(t)
		op, err := o.Open(msg, t0)
		if err != nil {
			if _, ok := ReasonOf(err); !ok {
				t.Fatalf("uncounted error %v", err)
			}
			return
		}
		if op.Sender != 42 || len(op.Body) != len(msg)-TrailerLen {
			t.Fatalf("accepted %+v", op)
		}
		if _, err := o.Open(msg, t0); err == nil {
			t.Fatal("same message accepted twice")
		}
	})
}
