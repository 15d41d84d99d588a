package main

import (
	"os"
	"testing"

	"github.com/amamibot/amamibot/understand"
)

// TestMain loads the dictionary once before any test, as serve does before
// it takes requests, so that no test's first typed message waits for it
// (seconds, a minute under the race detector). Started with childEnv set,
// the test binary is amamibot itself (see startProcess).
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		main()
		os.Exit(0)
	}
	understand.Load()
	os.Exit(m.Run())
}
