package auth

import "testing"

func TestWindow(t *testing.T) {
	var w Window
	accept := func(c uint64) bool {
		if !w.Check(c) {
			return false
		}
		w.Update(c)
		return true
	}
	steps := []struct {
		c    uint64
		want bool
	}{
		{100, true}, {100, false}, {101, true}, {99, true}, {99, false},
		{200, true}, {137, true}, {136, false /* 200-136 = 64: left of window */}, {101, false},
		{199, true}, {150, true}, {150, false}, {1 << 40, true}, {200, false}, {1<<40 + 1, true},
	}
	for i, s := range steps {
		if got := accept(s.c); got != s.want {
			t.Fatalf("step %d counter %d: accepted=%v want %v", i, s.c, got, s.want)
		}
	}
}
