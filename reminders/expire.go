package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/store"
)

// expireClosed marks expired the assessments whose window closed before
// today, the study's date (Europe/Oslo) at now, so that a half-answered
// timepoint ends as the contract says instead of staying open for ever.
// Every tick runs it; it is one idempotent statement.
func (d *Dispatcher) expireClosed(ctx context.Context, now time.Time) (int, error) {
	tps := d.Catalog.Protocol.Timepoints
	windows := make([]store.TimepointWindow, len(tps))
	for i, tp := range tps {
		windows[i] = store.TimepointWindow{ID: tp.ID, Months: tp.Months, ClosesAfterDays: tp.ClosesAfterDays}
	}
	y, m, day := now.In(d.loc(DefaultTimezone)).Date()
	n, err := d.Store.ExpireClosed(ctx, windows, time.Date(y, m, day, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return n, fmt.Errorf("reminders.expireClosed: %w", err)
	}
	return n, nil
}
