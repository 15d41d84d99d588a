package line

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// richMenuImage is the menu's picture: four equal columns, drawn from
// richmenu.html (which says how to regenerate it).
//
//go:embed richmenu.png
var richMenuImage []byte

// richMenuName names the menu on LINE. Apply finds the menus it made before
// by this name, so changing it strands them.
const richMenuName = "amamibot"

// richMenuLabels are the menu's items, left to right as in the image. A tap
// sends the label, as typing it would: the flows start the same either way.
var richMenuLabels = []string{"セミナー申込", "相談する", "申込確認", "メニュー"}

// richMenuRequest returns the rich menu the project ships: full width,
// open when the chat opens, one column per label. The image must have the
// same size.
func richMenuRequest() *messaging_api.RichMenuRequest {
	const width, height = 2500, 843
	col := int64(width / len(richMenuLabels))
	areas := make([]messaging_api.RichMenuArea, len(richMenuLabels))
	for i, label := range richMenuLabels {
		areas[i] = messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(i) * col, Width: col, Height: height},
			// A postback with displayText, like the bot's own buttons
			// (render.go): the chat shows the label as the user's message,
			// and the flows take data equal to a label as the label typed.
			Action: &messaging_api.PostbackAction{Label: label, Data: label, DisplayText: label},
		}
	}
	return &messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: width, Height: height},
		Selected:    true,
		Name:        richMenuName,
		ChatBarText: "メニュー",
		Areas:       areas,
	}
}

// AppliedRichMenu is what ApplyRichMenu did.
type AppliedRichMenu struct {
	ID      string   // the new default rich menu
	Removed []string // earlier menus of the same name, deleted
}

// ApplyRichMenu creates the project's rich menu, uploads its image, makes it
// the default for every user, and then deletes the menus an earlier apply
// made (those named "amamibot"; others are left alone). It replaces rather
// than reuses them because LINE cannot change a menu's image or areas, so a
// reused menu would keep an old design; and it deletes them only once the
// new one is the default, so users are never left without a menu. A failure
// before that deletes the new menu again, leaving the channel as it was.
func (c *Client) ApplyRichMenu(ctx context.Context) (AppliedRichMenu, error) {
	// Listing first also checks the token before anything is created.
	old, err := c.richMenusNamed(ctx, richMenuName)
	if err != nil {
		return AppliedRichMenu{}, err
	}
	id, err := c.createRichMenu(ctx, richMenuRequest())
	if err != nil {
		return AppliedRichMenu{}, err
	}
	if err := c.finishRichMenu(ctx, id); err != nil {
		// Clean up even if ctx was cancelled (Ctrl-C midway): an imageless
		// menu is useless and would count against LINE's 1,000.
		if derr := c.deleteRichMenu(context.WithoutCancel(ctx), id); derr != nil {
			err = errors.Join(err, fmt.Errorf("the unfinished rich menu %s is left behind: %w", id, derr))
		}
		return AppliedRichMenu{}, err
	}
	applied := AppliedRichMenu{ID: id}
	for _, oldID := range old {
		if err := c.deleteRichMenu(ctx, oldID); err != nil {
			return applied, fmt.Errorf("rich menu %s is the default, but the old one is still there (apply again to remove it): %w", id, err)
		}
		applied.Removed = append(applied.Removed, oldID)
	}
	return applied, nil
}

// finishRichMenu uploads the image of a created menu and makes it the default.
func (c *Client) finishRichMenu(ctx context.Context, id string) error {
	blob, err := messaging_api.NewMessagingApiBlobAPI(c.token,
		messaging_api.WithBlobEndpoint(dataBaseURL(c.baseURL)),
		messaging_api.WithBlobHTTPClient(c.http))
	if err != nil {
		return fmt.Errorf("line client: %w", err)
	}
	res, _, err := blob.WithContext(ctx).SetRichMenuImageWithHttpInfo(id, "image/png", bytes.NewReader(richMenuImage))
	if err := richMenuError("upload rich menu image", res, err); err != nil {
		return err
	}
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	res, _, err = api.SetDefaultRichMenuWithHttpInfo(id)
	return richMenuError("set default rich menu", res, err)
}

// richMenusNamed returns the ids of the channel's rich menus called name.
func (c *Client) richMenusNamed(ctx context.Context, name string) ([]string, error) {
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	res, list, err := api.GetRichMenuListWithHttpInfo()
	if err := richMenuError("list rich menus", res, err); err != nil {
		return nil, err
	}
	if list == nil { // a 2xx the SDK could not decode
		return nil, fmt.Errorf("line list rich menus: %w", err)
	}
	var ids []string
	for _, m := range list.Richmenus {
		if m.Name == name {
			ids = append(ids, m.RichMenuId)
		}
	}
	return ids, nil
}

func (c *Client) createRichMenu(ctx context.Context, req *messaging_api.RichMenuRequest) (string, error) {
	api, err := c.api(ctx)
	if err != nil {
		return "", err
	}
	res, created, err := api.CreateRichMenuWithHttpInfo(req)
	if err := richMenuError("create rich menu", res, err); err != nil {
		return "", err
	}
	if created == nil || created.RichMenuId == "" {
		// Created, perhaps, but without its id it cannot be cleaned up here;
		// the next apply deletes it by name.
		return "", fmt.Errorf("line create rich menu: no id in LINE's answer: %v", err)
	}
	return created.RichMenuId, nil
}

func (c *Client) deleteRichMenu(ctx context.Context, id string) error {
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	res, _, err := api.DeleteRichMenuWithHttpInfo(id)
	return richMenuError("delete rich menu "+id, res, err)
}

// richMenuError is apiError, saying plainly when the token is the problem:
// the one mistake an operator running apply is likely to make.
func richMenuError(op string, res *http.Response, err error) error {
	err = apiError(op, res, err)
	if e, ok := errors.AsType[*APIError](err); ok && e.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("LINE rejected the channel access token: %w", err)
	}
	return err
}

// dataBaseURL is where the blob API (images) lives for an API base URL:
// LINE serves it from its own host; a fake serves both on one.
func dataBaseURL(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host != "api.line.me" {
		return base
	}
	u.Host = "api-data.line.me"
	return u.String()
}
