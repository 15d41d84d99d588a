package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestOffers(t *testing.T) {
	storetest.RunOffers(t, storetest.OpenSQLite)
}
