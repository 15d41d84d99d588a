package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleHandoffInChromium has the simulated user ask for a person, a
// staff member claim the hand-off in the Slack pane and answer in its
// thread, and the user read the answer on LINE and go back to the bot.
func TestConsoleHandoffInChromium(t *testing.T) {
	ctx := openConsole(t)
	reply := `//div[@id="feed"]//form[contains(@class,"thread-reply")]`
	steps := []chromedp.Action[chromedp.Void]{
		botSays("友だち追加ありがとうございます"),
		say("人と話したい"),
		botSays("スタッフにおつなぎします"),
		chromedp.Click(`//div[@id="feed"]//button[normalize-space()="対応する"]`),
		chromedp.WaitVisible(`//div[@id="feed"]//*[contains(text(),"対応中: 事務局 奄美さん")]`),
		say("参加費はかかりますか"),
		chromedp.WaitVisible(`//div[@id="feed"]//div[contains(@class,"thread")]//div[contains(@class,"mrkdwn")][contains(.,"参加費はかかりますか")]`),
		chromedp.SendKeys(reply+`/input`, "セミナーの参加費は無料です。"),
		chromedp.Click(reply + `/button`),
		botSays("セミナーの参加費は無料です。"),
		chip("ボットに戻る"),
		botSays("ここからはボットがご案内します"),
		chromedp.WaitVisible(`//div[@id="feed"]//*[contains(text(),"ご本人がボットに戻りました")]`),
	}
	for i, step := range steps {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Do(sctx, step)
		cancel()
		if err != nil {
			t.Fatalf("a hand-off through the console, step %d: %v", i+1, err)
		}
	}
	screenshot(t, ctx, "console-handoff.png")
}
