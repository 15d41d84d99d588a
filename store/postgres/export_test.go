package postgres

import "time"

// SetLockTTL shortens the lifetime of s's user locks, so tests can see one
// outlive its TTL by being extended.
func SetLockTTL(s *Store, ttl time.Duration) { s.lockTTL = ttl }
