package sysload

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
)

// tcpListen is the TCP state code of a listening socket in /proc/net/tcp.
const tcpListen = 0x0A

// maxRxQueue scans a /proc/net/{tcp,tcp6,udp,udp6} table for sockets bound
// to local port port and returns the largest rx_queue: for a TCP listener
// the accept-queue length (sk_ack_backlog), for UDP the bytes waiting in the
// receive buffer. For TCP only LISTEN sockets count (listenOnly). found is
// false when no socket matches.
func maxRxQueue(b []byte, port uint16, listenOnly bool) (rx uint64, found bool, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	first := true
	for sc.Scan() {
		if first { // header
			first = false
			continue
		}
		f := bytes.Fields(sc.Bytes())
		if len(f) < 5 {
			continue
		}
		_, portHex, ok := bytes.Cut(f[1], []byte{':'})
		if !ok {
			return 0, false, fmt.Errorf("%w: local address %q", ErrFormat, f[1])
		}
		p, err := strconv.ParseUint(string(portHex), 16, 16)
		if err != nil {
			return 0, false, fmt.Errorf("%w: port %q", ErrFormat, portHex)
		}
		st, err := strconv.ParseUint(string(f[3]), 16, 8)
		if err != nil {
			return 0, false, fmt.Errorf("%w: state %q", ErrFormat, f[3])
		}
		if uint16(p) != port || (listenOnly && st != tcpListen) {
			continue
		}
		_, rxHex, ok := bytes.Cut(f[4], []byte{':'})
		if !ok {
			return 0, false, fmt.Errorf("%w: queues %q", ErrFormat, f[4])
		}
		q, err := strconv.ParseUint(string(rxHex), 16, 64)
		if err != nil {
			return 0, false, fmt.Errorf("%w: rx_queue %q", ErrFormat, rxHex)
		}
		found = true
		rx = max(rx, q)
	}
	return rx, found, nil
}
