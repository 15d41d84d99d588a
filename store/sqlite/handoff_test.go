package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestHandoffs(t *testing.T) {
	storetest.RunHandoffs(t, storetest.OpenSQLite)
}
