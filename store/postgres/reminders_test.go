package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestReminders(t *testing.T) {
	storetest.RunReminders(t, storetest.OpenPostgres)
}
