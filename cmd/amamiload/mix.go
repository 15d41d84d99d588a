package main

import (
	"fmt"
	"slices"
)

// A walk is what one simulated user types, in order, to get one thing done.
// The labels are the ones flows/testdata shows; typed labels work like the
// buttons.
type walk []string

var (
	menuWalk = walk{"メニュー"}
	// seminarWalk signs up for the first seminar at the venue (the imported
	// seminars have seats enough for every walk).
	seminarWalk = walk{"セミナー申込", "1", "会場で参加", "同意する", "山田 太郎", "山田商店", "確定する"}
	// problems are business problems an owner might send; each gets a
	// ranked list of professionals from the pool.
	problems = []string{
		"グーグルマップで店が出てこないし、インスタのフォロワーも増えない",
		"後継ぎがいなくて、店をどうするか悩んでいます",
		"特産品をネットで売りたいが、やり方がわからない",
		"観光客向けの体験ツアーを作りたい",
		"人手が足りず、求人を出しても応募が来ない",
		"黒糖焼酎の新しい販路を首都圏で開拓したい",
		"補助金の申請書の書き方を相談したい",
		"パッケージを新しくして土産物の売上を伸ばしたい",
	}
)

// problemWalk consults on the n-th problem and goes back to the menu.
func problemWalk(n int) walk {
	return walk{"相談する", problems[n%len(problems)], "メニュー"}
}

// mixes are the message mixes --mix accepts.
var mixes = []string{"menu", "seminar", "problem", "mixed"}

// walkFor returns the n-th walk of user slot in mix: mixed rotates the
// kinds across users and walks.
func walkFor(mix string, slot, n int) walk {
	switch mix {
	case "menu":
		return menuWalk
	case "seminar":
		return seminarWalk
	case "problem":
		return problemWalk(slot + n)
	}
	switch (slot + n) % 3 {
	case 0:
		return menuWalk
	case 1:
		return seminarWalk
	default:
		return problemWalk(slot + n)
	}
}

// A user is a simulated LINE user slot: it goes through its walks one
// message at a time, as a new LINE user for each walk so that every walk
// starts from a fresh conversation (a sign-up needs someone not signed up).
type user struct {
	slot int
	mix  string
	n    int // walks begun
	step int // next message of the current walk
	cur  walk
}

// next returns the LINE user id (given by id for the slot and walk) and the
// text of the user's next message.
func (u *user) next(id func(slot, walk int) string) (string, string) {
	if u.cur == nil || u.step == len(u.cur) {
		u.cur, u.step = walkFor(u.mix, u.slot, u.n), 0
		u.n++
	}
	text := u.cur[u.step]
	u.step++
	return id(u.slot, u.n-1), text
}

func checkMix(mix string) error {
	if slices.Contains(mixes, mix) {
		return nil
	}
	return fmt.Errorf("--mix %q: use one of %v", mix, mixes)
}
