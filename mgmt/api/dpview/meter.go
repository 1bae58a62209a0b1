package dpview

import (
	"sync"
	"time"

	"github.com/sara-lb/sara/dpdk/dataplane"
	"github.com/sara-lb/sara/mgmt/api"
)

// DefaultInterval is the shortest span over which Meter measures rates.
const DefaultInterval = time.Second

// Meter turns successive counter snapshots into per-worker rates: Mpps
// from received frames, Busy from busy/total cycles, each over the last
// span of at least Interval (calls closer together reuse the last rates,
// so frequent API calls do not make the rates noisy). Safe for concurrent use.
type Meter struct {
	// Interval is the shortest measuring span (DefaultInterval if zero).
	Interval time.Duration

	mu    sync.Mutex
	at    time.Time
	prev  []dataplane.Counters
	mpps  []float64
	busy  []float64
	valid bool
}

// Workers returns each worker's status at now from its counters ws
// (Dataplane.Workers()); lcores[i], if given, is worker i's lcore.
func (m *Meter) Workers(now time.Time, ws []dataplane.Counters, lcores []int) []api.WorkerStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.update(now, ws)
	out := make([]api.WorkerStatus, len(ws))
	for i := range ws {
		out[i] = api.WorkerStatus{ID: i, Lcore: -1, Counters: Counters(&ws[i])}
		if i < len(lcores) {
			out[i].Lcore = lcores[i]
		}
		if m.valid && i < len(m.mpps) {
			out[i].Mpps, out[i].Busy = m.mpps[i], m.busy[i]
		} else {
			out[i].Busy = ws[i].BusyFraction() // no span yet: since start
		}
	}
	return out
}

// update measures rates if Interval has passed since the last snapshot.
func (m *Meter) update(now time.Time, ws []dataplane.Counters) {
	iv := m.Interval
	if iv <= 0 {
		iv = DefaultInterval
	}
	if m.prev != nil && len(m.prev) == len(ws) {
		dt := now.Sub(m.at)
		if dt < iv {
			return
		}
		m.mpps, m.busy = make([]float64, len(ws)), make([]float64, len(ws))
		for i := range ws {
			p, c := &m.prev[i], &ws[i]
			if c.RX >= p.RX {
				m.mpps[i] = float64(c.RX-p.RX) / dt.Seconds() / 1e6
			}
			if c.CyclesTotal > p.CyclesTotal && c.CyclesBusy >= p.CyclesBusy {
				m.busy[i] = float64(c.CyclesBusy-p.CyclesBusy) / float64(c.CyclesTotal-p.CyclesTotal)
			}
		}
		m.valid = true
	}
	m.at = now
	m.prev = make([]dataplane.Counters, len(ws))
	for i := range ws {
		m.prev[i] = dataplane.Counters{RX: ws[i].RX, CyclesBusy: ws[i].CyclesBusy, CyclesTotal: ws[i].CyclesTotal}
	}
}

// Total sums the workers' rates: the appliance's Mpps and mean busy fraction.
func Total(ws []api.WorkerStatus) (mpps, busy float64) {
	for _, w := range ws {
		mpps += w.Mpps
		busy += w.Busy
	}
	if len(ws) > 0 {
		busy /= float64(len(ws))
	}
	return mpps, busy
}
