package linetest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

const carouselJSON = `{
  "type": "carousel",
  "contents": [
    {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [
      {"type": "text", "text": "事業承継セミナー", "weight": "bold", "size": "lg", "wrap": true},
      {"type": "text", "text": "7月10日(金) 14:00 奄美市AiAiひろば", "size": "sm", "color": "#666666", "wrap": true}
    ]}, "footer": {"type": "box", "layout": "horizontal", "spacing": "sm", "contents": [
      {"type": "button", "style": "primary", "flex": 1, "action": {"type": "postback", "label": "会場で参加", "data": "seminar=s1&mode=venue"}},
      {"type": "button", "style": "secondary", "flex": 1, "action": {"type": "postback", "label": "オンライン", "data": "seminar=s1&mode=online"}}
    ]}},
    {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [
      {"type": "text", "text": "DX入門", "weight": "bold"}
    ]}, "footer": {"type": "box", "layout": "vertical", "contents": [
      {"type": "button", "action": {"type": "uri", "label": "詳細", "uri": "https://example.com/seminars/s2"}}
    ]}}
  ]
}`

func TestAcceptsWhatTheSDKSends(t *testing.T) {
	srv := NewServer(t)
	bot := newClient(t, srv)
	user := "U" + strings.Repeat("ab", 16)

	var items []messaging_api.QuickReplyItem
	for i := range 13 {
		label := fmt.Sprintf("%d月", i+1)
		items = append(items, messaging_api.QuickReplyItem{Action: &messaging_api.PostbackAction{Label: label, Data: "month=" + label, DisplayText: label}})
	}
	carousel, err := messaging_api.UnmarshalFlexContainer([]byte(carouselJSON))
	if err != nil {
		t.Fatal(err)
	}
	res, err := bot.PushMessage(&messaging_api.PushMessageRequest{To: user, Messages: []messaging_api.MessageInterface{
		text("ご希望の月をお選びください。"),
		&messaging_api.TextMessage{Text: "選択肢", QuickReply: &messaging_api.QuickReply{Items: items}},
		&messaging_api.FlexMessage{AltText: "セミナーのご案内", Contents: carousel},
	}}, uuid.NewString())
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if len(res.SentMessages) != 3 || res.SentMessages[0].Id == "" || res.SentMessages[0].QuoteToken == "" {
		t.Errorf("sentMessages = %+v, want 3 with ids and a quote token for the text", res.SentMessages)
	}

	got := srv.Messages(user)
	if len(got) != 3 {
		t.Fatalf("got %d messages, want 3", len(got))
	}
	if got[0].Text != "ご希望の月をお選びください。" || got[0].Via != "push" || got[0].RetryKey == "" {
		t.Errorf("first message = %+v", got[0])
	}
	if len(got[1].QuickReplies) != 13 || got[1].QuickReplies[0] != "1月" {
		t.Errorf("quick replies = %q", got[1].QuickReplies)
	}
	if got[2].Type != "flex" || got[2].AltText != "セミナーのご案内" || !strings.Contains(string(got[2].JSON), "会場で参加") {
		t.Errorf("flex message = %+v", got[2])
	}
}

// The SDK's Flex structs marshal "flex":0 on every component (PLATFORMS.md). The spec types flex as a bare
// integer, so LINE's schema, and the fake, accept it: a layout bug the schema cannot catch.
func TestSDKFlexZeroPassesTheSchema(t *testing.T) {
	srv := NewServer(t)
	bubble := &messaging_api.FlexBubble{Body: &messaging_api.FlexBox{
		Layout:   messaging_api.FlexBoxLAYOUT_HORIZONTAL,
		Contents: []messaging_api.FlexComponentInterface{&messaging_api.FlexText{Text: "左"}, &messaging_api.FlexText{Text: "右"}},
	}}
	_, err := newClient(t, srv).ReplyMessage(&messaging_api.ReplyMessageRequest{
		ReplyToken: srv.NewReplyToken(alice),
		Messages:   []messaging_api.MessageInterface{&messaging_api.FlexMessage{AltText: "flex", Contents: bubble}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Messages(alice); len(got) != 1 || !strings.Contains(string(got[0].JSON), `"flex":0`) {
		t.Errorf("messages = %+v, want one carrying \"flex\":0", got)
	}
}

func TestRejectsWhatLINERejects(t *testing.T) {
	srv := NewServer(t)
	srv.SetProfile(alice, "Alice")
	bot := newClient(t, srv)
	six := make([]messaging_api.MessageInterface, 6)
	for i := range six {
		six[i] = text("x")
	}
	quick := func(n int, label string) messaging_api.MessageInterface {
		var items []messaging_api.QuickReplyItem
		for range n {
			items = append(items, messaging_api.QuickReplyItem{Action: &messaging_api.MessageAction{Label: label, Text: "x"}})
		}
		return &messaging_api.TextMessage{Text: "x", QuickReply: &messaging_api.QuickReply{Items: items}}
	}
	bubble := `{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"x"}]}}`
	bubbles := func(n int, body string) messaging_api.MessageInterface {
		c, err := messaging_api.UnmarshalFlexContainer([]byte(`{"type":"carousel","contents":[` + strings.TrimSuffix(strings.Repeat(body+",", n), ",") + `]}`))
		if err != nil {
			t.Fatal(err)
		}
		return &messaging_api.FlexMessage{AltText: "x", Contents: c}
	}
	big := `{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"` + repeat("あ", 1500) + `"}]}}`

	for _, tc := range []struct {
		name     string
		messages []messaging_api.MessageInterface
		property string
	}{
		{"6 messages", six, "messages"},
		{"14 quick reply items", []messaging_api.MessageInterface{quick(14, "x")}, "messages[0].quickReply.items"},
		{"label of 21 characters", []messaging_api.MessageInterface{quick(1, repeat("あ", 21))}, "messages[0].quickReply.items[0].action.label"},
		{"empty label", []messaging_api.MessageInterface{quick(1, "")}, "messages[0].quickReply.items[0].action.label"},
		{"empty text", []messaging_api.MessageInterface{text("")}, "messages[0].text"},
		{"5,001 UTF-16 units", []messaging_api.MessageInterface{text(repeat("あ", 4999) + "😀")}, "messages[0].text"},
		{"altText of 1,501", []messaging_api.MessageInterface{&messaging_api.TemplateMessage{AltText: repeat("a", 1501), Template: &messaging_api.ConfirmTemplate{Text: "x", Actions: []messaging_api.ActionInterface{&messaging_api.MessageAction{Label: "はい", Text: "はい"}, &messaging_api.MessageAction{Label: "いいえ", Text: "いいえ"}}}}}, "messages[0].altText"},
		{"13 bubbles", []messaging_api.MessageInterface{bubbles(13, bubble)}, "messages[0].contents.contents"},
		{"carousel over 50 KB", []messaging_api.MessageInterface{bubbles(12, big)}, "messages[0].contents"},
		{"postback data of 301", []messaging_api.MessageInterface{&messaging_api.TemplateMessage{AltText: "x", Template: &messaging_api.ButtonsTemplate{Text: "x", Actions: []messaging_api.ActionInterface{&messaging_api.PostbackAction{Label: "x", Data: repeat("d", 301)}}}}}, "messages[0].template.actions[0].data"},
		{"uri that is not one", []messaging_api.MessageInterface{&messaging_api.TemplateMessage{AltText: "x", Template: &messaging_api.ButtonsTemplate{Text: "x", Actions: []messaging_api.ActionInterface{&messaging_api.UriAction{Label: "x", Uri: "example.com"}}}}}, "messages[0].template.actions[0].uri"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _, err := bot.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: alice, Messages: tc.messages}, "")
			if err == nil || res.StatusCode != http.StatusBadRequest {
				t.Fatalf("push answered %v, %v; want 400", res.StatusCode, err)
			}
			rejected := srv.TakeRejections()
			if len(rejected) != 1 || !strings.Contains(string(rejected[0].Response), `"property":"`+tc.property+`"`) {
				t.Errorf("rejections = %v, want one naming %s", rejected, tc.property)
			}
		})
	}
	if got := srv.Messages(alice); len(got) != 0 {
		t.Errorf("rejected requests delivered %d messages", len(got))
	}
}

func TestRejectsMalformedRequests(t *testing.T) {
	srv := NewServer(t)
	srv.SetProfile(alice, "Alice")
	for _, tc := range []struct {
		name, path, token, body string
		header                  []string
		status                  int
		want                    string
	}{
		{"unknown message type", "/v2/bot/message/push", srv.Token, `{"to":"Ualice","messages":[{"type":"card","text":"x"}]}`, nil, 400, `discriminator property \"type\" has invalid value`},
		{"missing to", "/v2/bot/message/push", srv.Token, `{"messages":[{"type":"text","text":"x"}]}`, nil, 400, `property \"to\" is missing`},
		{"to of unknown shape", "/v2/bot/message/push", srv.Token, `{"to":"bob","messages":[{"type":"text","text":"x"}]}`, nil, 400, `'to'`},
		{"text message without text", "/v2/bot/message/push", srv.Token, `{"to":"Ualice","messages":[{"type":"text"}]}`, nil, 400, `"property":"messages[0].text"`},
		{"null text", "/v2/bot/message/push", srv.Token, `{"to":"Ualice","messages":[{"type":"text","text":null}]}`, nil, 400, `"property":"messages[0].text"`},
		{"not JSON", "/v2/bot/message/push", srv.Token, `{"to":`, nil, 400, `error`},
		{"retry key not a UUID", "/v2/bot/message/push", srv.Token, `{"to":"Ualice","messages":[{"type":"text","text":"x"}]}`, []string{"X-Line-Retry-Key", "42"}, 400, `X-Line-Retry-Key`},
		{"loading seconds not a multiple of 5", "/v2/bot/chat/loading/start", srv.Token, `{"chatId":"Ualice","loadingSeconds":7}`, nil, 400, `loadingSeconds`},
		{"loading seconds over 60", "/v2/bot/chat/loading/start", srv.Token, `{"chatId":"Ualice","loadingSeconds":65}`, nil, 400, `loadingSeconds`},
		{"loading in a group", "/v2/bot/chat/loading/start", srv.Token, `{"chatId":"C` + repeat("0", 32) + `"}`, nil, 400, `chatId`},
		{"bad token", "/v2/bot/message/push", "wrong", `{"to":"Ualice","messages":[{"type":"text","text":"x"}]}`, nil, 401, `Authentication failed`},
		{"no token", "/v2/bot/message/push", "", `{"to":"Ualice","messages":[{"type":"text","text":"x"}]}`, nil, 401, `Authentication failed`},
		{"path not in LINE's API", "/v2/bot/message/pushh", srv.Token, `{}`, nil, 404, `Not found`},
		{"operation the fake does not serve", "/v2/bot/message/broadcast", srv.Token, `{"messages":[{"type":"text","text":"x"}]}`, nil, 501, `broadcast`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, srv, tc.path, tc.token, tc.body, tc.header...)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("answered %d %s, want %d containing %s", status, body, tc.status, tc.want)
			}
			if r := srv.TakeRejections(); len(r) != 1 {
				t.Errorf("%d rejections recorded, want 1", len(r))
			}
		})
	}
}

func TestUnexpectedRejectionsFailTheTest(t *testing.T) {
	ft := &fakeT{TB: t}
	srv := NewServer(ft)
	post(t, srv, "/v2/bot/message/push", srv.Token, `{"to":"Ualice","messages":[]}`)
	errs := ft.finish()
	if len(errs) != 1 || !strings.Contains(errs[0], "/v2/bot/message/push answered 400") {
		t.Errorf("reported %q, want the rejected push", errs)
	}

	ft = &fakeT{TB: t}
	srv = NewServer(ft)
	srv.ExpectRejections()
	post(t, srv, "/v2/bot/message/push", srv.Token, `{"to":"Ualice","messages":[]}`)
	if errs := ft.finish(); len(errs) != 0 {
		t.Errorf("reported %q after ExpectRejections", errs)
	}
}

func TestReplyTokens(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now), WithReplyTokenTTL(time.Minute))
	bot := newClient(t, srv)
	reply := func(token string) (int, error) {
		res, _, err := bot.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: []messaging_api.MessageInterface{text("はい")}})
		if res == nil {
			t.Fatal(err)
		}
		return res.StatusCode, err
	}

	token := srv.NewReplyToken(alice)
	if status, err := reply(token); status != 200 {
		t.Fatalf("first reply: %d %v", status, err)
	}
	if status, err := reply(token); status != 400 || !strings.Contains(err.Error(), "Invalid reply token") {
		t.Errorf("second reply: %d %v, want 400 Invalid reply token", status, err)
	}

	late := srv.NewReplyToken(alice)
	clk.Advance(time.Minute)
	if status, _ := reply(late); status != 400 {
		t.Errorf("reply after a minute: %d, want 400", status)
	}
	fresh := srv.NewReplyToken(alice)
	clk.Advance(59 * time.Second)
	if status, _ := reply(fresh); status != 200 {
		t.Errorf("reply after 59 s: %d, want 200", status)
	}
	if status, _ := reply("nonsense"); status != 400 {
		t.Errorf("unknown token: %d, want 400", status)
	}

	if got := srv.InvalidReplyTokens(); len(got) != 3 || got[0] != token || got[1] != late || got[2] != "nonsense" {
		t.Errorf("invalid reply tokens = %q", got)
	}
	if got := srv.Messages(alice); len(got) != 2 || got[0].Via != "reply" {
		t.Errorf("messages = %+v, want 2 replies", got)
	}
	// A refused reply token is no rejection: the test does not fail at cleanup.
}

func TestPushRetryKey(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, WithClock(clk.Now))
	srv.SetProfile(alice, "Alice")
	bot := newClient(t, srv)
	req := &messaging_api.PushMessageRequest{To: alice, Messages: []messaging_api.MessageInterface{text("ご予約を承りました。")}}
	key := uuid.NewString()

	first, sent, err := bot.PushMessageWithHttpInfo(req, key)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := bot.PushMessageWithHttpInfo(req, key)
	if again.StatusCode != http.StatusConflict {
		t.Fatalf("repeat: %d %v, want 409", again.StatusCode, err)
	}
	if got, want := again.Header.Get("X-Line-Accepted-Request-Id"), first.Header.Get("X-Line-Request-Id"); got == "" || got != want {
		t.Errorf("x-line-accepted-request-id = %q, want the first request's id %q", got, want)
	}
	if body := bodyOf(t, again); !strings.Contains(body, sent.SentMessages[0].Id) {
		t.Errorf("409 body %s does not name the sent message %s", body, sent.SentMessages[0].Id)
	}
	if n := len(srv.Messages(alice)); n != 1 {
		t.Errorf("%d messages delivered, want 1", n)
	}

	if res, _, err := bot.PushMessageWithHttpInfo(req, ""); res.StatusCode != 200 {
		t.Errorf("push without key: %d %v", res.StatusCode, err)
	}
	clk.Advance(24 * time.Hour)
	if res, _, err := bot.PushMessageWithHttpInfo(req, key); res.StatusCode != 200 {
		t.Errorf("same key after 24 h: %d %v, want 200", res.StatusCode, err)
	}
	if n := len(srv.Messages(alice)); n != 3 {
		t.Errorf("%d messages delivered, want 3", n)
	}
}

func TestFailNext(t *testing.T) {
	srv := NewServer(t)
	bot := newClient(t, srv)
	srv.SetProfile(alice, "Alice")
	req := &messaging_api.PushMessageRequest{To: alice, Messages: []messaging_api.MessageInterface{text("x")}}

	srv.FailNext("/v2/bot/message/push", 1, Fault{Status: 429, Header: http.Header{"Retry-After": {"3"}}})
	res, _, err := bot.PushMessageWithHttpInfo(req, uuid.NewString())
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "3" || !strings.Contains(err.Error(), "Too Many Requests") {
		t.Errorf("answered %d %v, want 429 with Retry-After", res.StatusCode, err)
	}
	if n := len(srv.Messages(alice)); n != 0 {
		t.Errorf("a failed push delivered %d messages", n)
	}

	// The push arrives but its answer is lost: the retry with the same key gets 409 and no duplicate.
	key := uuid.NewString()
	srv.FailNext("/v2/bot/message/push", 1, Fault{Status: 500, Deliver: true})
	if res, _, _ := bot.PushMessageWithHttpInfo(req, key); res.StatusCode != 500 {
		t.Errorf("answered %d, want 500", res.StatusCode)
	}
	if res, _, _ := bot.PushMessageWithHttpInfo(req, key); res.StatusCode != 409 {
		t.Errorf("retry answered %d, want 409", res.StatusCode)
	}
	if n := len(srv.Messages(alice)); n != 1 {
		t.Errorf("%d messages delivered, want 1", n)
	}

	srv.FailNext("/v2/bot/profile/{userId}", 2, Fault{Status: 503, Body: "upstream down"})
	for range 2 {
		if _, err := bot.GetProfile(alice); err == nil || !strings.Contains(err.Error(), "503, upstream down") {
			t.Errorf("profile: %v, want 503", err)
		}
	}
	if p, err := bot.GetProfile(alice); err != nil || p.DisplayName != "Alice" {
		t.Errorf("profile after the faults: %+v %v", p, err)
	}
	if n := srv.Count("/v2/bot/message/push"); n != 3 {
		t.Errorf("Count(push) = %d, want 3", n)
	}
	if n := srv.Count("/v2/bot/profile/{userId}"); n != 3 {
		t.Errorf("Count(profile) = %d, want 3", n)
	}
}

func TestProfileAndLoading(t *testing.T) {
	srv := NewServer(t)
	bot := newClient(t, srv)
	srv.SetProfile(alice, "奄美 太郎")
	p, err := bot.GetProfile(alice)
	if err != nil || p.DisplayName != "奄美 太郎" || p.UserId != alice {
		t.Errorf("profile = %+v, %v", p, err)
	}
	if _, err := bot.GetProfile("U" + repeat("0", 32)); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("profile of a stranger: %v, want 404", err)
	}
	if _, err := bot.ShowLoadingAnimation(&messaging_api.ShowLoadingAnimationRequest{ChatId: alice, LoadingSeconds: 20}); err != nil {
		t.Errorf("loading: %v", err)
	}
}

func TestConcurrentUsers(t *testing.T) {
	srv := NewServer(t)
	bot := newClient(t, srv) // no WithContext: the client is shared safely
	users := make([]string, 100)
	for i := range users {
		users[i] = fmt.Sprintf("U%032x", i)
	}
	var wg sync.WaitGroup
	for _, u := range users {
		token := srv.NewReplyToken(u)
		wg.Go(func() {
			if _, err := bot.ReplyMessage(&messaging_api.ReplyMessageRequest{ReplyToken: token, Messages: []messaging_api.MessageInterface{text("こんにちは")}}); err != nil {
				t.Errorf("reply to %s: %v", u, err)
			}
			for i := range 3 {
				if _, err := bot.PushMessage(&messaging_api.PushMessageRequest{To: u, Messages: []messaging_api.MessageInterface{text(fmt.Sprint(i))}}, uuid.NewString()); err != nil {
					t.Errorf("push to %s: %v", u, err)
				}
			}
		})
	}
	for _, u := range users {
		got := srv.WaitMessages(t, u, 4, 10*time.Second)
		if got[0].Via != "reply" || got[3].Text != "2" {
			t.Errorf("%s got %+v", u, got)
		}
	}
	wg.Wait()
	if n := len(srv.Requests()); n != 400 {
		t.Errorf("%d requests recorded, want 400", n)
	}
}

func TestWaitMessagesReportsWhatCame(t *testing.T) {
	srv := NewServer(t)
	srv.SetProfile(alice, "Alice")
	_, err := newClient(t, srv).PushMessage(&messaging_api.PushMessageRequest{To: alice, Messages: []messaging_api.MessageInterface{text("ひとつ")}}, "")
	if err != nil {
		t.Fatal(err)
	}
	ft := &fakeT{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WaitMessages(ft, alice, 2, 50*time.Millisecond)
	}()
	<-done
	if errs := ft.finish(); len(errs) != 1 || !strings.Contains(errs[0], "got 1") || !strings.Contains(errs[0], "ひとつ") {
		t.Errorf("reported %q", errs)
	}
}
