// Package all registers every SARA inspector in inspect.Default: import it
// for its side effect (import _ ".../engine/inspect/all").
package all

import (
	_ "github.com/sara-lb/sara/engine/inspect/rtsp" // registers "rtsp"
	_ "github.com/sara-lb/sara/engine/inspect/sip"  // registers "sip"
)
