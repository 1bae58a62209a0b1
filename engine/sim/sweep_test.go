package sim

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWritePlotWellFormed(t *testing.T) {
	var b bytes.Buffer
	err := WritePlot(&b, "t<1>", "x", "y", []Series{{Name: "a&b", X: []float64{0.5, 1, 2}, Y: []float64{1, 3, 2}}, {Name: "c", X: []float64{0.5, 2}, Y: []float64{0, 0.5}}})
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(&b)
	lines := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			lines++
		}
	}
	if lines != 2 {
		t.Fatalf("%d polylines, want one per series", lines)
	}
	if niceStep(5.3, 5) != 2 || niceStep(0.9, 5) != 0.2 || niceStep(10, 5) != 2 {
		t.Fatal("niceStep")
	}
}

func TestWriteSweep(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Duration, cfg.Warmup = 120*time.Second, 30*time.Second
	reps, err := Sweep(cfg, []float64{0.5, 1.5}, []string{BalShell, BalRR}, []string{AdmSA2C, AdmNone})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteSweep(dir, reps); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 1+2*4 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	for _, p := range []string{"completed.svg", "success.svg", "imbalance.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil || !strings.Contains(string(b), "</svg>") {
			t.Fatalf("%s: %v", p, err)
		}
	}
}
