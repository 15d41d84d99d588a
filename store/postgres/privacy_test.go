package postgres_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestPrivacy(t *testing.T) {
	storetest.RunPrivacy(t, storetest.OpenPostgres)
}
