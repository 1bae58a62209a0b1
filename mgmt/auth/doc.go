// Package auth authenticates SARA management messages (node heartbeats, load
// vectors, gateway announcements) with an HMAC-SHA256 trailer appended after
// the unchanged message body, and rejects replays with a per-sender sliding
// window.
//
// Trailer layout (TrailerLen = 33 bytes, network byte order), appended to a
// body of any length:
//
//	offset  size  field
//	0       1     KeyID    identifier of the shared key used
//	1       4     Sender   sender identity (a node's Host_Identity, a gateway id)
//	5       8     Counter  per-sender message counter: (start unix seconds)<<32 + n
//	13      4     SentAt   send time, unix seconds
//	17      16    Tag      HMAC-SHA256(key, body || trailer[0:17]) truncated to 16 bytes
//
// The counter starts at the sender's start time shifted left 32 bits and
// increases by one per message, so a restarted sender continues above its
// previous values and the receiver's 64-wide replay window (RFC 4303 style)
// accepts it without any shared state. SentAt bounds the message's age: a
// receiver rejects messages more than MaxSkew older or newer than its clock.
// The tag is truncated to 128 bits (RFC 2104 §5 allows truncation to half
// the hash length).
//
// A Sealer (sender) and an Opener (receiver) hold their hash state and
// buffers, so sealing into a reused buffer and opening do not allocate.
package auth
