package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// ErrConfig is returned by New for an invalid configuration.
var ErrConfig = errors.New("api: invalid configuration")

// shutdownGrace bounds how long Serve waits for requests in flight.
const shutdownGrace = 5 * time.Second

// Server answers the HTTP API. Build it with New, mount extra handlers with
// Handle before serving, then call Serve or Run. Safe for concurrent use.
type Server struct {
	cfg     Config
	b       Backend
	log     *zap.Logger
	tok     tokens
	mux     *http.ServeMux
	c       counters
	serving atomic.Bool // Serve started: Handle refused
}

// RequestCounters are the API's own request counters, cumulative.
type RequestCounters struct {
	Requests     uint64 `json:"requests"`      // every request
	Unauthorized uint64 `json:"unauthorized"`  // 401: no token where one is needed
	Forbidden    uint64 `json:"forbidden"`     // 403: wrong token, or mutations disabled
	NotFound     uint64 `json:"not_found"`     // 404: no such route or server
	BadMethod    uint64 `json:"bad_method"`    // 405
	BadRequest   uint64 `json:"bad_request"`   // 400
	BackendError uint64 `json:"backend_error"` // 5xx from the backend
	Mutations    uint64 `json:"mutations"`     // drain, undrain, reload accepted
}

type counters struct {
	requests, unauthorized, forbidden, notFound, badMethod, badRequest, backendError, mutations atomic.Uint64
}

// New validates cfg and returns a Server over b. log may be nil.
func New(cfg Config, b Backend, log *zap.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if b == nil {
		return nil, fmt.Errorf("%w: nil backend", ErrConfig)
	}
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{cfg: cfg, b: b, log: log.Named("api"), tok: newTokens(&cfg), mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

// Config returns the configuration the server runs with.
func (s *Server) Config() Config { return s.cfg }

// Counters returns the request counters.
func (s *Server) Counters() RequestCounters {
	return RequestCounters{Requests: s.c.requests.Load(), Unauthorized: s.c.unauthorized.Load(),
		Forbidden: s.c.forbidden.Load(), NotFound: s.c.notFound.Load(), BadMethod: s.c.badMethod.Load(),
		BadRequest: s.c.badRequest.Load(), BackendError: s.c.backendError.Load(), Mutations: s.c.mutations.Load()}
}

// Handle mounts h at pattern (http.ServeMux syntax) behind read access:
// open unless a read token is configured. For /metrics and the like.
// It panics after Serve has started or on a conflicting pattern.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mount(pattern, h, true)
}

// HandlePublic mounts h at pattern without any token check: for static
// files that hold no data (the dashboard's page and scripts).
func (s *Server) HandlePublic(pattern string, h http.Handler) {
	s.mount(pattern, h, false)
}

func (s *Server) mount(pattern string, h http.Handler, protect bool) {
	if s.serving.Load() {
		panic("api: Handle after Serve")
	}
	if protect {
		h = s.guard(readAccess, h.ServeHTTP)
	}
	s.mux.Handle(pattern, h)
}

// Handler returns the server's root handler (for httptest or another
// http.Server).
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.c.requests.Add(1)
		s.mux.ServeHTTP(w, r)
	})
}

// Serve answers on ln until ctx is done, then shuts down gracefully and
// returns nil; it returns the error that stopped it otherwise. ln is closed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.serving.Store(true)
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second,
		ErrorLog: zap.NewStdLog(s.log.Named("http"))}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("api listening", zap.String("addr", ln.Addr().String()),
		zap.Bool("dashboard", s.cfg.Dashboard), zap.Bool("mutations", s.tok.hasWrite),
		zap.Bool("read_token", s.tok.hasRead))
	select {
	case err := <-errc:
		return fmt.Errorf("api: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
	}
	<-errc
	return nil
}

// Run listens on the configured address and serves until ctx is done.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("api: listen %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}
