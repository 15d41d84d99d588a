package store_test

import (
	"reflect"
	"testing"

	"github.com/amamibot/amamibot/store"
)

func TestParseReminders(t *testing.T) {
	got, err := store.ParseReminders(" 72h, 24h ,1h online")
	if err != nil || !reflect.DeepEqual(got, store.DefaultReminders) {
		t.Errorf("ParseReminders(default as text) = %v, %v; want %v", got, err, store.DefaultReminders)
	}
	if got, err := store.ParseReminders("none"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("ParseReminders(none) = %#v, %v; want an empty list", got, err)
	}
	for _, bad := range []string{"", "前日", "30s", "1000h", "24h,"} {
		if _, err := store.ParseReminders(bad); err == nil {
			t.Errorf("ParseReminders(%q): no error", bad)
		}
	}
}
