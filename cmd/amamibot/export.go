package main

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/amamibot/amamibot/store"
)

var registrationColumns = []string{
	"registration_id", "seminar_id", "seminar_title", "starts_at", "attendance", "status", "name", "company", "registered_at",
}

// exportRegistrations writes every registration as CSV, times in the display zone.
func exportRegistrations(ctx context.Context, st store.Store, loc *time.Location, w io.Writer) error {
	regs, err := st.AllRegistrations(ctx)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(registrationColumns)
	for _, r := range regs {
		cw.Write([]string{
			strconv.FormatInt(r.ID, 10), r.SeminarID, r.Seminar.Title,
			r.Seminar.StartsAt.In(loc).Format(time.RFC3339),
			string(r.Attendance), string(r.Status), r.Name, r.Company,
			r.CreatedAt.In(loc).Format(time.RFC3339),
		})
	}
	cw.Flush()
	return cw.Error()
}
