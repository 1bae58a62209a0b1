package logging

import (
	"time"

	"go.uber.org/zap"
)

// The field vocabulary: every package logs these facts under these keys, so
// one query (jq, Loki) finds a server or a port across the whole system.
// docs/configuration.md, "Log fields", describes each.
const (
	KeyServer  = "server"  // server name from the configuration
	KeyPort    = "port"    // DPDK port name (net_pcap0) or a UDP/TCP port number
	KeyWorker  = "worker"  // worker index 0..workers-1
	KeyLcore   = "lcore"   // EAL lcore id
	KeyReason  = "reason"  // why something was dropped, rejected or changed
	KeyCount   = "count"   // number of items the message is about
	KeyState   = "state"   // server state (cluster.State name)
	KeyVIP     = "vip"     // virtual IP
	KeyPeer    = "peer"    // remote address ip:port
	KeySession = "session" // session id
	KeyCallID  = "call_id" // SIP Call-ID
	KeyPath    = "path"    // file path
	KeyElapsed = "elapsed" // duration of an operation
)

// Server returns the server field.
func Server(name string) zap.Field { return zap.String(KeyServer, name) }

// Port returns the port field for a DPDK port name.
func Port(name string) zap.Field { return zap.String(KeyPort, name) }

// PortNumber returns the port field for a UDP/TCP port number.
func PortNumber(p uint16) zap.Field { return zap.Uint16(KeyPort, p) }

// Worker returns the worker field.
func Worker(i int) zap.Field { return zap.Int(KeyWorker, i) }

// Lcore returns the lcore field.
func Lcore(id uint) zap.Field { return zap.Uint(KeyLcore, id) }

// Reason returns the reason field.
func Reason(r string) zap.Field { return zap.String(KeyReason, r) }

// Count returns the count field.
func Count(n uint64) zap.Field { return zap.Uint64(KeyCount, n) }

// State returns the state field (pass cluster.State.String()).
func State(s string) zap.Field { return zap.String(KeyState, s) }

// VIP returns the vip field.
func VIP(a string) zap.Field { return zap.String(KeyVIP, a) }

// Peer returns the peer field.
func Peer(addr string) zap.Field { return zap.String(KeyPeer, addr) }

// Session returns the session field.
func Session(id uint64) zap.Field { return zap.Uint64(KeySession, id) }

// CallID returns the call_id field.
func CallID(id string) zap.Field { return zap.String(KeyCallID, id) }

// Path returns the path field.
func Path(p string) zap.Field { return zap.String(KeyPath, p) }

// Elapsed returns the elapsed field.
func Elapsed(d time.Duration) zap.Field { return zap.Duration(KeyElapsed, d) }
