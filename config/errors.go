package config

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Load and Parse wrap them so callers can branch with
// errors.Is.
var (
	// ErrInvalid: the configuration decoded but breaks the schema; the
	// joined FieldErrors say where.
	ErrInvalid = errors.New("config: invalid configuration")
	// ErrSyntax: the file is not well-formed YAML.
	ErrSyntax = errors.New("config: YAML syntax error")
)

// FieldError is one validation problem: the dotted path of the field
// ("servers[1].mac", "dataplane.flow_table_size", "foo") and what is wrong.
type FieldError struct {
	Path string
	Msg  string
}

// Error formats the problem as "path: message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Problems returns every FieldError joined in err (nil if there is none), in
// the order they were found.
func Problems(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil {
				walk(c)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// problems collects FieldErrors. Paths listed in skip already have a decoding
// error, so validation does not report them a second time.
type problems struct {
	errs []error
	skip map[string]bool
}

// addf records a problem at path unless that path failed to decode.
func (p *problems) addf(path, format string, args ...any) {
	if p.skip[path] {
		return
	}
	p.errs = append(p.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// addSection records the problems returned by a Section's Validate, each
// prefixed with the section's key. A leaf error "workers: must be > 0" from
// section "dataplane" becomes "dataplane.workers: must be > 0".
func (p *problems) addSection(section string, err error) {
	if err == nil {
		return
	}
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		for _, c := range u.Unwrap() {
			p.addSection(section, c)
		}
		return
	}
	if fe, ok := err.(*FieldError); ok {
		p.addf(joinPath(section, fe.Path), "%s", fe.Msg)
		return
	}
	msg := err.Error()
	if field, rest, ok := strings.Cut(msg, ": "); ok && !strings.ContainsAny(field, " \t") {
		p.addf(joinPath(section, field), "%s", rest)
		return
	}
	p.addf(section, "%s", msg)
}

// err returns nil or ErrInvalid joined with every problem.
func (p *problems) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return errors.Join(append([]error{ErrInvalid}, p.errs...)...)
}

// joinPath joins a parent and a child path with a dot (or a bracket index).
func joinPath(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case child[0] == '[':
		return parent + child
	}
	return parent + "." + child
}
