package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"time"
)

// ErrResponse reports a reply that is not a SIP/RTSP status line.
var ErrResponse = errors.New("probe: not a status line")

// StatusCode parses a response status line "PROTO/x.y NNN reason" and
// returns NNN if the protocol is proto ("SIP" or "RTSP").
func StatusCode(b []byte, proto string) (int, error) {
	line, _, _ := bytes.Cut(b, []byte("\r\n"))
	rest, ok := bytes.CutPrefix(line, []byte(proto+"/"))
	if !ok {
		return 0, ErrResponse
	}
	ver, rest, ok := bytes.Cut(rest, []byte{' '})
	if !ok || len(ver) != 3 || ver[1] != '.' || !isDigit(ver[0]) || !isDigit(ver[2]) {
		return 0, ErrResponse
	}
	if len(rest) < 3 || !isDigit(rest[0]) || !isDigit(rest[1]) || !isDigit(rest[2]) ||
		(len(rest) > 3 && rest[3] != ' ') || rest[0] < '1' || rest[0] > '6' {
		return 0, ErrResponse
	}
	return int(rest[0]-'0')*100 + int(rest[1]-'0')*10 + int(rest[2]-'0'), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func token() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// exchange connects to target, sends the request built for the connection's
// local address and reads one reply before ctx's deadline.
func exchange(ctx context.Context, network, target, proto string, build func(local string) string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, target)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	} else {
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	}
	if _, err := c.Write([]byte(build(c.LocalAddr().String()))); err != nil {
		return err
	}
	buf := make([]byte, 2048)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	_, err = StatusCode(buf[:n], proto)
	return err
}

func sipProbe(ctx context.Context, target string) error {
	t := token()
	return exchange(ctx, "udp", target, "SIP", func(local string) string {
		return fmt.Sprintf("OPTIONS sip:%s SIP/2.0\r\n"+
			"Via: SIP/2.0/UDP %s;branch=z9hG4bK%s;rport\r\n"+
			"Max-Forwards: 70\r\nFrom: <sip:sara-agent@%s>;tag=%s\r\nTo: <sip:%s>\r\n"+
			"Call-ID: %s@sara-agent\r\nCSeq: 1 OPTIONS\r\nAccept: application/sdp\r\nContent-Length: 0\r\n\r\n",
			target, local, t, local, t[:8], target, t)
	})
}

func rtspProbe(ctx context.Context, target string) error {
	return exchange(ctx, "tcp", target, "RTSP", func(string) string {
		return fmt.Sprintf("OPTIONS rtsp://%s/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: sara-agent\r\n\r\n", target)
	})
}
