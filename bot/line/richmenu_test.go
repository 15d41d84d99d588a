package line

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/amamibot/amamibot/bot/line/linetest"
)

// The paths the rich menu calls go to, as written in LINE's spec.
const (
	richMenuImagePath   = "/v2/bot/richmenu/{richMenuId}/content"
	defaultRichMenuPath = "/v2/bot/user/all/richmenu/{richMenuId}"
)

func TestApplyRichMenu(t *testing.T) {
	srv := linetest.NewServer(t)
	applied, err := NewClient(srv.Token, srv.URL, nil).ApplyRichMenu(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	menus := srv.RichMenus()
	if len(menus) != 1 || menus[0].ID != applied.ID || srv.DefaultRichMenu() != applied.ID || len(applied.Removed) != 0 {
		t.Fatalf("applied %+v; menus %+v, default %q", applied, menus, srv.DefaultRichMenu())
	}
	if m := menus[0]; m.ImageType != "image/png" || !bytes.Equal(m.Image, richMenuImage) {
		t.Errorf("image: %s of %d bytes, want the shipped PNG", m.ImageType, len(m.Image))
	}

	var got struct {
		Size  messaging_api.RichMenuSize
		Name  string
		Areas []struct {
			Bounds messaging_api.RichMenuBounds
			Action struct{ Type, Label, Data, DisplayText string }
		}
	}
	if err := json.Unmarshal(menus[0].JSON, &got); err != nil {
		t.Fatal(err)
	}
	var labels []string
	var x int64
	for i, a := range got.Areas {
		if a.Action.Type != "postback" || a.Action.Data != a.Action.Label || a.Action.DisplayText != a.Action.Label {
			t.Errorf("area %d: action %+v, want a postback whose data and displayText are its label", i, a.Action)
		}
		// Side by side, equal, together the whole menu: no dead or doubled spot.
		if b := a.Bounds; b.X != x || b.Y != 0 || b.Width != got.Size.Width/4 || b.Height != got.Size.Height {
			t.Errorf("area %d: bounds %+v", i, b)
		}
		x += a.Bounds.Width
		labels = append(labels, a.Action.Label)
	}
	if want := []string{"セミナー申込", "相談する", "申込確認", "メニュー"}; !slices.Equal(labels, want) || x != got.Size.Width {
		t.Errorf("areas %q covering %d px, want %q covering %d", labels, x, want, got.Size.Width)
	}
	if got.Name != richMenuName {
		t.Errorf("name %q, want %q", got.Name, richMenuName)
	}
}

// Applying again replaces the menu: one is left, the new one, and menus made
// by other means are not touched.
func TestApplyRichMenuTwice(t *testing.T) {
	srv := linetest.NewServer(t)
	other := createOtherMenu(t, srv)
	c := NewClient(srv.Token, srv.URL, nil)
	first, err := c.ApplyRichMenu(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.ApplyRichMenu(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(second.Removed, []string{first.ID}) || second.ID == first.ID {
		t.Errorf("first %+v, second %+v: the second should remove the first", first, second)
	}
	if ids := menuIDs(srv); !slices.Equal(ids, []string{other, second.ID}) || srv.DefaultRichMenu() != second.ID {
		t.Errorf("menus %q, default %q; want %q, default the last", ids, srv.DefaultRichMenu(), []string{other, second.ID})
	}
}

func TestApplyRichMenuBadToken(t *testing.T) {
	srv := linetest.NewServer(t)
	before, err := NewClient(srv.Token, srv.URL, nil).ApplyRichMenu(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewClient("not-the-token", srv.URL, nil).ApplyRichMenu(t.Context())
	if err == nil || !strings.HasPrefix(err.Error(), "LINE rejected the channel access token: ") {
		t.Fatalf("err = %v, want it to say the token was rejected", err)
	}
	if ids := menuIDs(srv); !slices.Equal(ids, []string{before.ID}) || srv.DefaultRichMenu() != before.ID {
		t.Errorf("menus %q, default %q: the bad token changed something", ids, srv.DefaultRichMenu())
	}
	if n := len(srv.TakeRejections()); n != 1 {
		t.Errorf("%d requests with the bad token, want 1 (stop at the first refusal)", n)
	}
}

// A failure after the menu is created deletes it again: the channel is left
// as it was, the earlier menu still the default.
func TestApplyRichMenuFailsMidway(t *testing.T) {
	for name, path := range map[string]string{"image upload": richMenuImagePath, "set default": defaultRichMenuPath} {
		t.Run(name, func(t *testing.T) {
			srv := linetest.NewServer(t)
			c := NewClient(srv.Token, srv.URL, nil)
			before, err := c.ApplyRichMenu(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			srv.FailNext(path, 1, linetest.Fault{Status: http.StatusInternalServerError})
			if _, err := c.ApplyRichMenu(t.Context()); err == nil || !strings.Contains(err.Error(), "status 500") {
				t.Fatalf("err = %v, want the 500", err)
			}
			if ids := menuIDs(srv); !slices.Equal(ids, []string{before.ID}) || srv.DefaultRichMenu() != before.ID {
				t.Errorf("menus %q, default %q; want only %q, still the default", ids, srv.DefaultRichMenu(), before.ID)
			}
		})
	}
}

// The image must fit the menu LINE is told about, and LINE takes at most 1 MB.
func TestRichMenuImage(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(richMenuImage))
	if err != nil {
		t.Fatalf("richmenu.png: %v", err)
	}
	size := richMenuRequest().Size
	if int64(cfg.Width) != size.Width || int64(cfg.Height) != size.Height {
		t.Errorf("richmenu.png is %dx%d, the menu %dx%d", cfg.Width, cfg.Height, size.Width, size.Height)
	}
	if n := len(richMenuImage); n >= 1<<20 {
		t.Errorf("richmenu.png is %d bytes; LINE takes at most 1 MB", n)
	}
	if _, _, err := image.Decode(bytes.NewReader(richMenuImage)); err != nil {
		t.Errorf("richmenu.png does not decode: %v", err)
	}
}

func TestDataBaseURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://api.line.me":    "https://api-data.line.me",
		"https://api.line.me/":   "https://api-data.line.me/",
		"http://127.0.0.1:8081":  "http://127.0.0.1:8081",
		"https://line.fake/base": "https://line.fake/base",
	} {
		if got := dataBaseURL(base); got != want {
			t.Errorf("dataBaseURL(%q) = %q, want %q", base, got, want)
		}
	}
}

// createOtherMenu makes a rich menu as another tool would, with its own name.
func createOtherMenu(t *testing.T, srv *linetest.Server) string {
	t.Helper()
	api, err := messaging_api.NewMessagingApiAPI(srv.Token, messaging_api.WithEndpoint(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	req := richMenuRequest()
	req.Name = "campaign"
	created, err := api.CreateRichMenu(req)
	if err != nil {
		t.Fatal(err)
	}
	return created.RichMenuId
}

func menuIDs(srv *linetest.Server) []string {
	var ids []string
	for _, m := range srv.RichMenus() {
		ids = append(ids, m.ID)
	}
	return ids
}
