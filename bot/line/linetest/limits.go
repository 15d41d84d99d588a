package linetest

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// LINE's documented limits that its OpenAPI spec does not encode. The spec already has the 5 messages per
// request, the 13 quick reply items, the 300 characters of postback and datetime picker data, and the
// 5–60 s range of the loading animation; the rest lives only in the reference pages.
const (
	maxText          = 5000     // text message, UTF-16 code units
	maxAltText       = 1500     // flex, template and imagemap altText
	maxBubbles       = 12       // bubbles in a Flex carousel
	maxCarouselBytes = 50 << 10 // a Flex carousel's JSON
	maxBubbleBytes   = 30 << 10 // a Flex bubble's JSON
	maxLabel         = 20       // quick reply button label
	maxRichMenuAreas = 20
)

// checkLimits returns what breaks a documented limit in the (spec-valid) body of an operation.
func checkLimits(op string, body []byte) []detail {
	switch op {
	case "replyMessage", "pushMessage", "multicast":
		return checkMessages(body)
	case "showLoadingAnimation":
		var req struct {
			Seconds *int `json:"loadingSeconds"`
		}
		json.Unmarshal(body, &req)
		if req.Seconds != nil && *req.Seconds%5 != 0 {
			return []detail{{Message: "must be a multiple of 5", Property: "loadingSeconds"}}
		}
	case "createRichMenu":
		return checkRichMenu(body)
	}
	return nil
}

func checkMessages(body []byte) []detail {
	var req struct {
		Messages []json.RawMessage `json:"messages"`
	}
	json.Unmarshal(body, &req)
	var out []detail
	for i, raw := range req.Messages {
		var m struct {
			Type       string          `json:"type"`
			Text       string          `json:"text"`
			AltText    *string         `json:"altText"`
			Contents   json.RawMessage `json:"contents"`
			QuickReply *struct {
				Items []struct {
					Action *struct {
						Label string `json:"label"`
					} `json:"action"`
				} `json:"items"`
			} `json:"quickReply"`
		}
		json.Unmarshal(raw, &m)
		at := func(p string) string { return fmt.Sprintf("messages[%d].%s", i, p) }
		switch m.Type {
		case "text", "textV2":
			out = append(out, length(at("text"), m.Text, maxText)...)
		case "flex":
			out = append(out, checkFlex(at("contents"), m.Contents)...)
		}
		if m.AltText != nil {
			out = append(out, length(at("altText"), *m.AltText, maxAltText)...)
		}
		if m.QuickReply != nil {
			for j, item := range m.QuickReply.Items {
				p := at(fmt.Sprintf("quickReply.items[%d].action", j))
				if item.Action == nil {
					out = append(out, detail{Message: "May not be null", Property: p})
					continue
				}
				out = append(out, length(p+".label", item.Action.Label, maxLabel)...)
			}
		}
	}
	return out
}

// checkFlex checks the size of a Flex container, counted on its compact JSON.
func checkFlex(property string, raw json.RawMessage) []detail {
	var c struct {
		Type     string            `json:"type"`
		Contents []json.RawMessage `json:"contents"`
	}
	json.Unmarshal(raw, &c)
	if c.Type == "bubble" {
		return size(property, raw, maxBubbleBytes)
	}
	out := size(property, raw, maxCarouselBytes)
	if len(c.Contents) > maxBubbles {
		out = append(out, detail{Message: fmt.Sprintf("Size must be between 1 and %d", maxBubbles), Property: property + ".contents"})
	}
	for i, bubble := range c.Contents {
		out = append(out, size(fmt.Sprintf("%s.contents[%d]", property, i), bubble, maxBubbleBytes)...)
	}
	return out
}

func size(property string, raw json.RawMessage, max int) []detail {
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil && b.Len() > max {
		return []detail{{Message: fmt.Sprintf("JSON must be at most %d KB, is %d bytes", max>>10, b.Len()), Property: property}}
	}
	return nil
}

// length checks a required text of at most max characters. LINE counts characters in UTF-16 code units:
// an emoji outside the BMP counts two.
func length(property, s string, max int) []detail {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	switch {
	case n == 0:
		return []detail{{Message: "May not be empty", Property: property}}
	case n > max:
		return []detail{{Message: fmt.Sprintf("Length must be between 1 and %d, is %d", max, n), Property: property}}
	}
	return nil
}

// checkRichMenu checks what the rich menu reference requires and the spec leaves optional.
func checkRichMenu(body []byte) []detail {
	var m struct {
		Size *struct {
			Width  int64 `json:"width"`
			Height int64 `json:"height"`
		} `json:"size"`
		Selected    *bool   `json:"selected"`
		Name        *string `json:"name"`
		ChatBarText *string `json:"chatBarText"`
		Areas       *[]struct {
			Bounds *json.RawMessage `json:"bounds"`
			Action *json.RawMessage `json:"action"`
		} `json:"areas"`
	}
	json.Unmarshal(body, &m)
	var out []detail
	required := func(present bool, property string) {
		if !present {
			out = append(out, detail{Message: "May not be null", Property: property})
		}
	}
	required(m.Size != nil, "size")
	required(m.Selected != nil, "selected")
	required(m.Name != nil, "name")
	required(m.ChatBarText != nil, "chatBarText")
	required(m.Areas != nil, "areas")
	if m.Size != nil {
		w, h := m.Size.Width, m.Size.Height
		if w < 800 || w > 2500 || h < 250 || float64(w)/float64(h) < 1.45 {
			out = append(out, detail{Message: "width must be 800 to 2500, height at least 250, width/height at least 1.45", Property: "size"})
		}
	}
	if m.Areas != nil {
		if len(*m.Areas) > maxRichMenuAreas {
			out = append(out, detail{Message: fmt.Sprintf("Size must be between 0 and %d", maxRichMenuAreas), Property: "areas"})
		}
		for i, a := range *m.Areas {
			required(a.Bounds != nil, fmt.Sprintf("areas[%d].bounds", i))
			required(a.Action != nil, fmt.Sprintf("areas[%d].action", i))
		}
	}
	return out
}
