package config

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse checks that Parse never panics and that every error it returns
// is ErrSyntax or ErrInvalid, and every success validates.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"minimal.yaml", "example.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(minimal + "dataplane: {workers: x, burst: 1.5e300}\nfoo: [1]\n"))
	f.Add([]byte("vips: 10.0.0.1\nservers: {a: 1}\n"))
	f.Add([]byte("dataplane: 3\nlog: [a]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("unexpected error class: %v", err)
			}
			return
		}
		if verr := c.Validate(); verr != nil {
			t.Fatalf("Parse accepted an invalid config: %v", verr)
		}
	})
}
