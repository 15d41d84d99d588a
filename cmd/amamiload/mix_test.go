package main

import (
	"fmt"
	"slices"
	"testing"
)

func TestSeminarUsersStartEachSignUpAsNewUsers(t *testing.T) {
	u := &user{slot: 3, mix: "seminar"}
	id := func(slot, walk int) string { return fmt.Sprintf("%d/%d", slot, walk) }
	var texts, ids []string
	for range 2 * len(seminarWalk) {
		who, text := u.next(id)
		ids, texts = append(ids, who), append(texts, text)
	}
	if !slices.Equal(texts[:len(seminarWalk)], seminarWalk) || !slices.Equal(texts[len(seminarWalk):], seminarWalk) {
		t.Errorf("texts = %q, want the sign-up walk twice", texts)
	}
	if ids[0] != "3/0" || ids[len(seminarWalk)-1] != "3/0" || ids[len(seminarWalk)] != "3/1" {
		t.Errorf("ids = %q, want walk 0's messages from 3/0 and walk 1's from 3/1", ids)
	}
}

func TestMixedMixRotatesKinds(t *testing.T) {
	kinds := map[string]bool{}
	for n := range 3 {
		kinds[walkFor("mixed", 0, n)[0]] = true
	}
	for _, first := range []string{"メニュー", "セミナー申込", "相談する"} {
		if !kinds[first] {
			t.Errorf("three walks of the mixed mix do not include the one starting with %q: %v", first, kinds)
		}
	}
}
