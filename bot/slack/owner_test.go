package slack

import (
	"strings"
	"testing"

	"github.com/amamibot/amamibot/store"
)

// Staff see who asks: the company with the owner's name, or the name alone
// when the owner has no company, never （未登録） for an owner who gave one.
func TestAlertShowsOwnerName(t *testing.T) {
	for _, tt := range []struct {
		owner store.Owner
		want  string
	}{
		{store.Owner{Name: "奄美 花子", Company: "奄美商店", Contact: "0997-00-0000"}, "*事業者*\n奄美商店（奄美 花子）"},
		{store.Owner{Name: "奄美 花子", Contact: "0997-00-0000"}, "*事業者*\n奄美 花子"},
		{store.Owner{}, "*事業者*\n（未登録）"},
	} {
		in := intro()
		in.Owner = tt.owner
		if shown := post(t, alertMessage(in, talent, tokyo)).Shown(); !strings.Contains(shown, tt.want) {
			t.Errorf("owner %+v: the alert shows\n%s\nwant %q", tt.owner, shown, tt.want)
		}
	}
}
