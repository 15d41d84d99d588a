package bot_test

import (
	"os"
	"testing"

	"github.com/amamibot/amamibot/understand"
)

// TestMain loads the dictionary once before any test, as serve does before
// it takes requests, so that no test's first typed message waits for it
// (seconds, a minute under the race detector).
func TestMain(m *testing.M) {
	understand.Load()
	os.Exit(m.Run())
}
