package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestMoves(t *testing.T) {
	storetest.RunMoves(t, storetest.OpenPostgres)
}
