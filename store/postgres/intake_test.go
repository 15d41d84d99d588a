package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/postgres"
	"github.com/amamibot/amamibot/store/storetest"
)

var (
	_ store.Talents       = (*postgres.Store)(nil)
	_ store.Introductions = (*postgres.Store)(nil)
)

func TestIntake(t *testing.T) {
	storetest.RunIntake(t, storetest.OpenPostgres)
}

// BenchmarkUpsertTalents: importing the 16,000-profile evaluation pool.
func BenchmarkUpsertTalents(b *testing.B) {
	databaseURL, redisURL := storetest.PostgresURLs(b)
	storetest.BenchUpsertTalents(b, open(b, databaseURL, redisURL))
}
