package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestIntake(t *testing.T) {
	storetest.RunIntake(t, storetest.OpenPostgres)
}

// BenchmarkUpsertTalents: importing the 16,000-profile evaluation pool.
func BenchmarkUpsertTalents(b *testing.B) {
	databaseURL, _ := storetest.PostgresURLs(b)
	storetest.BenchUpsertTalents(b, open(b, databaseURL))
}
