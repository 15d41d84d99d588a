package flows_test

import (
	"strings"
	"testing"

	"github.com/amamibot/amamibot/flows"
	"github.com/amamibot/amamibot/store"
)

// Staff get the reason an announcement cannot go out, in the words they
// would act on.
func TestAnnouncementProblem(t *testing.T) {
	ok := store.Announcement{Topic: store.TopicSeminar, Text: "1月のセミナーの受付を始めました。"}
	with := func(f func(a *store.Announcement)) store.Announcement {
		a := ok
		f(&a)
		return a
	}
	for _, tc := range []struct {
		name string
		a    store.Announcement
		want string // a part of the reason; empty: none
	}{
		{"plain text", ok, ""},
		{"sign-up button", with(func(a *store.Announcement) {
			b := flows.SignUpButton("dx-0115")
			a.ButtonLabel, a.ButtonData = b.Label, b.Data
		}), ""},
		{"link", with(func(a *store.Announcement) {
			a.ButtonLabel, a.ButtonData = "詳しくはこちら", "https://amami.example.jp/tour"
		}), ""},
		{"empty text", with(func(a *store.Announcement) { a.Text = " \n " }), "本文が空です"},
		{"just under LINE's limit", with(func(a *store.Announcement) { a.Text = strings.Repeat("あ", 5000-40) }), ""},
		{"over LINE's limit with the footer", with(func(a *store.Announcement) { a.Text = strings.Repeat("あ", 4990) }), "本文が長すぎます"},
		{"emoji count two", with(func(a *store.Announcement) { a.Text = strings.Repeat("🌺", 2490) }), "本文が長すぎます"},
		{"link not https", with(func(a *store.Announcement) { a.ButtonLabel, a.ButtonData = "詳しく", "ftp://amami.example.jp" }), "https://"},
		{"link without a host", with(func(a *store.Announcement) { a.ButtonLabel, a.ButtonData = "詳しく", "https://" }), "https://"},
		{"link with a space", with(func(a *store.Announcement) { a.ButtonLabel, a.ButtonData = "詳しく", "https://amami.example.jp/a b" }), "https://"},
		{"button label too long", with(func(a *store.Announcement) {
			a.ButtonLabel, a.ButtonData = strings.Repeat("詳", 21), "https://amami.example.jp"
		}), "ボタンの文字"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := flows.AnnouncementProblem(tc.a)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("AnnouncementProblem = %q, want %q", got, tc.want)
			}
		})
	}
}

// A link is written into the text, where LINE makes it tappable; the way
// to stop announcements is under every one.
func TestAnnouncementMessage(t *testing.T) {
	got := flows.Announcement(store.Announcement{Text: "ツアーの参加者を募集しています。", ButtonLabel: "詳しくはこちら", ButtonData: "https://amami.example.jp/tour"})
	want := "ツアーの参加者を募集しています。\n\n詳しくはこちら: https://amami.example.jp/tour\n\n（お知らせの停止は「配信停止」と送ってください）"
	if len(got) != 1 || got[0].Text != want || len(got[0].Choices) != 0 {
		t.Errorf("Announcement = %+v, want one text %q without buttons", got, want)
	}
}
