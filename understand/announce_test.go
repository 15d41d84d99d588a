package understand

import "testing"

// The words of stopping are also in sentences that keep the announcements,
// ask about stopping or complain; only a request stops them.
func TestReadStop(t *testing.T) {
	for _, tc := range []struct {
		text string
		want StopMeant
	}{
		{"配信停止", StopAll},
		{"お知らせはもういりません", StopAll},
		{"通知はもういらないので止めてください", StopAll},
		{"お知らせを止めてもらえませんか", StopAll},
		{"しばらくお知らせを止めたい", StopAll},
		{"セミナーのお知らせだけ止めたい", StopAll},
		{"お知らせがうるさいので止めて", StopAll},
		{"配信停止でいいです", StopAll},
		{"配信停止しないでください", StopKept},
		{"お知らせは止めないで", StopKept},
		{"配信停止はまだいいです", StopKept},
		{"配信停止は不要です", StopKept},
		{"配信停止ってなんですか", StopAsked},
		{"配信停止するとセミナーの案内も来なくなりますか", StopAsked},
		{"お知らせを止めるにはどうすればいいですか", StopAsked},
		{"お知らせが多すぎる", StopComplained},
		{"通知がしつこい", StopComplained},
	} {
		if got := ReadStop(tc.text); got != tc.want {
			t.Errorf("ReadStop(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}

func TestSwitched(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Switch
	}{
		{"セミナーをオフにして", Switch{Off: true}},
		{"求人はいらない", Switch{Off: true}},
		{"ツアーもお願いします", Switch{On: true}},
		{"セミナーのお知らせがほしいです", Switch{On: true}},
		{"セミナーだけ", Switch{Only: true}},
		{"観光", Switch{}},
		{"セミナーは止めないで", Switch{Kept: true}},
		{"セミナーのお知らせってなんですか", Switch{Asked: true}},
	} {
		if got := Switched(tc.text); got != tc.want {
			t.Errorf("Switched(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}
