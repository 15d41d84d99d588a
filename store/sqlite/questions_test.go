package sqlite_test

import (
	"testing"

	"github.com/amamibot/amamibot/store/storetest"
)

func TestQuestions(t *testing.T) {
	storetest.RunQuestions(t, storetest.OpenSQLite)
}
