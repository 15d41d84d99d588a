package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/amamibot/amamibot/match"
	"github.com/amamibot/amamibot/store"
)

// seedDemo gives an empty store upcoming seminars, consultation slots and a
// sample pool of professionals, so that every flow can be tried at once. What the store
// already has is left alone.
func seedDemo(ctx context.Context, st store.Store, now time.Time, loc *time.Location, logger *slog.Logger) error {
	if v, err := st.TalentsVersion(ctx); err != nil {
		return err
	} else if v == 0 {
		pool := match.DemoTalents()
		if err := st.UpsertTalents(ctx, pool); err != nil {
			return err
		}
		logger.Info("demo: seeded the sample pool of professionals", "count", len(pool))
	}
	if err := seedDemoSlots(ctx, st, now, loc, logger); err != nil {
		return err
	}
	upcoming, err := st.UpcomingSeminars(ctx, now, 1)
	if err != nil {
		return err
	}
	if len(upcoming) > 0 {
		return nil
	}
	day := func(days, hour, min int) time.Time {
		d := now.In(loc).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, loc).UTC()
	}
	seminars := []store.Seminar{
		{Title: "観光DXセミナー 予約とSNSで選ばれる宿へ", StartsAt: day(3, 15, 0), EndsAt: day(3, 16, 30),
			Venue: "奄美市AiAiひろば 2階 会議室", OnlineURL: "https://meet.example.jp/amami-dx", Capacity: 20},
		{Title: "副業人材の活用入門", StartsAt: day(7, 13, 0), EndsAt: day(7, 14, 0),
			OnlineURL: "https://meet.example.jp/amami-intro"},
		{Title: "事業承継を考える勉強会", StartsAt: day(10, 18, 30), EndsAt: day(10, 20, 0),
			Venue: "徳之島町文化会館 小ホール", OnlineURL: "https://meet.example.jp/amami-shokei", Capacity: 20},
		{Title: "特産品のネット販売 はじめの一歩", StartsAt: day(14, 14, 0), EndsAt: day(14, 15, 30),
			Venue: "与論町砂美地来館", Capacity: 12},
	}
	for i := range seminars {
		seminars[i].ID = fmt.Sprintf("demo-%d", i+1)
	}
	if err := st.UpsertSeminars(ctx, seminars); err != nil {
		return err
	}
	logger.Info("demo: seeded upcoming seminars", "count", len(seminars))
	return nil
}

// seedDemoSlots offers consultation slots over the next days when none is free.
func seedDemoSlots(ctx context.Context, st store.Store, now time.Time, loc *time.Location, logger *slog.Logger) error {
	free, err := st.AvailableSlots(ctx, now, 1)
	if err != nil || len(free) > 0 {
		return err
	}
	var slots []store.Slot
	for day := 2; day <= 4; day++ {
		d := now.In(loc).AddDate(0, 0, day)
		at := func(hour int) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc).UTC() }
		slots = append(slots,
			store.Slot{ID: fmt.Sprintf("demo-%s-10", d.Format("0102")), StartsAt: at(10), EndsAt: at(10).Add(45 * time.Minute),
				Host: "奄美市産業支援センター", Mode: store.ConsultVenue},
			store.Slot{ID: fmt.Sprintf("demo-%s-14", d.Format("0102")), StartsAt: at(14), EndsAt: at(14).Add(45 * time.Minute),
				Host: "プログラム事務局", Mode: store.ConsultOnline},
		)
	}
	if err := st.UpsertSlots(ctx, slots); err != nil {
		return err
	}
	logger.Info("demo: seeded consultation slots", "count", len(slots))
	return nil
}
