package ha

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// ErrAnnounce reports a VIP announcement that cannot be built or sent.
var ErrAnnounce = errors.New("ha: VIP announcement")

// naOverride is the Override flag of a neighbour advertisement (RFC 4861
// §4.4): receivers replace their cached link-layer address.
const naOverride = 0x20

// GratuitousARP returns an ARP announcement (RFC 5227 §2.3: a request with
// sender and target protocol address both vip, target hardware address
// zero) broadcast from mac: hosts and routers that cache vip update it to
// mac.
func GratuitousARP(mac net.HardwareAddr, vip netip.Addr) ([]byte, error) {
	if len(mac) != 6 || !vip.Is4() {
		return nil, fmt.Errorf("%w: gratuitous ARP needs a MAC and an IPv4 address, got %v %v", ErrAnnounce, mac, vip)
	}
	ip := vip.As4()
	eth := layers.Ethernet{SrcMAC: mac, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypeARP}
	arp := layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6,
		ProtAddressSize: 4, Operation: layers.ARPRequest, SourceHwAddress: mac, SourceProtAddress: ip[:],
		DstHwAddress: make([]byte, 6), DstProtAddress: ip[:]}
	return serialize(&eth, &arp)
}

// UnsolicitedNA returns an unsolicited neighbour advertisement for vip
// (RFC 4861 §7.2.6): from vip to all-nodes ff02::1, hop limit 255, Override
// set, Solicited clear, with the target link-layer address option mac.
func UnsolicitedNA(mac net.HardwareAddr, vip netip.Addr) ([]byte, error) {
	if len(mac) != 6 || !vip.Is6() || vip.Is4In6() {
		return nil, fmt.Errorf("%w: neighbour advertisement needs a MAC and an IPv6 address, got %v %v", ErrAnnounce, mac, vip)
	}
	src := vip.As16()
	allNodes := netip.MustParseAddr("ff02::1").As16()
	eth := layers.Ethernet{SrcMAC: mac, DstMAC: net.HardwareAddr{0x33, 0x33, 0, 0, 0, 1}, EthernetType: layers.EthernetTypeIPv6}
	ip6 := layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: 255, SrcIP: src[:], DstIP: allNodes[:]}
	icmp := layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeNeighborAdvertisement, 0)}
	if err := icmp.SetNetworkLayerForChecksum(&ip6); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAnnounce, err)
	}
	na := layers.ICMPv6NeighborAdvertisement{Flags: naOverride, TargetAddress: src[:],
		Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: mac}}}
	return serialize(&eth, &ip6, &icmp, &na)
}

// Announcements returns one frame per VIP: a gratuitous ARP for IPv4, an
// unsolicited neighbour advertisement for IPv6.
func Announcements(mac net.HardwareAddr, vips []netip.Addr) ([][]byte, error) {
	out := make([][]byte, 0, len(vips))
	for _, v := range vips {
		v = v.Unmap()
		build := UnsolicitedNA
		if v.Is4() {
			build = GratuitousARP
		}
		f, err := build(mac, v)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func serialize(ls ...gopacket.SerializableLayer) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAnnounce, err)
	}
	b := append([]byte(nil), buf.Bytes()...)
	for len(b) < minFrame { // pad short frames (ARP: 42 bytes) to the Ethernet minimum
		b = append(b, 0)
	}
	return b, nil
}

// minFrame is the shortest Ethernet frame without its FCS.
const minFrame = 60
