package line

import "github.com/amamibot/amamibot/store"

// OnCommitted makes w call f after each turn commits, before its replies
// are sent: where a test kills the turn.
func OnCommitted(w *TurnWorker, f func(store.ReplyArgs)) { w.committed = f }
