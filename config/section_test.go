package config

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestSectionsFound checks that every Section field of Config is found, with
// its key, so a new section needs nothing but its field.
func TestSectionsFound(t *testing.T) {
	var keys []string
	for _, s := range (&Config{}).sections() {
		keys = append(keys, s.key)
	}
	// other packages add sections after these (see README, Adding a section)
	if want := []string{"dataplane", "timeouts", "signalling", "log"}; len(keys) < 4 || !reflect.DeepEqual(keys[:4], want) {
		t.Fatalf("sections %v, want %v first", keys, want)
	}
	if len(keys) != reflect.TypeOf(Config{}).NumField()-2 {
		t.Errorf("sections %v: every field but vips and servers should be a Section", keys)
	}
}

// TestAddSectionPrefixes checks how a section's Validate errors are named.
func TestAddSectionPrefixes(t *testing.T) {
	p := &problems{skip: map[string]bool{"api.skipped": true}}
	p.addSection("api", errors.Join(
		errors.New("listen: required"),
		fmt.Errorf("peers[2]: bad peer"),
		&FieldError{Path: "tls.cert", Msg: "missing"},
		errors.New("thresholds out of order"),
		errors.New("skipped: decoded badly"),
	))
	var got []string
	for _, fe := range Problems(p.err()) {
		got = append(got, fe.Error())
	}
	want := []string{"api.listen: required", "api.peers[2]: bad peer", "api.tls.cert: missing", "api: thresholds out of order"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if !errors.Is(p.err(), ErrInvalid) {
		t.Fatal("not ErrInvalid")
	}
}
