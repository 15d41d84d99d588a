package flows

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the bot says about announcements: 「お知らせ設定」, 「配信停止」, the
// question after the greeting and the promise of new seminar dates.
const (
	settingsLabel    = "お知らせ設定"
	stopAllLabel     = "配信停止"
	fieldsLabel      = "分野を選ぶ"
	moreFieldsLabel  = "ほかの分野"
	fieldsBackLabel  = "戻る"
	doneLabel        = "完了"
	subscribeLabel   = "お知らせを受け取る"
	onMark           = "✓ "
	settingsText     = "お知らせ設定です。受け取りたいものを押すと、オン・オフが切り替わります。\n%s\n終わったら「完了」を押してください。"
	askTopicsText    = "新しいセミナーや求人・副業案件、ツアーのお知らせを受け取りますか？ 受け取りたいものを押してください（あとで「お知らせ設定」からも変えられます）。\n%s"
	fieldsText       = "お困りごとの分野に合ったお知らせも受け取れます。押すとオン・オフが切り替わります。\n受け取る分野: %s"
	settingsDone     = "お知らせ設定を保存しました。\n%s"
	settingsNone     = "いまはお知らせを受け取らない設定です。"
	receivingText    = "受け取るお知らせ: "
	settingsKeptText = "承知しました。そのままにしています。\n%s\n終わったら「完了」を押してください。"
	tooManyText      = "お知らせが多く、申し訳ありません。受け取りたいものだけを残せます。押すとオン・オフが切り替わります。\n%s\n終わったら「完了」を押してください。"
	stopKeptText     = "承知しました。お知らせの設定は変えていません。受け取るものを選ぶときは「お知らせ設定」と送ってください。"
	stopAboutText    = "「配信停止」と送ると、セミナー・求人・副業案件・ツアーなど、すべてのお知らせが止まります。一部だけ止めたいときは、「お知らせ設定」で一つずつ選べます。"
	topicsOffText    = "%sのお知らせを停止しました。\n%s"
	topicsWereOff    = "%sのお知らせは、いまも受け取らない設定です。"
	topicsOnText     = "承知しました。%sのお知らせをお送りします。\n%s"
	stoppedAllText   = "すべてのお知らせの配信を停止しました。再開するときは「お知らせ設定」と送ってください。"
	nothingOnText    = "いまはお知らせを受け取らない設定です。受け取るときは「お知らせ設定」と送ってください。"
	semNewsOffer     = "現在受付中のセミナーはありません。新しい日程が決まったら、こちらでお知らせしましょうか？"
	semNewsOnText    = "承知しました。新しい日程が決まりましたら、こちらでお知らせします。止めるときは「配信停止」と送ってください。"
	announceFooter   = "（お知らせの停止は「配信停止」と送ってください）"
	fieldsPerPage    = 7
	subscribePrefix  = "sub:" // 「お知らせを受け取る」 of a topic, from any message
	// The settings' buttons work also out of the flow (under the question
	// after the greeting, or once the flow has expired).
	announcePrefix = "announce:"
	topicPrefix    = announcePrefix + "topic:"
	fieldsData     = announcePrefix + "fields"
	moreData       = announcePrefix + "more"
	backData       = announcePrefix + "back"
	doneData       = announcePrefix + "done"
)

// Unfollow: the user blocked the account; nothing can be sent to them.
const Unfollow InputKind = "unfollow"

// topicNames name the topics a user can pick besides the business fields.
var topicNames = []struct{ topic, label string }{
	{store.TopicSeminar, "セミナー"},
	{store.TopicJobs, "求人・副業案件"},
	{store.TopicTours, "ツアー・現地交流"},
}

// TopicLabel names a topic for people: 「セミナー」, 「観光」.
func TopicLabel(topic string) string {
	if code, ok := store.FieldOf(topic); ok {
		return match.CategoryLabel(code)
	}
	for _, n := range topicNames {
		if n.topic == topic {
			return n.label
		}
	}
	return topic
}

// TopicOf reads a topic as staff write it: its code (seminar, field:tourism)
// or its label (セミナー, 観光).
func TopicOf(s string) (string, bool) {
	s = normalize(s)
	for _, n := range topicNames {
		if s == n.topic || s == normalize(n.label) {
			return n.topic, true
		}
	}
	for _, code := range match.Categories() {
		if s == store.FieldTopic(code) || s == code || s == normalize(match.CategoryLabel(code)) {
			return store.FieldTopic(code), true
		}
	}
	return "", false
}

// Announcement is the message an announcement sends, with the way to stop
// them under it. A link is written into the text (LINE makes it tappable);
// a seminar's sign-up is a button.
func Announcement(a store.Announcement) []Reply {
	text := a.Text
	if isLink(a.ButtonData) {
		text += "\n\n" + a.ButtonLabel + ": " + a.ButtonData
	}
	r := Reply{Text: text + "\n\n" + announceFooter}
	if a.ButtonData != "" && !isLink(a.ButtonData) {
		r.Choices = []Choice{{Label: a.ButtonLabel, Data: a.ButtonData}}
	}
	return []Reply{r}
}

// SignUpButton is the button of an announcement that opens a seminar's
// sign-up.
func SignUpButton(seminarID string) Choice {
	return Choice{Label: semApplyButton, Data: seminarPrefix + seminarID}
}

func isLink(data string) bool {
	return strings.HasPrefix(data, "https://") || strings.HasPrefix(data, "http://")
}

// LINE's limits an announcement must fit (the text message's 5,000 UTF-16
// units, the button's 20 characters), and a link's length.
const (
	maxAnnounceUnits = 5000
	maxButtonLabel   = 20
	maxLink          = 1000
)

// AnnouncementProblem says, for staff, what keeps an announcement from
// being sent: an empty text, a text or button over LINE's limits, a link
// that is not a web address. Empty: none.
func AnnouncementProblem(a store.Announcement) string {
	if strings.TrimSpace(a.Text) == "" {
		return "本文が空です。お知らせする内容を入力してください。"
	}
	if !utf8.ValidString(a.Text) || strings.ContainsRune(a.Text, 0) {
		return "本文に使えない文字が含まれています。"
	}
	if n := utf16Units(Announcement(a)[0].Text); n > maxAnnounceUnits {
		return fmt.Sprintf("本文が長すぎます（LINEの上限%d文字を%d文字超えています。リンクと配信停止の案内を含みます）。", maxAnnounceUnits, n-maxAnnounceUnits)
	}
	if a.ButtonData == "" {
		return ""
	}
	if l := utf8.RuneCountInString(a.ButtonLabel); l == 0 || l > maxButtonLabel {
		return fmt.Sprintf("ボタンの文字は1〜%d文字にしてください。", maxButtonLabel)
	}
	if isLink(a.ButtonData) || !strings.HasPrefix(a.ButtonData, seminarPrefix) {
		u, err := url.Parse(a.ButtonData)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(a.ButtonData) > maxLink || strings.ContainsAny(a.ButtonData, " \n\t") {
			return "リンクは https:// で始まるURLにしてください。"
		}
	}
	return ""
}

// utf16Units counts s as LINE does: a character outside the BMP counts two.
func utf16Units(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// AnnounceStore is what the announcement settings read and commit.
type AnnounceStore interface {
	Subscription(ctx context.Context, userID string) (store.Subscription, error)
	SetTopics(ctx context.Context, userID string, topics []string, now time.Time) error
	MarkAsked(ctx context.Context, userID string, now time.Time) (first bool, err error)
	SetBlocked(ctx context.Context, userID string, blocked bool) error
}

var announceSteps = map[string]stepFunc{
	"settings": settingsTap,
	"fields":   settingsTap,
}

// announceTap handles a settings button tapped out of the flow.
func announceTap(t *turn, data string) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(menuText), nil
	}
	t.next = Session{Flow: "announce"}
	return settingsAction(t, data, 0)
}

// followed greets a new (or returning) friend and, the first time only,
// asks what they want to hear about.
func (t *turn) followed(greeting []Reply) ([]Reply, error) {
	t.next = Session{}
	if t.bot.Announce == nil {
		return greeting, nil
	}
	if err := t.bot.Announce.SetBlocked(t.ctx, t.UserID, false); err != nil {
		return nil, err
	}
	first, err := t.bot.Announce.MarkAsked(t.ctx, t.UserID, t.Now)
	if err != nil || !first {
		return greeting, err
	}
	asked, err := showSettings(t, askTopicsText)
	// The question leaves the user free: its buttons work out of any flow,
	// the menu's are offered with them (LINE shows the last message's
	// only), and whatever else they send is read as usual.
	t.next = Session{}
	asked[0].Choices = append(slices.DeleteFunc(asked[0].Choices, func(c Choice) bool {
		return c.Data == cancelLabel || c.Data == doneData
	}), menuChoices...)
	return append(greeting, asked...), err
}

// unfollowed records that the user blocked the account: announcements skip
// them until they come back.
func (t *turn) unfollowed() ([]Reply, error) {
	t.next = Session{}
	if t.bot.Announce == nil {
		return nil, nil
	}
	return nil, t.bot.Announce.SetBlocked(t.ctx, t.UserID, true)
}

// topics returns the user's topics.
func (t *turn) topics() ([]string, error) {
	sub, err := t.bot.Announce.Subscription(t.ctx, t.UserID)
	return sub.Topics, err
}

func startSettings(t *turn) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(menuText), nil
	}
	return showSettings(t, settingsText)
}

// showSettings shows the topics, on or off, as buttons that toggle them.
func showSettings(t *turn, text string) ([]Reply, error) {
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, n := range topicNames {
		mark := "○ "
		if slices.Contains(topics, n.topic) {
			mark = "● "
		}
		lines = append(lines, mark+n.label)
	}
	lines = append(lines, "分野: "+fieldList(topics))
	shown, offered := settingsChoices(topics)
	r := Reply{Text: fmt.Sprintf(text, strings.Join(lines, "\n")), Choices: shown}
	return t.ask("settings", r, offered...), nil
}

// settingsChoices are the buttons of the settings as shown, ✓ on the
// topics that are on, and as offered, for their typed labels.
func settingsChoices(topics []string) (shown, offered []Choice) {
	for _, n := range topicNames {
		shown = append(shown, toggleChoice(n.label, n.topic, slices.Contains(topics, n.topic)))
		offered = append(offered, Choice{Label: n.label, Data: topicPrefix + n.topic})
	}
	rest := []Choice{{Label: fieldsLabel, Data: fieldsData}}
	if len(topics) > 0 {
		rest = append(rest, Choice{Label: stopAllLabel, Data: stopAllLabel})
	}
	rest = append(rest, Choice{Label: doneLabel, Data: doneData})
	return append(shown, rest...), append(offered, rest...)
}

// toggleChoice is a topic's button, marked when the topic is on.
func toggleChoice(label, topic string, on bool) Choice {
	if on {
		label = onMark + label
	}
	return Choice{Label: label, Data: topicPrefix + topic}
}

// fieldList names the business fields among topics, in the order of the
// buttons: 「観光、IT・デジタル化」.
func fieldList(topics []string) string {
	var names []string
	for _, code := range match.Categories() {
		if slices.Contains(topics, store.FieldTopic(code)) {
			names = append(names, match.CategoryLabel(code))
		}
	}
	if len(names) == 0 {
		return "なし"
	}
	return strings.Join(names, "、")
}

// settingsTap handles a tap on the settings or a page of fields: a topic
// on or off, another page, back, 完了. Typed, it takes topics named in a
// sentence (「セミナーをオフにして」「ツアーもお願いします」) and the end of the
// settings in other words than 完了 (「これでいいです」「終わり」): every
// change is saved as it is made, so ending saves, it cancels nothing.
func settingsTap(t *turn) ([]Reply, error) {
	page, _ := strconv.Atoi(t.next.Data["page"])
	if data, ok := t.selection(); ok {
		return settingsAction(t, data, page)
	}
	if t.Input.Kind == Text {
		named := namedTopics(t.Input.Text)
		sw := understand.Switched(t.Input.Text)
		switch {
		case len(named) > 0 && !sw.Kept && !sw.Asked && !excepts(t.Input.Text):
			if err := t.switchTopics(named, sw); err != nil {
				return nil, err
			}
			if t.saysDone(false) {
				return settingsSaved(t) // 「セミナーもお願いします。以上です」
			}
			if t.next.Step == "fields" && !slices.ContainsFunc(named, isTopicName) {
				// The page of the field named: 「事業承継もお願いします」 on the first.
				field, _ := store.FieldOf(named[0])
				return showFields(t, slices.Index(match.Categories(), field)/fieldsPerPage)
			}
			return showSettings(t, settingsText)
		case len(named) == 0 && t.saysDone(true):
			return settingsSaved(t)
		case len(named) > 0 && sw.Kept:
			// 「セミナーは止めないで」: no change, and no stop of the
			// settings either.
			return showSettings(t, settingsKeptText)
		}
	}
	replies, err := t.offStep(t.next.Asked)
	if err != nil {
		return nil, err
	}
	return t.marked(replies, page)
}

// isTopicName reports whether topic is one of topicNames, not a field.
func isTopicName(topic string) bool {
	return slices.ContainsFunc(topicNames, func(n struct{ topic, label string }) bool { return n.topic == topic })
}

// saysDone reports whether the text ends the settings: 「完了です」
// 「これでいいです」「以上です」「終わり」, not asked (「終わりですか」); alone, a
// yes or a stop also ends them (「はい」「やめます」), but not one that
// asks for a topic (「ツアーもお願いします」).
func (t *turn) saysDone(alone bool) bool {
	s := strings.ToLower(normalize(t.Input.Text))
	if understand.IsQuestion(s) {
		return false
	}
	words := containsAny(s, doneWords...)
	return words && !understand.Hedges(s) || alone && (t.says(understand.Stop) || t.saysYesAlone())
}

var doneWords = []string{"完了", "終わり", "おわり", "終了", "これでいい", "これで大丈夫", "これでok", "それでいい",
	"それで大丈夫", "このままで", "今のままで", "そのままで", "以上", "保存", "大丈夫"}

// marked gives the re-prompt or aside of a settings step the buttons as
// the step shows them, ✓ on the topics that are on.
func (t *turn) marked(replies []Reply, page int) ([]Reply, error) {
	if t.next.Flow != "announce" || len(replies) == 0 {
		return replies, nil
	}
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	var shown []Choice
	switch t.next.Step {
	case "settings":
		shown, _ = settingsChoices(topics)
	case "fields":
		shown, _ = fieldChoices(topics, page)
	default:
		return replies, nil
	}
	replies[len(replies)-1].Choices = append(shown, Choice{Label: cancelLabel, Data: cancelLabel})
	return replies, nil
}

// switchTopics turns the topics named on, off, on alone (「セミナーだけ」),
// or each the other way when the text says neither (「観光」).
func (t *turn) switchTopics(named []string, sw understand.Switch) error {
	topics, err := t.topics()
	if err != nil {
		return err
	}
	switch {
	case sw.Off:
		topics = slices.DeleteFunc(topics, func(topic string) bool { return slices.Contains(named, topic) })
	case sw.Only:
		topics = slices.Clone(named)
	case sw.On:
		for _, topic := range named {
			if !slices.Contains(topics, topic) {
				topics = append(topics, topic)
			}
		}
	default:
		for _, topic := range named {
			if i := slices.Index(topics, topic); i >= 0 {
				topics = slices.Delete(topics, i, i+1)
			} else {
				topics = append(topics, topic)
			}
		}
	}
	return t.bot.Announce.SetTopics(t.ctx, t.UserID, topics, t.Now)
}

// topicWords are the words people name the topics by, besides their
// labels; a business field is named by a part of its label (観光, 補助金).
var topicWords = []struct {
	topic string
	words []string
}{
	{store.TopicSeminar, []string{"セミナー", "勉強会", "講座"}},
	{store.TopicJobs, []string{"求人", "副業", "案件"}},
	{store.TopicTours, []string{"ツアー", "現地交流"}},
}

// excepts reports whether the text names topics to leave out of what it
// asks (「セミナー以外」「求人を除いて」), which namedTopics does not tell.
func excepts(text string) bool {
	s := normalize(text)
	return containsAny(s, "以外", "除", "のぞ", "ほかは", "他は", "外は")
}

// namedTopics returns the topics the text names, in the order of the
// settings.
func namedTopics(text string) []string {
	s := strings.ToLower(normalize(text))
	var topics []string
	for _, tw := range topicWords {
		if containsAny(s, tw.words...) {
			topics = append(topics, tw.topic)
		}
	}
	for _, code := range match.Categories() {
		parts := strings.Split(strings.ToLower(match.CategoryLabel(code)), "・")
		if containsAny(s, parts...) {
			topics = append(topics, store.FieldTopic(code))
		}
	}
	return topics
}

// settingsAction does what a settings button says.
func settingsAction(t *turn, data string, page int) ([]Reply, error) {
	switch {
	case data == fieldsData:
		return showFields(t, 0)
	case data == moreData:
		return showFields(t, page+1)
	case data == backData:
		return showSettings(t, settingsText)
	case data == doneData:
		return settingsSaved(t)
	case strings.HasPrefix(data, topicPrefix):
		topic := strings.TrimPrefix(data, topicPrefix)
		if err := t.toggle(topic); err != nil {
			return nil, err
		}
		if _, isField := store.FieldOf(topic); isField {
			return showFields(t, page)
		}
		return showSettings(t, settingsText)
	}
	return t.reprompt(t.next.Asked), nil
}

// toggle turns a topic on if it is off, off if it is on.
func (t *turn) toggle(topic string) error {
	topics, err := t.topics()
	if err != nil {
		return err
	}
	if i := slices.Index(topics, topic); i >= 0 {
		topics = slices.Delete(topics, i, i+1)
	} else {
		topics = append(topics, topic)
	}
	return t.bot.Announce.SetTopics(t.ctx, t.UserID, topics, t.Now)
}

// showFields shows one page of the business fields as toggles.
func showFields(t *turn, page int) ([]Reply, error) {
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	pages := (len(match.Categories()) + fieldsPerPage - 1) / fieldsPerPage
	page %= pages
	t.set("page", strconv.Itoa(page))
	shown, offered := fieldChoices(topics, page)
	r := Reply{Text: fmt.Sprintf(fieldsText, fieldList(topics)), Choices: shown}
	return t.ask("fields", r, offered...), nil
}

// fieldChoices are the buttons of a page of fields as shown, ✓ on the
// fields that are on, and as offered.
func fieldChoices(topics []string, page int) (shown, offered []Choice) {
	codes := match.Categories()
	for _, code := range codes[page*fieldsPerPage : min(len(codes), (page+1)*fieldsPerPage)] {
		topic := store.FieldTopic(code)
		shown = append(shown, toggleChoice(match.CategoryLabel(code), topic, slices.Contains(topics, topic)))
		offered = append(offered, Choice{Label: match.CategoryLabel(code), Data: topicPrefix + topic})
	}
	rest := []Choice{{Label: moreFieldsLabel, Data: moreData}, {Label: fieldsBackLabel, Data: backData}, {Label: doneLabel, Data: doneData}}
	return append(shown, rest...), append(offered, rest...)
}

// settingsSaved ends the settings with what the user will hear about.
func settingsSaved(t *turn) ([]Reply, error) {
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	return t.menu(fmt.Sprintf(settingsDone, receiving(topics))), nil
}

// receiving says what the user hears about: 「受け取るお知らせ: セミナー、観光」.
func receiving(topics []string) string {
	if len(topics) == 0 {
		return settingsNone
	}
	var names []string
	for _, n := range topicNames {
		if slices.Contains(topics, n.topic) {
			names = append(names, n.label)
		}
	}
	if fields := fieldList(topics); len(names) < len(topics) {
		names = append(names, fields)
	}
	return receivingText + strings.Join(names, "、")
}

// topicLabels names topics for people: 「セミナー、観光」.
func topicLabels(topics []string) string {
	names := make([]string, len(topics))
	for i, topic := range topics {
		names[i] = TopicLabel(topic)
	}
	return strings.Join(names, "、")
}

// typedStop answers a sentence that reads as a stop. The words of
// stopping are also in sentences that stop nothing: negated or put off
// (「配信停止しないでください」), asked about (「配信停止ってなんですか」), a
// complaint (「お知らせが多すぎる」, shown the settings); and a sentence
// that names topics stops those alone (「求人のお知らせはいらない」).
func typedStop(t *turn, text string) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(menuText), nil
	}
	s := normalize(text)
	switch {
	case containsAny(s, customersWords...):
		// 「LINEの配信を止めたいお客さんが多い」「メルマガの配信停止が増えて
		// 困っている」: the owner's own customers, a problem.
		return suggest(t, text)
	case containsAny(s, resumeWords...):
		// 「配信停止を解除したい」「やっぱり戻したい」: the settings, to turn on.
		return showSettings(t, settingsText)
	}
	switch understand.ReadStop(text) {
	case understand.StopAsked:
		return t.withSettings(stopAboutText), nil
	case understand.StopKept:
		return t.withSettings(stopKeptText), nil
	case understand.StopComplained:
		return showSettings(t, tooManyText)
	}
	all := containsAny(s, "全部", "すべて", "全て", "一切", "何も")
	switch named := namedTopics(text); {
	case len(named) > 0 && excepts(text):
		// 「セミナー以外は止めて」: the settings, to choose.
		return showSettings(t, settingsText)
	case len(named) > 0 && !all:
		return stopTopics(t, named)
	}
	return stopAll(t)
}

var (
	// customersWords speak of the owner's customers or mailings.
	customersWords = []string{"お客", "顧客", "メルマガ", "会員", "読者", "登録者", "フォロワー"}
	// resumeWords undo a stop.
	resumeWords = []string{"解除", "再開", "戻したい", "戻して", "元に戻", "やっぱり受け取", "また受け取"}
)

// withSettings is the menu under text, with 「お知らせ設定」 first.
func (t *turn) withSettings(text string) []Reply {
	replies := t.menu(text)
	replies[0].Choices = append([]Choice{{Label: settingsLabel, Data: settingsLabel}}, menuChoices...)
	return replies
}

// stopTopics turns off the topics named and says what is still sent.
func stopTopics(t *turn, named []string) ([]Reply, error) {
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(named, func(topic string) bool { return slices.Contains(topics, topic) }) {
		text := fmt.Sprintf(topicsWereOff, topicLabels(named))
		if len(topics) > 0 {
			text += "\n" + receiving(topics)
		}
		return t.menu(text), nil
	}
	topics = slices.DeleteFunc(topics, func(topic string) bool { return slices.Contains(named, topic) })
	if err := t.bot.Announce.SetTopics(t.ctx, t.UserID, topics, t.Now); err != nil {
		return nil, err
	}
	return t.menu(fmt.Sprintf(topicsOffText, topicLabels(named), receiving(topics))), nil
}

// typedSettings answers a sentence that reads as the settings: one that
// asks for topics by name (「セミナーのお知らせをお願いします」) turns them
// on; any other opens the settings.
func typedSettings(t *turn, text string) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(menuText), nil
	}
	named, sw := namedTopics(text), understand.Switched(text)
	s := normalize(text)
	// 「セミナーのお知らせの設定を変えたい」 is for the settings.
	changes := containsAny(s, "設定", "変え", "変更", "選")
	if len(named) == 0 || !sw.On || changes {
		return startSettings(t)
	}
	if err := t.switchTopics(named, sw); err != nil {
		return nil, err
	}
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	return t.menu(fmt.Sprintf(topicsOnText, topicLabels(named), receiving(topics))), nil
}

// stopAll stops every announcement at once: 「配信停止」.
func stopAll(t *turn) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(menuText), nil
	}
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	if len(topics) == 0 {
		return t.menu(nothingOnText), nil
	}
	if err := t.bot.Announce.SetTopics(t.ctx, t.UserID, nil, t.Now); err != nil {
		return nil, err
	}
	return t.menu(stoppedAllText), nil
}

// noSeminars keeps the promise of new dates: it offers to announce them,
// or says it will when the user already hears about seminars.
func noSeminars(t *turn) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(semNoneText), nil
	}
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	if slices.Contains(topics, store.TopicSeminar) {
		return t.menu(semNoneText), nil
	}
	replies := t.menu(semNewsOffer)
	replies[0].Choices = append([]Choice{{Label: subscribeLabel, Data: subscribePrefix + store.TopicSeminar}}, menuChoices...)
	return replies, nil
}

// subscribe turns one topic on: 「お知らせを受け取る」 under a message.
func subscribe(t *turn, topic string) ([]Reply, error) {
	if t.bot.Announce == nil {
		return t.menu(menuText), nil
	}
	topics, err := t.topics()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(topics, topic) {
		if err := t.bot.Announce.SetTopics(t.ctx, t.UserID, append(topics, topic), t.Now); err != nil {
			return nil, err
		}
	}
	return t.menu(semNewsOnText), nil
}

// announceIntents answer the sentences about the settings or stopping;
// text is the sentence (the one confirmed, after 「…ですか？」「はい」).
var announceIntents = map[understand.Intent]func(t *turn, text string) ([]Reply, error){
	understand.AnnounceSettings: typedSettings,
	understand.AnnounceStop:     typedStop,
}
