package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestConsult(t *testing.T) {
	storetest.RunConsult(t, storetest.OpenSQLite)
}
