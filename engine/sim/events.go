package sim

import "container/heap"

// Event kinds, in the order they run when simultaneous.
const (
	evFail uint8 = iota
	evReq
	evEnd
)

type event struct {
	t    float64
	kind uint8
	id   int32
}

// events is a min-heap of events by (t, kind, id).
type events []event

// Len, Less, Swap, Push and Pop implement heap.Interface.
func (h events) Len() int { return len(h) }
func (h events) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.t != b.t {
		return a.t < b.t
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.id < b.id
}
func (h events) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *events) Push(x any)   { *h = append(*h, x.(event)) }
func (h *events) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func (h *events) push(e event) { heap.Push(h, e) }
func (h *events) pop() event   { return heap.Pop(h).(event) }
func (h events) top() float64  { return h[0].t }
