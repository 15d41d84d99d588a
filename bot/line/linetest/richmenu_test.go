package linetest

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func menuRequest() *messaging_api.RichMenuRequest {
	return &messaging_api.RichMenuRequest{
		Size: &messaging_api.RichMenuSize{Width: 2500, Height: 843}, Selected: true, Name: "main", ChatBarText: "メニュー",
		Areas: []messaging_api.RichMenuArea{
			{Bounds: &messaging_api.RichMenuBounds{X: 0, Y: 0, Width: 1250, Height: 843}, Action: &messaging_api.PostbackAction{Label: "セミナー", Data: "menu=seminars"}},
			{Bounds: &messaging_api.RichMenuBounds{X: 1250, Y: 0, Width: 1250, Height: 843}, Action: &messaging_api.MessageAction{Label: "相談", Text: "相談"}},
		},
	}
}

func TestRichMenuSetup(t *testing.T) {
	srv := NewServer(t)
	bot := newClient(t, srv)
	blob, err := messaging_api.NewMessagingApiBlobAPI(srv.Token, messaging_api.WithBlobEndpoint(srv.URL))
	if err != nil {
		t.Fatal(err)
	}

	created, err := bot.CreateRichMenu(menuRequest())
	if err != nil {
		t.Fatal(err)
	}
	id := created.RichMenuId
	if _, err := bot.SetDefaultRichMenu(id); err == nil || !strings.Contains(err.Error(), "must upload richmenu image") {
		t.Errorf("default before the image: %v, want 400", err)
	}
	if _, err := blob.SetRichMenuImage(id, "image/png", bytes.NewReader(pngImage(t, 2500, 843))); err != nil {
		t.Fatalf("upload: %v", err)
	}
	if _, err := blob.SetRichMenuImage(id, "image/png", bytes.NewReader(pngImage(t, 2500, 843))); err == nil {
		t.Error("a second upload was accepted; LINE cannot replace a rich menu image")
	}
	if _, err := bot.SetDefaultRichMenu(id); err != nil {
		t.Fatalf("default: %v", err)
	}

	list, err := bot.GetRichMenuList()
	if err != nil || len(list.Richmenus) != 1 || list.Richmenus[0].RichMenuId != id || list.Richmenus[0].ChatBarText != "メニュー" {
		t.Errorf("list = %+v, %v", list, err)
	}
	if got, err := bot.GetDefaultRichMenuId(); err != nil || got.RichMenuId != id {
		t.Errorf("default id = %+v, %v", got, err)
	}
	if menus := srv.RichMenus(); len(menus) != 1 || menus[0].ImageType != "image/png" || srv.DefaultRichMenu() != id {
		t.Errorf("menus = %+v, default %q", menus, srv.DefaultRichMenu())
	}
	if _, err := bot.DeleteRichMenu(id); err != nil || srv.DefaultRichMenu() != "" {
		t.Errorf("delete: %v, default now %q", err, srv.DefaultRichMenu())
	}
	if r := srv.TakeRejections(); len(r) != 2 {
		t.Errorf("rejections = %v, want the early default and the second upload", r)
	}
}

func TestRichMenuRejections(t *testing.T) {
	srv := NewServer(t)
	bot := newClient(t, srv)
	blob, _ := messaging_api.NewMessagingApiBlobAPI(srv.Token, messaging_api.WithBlobEndpoint(srv.URL))

	small := menuRequest()
	small.Size = &messaging_api.RichMenuSize{Width: 700, Height: 400}
	long := menuRequest()
	long.ChatBarText = "とても長いチャットバーのテキストです"
	for name, req := range map[string]*messaging_api.RichMenuRequest{"too small": small, "chatBarText over 14": long} {
		if _, err := bot.CreateRichMenu(req); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	created, err := bot.CreateRichMenu(menuRequest())
	if err != nil {
		t.Fatal(err)
	}
	for name, upload := range map[string]struct {
		ctype string
		body  []byte
	}{
		"not an image":       {"image/png", []byte("not a png")},
		"gif":                {"image/gif", []byte("GIF89a")},
		"too narrow":         {"image/png", pngImage(t, 700, 300)},
		"taller than 1:1.45": {"image/png", pngImage(t, 1200, 1000)},
	} {
		if _, err := blob.SetRichMenuImage(created.RichMenuId, upload.ctype, bytes.NewReader(upload.body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := bot.SetDefaultRichMenu("richmenu-nonexistent"); err == nil {
		t.Error("default of an unknown rich menu: accepted")
	}
	if r := srv.TakeRejections(); len(r) != 7 {
		t.Errorf("%d rejections, want 7: %v", len(r), r)
	}
}
