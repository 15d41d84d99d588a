package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/amamibot/amamibot/store"
)

// RunQuestions runs the contract tests of store.Questions against the
// stores that open returns, one fresh store per test.
func RunQuestions(t *testing.T, open Opener) {
	runAll(t, open, []contract{
		{"FAQ/UpsertUpdates", testFAQUpsert},
		{"Questions/KeptForStaff", testQuestionsKept},
		{"Questions/ErasedWithTheUser", testQuestionsErased},
	})
}

func testFAQUpsert(t *testing.T, open Opener) {
	e := newEnv(t, open)
	first := []store.FAQ{
		{ID: "parking", Questions: []string{"駐車場はありますか", "車で行けますか"}, Answer: "20台あります。"},
		{ID: "childcare", Questions: []string{"託児はありますか"}, Answer: "託児はありません。"},
	}
	if err := e.s.UpsertFAQs(e.ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := e.s.UpsertFAQs(e.ctx, []store.FAQ{{ID: "parking", Questions: []string{"駐車場"}, Answer: "10台です。"}}); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.FAQs(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.FAQ{first[1], {ID: "parking", Questions: []string{"駐車場"}, Answer: "10台です。"}}
	if !slices.EqualFunc(got, want, func(a, b store.FAQ) bool {
		return a.ID == b.ID && a.Answer == b.Answer && slices.Equal(a.Questions, b.Questions)
	}) {
		t.Errorf("FAQs() = %+v, want %+v (by id, the update applied)", got, want)
	}
}

func testQuestionsKept(t *testing.T, open Opener) {
	e := newEnv(t, open)
	at := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	qs := []store.Question{
		{UserID: "U1", Text: "ペットは連れて行けますか", Kind: "unanswered", AskedAt: at.Add(time.Minute)},
		{UserID: "U2", Text: "人と話したい", Kind: "staff", AskedAt: at},
	}
	for _, q := range qs {
		if err := e.s.RecordQuestion(e.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	got, err := e.s.AllQuestions(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Text != qs[1].Text || !got[0].AskedAt.Equal(at) || got[1].Kind != "unanswered" || got[1].UserID != "U1" {
		t.Errorf("AllQuestions() = %+v, want both, oldest first", got)
	}
}

func testQuestionsErased(t *testing.T, open Opener) {
	e := newEnv(t, open)
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []store.Question{
		{UserID: "U1", Text: "消してほしい人の質問", Kind: "unanswered", AskedAt: old.AddDate(0, 6, 0)},
		{UserID: "U2", Text: "古い質問", Kind: "unanswered", AskedAt: old},
		{UserID: "U2", Text: "新しい質問", Kind: "staff", AskedAt: old.AddDate(0, 6, 0)},
	} {
		if err := e.s.RecordQuestion(e.ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.DeleteUserData(e.ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.PurgeBefore(e.ctx, old.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.AllQuestions(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != "新しい質問" {
		t.Errorf("after the deletion of U1 and a purge: %+v, want only U2's recent question", got)
	}
}
