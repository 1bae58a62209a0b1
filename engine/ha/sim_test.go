package ha

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// The simulated network and clock: two nodes (0 and 1) exchange datagrams
// through a queue that drops, duplicates and reorders them at the given
// rates; time advances in 1 ms steps and each node ticks every
// FlushInterval. Everything is deterministic for a seed.

var simStart = time.Unix(1700000000, 0)

type packet struct {
	to  int
	at  time.Time
	n   int // sequence, keeps delivery stable for equal times
	b   []byte
	src int
}

type simNet struct {
	t       testing.TB
	rng     *rand.Rand
	now     time.Time
	drop    float64
	dup     float64
	jitter  time.Duration // uniform extra delay: reorders
	cut     [2]bool       // cut[i]: everything node i sends is lost
	filter  func(from int, f *Frame) bool
	queue   []packet
	counter int
	nodes   [2]*Node
	tables  [2]*Table
	vips    [2]*fakeVIP
	down    [2]bool // not ticked, receives nothing
	unready [2]bool // Deps.Ready of node i says false
}

type fakeVIP struct {
	owned           bool
	takes, releases int
}

func (v *fakeVIP) TakeVIP() error    { v.owned = true; v.takes++; return nil }
func (v *fakeVIP) ReleaseVIP() error { v.owned = false; v.releases++; return nil }

type simEnd struct {
	net  *simNet
	from int
}

func (e simEnd) Send(b []byte) {
	s := e.net
	if s.cut[e.from] || s.rng.Float64() < s.drop {
		return
	}
	if s.filter != nil && len(b) != 11 {
		var f Frame
		if DecodeFrame(b, &f) == nil && !s.filter(e.from, &f) {
			return
		}
	}
	copies := 1
	if s.rng.Float64() < s.dup {
		copies = 2
	}
	for i := 0; i < copies; i++ {
		d := time.Millisecond
		if s.jitter > 0 {
			d += time.Duration(s.rng.Int64N(int64(s.jitter)))
		}
		s.counter++
		s.queue = append(s.queue, packet{to: 1 - e.from, at: s.now.Add(d), n: s.counter, b: append([]byte(nil), b...), src: e.from})
	}
}

func testConfig(id, peer uint32, prio int) Config {
	c := Defaults()
	c.Enabled, c.Role, c.Priority, c.NodeID, c.PeerID, c.Peer = true, "backup", prio, id, peer, "127.0.0.1:1"
	c.Key.UnmarshalText([]byte("00112233445566778899aabbccddeeff"))
	return c
}

func newSim(t testing.TB, seed uint64) *simNet {
	return &simNet{t: t, rng: rand.New(rand.NewPCG(seed, 1)), now: simStart}
}

// start creates node i with cfg at the current time (a restart when it existed).
func (s *simNet) start(i int, cfg Config) {
	s.t.Helper()
	if s.tables[i] == nil {
		s.tables[i] = NewTable()
	}
	if s.vips[i] == nil {
		s.vips[i] = &fakeVIP{}
	}
	n, err := NewNode(cfg, Deps{Transport: simEnd{s, i}, VIP: s.vips[i], Source: s.tables[i], Sink: s.tables[i],
		Ready: func() bool { return !s.unready[i] }}, s.now)
	if err != nil {
		s.t.Fatal(err)
	}
	s.nodes[i], s.down[i] = n, false
}

// run advances the clock by d, delivering datagrams and ticking the nodes.
func (s *simNet) run(d time.Duration) {
	s.runUntil(d, func() bool { return false })
}

// runUntil runs at most d, stopping as soon as cond holds.
func (s *simNet) runUntil(d time.Duration, cond func() bool) bool {
	end := s.now.Add(d)
	for s.now.Before(end) {
		s.now = s.now.Add(time.Millisecond)
		sort.SliceStable(s.queue, func(a, b int) bool {
			if !s.queue[a].at.Equal(s.queue[b].at) {
				return s.queue[a].at.Before(s.queue[b].at)
			}
			return s.queue[a].n < s.queue[b].n
		})
		k := 0
		for k < len(s.queue) && !s.queue[k].at.After(s.now) {
			p := s.queue[k]
			if !s.down[p.to] && s.nodes[p.to] != nil {
				s.nodes[p.to].OnDatagram(p.b, s.now)
			}
			k++
		}
		s.queue = s.queue[k:]
		for i, n := range s.nodes {
			if n != nil && !s.down[i] && s.now.Sub(simStart)%n.cfg.FlushInterval == 0 {
				n.Tick(s.now)
			}
		}
		if cond() {
			return true
		}
	}
	return cond()
}

// change applies one random change to node i's table and publishes it.
func (s *simNet) change(i int, keys int) {
	r := randomRecord(s.rng, keys)
	s.tables[i].Apply(r)
	if err := s.nodes[i].Publish(r, s.now); err != nil {
		s.t.Fatal(err)
	}
}

func (s *simNet) role(i int) Role { r, _ := s.nodes[i].Role(); return r }

func (s *simNet) stats(i int) Stats { return s.nodes[i].Stats(s.now) }
