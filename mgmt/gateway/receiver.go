package gateway

import (
	"time"

	"go.uber.org/zap"

	"github.com/sara-lb/sara/engine/announce"
)

// Receiver returns the dispatcher's receiver of this gateway's
// announcements, bound to AnnounceListen and delivering to consume (the
// signalling path's Announce); nil and no error when AnnounceListen is
// empty. It authenticates HostID with the configured key; maxSkew ≤ 0 means
// auth.DefaultMaxSkew. The caller runs it (Run) and stops it with the
// context.
func (c *Config) Receiver(consume announce.Consumer, maxSkew time.Duration, log *zap.Logger) (*announce.Receiver, error) {
	if c.AnnounceListen == "" {
		return nil, nil
	}
	o, err := c.Opener(maxSkew)
	if err != nil {
		return nil, err
	}
	return announce.Listen(c.AnnounceListen, o, consume, announce.ReceiverOptions{Log: log})
}
