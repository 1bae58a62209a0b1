package rtsp

import "github.com/sara-lb/sara/engine/inspect"

func init() {
	inspect.Default.MustRegister(inspect.Registration{
		Name:    "rtsp",
		Proto:   inspect.ProtoRTSP,
		New:     func() inspect.Inspector { return New() },
		Sniff:   Sniff,
		Default: []uint16{554, 8554},
	})
}
