package dpview

import (
	"fmt"
	"time"

	"github.com/sara-lb/sara/dpdk/ethdev"
	"github.com/sara-lb/sara/mgmt/api"
)

// Status assembles the appliance summary.
func (b *Backend) Status() api.Status {
	cfg, loaded := b.config()
	ws := b.Workers()
	tot := b.src.Dataplane.Totals()
	st := api.Status{Version: b.src.Version, Node: b.src.Node, Role: b.HA().Role, StartedAt: b.src.Started,
		Now: b.src.Clock(), ConfigLoadedAt: loaded, Workers: len(ws), Servers: len(cfg.Servers),
		Totals: Counters(&tot), Ports: []api.PortStatus{}}
	st.Mpps, _ = Total(ws)
	for _, v := range cfg.VIPs {
		st.VIPs = append(st.VIPs, v.String())
	}
	for _, s := range b.Servers() {
		if s.State == "active" {
			st.ServersActive++
		}
		st.Sessions += s.Sessions
	}
	if b.src.Ports != nil {
		st.Ports = b.src.Ports()
	}
	if b.src.AnnounceInstall != nil {
		st.AnnounceInstall = b.src.AnnounceInstall()
	}
	if b.src.SessionsCreated != nil {
		st.SessionsCreated = b.src.SessionsCreated()
	}
	return st
}

// HA is the HA source's state, or a standalone dispatcher's.
func (b *Backend) HA() api.HAStatus {
	if b.src.HA != nil {
		return b.src.HA()
	}
	return api.HAStatus{Role: "standalone"}
}

// Sessions pages the sessions, or answers ErrUnsupported without a source.
func (b *Backend) Sessions(q api.SessionQuery) (api.SessionPage, error) {
	if b.src.Sessions == nil {
		return api.SessionPage{}, api.ErrUnsupported
	}
	return b.src.Sessions(q)
}

// Drain calls the drain source after checking the server exists.
func (b *Backend) Drain(server string, at time.Time) error {
	if err := b.known(server); err != nil {
		return err
	}
	if b.src.Drain == nil {
		return api.ErrUnsupported
	}
	return b.src.Drain(server, at)
}

// Undrain calls the undrain source after checking the server exists.
func (b *Backend) Undrain(server string) error {
	if err := b.known(server); err != nil {
		return err
	}
	if b.src.Undrain == nil {
		return api.ErrUnsupported
	}
	return b.src.Undrain(server)
}

// Switchover calls the switchover source.
func (b *Backend) Switchover() error {
	if b.src.Switchover == nil {
		return fmt.Errorf("%w: no hot-standby pair (ha.enabled is false)", api.ErrUnsupported)
	}
	return b.src.Switchover()
}

// Reload calls the reload source.
func (b *Backend) Reload() error {
	if b.src.Reload == nil {
		return api.ErrUnsupported
	}
	return b.src.Reload()
}

func (b *Backend) known(server string) error {
	cfg, _ := b.config()
	for _, s := range cfg.Servers {
		if s.Name == server {
			return nil
		}
	}
	return fmt.Errorf("%w: %q", api.ErrUnknownServer, server)
}

// PortStatuses reads the ports' device counters; a port whose counters
// cannot be read is listed with its name and zeros.
func PortStatuses(ports []*ethdev.Port) []api.PortStatus {
	out := make([]api.PortStatus, 0, len(ports))
	for _, p := range ports {
		ps := api.PortStatus{ID: int(p.ID), Name: p.Name}
		if s, err := p.Stats(); err == nil {
			ps.RXPackets, ps.TXPackets, ps.RXMissed = s.RxPackets, s.TxPackets, s.RxMissed
			ps.RXErrors, ps.TXErrors, ps.RXNoMbuf = s.RxErrors, s.TxErrors, s.RxNoMbuf
		}
		out = append(out, ps)
	}
	return out
}
