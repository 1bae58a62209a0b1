package ha

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

var testMAC = net.HardwareAddr{0x02, 0x00, 0x5e, 0x00, 0x01, 0x02}

// TestGratuitousARPGolden pins the frame byte by byte (RFC 826 layout,
// RFC 5227 announcement).
func TestGratuitousARPGolden(t *testing.T) {
	b, err := GratuitousARP(testMAC, netip.MustParseAddr("10.0.0.100"))
	if err != nil {
		t.Fatal(err)
	}
	want := "ffffffffffff 02005e000102 0806" + // Ethernet: broadcast, from mac, ARP
		"0001 0800 06 04 0001" + // Ethernet/IPv4, lengths 6/4, request
		"02005e000102 0a000064" + // sender: mac, VIP
		"000000000000 0a000064" + // target: zero, VIP
		strings.Repeat("00", 18) // padding to 60 bytes
	if got := hex.EncodeToString(b); got != strings.ReplaceAll(want, " ", "") {
		t.Fatalf("\n got %s\nwant %s", got, strings.ReplaceAll(want, " ", ""))
	}
}

// TestUnsolicitedNA checks every field and recomputes the ICMPv6 checksum
// (RFC 4443 §2.3 pseudo-header) independently of gopacket.
func TestUnsolicitedNA(t *testing.T) {
	vip := netip.MustParseAddr("2001:db8::100")
	b, err := UnsolicitedNA(testMAC, vip)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 14+40+32 {
		t.Fatalf("length %d", len(b))
	}
	v := vip.As16()
	eth := "333300000001 02005e000102 86dd"
	ip6 := "60000000 0020 3a ff" + hex.EncodeToString(v[:]) + "ff020000000000000000000000000001"
	if got := hex.EncodeToString(b[:54]); got != strings.ReplaceAll(eth+ip6, " ", "") {
		t.Fatalf("headers\n got %s\nwant %s", got, strings.ReplaceAll(eth+ip6, " ", ""))
	}
	icmp := b[54:]
	// type 136, code 0, checksum, flags O, reserved, target, option 2 len 1 mac
	wantICMP := "88 00 ????" + "20000000" + hex.EncodeToString(v[:]) + "02 01 02005e000102"
	got := hex.EncodeToString(icmp)
	w := strings.ReplaceAll(wantICMP, " ", "")
	if got[:4] != w[:4] || got[8:] != w[8:] {
		t.Fatalf("icmp\n got %s\nwant %s", got, w)
	}
	var sum uint32
	add := func(p []byte) {
		for i := 0; i+1 < len(p); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(p[i:]))
		}
	}
	add(b[22:54]) // source and destination addresses
	add([]byte{0, 0, 0, byte(len(icmp)), 0, 0, 0, 58})
	add(icmp) // checksum field included: the total folds to 0xffff
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	if sum != 0xffff {
		t.Fatalf("ICMPv6 checksum does not verify: %#x", sum)
	}
}

func TestAnnouncementsReject(t *testing.T) {
	if _, err := Announcements(testMAC[:4], []netip.Addr{netip.MustParseAddr("10.0.0.1")}); !errors.Is(err, ErrAnnounce) {
		t.Fatalf("short MAC: %v", err)
	}
	fs, err := Announcements(testMAC, []netip.Addr{netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("fd00::1")})
	if err != nil || len(fs) != 2 || fs[0][12] != 0x08 || fs[0][13] != 0x06 || fs[1][12] != 0x86 {
		t.Fatalf("mapped v4 + v6: %v %d", err, len(fs))
	}
}

func TestNewVIPOwnerWithoutInterface(t *testing.T) {
	cfg := Defaults()
	v, closeFn, err := NewVIPOwner(cfg, []netip.Addr{netip.MustParseAddr("10.0.0.1")})
	if err != nil || v != (NopVIP{}) || closeFn() != nil || v.TakeVIP() != nil || v.ReleaseVIP() != nil {
		t.Fatalf("no interface: %v %v", v, err)
	}
	cfg.Interface = "sara-no-such-if0"
	if _, _, err := NewVIPOwner(cfg, []netip.Addr{netip.MustParseAddr("10.0.0.1")}); !errors.Is(err, ErrAnnounce) {
		t.Fatalf("missing interface: %v", err)
	}
}
