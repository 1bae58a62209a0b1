package auth

import "encoding/binary"

// Trailer sizes.
const (
	TagLen     = 16                 // truncated HMAC-SHA256 tag
	headerLen  = 1 + 4 + 8 + 4      // KeyID, Sender, Counter, SentAt
	TrailerLen = headerLen + TagLen // bytes appended to every body
	fullMACLen = 32                 // untruncated HMAC-SHA256
	offSender  = 1                  // Sender offset in the trailer
	offCounter = offSender + 4      // Counter offset
	offSentAt  = offCounter + 8     // SentAt offset
	offTag     = offSentAt + 4      // Tag offset
)

// Trailer is the decoded authentication header of a message (without tag).
type Trailer struct {
	KeyID   uint8
	Sender  uint32
	Counter uint64
	SentAt  uint32
}

func (t Trailer) put(b []byte) {
	b[0] = t.KeyID
	binary.BigEndian.PutUint32(b[offSender:], t.Sender)
	binary.BigEndian.PutUint64(b[offCounter:], t.Counter)
	binary.BigEndian.PutUint32(b[offSentAt:], t.SentAt)
}

func parseTrailer(b []byte) Trailer {
	return Trailer{
		KeyID:   b[0],
		Sender:  binary.BigEndian.Uint32(b[offSender:]),
		Counter: binary.BigEndian.Uint64(b[offCounter:]),
		SentAt:  binary.BigEndian.Uint32(b[offSentAt:]),
	}
}
