package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestWaiting(t *testing.T) {
	storetest.RunWaiting(t, storetest.OpenSQLite)
}
