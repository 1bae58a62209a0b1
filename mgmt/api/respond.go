package api

import (
	"encoding/json"
	"errors"
	"net/http"
)

// errorBody is every error response.
type errorBody struct {
	Error string `json:"error"`
}

// writeJSON writes v with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away: nothing to do
}

// writeError writes {"error": msg} with code.
func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorBody{Error: msg})
}

// statusOf maps a Backend or request error to its status code.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrUnknownServer):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnsupported):
		return http.StatusNotImplemented
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// authMessages are the bodies of the auth failures.
var authMessages = map[int]string{
	http.StatusUnauthorized: "missing bearer token",
	http.StatusForbidden:    "token not accepted for this call",
}
