package offline

import (
	"encoding/binary"
	"fmt"
	"io"
)

// MaxCaptureBytes bounds the capture Analyze reads (it is held in memory).
const MaxCaptureBytes = 1 << 30

// readBounded reads the whole capture and returns its longest well-formed
// prefix: every record's length fits in what follows it. pcapgo allocates
// each packet's announced length before reading it, so a corrupt length
// field would otherwise ask for gigabytes; checking first bounds every
// allocation by the capture's size.
func readBounded(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxCaptureBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCapture, err)
	}
	if len(b) > MaxCaptureBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrCapture, MaxCaptureBytes)
	}
	if len(b) >= 4 && [4]byte(b[:4]) == [4]byte(pcapngMagic) {
		return b[:pcapngPrefix(b)], nil
	}
	return b[:pcapPrefix(b)], nil
}

// pcapPrefix returns the length of b's whole records (classic pcap).
func pcapPrefix(b []byte) int {
	if len(b) < 24 {
		return len(b) // too short for a header: the reader reports it
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if m := binary.BigEndian.Uint32(b); m == 0xa1b2c3d4 || m == 0xa1b23c4d {
		bo = binary.BigEndian
	}
	off := 24
	for off+16 <= len(b) {
		n := int(bo.Uint32(b[off+8:]))
		if n < 0 || n > len(b)-off-16 {
			break
		}
		off += 16 + n
	}
	return off
}

// pcapngPrefix returns the length of b's whole blocks (pcapng), each block's
// packet length checked against the block's own length.
func pcapngPrefix(b []byte) int {
	var bo binary.ByteOrder = binary.LittleEndian
	off := 0
	for off+12 <= len(b) {
		typ := binary.LittleEndian.Uint32(b[off:])
		if typ == 0x0a0d0d0a { // section header: its byte-order magic follows the length
			if binary.BigEndian.Uint32(b[off+8:]) == 0x1a2b3c4d {
				bo = binary.BigEndian
			} else {
				bo = binary.LittleEndian
			}
		} else {
			typ = bo.Uint32(b[off:])
		}
		n := int(bo.Uint32(b[off+4:]))
		if n < 12 || n%4 != 0 || n > len(b)-off {
			break
		}
		switch typ {
		case 6: // enhanced packet: 28 bytes of header and trailer around the data
			if n < 32 || int(bo.Uint32(b[off+20:])) > n-32 {
				return off
			}
		case 3: // simple packet: original length, data padded to the block
			if n < 16 || int(bo.Uint32(b[off+8:])) > n-16 {
				return off
			}
		}
		off += n
	}
	return off
}
