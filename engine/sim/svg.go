package sim

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Series is one line of a plot.
type Series struct {
	Name string
	X, Y []float64
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"}

// niceStep returns a round tick step giving about n ticks over span.
func niceStep(span float64, n int) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// WritePlot writes a self-contained SVG line plot with axes, ticks, grid
// and a legend. The y axis starts at 0.
func WritePlot(w io.Writer, title, xlabel, ylabel string, series []Series) error {
	const W, H, l, r, t, b = 640.0, 400.0, 60.0, 170.0, 36.0, 48.0
	xmin, xmax, ymax := math.Inf(1), math.Inf(-1), 0.0
	for _, s := range series {
		for i := range s.X {
			xmin, xmax, ymax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i]), math.Max(ymax, s.Y[i])
		}
	}
	if math.IsInf(xmin, 0) || xmax == xmin {
		xmin, xmax = 0, 1
	}
	ys := niceStep(ymax, 5)
	ymax = math.Max(ys, math.Ceil(ymax/ys)*ys)
	px := func(x float64) float64 { return l + (x-xmin)/(xmax-xmin)*(W-l-r) }
	py := func(y float64) float64 { return H - b - y/ymax*(H-t-b) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" font-family="sans-serif" font-size="12">`+"\n", W, H)
	fmt.Fprintf(&sb, `<rect width="100%%" height="100%%" fill="white"/><text x="%g" y="20" font-size="14" text-anchor="middle">%s</text>`+"\n", (W-r+l)/2, html.EscapeString(title))
	for y := 0.0; y <= ymax+ys/2; y += ys {
		fmt.Fprintf(&sb, `<line x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%g" y="%.1f" text-anchor="end">%g</text>`+"\n", l, W-r, py(y), py(y), l-6, py(y)+4, math.Round(y*1000)/1000)
	}
	xs := niceStep(xmax-xmin, 6)
	for x := math.Ceil(xmin/xs) * xs; x <= xmax+xs/1000; x += xs {
		fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%g" y2="%g" stroke="#ddd"/><text x="%.1f" y="%g" text-anchor="middle">%g</text>`+"\n", px(x), px(x), t, H-b, px(x), H-b+16, math.Round(x*1000)/1000)
	}
	fmt.Fprintf(&sb, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="black"/><line x1="%g" x2="%g" y1="%g" y2="%g" stroke="black"/>`+"\n", l, W-r, H-b, H-b, l, l, t, H-b)
	fmt.Fprintf(&sb, `<text x="%g" y="%g" text-anchor="middle">%s</text>`+"\n", (W-r+l)/2, H-10, html.EscapeString(xlabel))
	fmt.Fprintf(&sb, `<text transform="translate(16,%g) rotate(-90)" text-anchor="middle">%s</text>`+"\n", (H-b+t)/2, html.EscapeString(ylabel))
	for k, s := range series {
		c := palette[k%len(palette)]
		var pts []string
		for i := range s.X {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.X[i]), py(s.Y[i])))
		}
		fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", c, strings.Join(pts, " "))
		ly := t + 10 + float64(k)*18
		fmt.Fprintf(&sb, `<line x1="%g" x2="%g" y1="%g" y2="%g" stroke="%s" stroke-width="2"/><text x="%g" y="%g">%s</text>`+"\n", W-r+10, W-r+34, ly, ly, c, W-r+40, ly+4, html.EscapeString(s.Name))
	}
	sb.WriteString("</svg>\n")
	_, err := io.WriteString(w, sb.String())
	return err
}
