package inspect

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// ErrUnknownInspector is returned by Registry.New for a name nobody
// registered; ErrDuplicate by Register for a name registered twice.
var (
	ErrUnknownInspector = errors.New("inspect: unknown inspector")
	ErrDuplicate        = errors.New("inspect: inspector already registered")
)

// Factory makes a new, independent Inspector (one per goroutine).
type Factory func() Inspector

// Sniffer reports whether a payload looks like a message of a protocol,
// from its first line only. It is used where no port says which protocol a
// flow carries (the offline `sara inspect` tool).
type Sniffer func(payload []byte) bool

// Registration is one protocol known to a Registry.
type Registration struct {
	Name    string
	Proto   Proto
	New     Factory
	Sniff   Sniffer
	Default []uint16 // well-known ports (5060, 554...), informative
}

// Registry maps inspector names to factories. It is safe for concurrent use.
type Registry struct {
	mu  sync.RWMutex
	reg map[string]Registration
}

// Default is the registry the protocol packages register into from their
// init functions; import engine/inspect/all to fill it with every protocol.
var Default = &Registry{}

// Register adds a protocol; the name must be new.
func (g *Registry) Register(r Registration) error {
	if r.Name == "" || r.New == nil {
		return fmt.Errorf("inspect: register %q: name and factory required", r.Name)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.reg == nil {
		g.reg = make(map[string]Registration)
	}
	if _, ok := g.reg[r.Name]; ok {
		return fmt.Errorf("register %q: %w", r.Name, ErrDuplicate)
	}
	g.reg[r.Name] = r
	return nil
}

// MustRegister is Register that panics on error, for init functions.
func (g *Registry) MustRegister(r Registration) {
	if err := g.Register(r); err != nil {
		panic(err)
	}
}

// New returns a new Inspector of the named protocol.
func (g *Registry) New(name string) (Inspector, error) {
	r, ok := g.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("new %q: %w", name, ErrUnknownInspector)
	}
	return r.New(), nil
}

// Lookup returns the registration of name.
func (g *Registry) Lookup(name string) (Registration, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	r, ok := g.reg[name]
	return r, ok
}

// Names returns the registered names, sorted.
func (g *Registry) Names() []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	names := make([]string, 0, len(g.reg))
	for n := range g.reg {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Sniff returns the name of the first registered protocol (in name order)
// whose Sniffer accepts payload, or "" if none does.
func (g *Registry) Sniff(payload []byte) string {
	for _, n := range g.Names() {
		if r, _ := g.Lookup(n); r.Sniff != nil && r.Sniff(payload) {
			return n
		}
	}
	return ""
}
