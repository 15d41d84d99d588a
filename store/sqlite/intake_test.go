package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/store/sqlite"
	"github.com/amamibot/amamibot/store/storetest"
)

var (
	_ store.Talents       = (*sqlite.Store)(nil)
	_ store.Introductions = (*sqlite.Store)(nil)
)

func TestIntake(t *testing.T) {
	storetest.RunIntake(t, storetest.OpenSQLite)
}

// BenchmarkUpsertTalents: importing the 16,000-profile evaluation pool.
func BenchmarkUpsertTalents(b *testing.B) {
	s := open(b, b.TempDir(), store.Options{})
	defer closeStore(b, s)
	storetest.BenchUpsertTalents(b, s)
}
