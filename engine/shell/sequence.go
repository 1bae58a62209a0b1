package shell

import (
	"math"

	"github.com/sara-lb/sara/engine/cluster"
)

// Sequence writes the selection sequence for the next interval into dst and
// returns it, n slots long (n ≤ 0 means Config.Slots; dst is grown only if
// its capacity is below n). Workers consume the slots in order.
//
// In WaterFill mode every server starts at its water level
//
//	level_j = max(0, L̂_j + c_j·(s_j(now) − s_j(report)))
//
// (eq 8 plus the cost of sessions placed or ended since the load report was
// measured, ReportLag intervals ago); each slot takes the argmin of eq (9)
// over the levels and raises the chosen level by c_j, the learned
// per-session cost. In BareArgmin mode all n slots hold eq (9)'s argmin.
//
// Only Active servers present in the last Update appear; if there is none
// the result is empty and the data plane rejects new sessions. With a
// caller-provided dst of capacity ≥ n, Sequence allocates nothing.
func (s *Shell) Sequence(dst []cluster.ServerID, n int) []cluster.ServerID {
	s.counters.Sequences++
	if n <= 0 {
		n = s.cfg.Slots
	}
	dst = dst[:0]
	if s.cfg.Mode == BareArgmin {
		id, ok := s.Choose()
		if !ok {
			s.counters.EmptySeqs++
			return dst
		}
		for k := 0; k < n; k++ {
			dst = append(dst, id)
		}
		return dst
	}
	h := s.heap[:0]
	for _, id := range s.ids {
		sv := &s.srv[id]
		if !sv.state.Selectable() {
			continue
		}
		pending := sv.sessions - sv.sessionsAgo(s.cfg.ReportLag)
		s.virt[id] = math.Max(0, sv.fc.Estimate()+sv.cost.cost*float64(pending))
		s.vsess[id] = sv.sessions
		h = append(h, uint16(id))
	}
	if len(h) == 0 {
		s.counters.EmptySeqs++
		return dst
	}
	for k := len(h)/2 - 1; k >= 0; k-- {
		s.down(h, k)
	}
	for k := 0; k < n; k++ {
		id := h[0]
		dst = append(dst, cluster.ServerID(id))
		s.virt[id] += s.srv[id].cost.cost
		s.vsess[id]++
		s.down(h, 0)
	}
	s.heap = h
	return dst
}

// hless orders heap entries by (level, sessions, id).
func (s *Shell) hless(a, b uint16) bool {
	return s.less(int(a), int(b), s.virt[a], s.virt[b], s.vsess[a], s.vsess[b])
}

// down restores the min-heap property from position k.
func (s *Shell) down(h []uint16, k int) {
	for {
		l := 2*k + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && s.hless(h[r], h[l]) {
			m = r
		}
		if !s.hless(h[m], h[k]) {
			return
		}
		h[k], h[m] = h[m], h[k]
		k = m
	}
}
