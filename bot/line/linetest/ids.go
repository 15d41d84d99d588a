package linetest

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// randomToken returns an opaque token like LINE's quote tokens.
func randomToken() string { return rand.Text() }

// crockford is the base32 alphabet of ULIDs.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// EventID returns a fresh webhookEventId for an event at t: a ULID, 10 characters of milliseconds then 16
// of randomness.
func EventID(t time.Time) string {
	var b [26]byte
	ms := uint64(t.UnixMilli())
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	rand.Read(b[10:])
	for i := 10; i < 26; i++ {
		b[i] = crockford[b[i]&31]
	}
	return string(b[:])
}
