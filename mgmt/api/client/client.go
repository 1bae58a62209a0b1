// Package client is the Go client of SARA's HTTP API: the logic behind
// `sara ctl`. Client calls the API and decodes its answers into the
// mgmt/api types; the Write* functions print them for people.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sara-lb/sara/mgmt/api"
)

// Errors for the API's refusals (an *Error wraps them).
var (
	ErrUnauthorized = errors.New("token required")     // 401
	ErrForbidden    = errors.New("token not accepted") // 403
	ErrNotFound     = errors.New("not found")          // 404
	ErrAddr         = errors.New("invalid API address")
)

// Error is a non-2xx answer: the status code and the API's message.
type Error struct {
	Code    int
	Message string
}

// Error returns "HTTP <code>: <message>".
func (e *Error) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Code, e.Message) }

// Unwrap maps the code to a sentinel: 401, 403, 404 to this package's, 400
// to api.ErrInvalid, 501 api.ErrUnsupported, 503 api.ErrUnavailable.
func (e *Error) Unwrap() error {
	switch e.Code {
	case 401:
		return ErrUnauthorized
	case 403:
		return ErrForbidden
	case 404:
		return ErrNotFound
	case 400:
		return api.ErrInvalid
	case 501:
		return api.ErrUnsupported
	case 503:
		return api.ErrUnavailable
	}
	return nil
}

// Client calls one dispatcher's API.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// New returns a client of the API at addr ("host:port" or an http(s) URL)
// sending token, if not empty, as a bearer token.
func New(addr, token string, timeout time.Duration) (*Client, error) {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("%w: %q", ErrAddr, addr)
	}
	return &Client{base: strings.TrimRight(u.String(), "/"), token: token, http: &http.Client{Timeout: timeout}}, nil
}

// do sends a request and decodes a 2xx JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return fmt.Errorf("%s %s: %w", method, path, &Error{Code: resp.StatusCode, Message: e.Error})
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decoding answer: %w", method, path, err)
	}
	return nil
}

// Status is GET /api/v1/status.
func (c *Client) Status(ctx context.Context) (st api.Status, err error) {
	return st, c.do(ctx, "GET", api.Prefix+"/status", nil, &st)
}

// Workers is GET /api/v1/workers.
func (c *Client) Workers(ctx context.Context) (ws []api.WorkerStatus, err error) {
	return ws, c.do(ctx, "GET", api.Prefix+"/workers", nil, &ws)
}

// Servers is GET /api/v1/servers.
func (c *Client) Servers(ctx context.Context) (ss []api.ServerStatus, err error) {
	return ss, c.do(ctx, "GET", api.Prefix+"/servers", nil, &ss)
}

// Server is GET /api/v1/servers/{name}.
func (c *Client) Server(ctx context.Context, name string) (s api.ServerStatus, err error) {
	return s, c.do(ctx, "GET", api.Prefix+"/servers/"+url.PathEscape(name), nil, &s)
}

// Sessions is GET /api/v1/sessions with q's filters and page.
func (c *Client) Sessions(ctx context.Context, q api.SessionQuery) (p api.SessionPage, err error) {
	path := api.Prefix + "/sessions"
	if v := q.Values().Encode(); v != "" {
		path += "?" + v
	}
	return p, c.do(ctx, "GET", path, nil, &p)
}

// Admission is GET /api/v1/admission.
func (c *Client) Admission(ctx context.Context) (a api.AdmissionStatus, err error) {
	return a, c.do(ctx, "GET", api.Prefix+"/admission", nil, &a)
}

// HA is GET /api/v1/ha.
func (c *Client) HA(ctx context.Context) (h api.HAStatus, err error) {
	return h, c.do(ctx, "GET", api.Prefix+"/ha", nil, &h)
}

// Drain is POST /api/v1/servers/{name}/drain; a zero at means now.
func (c *Client) Drain(ctx context.Context, name string, at time.Time) (r api.Result, err error) {
	var body api.DrainRequest
	if !at.IsZero() {
		body.At = &at
	}
	return r, c.do(ctx, "POST", api.Prefix+"/servers/"+url.PathEscape(name)+"/drain", body, &r)
}

// Undrain is POST /api/v1/servers/{name}/undrain.
func (c *Client) Undrain(ctx context.Context, name string) (r api.Result, err error) {
	return r, c.do(ctx, "POST", api.Prefix+"/servers/"+url.PathEscape(name)+"/undrain", nil, &r)
}

// Switchover is POST /api/v1/ha/switchover.
func (c *Client) Switchover(ctx context.Context) (r api.Result, err error) {
	return r, c.do(ctx, "POST", api.Prefix+"/ha/switchover", nil, &r)
}

// Reload is POST /api/v1/reload.
func (c *Client) Reload(ctx context.Context) (r api.Result, err error) {
	return r, c.do(ctx, "POST", api.Prefix+"/reload", nil, &r)
}
