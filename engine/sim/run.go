package sim

import (
	"fmt"
	"math"
	"math/rand"
	"time"

	"github.com/sara-lb/sara/engine/cluster"
)

// sstate is a session's fate during a run.
type sstate struct {
	srv    int32
	req    int32 // next in-dialog request
	done   bool
	lossAt float64 // server's loss integral at admission
}

// Run simulates one configuration and returns its result.
func Run(cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("sim.Run: %w", err)
	}
	sc := scenarios[cfg.Scenario]
	warm, dur := cfg.Warmup.Seconds(), cfg.Duration.Seconds()
	sess := generate(sc, cfg.Load, cfg.Capacity*float64(cfg.Servers), warm, dur, cfg.Seed)
	return run(cfg, sc, sess)
}

func run(cfg Config, sc scenario, sess []session) (Result, error) {
	r := Result{Balancer: cfg.Balancer, Admission: cfg.Admission}
	var now float64
	bal, err := newBalancer(cfg.Balancer, cfg.Lag)
	if err != nil {
		return r, err
	}
	adm, err := newAdmitter(cfg.Admission, cfg.Seed^0x5a2c, func() time.Duration { return time.Duration(now * 1e9) })
	if err != nil {
		return r, err
	}
	noise := rand.New(rand.NewSource(cfg.Seed ^ 0x701e))
	srv := make([]server, cfg.Servers)
	for j := range srv {
		srv[j].capacity, srv[j].weight = cfg.Capacity, 1
	}
	st := make([]sstate, len(sess))
	var (
		ev      events
		pEst    float64
		sts     stats
		views   = make([]cluster.ServerView, len(srv))
		us      = make([]float64, 0, len(srv))
		asg     = make([]int, len(srv))
		iv      = cfg.Interval.Seconds()
		warm    = cfg.Warmup.Seconds()
		dur     = cfg.Duration.Seconds()
		failAt  = math.Inf(1)
		nextTk  = 0.0
		ai      = 0
		measure = func(i int) bool { return sess[i].measured }
	)
	if sc.fail {
		failAt = dur / 2
		ev.push(event{t: failAt, kind: evFail})
	}
	release := func(i int) {
		s := &srv[st[i].srv]
		s.advance(now, pEst)
		s.work -= sess[i].pps
		s.sessions--
		st[i].done = true
	}
	broken := func(i int, cause *int) {
		if measure(i) {
			r.Broken++
			*cause++
		}
	}
	tick := func() {
		for j := range srv {
			srv[j].advance(now, pEst)
		}
		us = us[:0]
		for j := range srv {
			u := srv[j].report(iv, noise.NormFloat64()*cfg.Noise)
			if !srv[j].failed {
				us = append(us, u)
			}
			asg[j], srv[j].assigned = srv[j].assigned, 0
			if srv[j].failed && now >= failAt+cfg.Detect.Seconds() {
				srv[j].detected = true
			}
		}
		if now > warm && now <= dur {
			sts.interval(us, asg)
		}
		for j := range srv {
			views[j] = srv[j].view(j, cfg.Lag)
		}
		bal.update(views)
		adm.update(views)
		pEst = adm.pEst()
	}
	for ai < len(sess) || len(ev) > 0 {
		tArr := math.Inf(1)
		if ai < len(sess) {
			tArr = sess[ai].arrive
		}
		tEv := math.Inf(1)
		if len(ev) > 0 {
			tEv = ev.top()
		}
		switch {
		case nextTk <= tArr && nextTk <= tEv:
			now = nextTk
			tick()
			nextTk += iv
		case tEv <= tArr:
			e := ev.pop()
			now = e.t
			i := int(e.id)
			switch e.kind {
			case evFail:
				s := &srv[0]
				s.advance(now, pEst)
				for k := range st {
					if st[k].srv == 0 && !st[k].done && k < ai && st[k].srv >= 0 {
						release(k)
						broken(k, &r.BrokenFailure)
					}
				}
				s.failed, s.work, s.sessions = true, 0, 0
			case evReq:
				if st[i].done {
					continue
				}
				if !adm.admitInDialog() {
					release(i)
					broken(i, &r.BrokenSignal)
					continue
				}
				st[i].req++
				if int(st[i].req) < len(sess[i].reqs) {
					ev.push(event{t: sess[i].arrive + sess[i].reqs[st[i].req], kind: evReq, id: int32(i)})
				}
			case evEnd:
				if st[i].done {
					continue
				}
				bye := adm.admitInDialog()
				release(i)
				loss := (srv[st[i].srv].lossInt - st[i].lossAt) / sess[i].hold
				switch {
				case !bye:
					broken(i, &r.BrokenSignal)
				case loss > cfg.QoSLoss:
					broken(i, &r.BrokenLoss)
				case measure(i):
					r.Completed++
				}
			}
		default:
			i := ai
			ai++
			now = sess[i].arrive
			st[i].srv = -1
			st[i].done = true
			if measure(i) {
				r.Offered++
			}
			if !adm.admitNew() {
				r.Rejected += b2i(measure(i))
				continue
			}
			j := bal.pick(srv)
			if j < 0 {
				r.Rejected += b2i(measure(i))
				continue
			}
			r.Admitted += b2i(measure(i))
			srv[j].assigned++
			if srv[j].failed {
				broken(i, &r.BrokenFailure)
				continue
			}
			s := &srv[j]
			s.advance(now, pEst)
			s.work += sess[i].pps
			s.sessions++
			st[i] = sstate{srv: int32(j), lossAt: s.lossInt}
			ev.push(event{t: now + sess[i].hold, kind: evEnd, id: int32(i)})
			if len(sess[i].reqs) > 0 {
				ev.push(event{t: now + sess[i].reqs[0], kind: evReq, id: int32(i)})
			}
		}
	}
	sts.fill(&r, dur-warm)
	return r, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
