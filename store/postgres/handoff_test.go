package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestHandoffs(t *testing.T) {
	storetest.RunHandoffs(t, storetest.OpenPostgres)
}
