package slack

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/store"
)

// Every Japanese text staff see in Slack, in one place for review. Texts
// with %s take values already escaped for mrkdwn (see esc).

// The introduction alert.
const (
	alertHeader     = "紹介依頼 #%d"
	alertFallback   = "新しい紹介依頼: %s → %s" // notification text: company → professional
	labelCompany    = "事業者"
	labelContact    = "連絡先"
	labelProblem    = "お困りごと"
	labelCategory   = "分野"
	labelTalent     = "専門家"
	labelReasons    = "おすすめの理由"
	alertReceived   = "受付: %s"
	buttonApprove   = "承認"
	buttonDecline   = "見送り"
	talentMissing   = "%s（人材プールに見つかりません）"
	notRegistered   = "（未登録）"
	outcomeApproved = "承認済み: %sさん（%s）"
	outcomeDeclined = "見送り済み: %sさん（%s）"
	outcomeFallback = "紹介依頼 #%d: %s"
	categoryNone    = "（判定なし）"
)

// Answers to a click on 承認 or 見送り.
const (
	alreadyApproved = "%sさんが承認済みです（%s）。"
	alreadyDeclined = "%sさんが見送り済みです（%s）。"
	requestGone     = "この紹介依頼は見つかりませんでした。取り消されたか、削除された可能性があります。"
	decideFailed    = "記録できませんでした。少し時間をおいて、もう一度ボタンを押してください。"
)

// The booking notice.
const (
	noticeBooked    = "個別相談の予約が入りました"
	noticeCancelled = "個別相談の予約が取り消されました"
	labelWhen       = "日時"
	labelMode       = "形式"
	labelHost       = "担当"
	labelIntro      = "紹介依頼"
	introNone       = "なし（メニューから予約）"
	modeVenue       = "会場"
	modeOnline      = "オンライン"
)

// The /amami command.
const (
	usage = "*`/amami` の使い方*\n" +
		"`/amami seminars` 今後のセミナーと空き席\n" +
		"`/amami roster セミナーID` セミナーの参加者名簿\n" +
		"`/amami requests` 承認待ちの紹介依頼\n" +
		"`/amami bookings` 今後の個別相談の予約\n" +
		"`/amami handoffs` 対応中・対応待ちのスタッフ対応と経過時間\n" +
		"`/amami questions` ボットが答えられなかった質問とスタッフへの依頼（FAQ に足すときは `amamibot export questions` と `amamibot import faq`）\n" +
		"`/amami export registrations [セミナーID]`（bookings・matches・questions も）CSV をこのチャンネルに投稿\n" +
		"`/amami announce` LINE の友だちにお知らせを送る（届け先・本文を入れ、人数と見た目を確かめてから送信）\n" +
		"`/amami checkin セミナーID` 出席簿（来た人の「出席」を押す。翌日のお礼と「次回のご案内」の送り分けに使います）\n" +
		"`/amami report` 月ごとの数字（紹介依頼から始まった仕事まで、セミナーの出欠、フォローへの回答）"
	refusedTeam    = "申し訳ありません。amamibot は導入したワークスペースでのみお使いいただけます。"
	refusedChannel = "申し訳ありません。amamibot の操作はスタッフ用チャンネル <#%s> でお願いします。"
	commandFailed  = "読み込めませんでした。少し時間をおいて、もう一度お試しください。"
	truncated      = "…ほか%d件"

	exportUsage  = "書き出す記録を指定してください: `/amami export registrations [セミナーID]`、`bookings`、`matches`、`questions`"
	exportPosted = "%s（%d件）の CSV をこのチャンネルに投稿しました。Excel でそのまま開けます。"
	exportFailed = "CSV を投稿できませんでした。アプリに `files:write` の権限があるか確かめて、もう一度お試しください。"
	fileQueued   = "作成しています。できあがったら、このチャンネルに投稿してお知らせします。"

	seminarsHeader = "*今後のセミナー*（%d件）"
	seminarsNone   = "予定されているセミナーはありません。"
	seminarLine    = "• %s %s\n　ID: `%s`　%s"
	seatsLine      = "会場 %d/%d席（残り%d席）"
	seatsFull      = "会場 %d/%d席（満席）"
	onlineOpen     = "オンライン参加可"

	rosterNoID     = "セミナーIDを指定してください。例: `/amami roster セミナーID`（IDは `/amami seminars` で確認できます）"
	rosterNotFound = "セミナー「%s」が見つかりません。IDは `/amami seminars` で確認できます。"
	rosterHeader   = "*%s*（%s）の参加者"
	rosterVenue    = "*会場*（%d/%d席）"
	rosterOnline   = "*オンライン*（%d名）"
	rosterWaitlist = "*キャンセル待ち*（%d名）"
	rosterNone     = "まだ申し込みはありません。"
	rosterEntry    = "%d. %s（%s）"
	rosterNoCo     = "%d. %s"
	rosterOffered  = "%s — 席をご案内中（%s まで）"
	rosterCanceled = "キャンセル済み: %d件"

	requestsHeader = "*承認待ちの紹介依頼*（%d件）"
	requestsNone   = "承認待ちの紹介依頼はありません。"
	requestLine    = "• #%d %s → %s（%s）　%s 受付"

	questionsHeader = "*ボットが答えられなかった質問・スタッフへの依頼*（新しい順に%d件）"
	questionsNone   = "答えられなかった質問やスタッフへの依頼はありません。"
	questionLine    = "• %s　%s　%s"
	questionStaff   = "【スタッフ希望】"
	questionOpen    = "【未回答】"

	bookingsHeader = "*今後の個別相談*（%d件）"
	bookingsNone   = "今後の個別相談の予約はありません。"
	bookingLine    = "• %s　%s　担当: %s\n　%s　連絡先: %s"
)

// when shows a moment as 「11月24日 15:04」.
func when(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), t.Format("15:04"))
}

// outcome is a decided request's line: 「承認済み: 〇〇さん（11月24日 15:04）」.
func outcome(in store.Introduction, loc *time.Location) string {
	f := outcomeApproved
	if in.Status == store.Declined {
		f = outcomeDeclined
	}
	return fmt.Sprintf(f, esc(in.DecidedBy), when(in.DecidedAt, loc))
}

// alreadyDecided answers a click that came too late.
func alreadyDecided(in store.Introduction, loc *time.Location) string {
	f := alreadyApproved
	if in.Status == store.Declined {
		f = alreadyDeclined
	}
	return fmt.Sprintf(f, esc(in.DecidedBy), when(in.DecidedAt, loc))
}

func modeLabel(m store.ConsultMode) string {
	if m == store.ConsultOnline {
		return modeOnline
	}
	return modeVenue
}

// orUnknown stands in for a detail the owner has not given.
func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return notRegistered
	}
	return s
}

// esc escapes text for mrkdwn: Slack reads &, < and > as markup.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func esc(s string) string { return escaper.Replace(s) }

// clip escapes s for mrkdwn and shortens it to at most n characters as
// sent (Slack's limits count the escapes), ending it with 「…」 when cut.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if e := esc(s); utf8.RuneCountInString(e) <= n {
		return e
	}
	var b strings.Builder
	count := 0
	for _, r := range s {
		e := esc(string(r))
		if count += utf8.RuneCountInString(e); count > n-1 {
			break
		}
		b.WriteString(e)
	}
	return strings.TrimSpace(b.String()) + "…"
}

// A hand-off: a LINE user talking to staff, who answer in the alert's thread.
const (
	handoffHeader      = "スタッフ対応の依頼 #%d"
	handoffFallback    = "スタッフ対応の依頼: %s"
	labelDisplayName   = "LINEの表示名"
	labelRegistrations = "セミナーの申込"
	labelRequests      = "紹介依頼"
	labelBookings      = "個別相談の予約"
	labelRecent        = "直近のメッセージ（古い順）"
	handoffNone        = "なし"
	handoffHowTo       = "このスレッドへの返信は、LINEでご本人に届きます。`//` で始まる返信はスタッフ間のメモとして、届きません。"
	handoffOpened      = "受付: %s"
	buttonClaim        = "対応する"
	buttonEnd          = "終了"
	handoffClaimed     = "対応中: %sさん"
	handoffEndedStaff  = "終了しました（%sさんが終了、%s）"
	handoffEndedUser   = "終了しました（ご本人がボットに戻りました、%s）"
	handoffEndedIdle   = "終了しました（やりとりがないまま時間がたちました、%s）"
	handoffUserSays    = "*ご本人:* %s"
	handoffUserSent    = "_ご本人が%sを送りました_"
	handoffBlocked     = ":warning: LINEで届けられませんでした。ご本人がアカウントをブロックしている可能性があります。"
	handoffIsClosed    = "この対応は終了しています。返信はご本人に届きません。"
	alreadyClaimed     = "%sさんが対応中です。"
	handoffGone        = "この対応は見つかりませんでした。ご本人がデータを削除した可能性があります。"
	handoffAgeLine     = "• #%d %s　%s　%s前から"
	handoffsHeader     = "*対応中・対応待ちのスタッフ対応*（%d件）"
	handoffsNone       = "対応中・対応待ちのスタッフ対応はありません。"
	handoffWaiting     = "対応待ち"
	handoffNoName      = "（表示名不明）"
)

// mediaNames name what a user sent besides text, as LINE calls it.
var mediaNames = map[string]string{
	"sticker": "スタンプ", "image": "画像", "video": "動画", "audio": "音声", "file": "ファイル", "location": "位置情報",
	"button": "ボタン操作",
}

// exportTitles name the exports of /amami export, for the file and the answer.
var exportTitles = map[string]string{
	"registrations": "セミナー申込者", "bookings": "個別相談の予約", "matches": "紹介依頼", "questions": "答えられなかった質問",
}
