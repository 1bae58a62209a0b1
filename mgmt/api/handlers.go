package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// maxBody bounds a mutation's request body.
const maxBody = 4 << 10

func (s *Server) getStatus(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.b.Status())
}

func (s *Server) getWorkers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.b.Workers()))
}

func (s *Server) getServers(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, nonNil(s.b.Servers()))
}

func (s *Server) getServer(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	srv, ok := FindServer(s.b.Servers(), name)
	if !ok {
		s.fail(w, fmt.Errorf("%w: %q", ErrUnknownServer, name))
		return
	}
	writeJSON(w, http.StatusOK, srv)
}

func (s *Server) getSessions(w http.ResponseWriter, r *http.Request) {
	q, err := ParseSessionQuery(r.URL.Query(), s.cfg.MaxPage)
	if err != nil {
		s.fail(w, err)
		return
	}
	p, err := s.b.Sessions(q)
	if err != nil {
		s.fail(w, err)
		return
	}
	p.Sessions = nonNil(p.Sessions)
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) getAdmission(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.b.Admission())
}

func (s *Server) getHA(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.b.HA())
}

// DrainRequest is the optional body of POST .../drain.
type DrainRequest struct {
	// At is when the server stops taking new sessions; absent: now.
	At *time.Time `json:"at,omitempty"`
}

// Result is the body of a successful mutation.
type Result struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

func (s *Server) postDrain(w http.ResponseWriter, r *http.Request) {
	var req DrainRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err == nil && len(body) > 0 {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		s.fail(w, fmt.Errorf("%w: drain body: %v", ErrInvalid, err))
		return
	}
	var at time.Time
	if req.At != nil {
		at = *req.At
	}
	name := r.PathValue("name")
	s.mutate(w, r, "drain", name, func() error { return s.b.Drain(name, at) })
}

func (s *Server) postUndrain(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	s.mutate(w, r, "undrain", name, func() error { return s.b.Undrain(name) })
}

func (s *Server) postReload(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, "reload", "", s.b.Reload)
}

func (s *Server) postSwitchover(w http.ResponseWriter, r *http.Request) {
	s.mutate(w, r, "switchover", "", s.b.Switchover)
}

// mutate runs a mutation, logs it (who, what, outcome) and answers.
func (s *Server) mutate(w http.ResponseWriter, r *http.Request, op, server string, f func() error) {
	err := f()
	fields := []zap.Field{zap.String("op", op), zap.String("remote", r.RemoteAddr)}
	if server != "" {
		fields = append(fields, zap.String("server", server))
	}
	if err != nil {
		s.log.Warn("mutation failed", append(fields, zap.Error(err))...)
		s.fail(w, fmt.Errorf("%s: %w", op, err))
		return
	}
	s.c.mutations.Add(1)
	s.log.Info("mutation", fields...)
	msg := op + " done"
	if server != "" {
		msg = op + " " + server + " done"
	}
	writeJSON(w, http.StatusOK, Result{OK: true, Message: msg})
}

// fail answers err with its status code and counts it.
func (s *Server) fail(w http.ResponseWriter, err error) {
	code := statusOf(err)
	switch {
	case code == http.StatusNotFound:
		s.c.notFound.Add(1)
	case code == http.StatusBadRequest:
		s.c.badRequest.Add(1)
	case code >= 500:
		s.c.backendError.Add(1)
	}
	writeError(w, code, err.Error())
}

// nonNil turns a nil slice into an empty one so JSON says [] not null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
