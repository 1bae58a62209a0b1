package ha

import (
	"fmt"
	"math"

	"github.com/sara-lb/sara/engine/cluster"
	"github.com/sara-lb/sara/engine/session"
)

// DecodeRecord parses one record from the start of b and returns it with
// the number of bytes it used. Anything AppendRecord would refuse, a
// truncated record, an unknown flag bit and admission thresholds outside
// 0 ≤ T1 ≤ T2 ≤ T3 ≤ C ≤ 1 are ErrRecord. It does not allocate.
func DecodeRecord(b []byte) (Record, int, error) {
	rd := reader{b: b}
	var r Record
	r.Kind, r.Op = Kind(rd.u8()), Op(rd.u8())
	if rd.bad || (r.Op != OpPut && r.Op != OpDelete) {
		return Record{}, 0, fmt.Errorf("%w: header", ErrRecord)
	}
	put := r.Op == OpPut
	switch r.Kind {
	case KindFlow:
		f := &r.Flow
		f.Key.Proto = session.Proto(rd.u8())
		fam := rd.u8()
		if fam&^famFlowMask != 0 || !validProto(f.Key.Proto) {
			return Record{}, 0, fmt.Errorf("%w: flow flags %#x proto %d", ErrRecord, fam, f.Key.Proto)
		}
		f.Key.Src = rd.addrPort(fam&famSrc6 != 0)
		f.Key.Dst = rd.addrPort(fam&famDst6 != 0)
		if put {
			f.Server = cluster.ServerID(rd.u16())
			f.Identity = session.Identity(rd.u8())
			f.Session = session.ID(rd.u64())
			f.LastSeen = int64(rd.u64())
			f.Timeout = rd.u32()
			f.DPClass, f.DPFlags = rd.u8(), rd.u8()
			if f.Identity > session.Plain || f.Identity == session.Announced || f.Server >= cluster.MaxServers {
				return Record{}, 0, fmt.Errorf("%w: flow identity %d server %d", ErrRecord, f.Identity, f.Server)
			}
		}
	case KindExpectation:
		e := &r.Exp
		e.Proto = session.Proto(rd.u8())
		fam := rd.u8()
		if fam&^famExpMask != 0 || !validProto(e.Proto) || (!put && fam&^famDst6 != 0) ||
			(fam&famSrcExp6 != 0 && fam&famHasSrc == 0) {
			return Record{}, 0, fmt.Errorf("%w: expectation flags %#x proto %d", ErrRecord, fam, e.Proto)
		}
		e.Dst = rd.addrPort(fam&famDst6 != 0)
		e.Session = session.ID(rd.u64())
		if put {
			if fam&famHasSrc != 0 {
				e.Src = rd.addr(fam&famSrcExp6 != 0)
			}
			e.SrcPort = rd.u16()
			e.Server = cluster.ServerID(rd.u16())
			e.Receiver, e.Index = rd.u8(), rd.u8()
			e.Expires = int64(rd.u64())
			e.HasServer, e.RTCP = fam&famHasServer != 0, fam&famRTCP != 0
			if e.Server >= cluster.MaxServers {
				return Record{}, 0, fmt.Errorf("%w: expectation server %d", ErrRecord, e.Server)
			}
		}
	case KindAssociation:
		r.Assoc.Session = session.ID(rd.u64())
		if put {
			a := &r.Assoc
			a.Server = cluster.ServerID(rd.u16())
			a.Kind, a.KeyLen = session.Kind(rd.u8()), rd.u8()
			if a.Server >= cluster.MaxServers || int(a.KeyLen) > MaxSessionKey || (a.KeyLen == 0) != (a.Kind == 0) ||
				a.Kind > session.KindRTSP {
				return Record{}, 0, fmt.Errorf("%w: association server %d kind %d key length %d", ErrRecord, a.Server, a.Kind, a.KeyLen)
			}
			rd.copyTo(a.Key[:a.KeyLen])
		}
	case KindServer:
		r.Server.Server = cluster.ServerID(rd.u16())
		if put {
			r.Server.State = cluster.State(rd.u8())
		}
		if r.Server.Server >= cluster.MaxServers || r.Server.State > cluster.MonitorFailed {
			return Record{}, 0, fmt.Errorf("%w: server %d state %d", ErrRecord, r.Server.Server, r.Server.State)
		}
	case KindAdmission:
		if put {
			a := &r.Admission
			a.T1, a.T2 = math.Float64frombits(rd.u64()), math.Float64frombits(rd.u64())
			a.T3, a.C = math.Float64frombits(rd.u64()), math.Float64frombits(rd.u64())
			if !(0 <= a.T1 && a.T1 <= a.T2 && a.T2 <= a.T3 && a.T3 <= a.C && a.C <= 1) {
				return Record{}, 0, fmt.Errorf("%w: thresholds %v %v %v %v", ErrRecord, a.T1, a.T2, a.T3, a.C)
			}
		}
	default:
		return Record{}, 0, fmt.Errorf("%w: kind %d", ErrRecord, r.Kind)
	}
	if rd.bad {
		return Record{}, 0, fmt.Errorf("%w: %s truncated", ErrRecord, r.Kind)
	}
	return r, len(b) - len(rd.b), nil
}
