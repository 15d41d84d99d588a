package linetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // rich menu images are JPEG or PNG
	_ "image/png"
	"mime"
	"net/http"
	"slices"
)

// maxRichMenuImage is the largest rich menu image LINE accepts.
const maxRichMenuImage = 1 << 20

// RichMenu is a rich menu created on the fake.
type RichMenu struct {
	ID        string
	JSON      json.RawMessage // the rich menu object as created
	Image     []byte          // the uploaded image, nil until uploaded
	ImageType string          // Content-Type of the image
}

// RichMenus returns the rich menus that exist, in order of creation.
func (s *Server) RichMenus() []RichMenu {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RichMenu, len(s.richMenus))
	for i, m := range s.richMenus {
		out[i] = *m
	}
	return out
}

// DefaultRichMenu returns the id of the default rich menu, "" if none is set.
func (s *Server) DefaultRichMenu() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaultRichMenu
}

// richMenu finds a rich menu by id; s.mu is held.
func (s *Server) richMenu(id string) *RichMenu {
	for _, m := range s.richMenus {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func richMenuNotFound(id string) response {
	return reject(http.StatusNotFound, fmt.Sprintf("Not found: no rich menu %q", id))
}

func (s *Server) createRichMenu(c *call) response {
	m := &RichMenu{ID: "richmenu-" + randomHex(16), JSON: bytes.Clone(c.body)}
	s.richMenus = append(s.richMenus, m)
	return ok(map[string]string{"richMenuId": m.ID})
}

func (s *Server) setRichMenuImage(c *call) response {
	m := s.richMenu(c.params["richMenuId"])
	if m == nil {
		return richMenuNotFound(c.params["richMenuId"])
	}
	if m.Image != nil {
		// LINE cannot replace an image: a changed menu is a new rich menu.
		return reject(http.StatusBadRequest, "An image has already been uploaded to the richmenu")
	}
	ctype, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ctype != "image/jpeg" && ctype != "image/png" {
		return reject(http.StatusUnsupportedMediaType, fmt.Sprintf("The image must be image/jpeg or image/png, not %q", ctype))
	}
	if len(c.body) > maxRichMenuImage {
		return reject(http.StatusRequestEntityTooLarge, fmt.Sprintf("The image must be at most 1 MB, is %d bytes", len(c.body)))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(c.body))
	if err != nil || "image/"+format != ctype {
		return reject(http.StatusBadRequest, fmt.Sprintf("The image is not a valid %s", ctype))
	}
	if w, h := cfg.Width, cfg.Height; w < 800 || w > 2500 || h < 250 || float64(w)/float64(h) < 1.45 {
		return reject(http.StatusBadRequest, fmt.Sprintf("The image is %dx%d; it must be 800 to 2500 wide, at least 250 high, and at least 1.45 times as wide as high", w, h))
	}
	m.Image, m.ImageType = bytes.Clone(c.body), ctype
	return ok(nil)
}

func (s *Server) setDefaultRichMenu(c *call) response {
	m := s.richMenu(c.params["richMenuId"])
	switch {
	case m == nil:
		return richMenuNotFound(c.params["richMenuId"])
	case m.Image == nil:
		return reject(http.StatusBadRequest, "must upload richmenu image before applying it to user")
	}
	s.defaultRichMenu = m.ID
	return ok(nil)
}

func (s *Server) getDefaultRichMenu(*call) response {
	if s.defaultRichMenu == "" {
		// A normal answer for an account without one, not a caller bug.
		return response{status: http.StatusNotFound, body: errorBody{Message: "no default richmenu"}}
	}
	return ok(map[string]string{"richMenuId": s.defaultRichMenu})
}

func (s *Server) listRichMenus(*call) response {
	menus := make([]map[string]any, 0, len(s.richMenus))
	for _, m := range s.richMenus {
		var obj map[string]any
		json.Unmarshal(m.JSON, &obj)
		obj["richMenuId"] = m.ID
		menus = append(menus, obj)
	}
	return ok(map[string]any{"richmenus": menus})
}

func (s *Server) deleteRichMenu(c *call) response {
	id := c.params["richMenuId"]
	i := slices.IndexFunc(s.richMenus, func(m *RichMenu) bool { return m.ID == id })
	if i < 0 {
		return richMenuNotFound(id)
	}
	s.richMenus = slices.Delete(s.richMenus, i, i+1)
	if s.defaultRichMenu == id {
		s.defaultRichMenu = ""
	}
	return ok(nil)
}
