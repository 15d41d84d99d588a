package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Session returns the user's session, or nil when there is none.
func (s *Store) Session(ctx context.Context, userID string) ([]byte, error) {
	data, err := s.rdb.Get(ctx, s.prefix+"session:"+userID).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	return data, nil
}

// SaveSession stores the user's session for ttl.
func (s *Store) SaveSession(ctx context.Context, userID string, data []byte, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.prefix+"session:"+userID, data, ttl).Err(); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

const (
	// lockTTL is how long a user's lock outlives a replica that died
	// holding it. A live holder extends it every lockTTL/3.
	lockTTL = 30 * time.Second
	// lockMaxHold is the safety timeout: a turn still running after it is
	// stuck, and its lock is left to expire so the user is served again.
	lockMaxHold = 5 * time.Minute
	// lockMaxBackoff caps the wait between attempts to take a busy lock.
	lockMaxBackoff = 100 * time.Millisecond
)

// The lock's value is its holder's random token: only the holder may extend
// or release it, so a holder whose lock expired and was taken by another
// turn cannot release or extend that turn's lock.
var (
	releaseLock = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)
	extendLock = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
)

// LockUser takes the user's lock in Redis, shared by all replicas, retrying
// with a short jittered backoff until it is free or ctx ends.
func (s *Store) LockUser(ctx context.Context, userID string) (unlock func(), err error) {
	key := s.prefix + "lock:" + userID
	token := rand.Text()
	for backoff := time.Millisecond; ; backoff = min(2*backoff, lockMaxBackoff) {
		ok, err := s.rdb.SetNX(ctx, key, token, s.lockTTL).Result()
		if err != nil {
			return nil, fmt.Errorf("lock user: %w", err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock user: %w", context.Cause(ctx))
		case <-time.After(backoff/2 + mathrand.N(backoff)):
		}
	}

	held, stop := context.WithTimeout(context.Background(), lockMaxHold)
	extending := make(chan struct{})
	go func() {
		defer close(extending)
		s.extendLock(held, key, token)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			stop()
			<-extending
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := releaseLock.Run(ctx, s.rdb, []string{key}, token).Err(); err != nil {
				// The lock expires on its own within lockTTL.
				s.logger.Warn("release a user's lock", "err", err)
			}
		})
	}, nil
}

// extendLock keeps the lock alive until ctx ends or the lock is lost.
func (s *Store) extendLock(ctx context.Context, key, token string) {
	ticker := time.NewTicker(s.lockTTL / 3)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				s.logger.Warn("a turn held a user's lock too long; leaving it to expire", "max_hold", lockMaxHold)
			}
			return
		case <-ticker.C:
		}
		kept, err := extendLock.Run(ctx, s.rdb, []string{key}, token, s.lockTTL.Milliseconds()).Int()
		switch {
		case ctx.Err() != nil:
			// Unlocked meanwhile, or past lockMaxHold: the next loop tells.
			continue
		case err != nil:
			// Try again at the next tick; the lock lives lockTTL.
			s.logger.Warn("extend a user's lock", "err", err)
		case kept == 0:
			s.logger.Warn("a user's lock expired while its turn was still running")
			return
		}
	}
}
