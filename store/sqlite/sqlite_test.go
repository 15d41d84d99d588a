package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.OpenSQLite)
}
