package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestAnnouncements(t *testing.T) {
	storetest.RunAnnouncements(t, storetest.OpenSQLite)
}

func TestFollowups(t *testing.T) {
	storetest.RunFollowups(t, storetest.OpenSQLite)
}
