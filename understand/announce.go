package understand

// What a message asks of announcements.
const (
	AnnounceSettings Intent = "announce_settings" // お知らせ設定 / セミナーのお知らせがほしい
	AnnounceStop     Intent = "announce_stop"     // 配信停止 / お知らせはもういりません
)

func init() { knownIntents = append(knownIntents, AnnounceSettings, AnnounceStop) }
