package api

import (
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/mgmt/dashboard"
)

// Prefix is the path prefix of every API call.
const Prefix = "/api/v1"

// route is one API call.
type route struct {
	method, path string
	need         access
	h            http.HandlerFunc
	doc          string
}

func (s *Server) table() []route {
	return []route{
		{"GET", "/status", readAccess, s.getStatus, "appliance summary"},
		{"GET", "/workers", readAccess, s.getWorkers, "worker counters, Mpps, busy fraction, drops by reason"},
		{"GET", "/servers", readAccess, s.getServers, "servers: state, load vector, forecast, error, sessions"},
		{"GET", "/servers/{name}", readAccess, s.getServer, "one server"},
		{"GET", "/sessions", readAccess, s.getSessions, "sessions and flows; ?server=&call_id=&addr=&offset=&limit="},
		{"GET", "/admission", readAccess, s.getAdmission, "SA2C: load, thresholds, p_new, p_est, decisions"},
		{"GET", "/ha", readAccess, s.getHA, "primary/backup state"},
		{"POST", "/servers/{name}/drain", writeAccess, s.postDrain, "no new sessions to a server; body {\"at\": RFC 3339} optional"},
		{"POST", "/servers/{name}/undrain", writeAccess, s.postUndrain, "make a drained server selectable"},
		{"POST", "/reload", writeAccess, s.postReload, "re-read the configuration file"},
		{"POST", "/ha/switchover", writeAccess, s.postSwitchover, "move the VIPs to the in-sync peer (planned switchover)"},
	}
}

// routes mounts the API, its index, the JSON 404 and the dashboard.
func (s *Server) routes() {
	type entry struct{ Method, Path, Doc string }
	var index []entry
	byPath := map[string]map[string]http.HandlerFunc{}
	for _, rt := range s.table() {
		if byPath[rt.path] == nil {
			byPath[rt.path] = map[string]http.HandlerFunc{}
		}
		byPath[rt.path][rt.method] = s.guard(rt.need, rt.h)
		index = append(index, entry{rt.method, Prefix + rt.path, rt.doc})
	}
	for path, methods := range byPath {
		s.mux.HandleFunc(Prefix+path, s.methods(methods))
	}
	s.mux.HandleFunc(Prefix+"/{$}", s.methods(map[string]http.HandlerFunc{"GET": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, index)
	}}))
	s.mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		s.c.notFound.Add(1)
		writeError(w, http.StatusNotFound, "no such call: "+r.URL.Path)
	})
	if s.cfg.Dashboard {
		s.mux.Handle("/", dashboard.Handler())
	}
}

// methods dispatches on the request method; others get a JSON 405.
func (s *Server) methods(m map[string]http.HandlerFunc) http.HandlerFunc {
	allow := make([]string, 0, len(m))
	for k := range m {
		allow = append(allow, k)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if h, ok := m[r.Method]; ok {
			h(w, r)
			return
		}
		s.c.badMethod.Add(1)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, r.Method+" not allowed; use "+strings.Join(allow, ", "))
	}
}

// guard checks r's token for need; failures are counted, answered in
// JSON and logged at debug level without the token.
func (s *Server) guard(need access, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code := s.tok.check(r, need)
		if code == 0 {
			h(w, r)
			return
		}
		msg := authMessages[code]
		if code == http.StatusUnauthorized {
			s.c.unauthorized.Add(1)
			w.Header().Set("WWW-Authenticate", `Bearer realm="sara"`)
		} else {
			s.c.forbidden.Add(1)
			if need == writeAccess && !s.tok.hasWrite {
				msg = "mutations disabled: api.token is not configured"
			}
		}
		s.log.Debug("request refused", zap.String("path", r.URL.Path), zap.String("remote", r.RemoteAddr),
			zap.Int("code", code))
		writeError(w, code, msg)
	}
}
