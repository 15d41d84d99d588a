package line_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/amamibot/amamibot/bot/line"
	"github.com/amamibot/amamibot/flows"
)

// message is the part of a rendered message the tests look at.
type message struct {
	Type       string `json:"type"`
	Text       string `json:"text"`
	AltText    string `json:"altText"`
	QuickReply *struct {
		Items []struct {
			Type   string `json:"type"`
			Action struct {
				Type, Label, Data, DisplayText string
			} `json:"action"`
		} `json:"items"`
	} `json:"quickReply"`
	Contents *struct {
		Type     string            `json:"type"`
		Contents []json.RawMessage `json:"contents"`
	} `json:"contents"`
}

// decode renders replies and reads the messages back as LINE would get them.
func decode(t *testing.T, replies ...flows.Reply) []message {
	t.Helper()
	raw, err := json.Marshal(line.Render(replies))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var msgs []message
	if err := json.Unmarshal(raw, &msgs); err != nil {
		t.Fatalf("unmarshal %s: %v", raw, err)
	}
	if len(msgs) > 5 {
		t.Errorf("%d messages, LINE takes at most 5", len(msgs))
	}
	for i, m := range msgs {
		if m.QuickReply != nil && i != len(msgs)-1 {
			t.Errorf("quick reply on message %d of %d: LINE only shows the last one's", i+1, len(msgs))
		}
		if n := len(utf16.Encode([]rune(m.Text))); n > 5000 {
			t.Errorf("message %d: %d UTF-16 units, LINE takes 5000", i+1, n)
		}
	}
	return msgs
}

func choices(n int) []flows.Choice {
	var cs []flows.Choice
	for i := range n - 1 {
		cs = append(cs, flows.Choice{Label: fmt.Sprint(i + 1), Data: fmt.Sprintf("seminar:%d", i+1)})
	}
	return append(cs, flows.Choice{Label: "キャンセル", Data: "キャンセル"})
}

func cards(n int) []flows.Card {
	var cs []flows.Card
	for i := range n {
		cs = append(cs, flows.Card{
			Title:   fmt.Sprintf("%d. 奄美の事業者向け 副業人材活用セミナー", i+1),
			Lines:   []string{"12月11日(木) 15:00〜16:30", "会場（奄美市 AiAi ひろば）／オンライン"},
			Buttons: []flows.Choice{{Label: "申し込む", Data: fmt.Sprintf("seminar:%d", i+1)}},
		})
	}
	return cs
}

// cases are replies at and past LINE's limits; each must render within them.
var cases = map[string][]flows.Reply{
	"menu": {{Text: "ご用件をお選びください。", Choices: []flows.Choice{{Label: "セミナー申込", Data: "セミナー申込"}, {Label: "申込確認", Data: "申込確認"}}}},
	"long text": {{
		Text:    strings.Repeat("奄美群島の副業・兼業人材プログラムです。\n", 600), // 13,200 units
		Choices: choices(2),
	}},
	"emoji text": {{Text: strings.Repeat("🌺", 3001)}}, // two UTF-16 units each
	"14 choices": {{Text: "番号を選んでください。", Choices: choices(14)}},
	"long labels": {{Text: "お選びください。", Choices: []flows.Choice{
		{Label: "とても長いセミナーのタイトルがここに入りますので切り詰めてください", Data: "seminar:long"},
		{Label: "キャンセル", Data: "キャンセル"},
	}}},
	"13 cards":         {{Text: "受付中のセミナーです。", Cards: cards(13), Choices: []flows.Choice{{Label: "キャンセル", Data: "キャンセル"}}}},
	"cards, no text":   {{Cards: cards(2)}},
	"seven replies":    {{Text: "1"}, {Text: "2"}, {Text: "3", Cards: cards(1)}, {Text: "4"}, {Text: "5"}, {Text: "6"}, {Text: "7", Choices: choices(3)}},
	"many long texts":  {{Text: strings.Repeat("あ", 5000)}, {Text: strings.Repeat("い", 5000)}, {Text: strings.Repeat("う", 5000)}, {Text: strings.Repeat("え", 5000)}, {Text: strings.Repeat("お", 5000)}, {Text: "最後の質問です。", Choices: choices(2)}},
	"huge cards":       {{Text: "一覧です。", Cards: hugeCards()}},
	"half-width kana":  {{Text: "ｾﾐﾅｰ申込を受け付けました。", Choices: []flows.Choice{{Label: "ﾒﾆｭｰ", Data: "メニュー"}}}},
	"choices and card": {{Text: "確認してください。", Cards: cards(1)}, {Text: "よろしいですか？", Choices: choices(2)}},
}

// hugeCards are twelve cards of long lines: over the 50 KB carousel limit
// if all were shown.
func hugeCards() []flows.Card {
	cs := cards(12)
	for i := range cs {
		for range 10 {
			cs[i].Lines = append(cs[i].Lines, strings.Repeat("長い説明文", 100))
		}
	}
	return cs
}

func TestRenderLongText(t *testing.T) {
	reply := cases["long text"][0]
	msgs := decode(t, reply)
	if len(msgs) != 3 {
		t.Fatalf("%d messages, want the text split in 3", len(msgs))
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Text)
		if !strings.HasSuffix(m.Text, "です。") {
			t.Errorf("piece ends %q, want a cut at a line break", m.Text[len(m.Text)-20:])
		}
	}
	if strings.Join(got, "\n") != strings.TrimSpace(reply.Text) {
		t.Error("the pieces do not add up to the text")
	}
	if msgs[2].QuickReply == nil || len(msgs[2].QuickReply.Items) != 2 {
		t.Error("the choices are not on the last piece")
	}

	emoji := decode(t, cases["emoji text"]...)
	if len(emoji) != 2 || !utf8.ValidString(emoji[0].Text) || emoji[0].Text+emoji[1].Text != strings.Repeat("🌺", 3001) {
		t.Errorf("emoji text split into %d messages, or split inside a character", len(emoji))
	}
}

func TestRenderChoices(t *testing.T) {
	msgs := decode(t, cases["14 choices"]...)
	items := msgs[len(msgs)-1].QuickReply.Items
	if len(items) != 13 {
		t.Fatalf("%d quick reply items, LINE takes 13", len(items))
	}
	if last := items[12].Action; last.Label != "キャンセル" || last.Data != "キャンセル" {
		t.Errorf("last item %+v, want the way out (キャンセル) kept", last)
	}
	for _, it := range items {
		if it.Type != "action" || it.Action.Type != "postback" || it.Action.DisplayText != it.Action.Label {
			t.Errorf("item %+v, want a postback showing its label in the chat", it)
		}
	}

	long := decode(t, cases["long labels"]...)[0].QuickReply.Items[0].Action
	if n := utf8.RuneCountInString(long.Label); n > 20 || !strings.HasSuffix(long.Label, "…") {
		t.Errorf("label %q (%d characters), want at most 20 ending in …", long.Label, n)
	}
	if long.DisplayText != cases["long labels"][0].Choices[0].Label || long.Data != "seminar:long" {
		t.Errorf("displayText %q data %q, want the whole label and the data unchanged", long.DisplayText, long.Data)
	}

	tooLong := decode(t, flows.Reply{Text: "x", Choices: []flows.Choice{{Label: "a", Data: strings.Repeat("d", 301)}, {Label: "b", Data: "b"}}})
	if items := tooLong[0].QuickReply.Items; len(items) != 1 || items[0].Action.Data != "b" {
		t.Errorf("items %+v, want the choice whose data LINE cannot take left out", items)
	}
}

func TestRenderCards(t *testing.T) {
	msgs := decode(t, cases["13 cards"]...)
	if len(msgs) != 2 || msgs[0].Type != "text" || msgs[1].Type != "flex" {
		t.Fatalf("messages %+v, want the text then a carousel", msgs)
	}
	flex := msgs[1]
	if flex.Contents.Type != "carousel" || len(flex.Contents.Contents) != 12 {
		t.Errorf("%s of %d bubbles, want a carousel of 12", flex.Contents.Type, len(flex.Contents.Contents))
	}
	if flex.AltText != "受付中のセミナーです。" || flex.QuickReply == nil {
		t.Errorf("altText %q, quick reply %v: want the reply's text and the choices on the carousel", flex.AltText, flex.QuickReply)
	}
	var b struct {
		Body struct {
			Layout   string
			Contents []struct {
				Type, Text, Weight string
				Wrap               bool
			}
		}
		Footer struct {
			Contents []struct {
				Style  string
				Action struct{ Type, Label, Data, DisplayText string }
			}
		}
	}
	json.Unmarshal(flex.Contents.Contents[0], &b)
	if len(b.Body.Contents) != 3 || b.Body.Contents[0].Weight != "bold" || !b.Body.Contents[1].Wrap || b.Body.Layout != "vertical" {
		t.Errorf("body %+v, want a bold title over wrapped lines, stacked", b.Body)
	}
	if len(b.Footer.Contents) != 1 || b.Footer.Contents[0].Style != "primary" ||
		b.Footer.Contents[0].Action != (struct{ Type, Label, Data, DisplayText string }{"postback", "申し込む", "seminar:1", "申し込む"}) {
		t.Errorf("footer %+v, want one primary postback button", b.Footer)
	}

	huge := decode(t, cases["huge cards"]...)
	raw, _ := json.Marshal(huge[1].Contents)
	if len(raw) > 50000 || len(huge[1].Contents.Contents) == 0 {
		t.Errorf("carousel of %d bytes and %d bubbles, want some and at most 50 KB", len(raw), len(huge[1].Contents.Contents))
	}

	alt := decode(t, cases["cards, no text"]...)
	if len(alt) != 1 || !strings.HasPrefix(alt[0].AltText, "1. 奄美") {
		t.Errorf("messages %+v, want one carousel whose altText names the cards", alt)
	}
}

func TestRenderAtMostFiveMessages(t *testing.T) {
	msgs := decode(t, cases["seven replies"]...)
	var all strings.Builder
	for _, m := range msgs {
		all.WriteString(m.Text + m.AltText + "|")
	}
	for _, want := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("reply %s lost: %s", want, all.String())
		}
	}
	last := decode(t, cases["many long texts"]...)
	if got := last[len(last)-1]; got.Text != "最後の質問です。" || got.QuickReply == nil {
		t.Errorf("last message %q, want the question with its choices kept", got.Text)
	}
	if got := decode(t, flows.Reply{}, flows.Reply{Text: "  \n"}); len(got) != 0 {
		t.Errorf("empty replies rendered as %+v, want nothing to send", got)
	}
}
