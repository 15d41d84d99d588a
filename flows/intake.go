package flows

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
	"github.com/amamibot/amamibot/understand"
)

// What the intake flow says: an owner describes a problem and gets professionals.
const (
	inHowText        = "お店やお仕事で困っていること、こうしたいと思っていることを、そのまま送ってください。うまくまとまっていなくても大丈夫です。"
	inAskText        = "どんなことでお困りですか？ふだんの言葉で、できるだけ具体的に送ってください。\n例:「グーグルマップで店が出てこない」「後継ぎがいない」"
	inQuoted         = "「%s」のご相談ですね。"
	inFields         = "「%s」の分野で、"
	inFound          = "お力になれそうな方をご紹介します。"
	inSecondRow      = "「%s」については、こちらの方もご紹介します。"
	inPickText       = "相談したい方の「この人に相談したい」を押すか、番号を送ってください。"
	inClarifyText    = "ご相談の内容をもう少し教えてください。近いものを選ぶか、具体的なお困りごとを送ってください。"
	inNoneText       = "申し訳ありません。ご相談に合う方が見つかりませんでした。言い方を変えて、もう一度送っていただけますか？"
	inNoMoreText     = "ほかにご紹介できる方は見つかりませんでした。表示中の方から選ぶか、ご相談内容を送り直してください。"
	inConsultButton  = "この人に相談したい"
	inMoreLabel      = "他の候補"
	inOtherField     = "の方も見る"
	inNameText       = "ご紹介の準備のため、お名前（フルネーム）を送ってください。\n（いただいた情報は、ご紹介のためにだけ使います）"
	inCompanyText    = "会社名・屋号を送ってください。ない場合は「なし」を押してください。"
	inContactText    = "担当スタッフからのご連絡先（電話番号またはメールアドレス）を送ってください。"
	nameFixedText    = "承知しました。お名前を「%s」に直しました。"
	companyFixedText = "承知しました。会社名を「%s」に直しました。"
	contactFixedText = "承知しました。ご連絡先を「%s」に直しました。"
	correctingText   = "承知しました。もう一度お伺いします。"
	inContactLINE    = "このLINEにも、これまでどおりお知らせが届きます。担当スタッフから直接ご連絡するため、電話番号かメールアドレスもお願いします。"
	inContactEither  = "メールアドレスだけでも大丈夫です。電話番号かメールアドレスのどちらかを送ってください。"
	inContactBad     = "電話番号（例: 0997-12-3456）またはメールアドレスを送ってください。"
	inConfirmText    = "次の方へのご紹介を、プログラムのスタッフに依頼します。よろしければ「依頼する」を押してください。"
	inRequestLabel   = "依頼する"
	inRequestedText  = "ご依頼を受け付けました。担当スタッフが内容を確認し、こちらでご連絡します。"
	inAlreadyText    = "この方へのご紹介は、すでにご依頼いただいています。スタッフからのご連絡をお待ちください。"
	inWhichText      = "どの方に相談しますか？カードの番号（1〜%d）を送るか、お名前を送ってください。"
	inLaterText      = "承知しました。ゆっくりご検討ください。この一覧はトークに残りますので、決まりましたら「この人に相談したい」を押すか、番号を送ってください。"
	inOneAtATime     = "ご紹介の依頼は、おひとりずつお受けしています。まずおひとり選んでください。ほかの方は、あとで依頼できます。"
	inRecommend      = "ご相談の内容にいちばん合いそうなのは、1番の%s さんです。よろしければ「1」を送ってください。"
	inOnsiteText     = "島に来て直接お会いできる方（現地、またはリモート＋現地）だけをご紹介します。"
	inNoGender       = "申し訳ありません。性別でお選びいただくことはできません。ご経験や得意なことからお選びください。"
	inDeclinedText   = "申し訳ありません。この方へのご紹介は、今回は見送りとなりました。ほかの方からお選びください。"
	consultLabel     = "相談する"
	suggestionsShown = 5
	secondRowShown   = 2 // of the five, for the second problem of a message that tells of two
	maxProblemRunes  = 5000
	maxContactRunes  = 100
	talentPrefix     = "talent:"
	categoryPrefix   = "category:"
	quickReplyRoom   = 12 // LINE shows 13 quick replies; one is キャンセル
	minProblemRunes  = 6  // shorter free text (「こんにちは」) is a greeting, not a problem
)

// Matcher ranks professionals for an owner's words.
type Matcher interface {
	Search(text string, k int) match.Result
	SearchCategory(text, category string, k int) match.Result
}

// IntroStore is what the intake flow reads and commits.
type IntroStore interface {
	Owner(ctx context.Context, userID string) (store.Owner, error)
	SaveOwner(ctx context.Context, o store.Owner) error
	RequestIntroduction(ctx context.Context, req store.IntroRequest) (store.Introduction, error)
	DeclinedTalents(ctx context.Context, userID, problem string) ([]string, error)
	LastDeclined(ctx context.Context, userID string) (int64, error)
	RecordSignal(ctx context.Context, s store.Signal) error
	UserIntroductions(ctx context.Context, userID string, n int) ([]store.Introduction, error)
}

var intakeSteps = map[string]stepFunc{
	"describe": describeProblem,
	"clarify":  pickCategory,
	"pick":     pickTalent,
	"consent":  takeConsent,
	"name":     takeOwnerName,
	"company":  takeOwnerCompany,
	"contact":  takeOwnerContact,
	"confirm":  confirmIntroduction,
}

func startIntake(t *turn) ([]Reply, error) {
	return t.ask("describe", Reply{Text: inAskText}), nil
}

func describeProblem(t *turn) ([]Reply, error) {
	if t.Input.Kind != Text || normalize(t.Input.Text) == "" {
		return t.offStep(inAskText)
	}
	if replies, ok, err := t.noProblem(); ok || err != nil {
		return replies, err
	}
	if t.elsewhere() && !t.describes() { // 「こんにちは、冬になるとお客が来なくて…」 describes
		return t.offStep(inAskText)
	}
	return suggest(t, t.Input.Text)
}

// noProblem answers what, typed where a problem is expected, is none: a
// question about the bot (「個人情報は誰が見るんですか」「相談料はいくらですか」),
// about what to write, a yes or thanks (「よろしくお願いします」), not
// knowing what to say. ok is false for anything else.
func (t *turn) noProblem() (replies []Reply, ok bool, err error) {
	s := normalize(t.Input.Text)
	if t.Input.Kind != Text {
		return nil, false, nil
	}
	if answer, ok := t.privacyAnswer(s); ok && t.asks() {
		return t.aside(answer), true, nil
	}
	if t.asks() && containsAny(s, howToWords...) ||
		slices.Contains(noIdeaWords, coreWords(s)) || slices.Contains(politeOnly, coreWords(s)) ||
		t.read.Sure && (t.read.Intent == understand.Yes || t.read.Intent == understand.Thanks) {
		return t.aside(inHowText), true, nil
	}
	if understand.IsQuestion(s) && !t.elsewhere() && !t.describes() { // put as a question: 「お金のこと」 is a field
		answer, ok, err := t.answerQuestion(t.Input.Text)
		if err != nil || ok {
			return t.aside(answer), true, err
		}
	}
	return nil, false, nil
}

// describes reports whether the text tells a problem the matcher is sure of.
func (t *turn) describes() bool { return t.heard().Confident }

// describesClearly reports whether the matcher heard more than one plain
// phrase of a problem: enough to override another reading of its words
// (「アルバイトがすぐやめてしまうので定着させたい」 is no stop; 「参加URLを
// もう一度教えてください」, one phrase, is no problem).
func (t *turn) describesClearly() bool { return t.heard().Confidence > 0.5 }

// heard is what the matcher understood of the typed text, searched once a
// turn: several readings of one message ask it.
func (t *turn) heard() match.Result {
	if t.heardOnce == nil {
		t.heardOnce = &match.Result{}
		if t.Input.Kind == Text && t.bot.Matcher != nil {
			*t.heardOnce = t.bot.Matcher.Search(t.Input.Text, 1)
		}
	}
	return *t.heardOnce
}

// elsewhere reports whether a message typed where a problem is expected
// surely asks for something else (「やめときます」「申込確認をしたい」): a
// question put as a problem (「何から始めればいいですか」) is still one.
func (t *turn) elsewhere() bool {
	switch t.read.Intent {
	case understand.BusinessProblem, understand.Consult, understand.Question, understand.Yes, understand.None:
		return false
	}
	return t.read.Sure
}

// suggest searches for the problem in text and shows the best professionals,
// or asks which field the problem is in when the text says too little.
func suggest(t *turn, text string) ([]Reply, error) {
	text = truncate(strings.TrimSpace(text), maxProblemRunes)
	t.next = Session{Flow: "intake", Data: map[string]string{"problem": text}}
	t.record("problem_described")
	return suggestAgain(t)
}

// suggestAgain searches for the session's problem, leaving out the
// professionals staff declined for it.
func suggestAgain(t *turn) ([]Reply, error) {
	if t.bot.Matcher == nil {
		return t.menu(inNoneText), nil
	}
	res := t.search(suggestionsShown)
	if !res.Confident {
		return clarify(t, res), nil
	}
	if len(res.Needs) >= 2 {
		// Two problems: the strongest leads, the second gets its own row.
		t.set("category", res.Needs[0])
		t.set("second", res.Needs[1])
		lead := t.search(suggestionsShown)
		lead.Categories = res.Categories
		return showCandidates(t, lead, 0)
	}
	return showCandidates(t, res, 0)
}

// clarify asks for the field, offering first what the text hinted at.
func clarify(t *turn, res match.Result) []Reply {
	codes := append(append([]string{}, res.Categories...), match.Categories()...)
	seen := map[string]bool{}
	var offered []Choice
	for _, code := range codes {
		if !seen[code] {
			seen[code] = true
			offered = append(offered, Choice{Label: match.CategoryLabel(code), Data: categoryPrefix + code})
		}
	}
	shown := offered[:min(len(offered), quickReplyRoom)]
	return t.ask("clarify", Reply{Text: inClarifyText, Choices: append([]Choice{}, shown...)}, offered...)
}

func pickCategory(t *turn) ([]Reply, error) {
	data, ok := t.selection()
	code, isCategory := strings.CutPrefix(data, categoryPrefix)
	if !ok || !isCategory {
		if answer, ok := t.privacyAnswer(normalize(t.Input.Text)); ok && t.asks() { // no field: 個人情報 is no legal problem here
			return t.aside(answer), nil
		}
		if code = t.fieldNamed(); code == "" {
			if replies, ok, err := t.noProblem(); ok || err != nil {
				return replies, err
			}
		}
	}
	if code != "" {
		if utf8.RuneCountInString(normalize(t.Input.Text)) >= minProblemRunes && !ok {
			t.set("problem", t.next.Data["problem"]+"\n"+t.Input.Text) // it says more of the problem too
		}
		t.set("category", code)
		if err := t.learn(store.Signal{Kind: store.SignalField, Category: code}); err != nil {
			return nil, err
		}
		return showCandidates(t, t.search(suggestionsShown), 0)
	}
	if t.Input.Kind == Text && !t.elsewhere() && utf8.RuneCountInString(normalize(t.Input.Text)) >= minProblemRunes {
		// A fuller description instead of a field: search again with both,
		// and, still unsure, take the field it leans to rather than ask
		// the same question again (「お客さんを増やしたい」 is 集客).
		problem := t.next.Data["problem"] + "\n" + t.Input.Text
		if res := t.bot.Matcher.Search(problem, 1); !res.Confident && len(res.Categories) > 0 {
			t.set("problem", problem)
			t.set("category", res.Categories[0])
			return showCandidates(t, t.search(suggestionsShown), 0)
		}
		return suggest(t, problem)
	}
	return t.offStep(missText)
}

// fieldNamed returns the field offered that the answer to the clarifying
// question names in words of its own: part of its label (「集客」 for
// 集客・PR) or words the matcher hears as the field alone (「お金のこと」).
func (t *turn) fieldNamed() string {
	if t.Input.Kind != Text {
		return ""
	}
	text := normalize(t.Input.Text)
	var named []string
	for _, c := range t.next.Offered {
		code, ok := strings.CutPrefix(c.Data, categoryPrefix)
		if ok && slices.ContainsFunc(strings.Split(normalize(c.Label), "・"), func(part string) bool {
			return utf8.RuneCountInString(part) >= 2 && strings.Contains(text, part)
		}) {
			named = append(named, code)
		}
	}
	if len(named) == 1 {
		return named[0]
	}
	if res := t.bot.Matcher.Search(text, 1); res.Confidence > 0 && len(res.Categories) == 1 {
		return res.Categories[0]
	}
	return ""
}

// search runs the owner's search (again, for 他の候補), within the chosen
// field if any, without the professionals staff declined for the problem.
func (t *turn) search(k int) match.Result {
	declined := t.declined()
	onsite := t.next.Data["onsite"] != ""
	n := k + len(declined)
	if onsite {
		n *= onsiteDepth // the ranking's remote professionals are left out after it
	}
	var res match.Result
	if code := t.next.Data["category"]; code != "" {
		res = t.bot.Matcher.SearchCategory(t.next.Data["problem"], code, n)
	} else {
		res = t.bot.Matcher.Search(t.next.Data["problem"], n)
	}
	res.Candidates = slices.DeleteFunc(res.Candidates, func(c match.Candidate) bool {
		return slices.Contains(declined, c.Talent.ID) || onsite && c.Talent.WorkStyle == "remote"
	})
	res.Candidates = res.Candidates[:min(k, len(res.Candidates))]
	return res
}

// onsiteDepth is how much deeper the ranking is read when only those who
// come to the islands are wanted.
const onsiteDepth = 4

// secondRow is the row of the message's second problem, shown under the
// first lead professionals: the best of its field, not already above.
func (t *turn) secondRow(lead []match.Candidate) []match.Candidate {
	code := t.next.Data["second"]
	if code == "" {
		return nil
	}
	skip := t.declined()
	for _, c := range lead {
		skip = append(skip, c.Talent.ID)
	}
	res := t.bot.Matcher.SearchCategory(t.next.Data["problem"], code, secondRowShown+len(skip))
	cands := slices.DeleteFunc(res.Candidates, func(c match.Candidate) bool { return slices.Contains(skip, c.Talent.ID) })
	return cands[:min(secondRowShown, len(cands))]
}

// learn records, with the turn, what the owner's choice teaches the matcher
// about their problem (the session's, unless s has one).
func (t *turn) learn(s store.Signal) error {
	s.UserID, s.At = t.UserID, t.Now
	if s.Problem == "" {
		s.Problem = t.next.Data["problem"]
	}
	if s.Problem == "" { // erased with the user's data
		return nil
	}
	if err := t.bot.Intros.RecordSignal(t.ctx, s); err != nil {
		return fmt.Errorf("record signal: %w", err)
	}
	return nil
}

// field is the field of the list shown: the one the owner chose, or the
// one restated to them.
func (t *turn) field() string {
	return cmp.Or(t.next.Data["category"], t.next.Data["field"])
}

// declined lists the professionals staff declined for the session's problem.
func (t *turn) declined() []string {
	if t.next.Data["declined"] == "" {
		return nil
	}
	return strings.Split(t.next.Data["declined"], "\n")
}

// showCandidates shows the candidates from offset on as cards.
func showCandidates(t *turn, res match.Result, offset int) ([]Reply, error) {
	cands := res.Candidates[min(offset, len(res.Candidates)):]
	if len(cands) == 0 {
		if offset > 0 {
			return t.reprompt(inNoMoreText), nil
		}
		return t.menu(inNoneText), nil
	}
	// One problem counts once, whatever lists it shows (another field,
	// another candidate after a decline).
	if t.next.Data["shown"] == "" {
		t.record("suggestions_shown")
		t.set("shown", "1")
	}
	// Restate what was understood: the chosen field, or up to two the text
	// is about (an owner often writes of several problems at once).
	understood := res.Categories[:min(len(res.Categories), 2)]
	if chosen := t.next.Data["category"]; chosen != "" {
		understood = []string{chosen}
	} else if len(understood) > 0 {
		// Restated, not chosen: the search stays unfiltered, so that the
		// next page and a pick see the list shown.
		t.set("field", understood[0])
	}
	// A second problem has its own row on the first page only.
	var second []match.Candidate
	if offset == 0 && t.next.Data["second"] != "" {
		cands = cands[:min(len(cands), suggestionsShown-secondRowShown)]
		if second = t.secondRow(cands); len(second) > 0 {
			understood = append(understood[:1], t.next.Data["second"])
		}
	}
	var labels []string
	for _, c := range understood {
		labels = append(labels, match.CategoryLabel(c))
	}
	numbered := 0
	if offset > 0 {
		numbered, _ = strconv.Atoi(t.next.Data["numbered"])
	}
	t.set("offset", strconv.Itoa(offset))
	t.set("next", strconv.Itoa(offset+len(cands)))
	t.set("numbered", strconv.Itoa(numbered+len(cands)+len(second)))
	// The owner's words are quoted once, here, not on every card.
	found := inFound
	if len(labels) > 0 {
		found = fmt.Sprintf(inFields, strings.Join(labels, "」「")) + found
	}
	r := Reply{Text: fmt.Sprintf(inQuoted, quoteProblem(t.next.Data["problem"])) + "\n" + found + "\n" + inPickText}
	var offered []Choice
	card := func(c match.Candidate) Card {
		data := talentPrefix + c.Talent.ID
		numbered++
		offered = append(offered, Choice{Label: strconv.Itoa(numbered), Data: data})
		return talentCard(numbered, c, data)
	}
	for _, c := range cands {
		r.Cards = append(r.Cards, card(c))
	}
	row := Reply{Text: fmt.Sprintf(inSecondRow, match.CategoryLabel(t.next.Data["second"]))}
	for _, c := range second {
		row.Cards = append(row.Cards, card(c))
	}
	// 他の候補, and the other problems the message told of: the list holds
	// the strongest one only.
	r.Choices = []Choice{{Label: inMoreLabel, Data: inMoreLabel}}
	for _, c := range res.Categories {
		if c != t.field() && len(r.Choices) < 4 {
			r.Choices = append(r.Choices, Choice{Label: match.CategoryLabel(c) + inOtherField, Data: categoryPrefix + c})
		}
	}
	replies := t.ask("pick", r, append(offered, r.Choices...)...)
	if len(second) > 0 { // the buttons under the last row
		row.Choices, replies[0].Choices = replies[0].Choices, nil
		replies = append(replies, row)
	}
	return replies, nil
}

var workStyles = map[string]string{"remote": "リモート", "hybrid": "リモート＋現地", "onsite": "現地"}

func talentCard(n int, c match.Candidate, data string) Card {
	skills := c.MatchedSkills
	if len(skills) == 0 {
		skills = c.Talent.Skills
	}
	lines := []string{
		c.Talent.Headline,
		"得意: " + strings.Join(skills[:min(len(skills), 3)], "・"),
		fmt.Sprintf("経験%d年・%s", c.Talent.YearsExperience, workStyles[c.Talent.WorkStyle]),
	}
	// With matched skills, 得意 says why already; otherwise the reason does
	// (the words the profile shares with the problem, say).
	if len(c.MatchedSkills) == 0 && len(c.Reasons) > 0 {
		lines = append(lines, c.Reasons[0])
	}
	return Card{
		Title:   fmt.Sprintf("%d. %s", n, c.Talent.DisplayName),
		Lines:   lines,
		Buttons: []Choice{{Label: inConsultButton, Data: data}},
	}
}

func pickTalent(t *turn) ([]Reply, error) {
	if t.typed(inMoreLabel) || t.read.Sure && t.read.Intent == understand.OtherCandidates {
		if err := t.learn(store.Signal{Kind: store.SignalMore, Category: t.field()}); err != nil {
			return nil, err
		}
		next, _ := strconv.Atoi(t.next.Data["next"])
		return showCandidates(t, t.search(next+suggestionsShown), next)
	}
	data, ok := t.selection()
	if code, isCategory := strings.CutPrefix(data, categoryPrefix); ok && isCategory {
		t.set("category", code)
		delete(t.next.Data, "second")
		if err := t.learn(store.Signal{Kind: store.SignalField, Category: code}); err != nil {
			return nil, err
		}
		return showCandidates(t, t.search(suggestionsShown), 0)
	}
	shown := t.shown()
	if replies, ok := t.aboutShown(shown); ok {
		return replies, nil
	}
	id, isTalent := strings.CutPrefix(data, talentPrefix)
	if !ok || !isTalent {
		var several bool
		if id, several = named(normalize(t.Input.Text), shown); id == "" {
			switch {
			case several || t.meansOneShown():
				return t.reprompt(fmt.Sprintf(inWhichText, len(shown))), nil
			case t.Input.Kind == Text && containsAny(normalize(t.Input.Text), laterWords...):
				// 「家族と相談してから決めます」 is no new problem: the list stays.
				return []Reply{{Text: inLaterText, Choices: t.offeredWithWayOut()}}, nil
			}
			if replies, ok, err := t.noProblem(); ok || err != nil {
				return replies, err
			}
			if t.Input.Kind == Text && !t.elsewhere() && utf8.RuneCountInString(normalize(t.Input.Text)) >= minProblemRunes &&
				(t.read.Intent == understand.BusinessProblem && t.read.Score >= minSureProblem || t.describes()) {
				return suggest(t, t.Input.Text) // a new problem, in other words
			}
			return t.offStep(missText)
		}
	}
	if slices.Contains(t.declined(), id) { // from the list shown before the decline
		return t.reprompt(inDeclinedText), nil
	}
	for _, c := range shown {
		if c.Talent.ID == id {
			t.set("talent", id)
			t.set("talent_name", c.Talent.DisplayName)
			t.set("reasons", strings.Join(c.Reasons, "\n"))
			return askOwner(t)
		}
	}
	return t.reprompt(missText), nil
}

// aboutShown answers what the owner asks of the professionals shown
// without picking one: who one of them is (「2番の人はどんな人ですか」),
// which to choose (「どの人がおすすめですか」), or several at once.
func (t *turn) aboutShown(shown []match.Candidate) ([]Reply, bool) {
	if t.Input.Kind != Text || len(shown) == 0 {
		return nil, false
	}
	s := normalize(t.Input.Text)
	switch {
	case t.next.Data["onsite"] == "" && containsAny(s, onsiteWords...):
		// 「島に来てくれる人がいい」: those who work on site too, from the top.
		t.set("onsite", "1")
		delete(t.next.Data, "second")
		replies, err := showCandidates(t, t.search(suggestionsShown), 0)
		if err != nil || len(replies) == 0 {
			return nil, false
		}
		replies[0].Text = inOnsiteText + "\n" + replies[0].Text
		return replies, true
	case containsAny(s, genderWords...):
		return t.aside(inNoGender), true
	case containsAny(s, severalWords...), severalNumbersRe.MatchString(s): // 「1番と2番」
		return t.aside(inOneAtATime), true
	case containsAny(s, recommendWords...):
		return t.aside(fmt.Sprintf(inRecommend, shown[0].Talent.DisplayName)), true
	case t.read.Intent != understand.Question:
		return nil, false
	}
	n := t.read.Ordinal
	if n == -1 {
		n = len(shown)
	}
	if id, _ := named(s, shown); id != "" {
		n = slices.IndexFunc(shown, func(c match.Candidate) bool { return c.Talent.ID == id }) + 1
	}
	if n < 1 || n > len(shown) {
		return nil, false
	}
	c := shown[n-1]
	lines := []string{fmt.Sprintf("%d. %s", n, c.Talent.DisplayName), c.Talent.Headline,
		"得意: " + strings.Join(c.Talent.Skills, "・"),
		fmt.Sprintf("経験%d年・%s", c.Talent.YearsExperience, workStyles[c.Talent.WorkStyle])}
	if bio := truncate(c.Talent.Bio, maxBioShown); bio != "" {
		lines = append(lines, bio)
	}
	return t.aside(strings.Join(lines, "\n")), true
}

// maxBioShown bounds the profile quoted to an owner who asks about one.
const maxBioShown = 200

var (
	onsiteWords    = []string{"来てくれる", "来てもらえる", "来られる人", "来れる人", "直接会", "会って話", "現地の人", "現地に来", "島に来"}
	genderWords    = []string{"女の人", "女性", "男の人", "男性"}
	severalWords   = []string{"両方", "全員", "二人とも", "2人とも", "三人とも", "3人とも", "みんなに"}
	recommendWords = []string{"おすすめ", "オススメ", "選んで", "誰がいい", "だれがいい", "どの人がいい", "どの方がいい", "決めて",
		"どなたでも", "誰でもいい", "だれでもいい", "どの人でも"}
	howToWords  = []string{"何を書けば", "なにを書けば", "何を送れば", "どう書けば", "どう送れば", "何を言えば"}
	politeOnly  = []string{"", "よろしくお願いします", "よろしくお願いいたします", "よろしく", "お願いします", "お願いいたします"}
	noIdeaWords = []string{"わからん", "わからない", "分からない", "わかりません", "分かりません", "特にない", "とくにない"}
	// laterWords put the choice off: the list stays, no new search.
	laterWords = []string{"考えさせ", "考えます", "考えておき", "考えてから", "後で", "あとで", "また連絡", "家族と相談", "相談してから", "ここまで",
		"検討します", "また今度", "出直し"}
)

// changeTalent answers, at the request's confirmation, a wish for another
// professional: the one named (「2番の人に変えたい」「高木さんにしたい」)
// is confirmed instead, keeping the owner's details; 「別の人にしたい」 shows
// the list again. ok is false for anything else.
func (t *turn) changeTalent() (replies []Reply, ok bool, err error) {
	s := normalize(t.Input.Text)
	if t.Input.Kind != Text || t.asks() {
		return nil, false, nil
	}
	shown := t.shown()
	n := t.read.Ordinal
	if n == -1 {
		n = len(shown)
	}
	if id, _ := named(s, shown); id != "" {
		n = slices.IndexFunc(shown, func(c match.Candidate) bool { return c.Talent.ID == id }) + 1
	}
	if n >= 1 && n <= len(shown) && shown[n-1].Talent.ID != t.next.Data["talent"] && !slices.Contains(t.declined(), shown[n-1].Talent.ID) {
		c := shown[n-1]
		t.set("talent", c.Talent.ID)
		t.set("talent_name", c.Talent.DisplayName)
		t.set("reasons", strings.Join(c.Reasons, "\n"))
		replies, err := afterOwner(t)
		return replies, true, err
	}
	if t.says(understand.OtherCandidates) || strings.Contains(s, "人にしたい") || strings.Contains(s, "人に変え") {
		next, _ := strconv.Atoi(t.next.Data["next"])
		replies, err := showCandidates(t, t.search(next), max(0, next-suggestionsShown))
		return replies, true, err
	}
	return nil, false, nil
}

// severalNumbersRe finds two cards named at once (「1番と2番」「1と3の人」).
var severalNumbersRe = regexp.MustCompile(`\d+\s*番?\s*(?:と|、|,|や)\s*\d+\s*番?`)

// shown returns the professionals the lists so far showed, in their order.
func (t *turn) shown() []match.Candidate {
	next, _ := strconv.Atoi(t.next.Data["next"])
	lead := t.search(next).Candidates
	return append(lead, t.secondRow(lead[:min(len(lead), suggestionsShown-secondRowShown)])...)
}

// named returns the professional among shown whom text names (「高木さんに
// お願いしたい」), by full name, or by family name with an honorific or
// alone in a short answer (「高木で」); several when the name fits more
// than one. A family name in a longer message without an honorific may be
// a place (上野, 中島): it names no one.
func named(text string, shown []match.Candidate) (id string, several bool) {
	short := utf8.RuneCountInString(text) <= 8
	for _, c := range shown {
		full := normalize(c.Talent.DisplayName)
		family, _, _ := strings.Cut(full, " ")
		byFamily := utf8.RuneCountInString(family) >= 2 && (short && strings.Contains(text, family) ||
			slices.ContainsFunc(honorifics, func(h string) bool { return strings.Contains(text, family+h) }))
		if byFamily || strings.Contains(text, strings.ReplaceAll(full, " ", "")) {
			if id != "" && id != c.Talent.ID {
				return "", true
			}
			id = c.Talent.ID
		}
	}
	return id, false
}

// meansOneShown reports whether the owner asks for one of the professionals
// shown without saying which: the card's button typed (「この人に相談した
// い」), 「この方で」, or a bare 「お願いします」.
func (t *turn) meansOneShown() bool {
	s := normalize(t.Input.Text)
	if s == normalize(inConsultButton) || containsAny(s, pointingWords...) {
		return true
	}
	short := utf8.RuneCountInString(s) <= 10
	return short && t.read.Sure && (t.read.Intent == understand.Yes || t.read.Intent == understand.Consult || t.read.Intent == understand.TalkToStaff && strings.Contains(s, "相談"))
}

var honorifics = []string{"さん", "様", "さま", "先生", "氏"}

// pointingWords point at a professional on a card.
var pointingWords = []string{"この人", "この方", "このかた", "この先生", "その人", "その方", "この専門家"}

// askOwner asks for what the staff need to reach the owner, unless known.
func askOwner(t *turn) ([]Reply, error) {
	if t.next.Data["name"] != "" && t.next.Data["contact"] != "" { // given in this form, before another choice
		return afterOwner(t)
	}
	o, err := t.bot.Intros.Owner(t.ctx, t.UserID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("owner: %w", err)
	}
	if o.Name == "" || o.Contact == "" {
		return askPersonal(t, "name")
	}
	t.set("name", o.Name)
	t.set("company", o.Company)
	t.set("contact", o.Contact)
	return afterOwner(t)
}

func askOwnerName(t *turn) ([]Reply, error) {
	if t.next.Flow == "booking" {
		return t.ask("name", Reply{Text: bkNameText}), nil
	}
	return t.ask("name", Reply{Text: inNameText}), nil
}

func takeOwnerName(t *turn) ([]Reply, error) {
	if t.Input.Kind != Text || t.typedButton() {
		return t.reprompt(semNameBad), nil
	}
	name, r, ok := understand.ReadAnswer(normalize(t.Input.Text), understand.FieldName, t.Now, t.bot.Loc)
	if !ok || utf8.RuneCountInString(name) > maxNameLen {
		t.read = r
		return t.offStep(semNameBad)
	}
	t.set("name", name)
	t.set("new_owner", "1") // saved when the owner confirms the request
	return t.ask("company", Reply{Text: inCompanyText}, Choice{Label: noCompanyLabel, Data: noCompanyLabel}), nil
}

// afterOwner goes on once the owner's details are known: the intake and
// booking flows both ask for them, then confirm what they are about.
func afterOwner(t *turn) ([]Reply, error) {
	if t.next.Flow == "booking" {
		return askBookingConfirm(t)
	}
	return askIntroConfirm(t), nil
}

func takeOwnerCompany(t *turn) ([]Reply, error) {
	if replies, ok, err := t.corrected(); ok || err != nil {
		return replies, err
	}
	company, ok := readCompany(t)
	if !ok {
		return t.offStep(semCompanyBad)
	}
	t.set("company", company)
	if t.next.Data["contact"] != "" { // the company corrected (「会社名を直したい」)
		return afterOwner(t)
	}
	return t.ask("contact", Reply{Text: inContactText}), nil
}

func takeOwnerContact(t *turn) ([]Reply, error) {
	if replies, ok, err := t.corrected(); ok || err != nil {
		return replies, err
	}
	if t.Input.Kind != Text {
		return t.reprompt(inContactBad), nil
	}
	contact, r, ok := understand.ReadAnswer(normalize(t.Input.Text), understand.FieldContact, t.Now, t.bot.Loc)
	if !ok || utf8.RuneCountInString(contact) > maxContactRunes {
		s := strings.ToLower(normalize(t.Input.Text))
		switch {
		case strings.Contains(s, "line") || strings.Contains(s, "ライン"): // 「このLINEでお願いします」
			return []Reply{{Text: inContactLINE, Choices: t.offeredWithWayOut()}}, nil
		case strings.Contains(s, "教えたくな") || strings.Contains(s, "電話は") || strings.Contains(s, "電話番号は"):
			return []Reply{{Text: inContactEither, Choices: t.offeredWithWayOut()}}, nil
		}
		t.read = r
		return t.offStep(inContactBad)
	}
	t.set("contact", contact)
	return afterOwner(t)
}

// corrected asks again for the detail the user says was given wrong
// (「名前が違います」「連絡先を間違えました」), and for those asked after it;
// ok is false when the message corrects nothing asked yet.
func (t *turn) corrected() (replies []Reply, ok bool, err error) {
	if t.Input.Kind != Text || t.next.Data["name"] == "" {
		return nil, false, nil
	}
	if replies, ok, err := t.correctedValue(); ok || err != nil {
		return replies, ok, err
	}
	f := understand.Corrected(t.Input.Text)
	if f == understand.FieldName {
		if name := correctedName(t); name != "" { // 「名前の漢字が違いました、田中一朗です」
			t.set("name", name)
			replies, err := t.stepAgain(fmt.Sprintf(nameFixedText, name))
			return replies, true, err
		}
	}
	switch {
	case f == "":
		return nil, false, nil
	case t.next.Flow == "seminar" && f == understand.FieldName:
		replies, _ = askName(t)
	case t.next.Flow == "seminar" && f == understand.FieldCompany:
		replies = t.ask("company", Reply{Text: semCompanyText}, Choice{Label: noCompanyLabel, Data: noCompanyLabel})
	case t.next.Flow == "seminar": // 「電話番号が違う」: a sign-up asks for none
		replies, err := t.stepAgain(semNoContactText)
		return replies, true, err
	case f == understand.FieldCompany && t.next.Data["contact"] != "":
		replies = t.ask("company", Reply{Text: inCompanyText}, Choice{Label: noCompanyLabel, Data: noCompanyLabel})
	case f == understand.FieldContact && t.next.Data["contact"] != "":
		replies = t.ask("contact", Reply{Text: inContactText})
	default:
		replies, _ = askOwnerName(t)
	}
	replies[0].Text = correctingText + "\n" + replies[0].Text
	return replies, true, nil
}

// correctedValue takes, at a confirmation, a detail given again with its
// new value (「電話番号は090-1111-2222です」「会社は喫茶あまみです」
// 「名前を山田花子に直してください」) and confirms again.
func (t *turn) correctedValue() (replies []Reply, ok bool, err error) {
	if t.next.Step != "confirm" {
		return nil, false, nil
	}
	s := normalize(t.Input.Text)
	if m := fieldValueRe.FindStringSubmatch(s); m != nil {
		field := understand.FieldName
		if !strings.Contains(m[1], "名前") || strings.Contains(m[1], "店") {
			field = understand.FieldCompany
		}
		v, r, ok := understand.ReadAnswer(m[2], field, t.Now, t.bot.Loc)
		switch {
		case ok && r.NoCompany && field == understand.FieldCompany: // 「会社名はなしで」
			t.set("company", "")
			replies, err := t.stepAgain(fmt.Sprintf(companyFixedText, noCompanyLabel))
			return replies, true, err
		case !ok || v == "" || containsAny(v, notAValue...):
			// 「会社名は奄美商店じゃなくて喜界商店です」「名前は山田花子、会社は…」:
			// more than a value; the field is asked again below.
		case field == understand.FieldName && utf8.RuneCountInString(v) <= maxNameLen:
			t.set("name", v)
			replies, err := t.stepAgain(fmt.Sprintf(nameFixedText, v))
			return replies, true, err
		case field == understand.FieldCompany && utf8.RuneCountInString(v) <= maxCompanyLen:
			t.set("company", v)
			replies, err := t.stepAgain(fmt.Sprintf(companyFixedText, v))
			return replies, true, err
		}
	}
	if t.next.Data["contact"] != "" {
		if c := cmp.Or(t.read.Email, t.read.Phone); c != "" && c != t.next.Data["contact"] {
			t.set("contact", c)
			replies, err := t.stepAgain(fmt.Sprintf(contactFixedText, c))
			return replies, true, err
		}
	}
	return nil, false, nil
}

// notAValue are words that say more than a name: a contrast, a list, a
// when, a how (「今月から喜界商店」「漢字で奄美華子」「正式には…」).
var notAValue = []string{"、", ",", "じゃなく", "ではなく", "でなく", "そのまま", "だけ", "から", "正式", "漢字", "ひらがな", "カタカナ", "今月", "来月", "今日"}

// fieldValueRe finds a name or company given again: 「会社は喫茶あまみです」
// 「名前を山田花子に直してください」「屋号は島の宿に変えてください」.
var fieldValueRe = regexp.MustCompile(`^(?:すみません、?)?(お?名前|氏名|会社名?|屋号|店名|お?店の名前)(?:は|を|が)(.+?)(?:に(?:直して|変えて|訂正して|変更して|して)(?:ください|ほしい|もらえますか)?|です|でした|でお願いします|で)?[。!！]*$`)

// correctedName returns the name a correction gives after it
// (「名前の漢字が違いました、田中一朗です」), or "".
func correctedName(t *turn) string {
	parts := strings.FieldsFunc(normalize(t.Input.Text), func(r rune) bool { return strings.ContainsRune("、。,.!！ ", r) })
	if len(parts) < 2 {
		return ""
	}
	name, _, ok := understand.ReadAnswer(parts[len(parts)-1], understand.FieldName, t.Now, t.bot.Loc)
	if !ok || utf8.RuneCountInString(name) > maxNameLen {
		return ""
	}
	return name
}

// stepAgain says text, then asks the step's question again: the
// confirmation with what changed, or the question as it was.
func (t *turn) stepAgain(text string) ([]Reply, error) {
	var replies []Reply
	var err error
	switch {
	case t.next.Step != "confirm":
		return t.aside(text), nil
	case t.next.Flow == "seminar":
		replies, err = askRegistrationConfirm(t)
	case t.next.Flow == "booking":
		replies, err = askBookingConfirm(t)
	default:
		replies = askIntroConfirm(t)
	}
	if err != nil {
		return nil, err
	}
	replies[0].Text = text + "\n\n" + replies[0].Text
	return replies, nil
}

// saveOwner keeps the details the owner gave in this flow, once they have
// confirmed what the details are for; until then they are only the session's.
func saveOwner(t *turn) error {
	d := t.next.Data
	if d["new_owner"] == "" {
		return nil
	}
	err := t.bot.Intros.SaveOwner(t.ctx, store.Owner{
		UserID: t.UserID, Name: d["name"], Company: d["company"], Contact: d["contact"], UpdatedAt: t.Now,
	})
	if err != nil {
		return fmt.Errorf("save owner: %w", err)
	}
	return nil
}

func askIntroConfirm(t *turn) []Reply {
	d := t.next.Data
	lines := []string{
		inConfirmText, "",
		"ご紹介先: " + d["talent_name"],
		"ご相談: " + truncate(d["problem"], 100),
		"お名前: " + d["name"],
		"会社名: " + orElse(d["company"], noCompanyLabel),
		"ご連絡先: " + d["contact"],
	}
	return t.ask("confirm", Reply{Text: strings.Join(lines, "\n")}, Choice{Label: inRequestLabel, Data: choiceConfirm})
}

func confirmIntroduction(t *turn) ([]Reply, error) {
	if replies, ok, err := t.corrected(); ok || err != nil {
		return replies, err
	}
	if replies, ok, err := t.changeTalent(); ok || err != nil {
		return replies, err
	}
	if !t.picks(choiceConfirm) {
		return t.offStep(missText)
	}
	d := t.next.Data
	var reasons []string
	if d["reasons"] != "" {
		reasons = strings.Split(d["reasons"], "\n")
	}
	_, err := t.bot.Intros.RequestIntroduction(t.ctx, store.IntroRequest{
		UserID: t.UserID, TalentID: d["talent"], Problem: d["problem"], Category: cmp.Or(d["category"], d["field"]),
		Reasons: reasons, Now: t.Now,
	})
	if errors.Is(err, store.ErrAlreadyRequested) {
		return t.menu(inAlreadyText), nil
	}
	if err != nil {
		return nil, fmt.Errorf("request introduction: %w", err)
	}
	if err := saveOwner(t); err != nil {
		return nil, err
	}
	t.record("introduction_requested")
	return t.menu(inRequestedText), nil
}

// quoteProblem is the owner's problem as the list quotes it: on one line,
// cut to fit a phone's screen.
func quoteProblem(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, g := range openingGreetings { // the greeting is not the problem
		if rest, ok := strings.CutPrefix(s, g); ok {
			s = strings.TrimLeft(rest, "、。,.!！ ")
			break
		}
	}
	return truncate(s, 60)
}

var openingGreetings = []string{"こんにちは", "こんばんは", "おはようございます", "はじめまして", "初めまして",
	"お世話になっております", "お世話になります", "いつもありがとうございます", "いつもお世話になっております"}

// truncate cuts s to n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
