package api

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// DefaultPage is the page size when a request names none.
const DefaultPage = 100

// SessionQuery selects sessions (GET /api/v1/sessions?server=&call_id=&addr=&offset=&limit=).
// Empty filters match everything; filters combine with AND.
type SessionQuery struct {
	// Server keeps sessions on the server with this name.
	Server string `json:"server,omitempty"`
	// CallID keeps the SIP dialog with this Call-ID (exact).
	CallID string `json:"call_id,omitempty"`
	// Addr keeps sessions with a flow from or to this address; with a
	// port (ip:port) the port must match too.
	Addr netip.AddrPort `json:"addr,omitempty"`
	// AddrOnly is Addr's IP when the query gave no port.
	AddrOnly netip.Addr `json:"-"`
	// Offset skips that many matches; Limit bounds the page (≥ 1).
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// SessionPage is one page of matching sessions.
type SessionPage struct {
	// Total matches of the query; the page holds Sessions[Offset:Offset+Limit].
	Total    int       `json:"total"`
	Offset   int       `json:"offset"`
	Limit    int       `json:"limit"`
	Sessions []Session `json:"sessions"`
}

// Session is one multi-flow session: a SIP dialog or an RTSP session.
type Session struct {
	ID       string    `json:"id"`                // tracker's session id
	Protocol string    `json:"protocol"`          // sip or rtsp
	CallID   string    `json:"call_id,omitempty"` // SIP Call-ID or RTSP Session
	Server   string    `json:"server"`            // server name
	State    string    `json:"state"`             // e.g. new, established, ending
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	Flows    []Flow    `json:"flows"`
}

// Flow is one flow of a session.
type Flow struct {
	Proto string `json:"proto"` // udp or tcp
	Src   string `json:"src"`   // ip:port; port 0 when an expectation does not know it yet
	Dst   string `json:"dst"`   // ip:port
	// Identity is signalling, announced (an expectation) or secondary.
	Identity string `json:"identity"`
	// Status is new, established or inactive.
	Status   string    `json:"status"`
	LastSeen time.Time `json:"last_seen"`
}

// ParseSessionQuery reads a query from URL parameters; limit defaults to
// DefaultPage and may not exceed maxPage. Errors wrap ErrInvalid.
func ParseSessionQuery(v url.Values, maxPage int) (SessionQuery, error) {
	q := SessionQuery{Server: v.Get("server"), CallID: v.Get("call_id"), Limit: min(DefaultPage, maxPage)}
	if a := v.Get("addr"); a != "" {
		if ap, err := netip.ParseAddrPort(a); err == nil {
			q.Addr = ap
		} else if ip, err := netip.ParseAddr(a); err == nil {
			q.AddrOnly = ip
		} else {
			return q, fmt.Errorf("%w: addr %q is neither ip nor ip:port", ErrInvalid, a)
		}
	}
	var err error
	if q.Offset, err = intParam(v, "offset", q.Offset, 0, 1<<31-1); err != nil {
		return q, err
	}
	if q.Limit, err = intParam(v, "limit", q.Limit, 1, maxPage); err != nil {
		return q, err
	}
	return q, nil
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s must be an integer in [%d, %d], got %q", ErrInvalid, name, lo, hi, s)
	}
	return n, nil
}

// Values encodes q as URL parameters (the inverse of ParseSessionQuery).
func (q SessionQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("server", q.Server)
	set("call_id", q.CallID)
	if q.Addr.IsValid() {
		v.Set("addr", q.Addr.String())
	} else if q.AddrOnly.IsValid() {
		v.Set("addr", q.AddrOnly.String())
	}
	if q.Offset > 0 {
		v.Set("offset", strconv.Itoa(q.Offset))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Match reports whether s satisfies q's filters.
func (q *SessionQuery) Match(s *Session) bool {
	if q.Server != "" && s.Server != q.Server {
		return false
	}
	if q.CallID != "" && s.CallID != q.CallID {
		return false
	}
	if !q.Addr.IsValid() && !q.AddrOnly.IsValid() {
		return true
	}
	for _, f := range s.Flows {
		if q.matchAddr(f.Src) || q.matchAddr(f.Dst) {
			return true
		}
	}
	return false
}

func (q *SessionQuery) matchAddr(s string) bool {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return false
	}
	if q.Addr.IsValid() {
		return ap.Addr().Unmap() == q.Addr.Addr().Unmap() && ap.Port() == q.Addr.Port()
	}
	return ap.Addr().Unmap() == q.AddrOnly.Unmap()
}

// FilterPage returns the page of all that q selects, in all's order. A
// Backend holding its sessions as a slice answers Sessions with it.
func FilterPage(all []Session, q SessionQuery) SessionPage {
	p := SessionPage{Offset: q.Offset, Limit: q.Limit, Sessions: []Session{}}
	for i := range all {
		if !q.Match(&all[i]) {
			continue
		}
		if p.Total >= q.Offset && len(p.Sessions) < q.Limit {
			p.Sessions = append(p.Sessions, all[i])
		}
		p.Total++
	}
	return p
}
