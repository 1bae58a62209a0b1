// Package dashboard holds SARA's live dashboard: one HTML page, a style
// sheet and a plain JavaScript file, embedded in the binary (go:embed) so
// the page works offline and needs no CDN. The page polls the API every
// second (/api/v1/status, /servers, /admission, /workers), keeps the last
// five minutes in the browser, and draws SVG charts: per-server load and
// forecast, cluster load with T1/T2/T3 and p_new/p_est, sessions and new
// sessions per second, Mpps and drops per second, and the server states.
//
// When the API has a read token, open the page as /#token=<token>: the
// script sends it as a bearer token and keeps it for the browser session.
package dashboard

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var static embed.FS

// Files returns the embedded files (index.html, app.js, style.css).
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Handler serves the dashboard's files; "/" is index.html. The files hold
// no data, so the handler needs no token.
func Handler() http.Handler {
	fsrv := http.FileServerFS(Files())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy",
			"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		fsrv.ServeHTTP(w, r)
	})
}
