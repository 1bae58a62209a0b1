package sip

import "github.com/sara-lb/sara/engine/inspect"

func init() {
	inspect.Default.MustRegister(inspect.Registration{
		Name:    "sip",
		Proto:   inspect.ProtoSIP,
		New:     func() inspect.Inspector { return New() },
		Sniff:   Sniff,
		Default: []uint16{5060},
	})
}
