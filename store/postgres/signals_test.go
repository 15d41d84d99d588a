package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestSignals(t *testing.T) {
	storetest.RunSignals(t, storetest.OpenPostgres)
}
