package lab

import (
	"fmt"
	"net/netip"
)

// The lab's addresses. Every namespace is private to one lab, so these
// fixed private addresses never meet the host's or another lab's.
var (
	VIP        = netip.MustParseAddr("10.90.9.100")
	ClientIP   = netip.MustParseAddr("10.90.1.2")
	RouterCli  = netip.MustParseAddr("10.90.1.1") // router leg on the client side
	RouterSrv  = netip.MustParseAddr("10.90.2.1") // router leg on the server segment (servers' default gateway)
	MgmtIP     = netip.MustParseAddr("10.90.2.2") // dispatcher's kernel-owned management interface
	PortMAC    = "02:5a:00:00:00:fe"              // the dispatcher's DPDK port: where the router sends the VIP
	StandbyIP  = netip.MustParseAddr("10.90.2.3") // the hot-standby dispatcher's management interface
	StandbyMAC = "02:5a:00:00:00:fd"              // the hot-standby dispatcher's DPDK port
	HAPort     = 7422                             // replication between the two dispatchers (UDP)
	MgmtPort   = 7420
	SIPPort    = 5060
	RTSPPort   = 8554
	NumServers = 3
)

// ServerIP returns server i's own address (i from 0).
func ServerIP(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, 90, 2, byte(11 + i)}) }

// ServerMAC returns server i's MAC (i from 0), as configured in the dispatcher.
func ServerMAC(i int) string { return fmt.Sprintf("02:5a:00:00:01:%02x", i+1) }

// ServerName returns server i's name in the dispatcher's configuration (s1..s3).
func ServerName(i int) string { return fmt.Sprintf("s%d", i+1) }

// UASMediaBase is the first RTP port server i's SIP UAS announces: distinct
// per server, so a VIP media port names one call in the whole cluster.
func UASMediaBase(i int) int { return 20000 + 2000*i }

// UACMediaBase is the first RTP port the client's UAC announces.
const UACMediaBase = 30000
