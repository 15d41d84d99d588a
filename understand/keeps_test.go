package understand

import "testing"

func TestKeepsAsIs(t *testing.T) {
	for text, want := range map[string]bool{
		"3日の相談はキャンセルしません":             true,
		"3日の相談、キャンセルせんでよかです":          true,
		"相談の予約をキャンセルしようと思ったけどやめました":   true,
		"相談の予約はキャンセルしないでください":         true,
		"データは消さないでください":               true,
		"データ削除はしません":                  true,
		"11日の取り消しはまだしないでおきます":         true,
		"配信停止はまだいいです":                 true,
		"お知らせは止めないで":                  true,
		"取り消さんで":                      true,
		"取り消したくないです":                  true,
		"個別相談の予約はそのままでお願いします":         true,
		"行けなくなったので取り消してください":          false,
		"11日のセミナーに参加できなくなりました":        false,
		"キャンセルお願いします":                 false,
		"データを全部消してください":               false,
		"予約を取り消したい":                   false,
		"急用ができて3日は行けんごとなった":           false,
		"個別相談やめます":                    false,
		"11日のセミナー、キャンセルしないといけなくなりました": false,
		"データを消さないと不安なので削除してください":      false,
	} {
		if got := KeepsAsIs(text); got != want {
			t.Errorf("KeepsAsIs(%q) = %v, want %v", text, got, want)
		}
	}
}
