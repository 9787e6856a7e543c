package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// expireClosed marks expired the assessments whose window closed before
// today in their site's zone, so that a half-answered timepoint ends as
// the contract says instead of staying open for ever. The calendar is the
// study's one (questionnaires.Timepoint.ClosedThrough); the store only
// compares baseline dates with what it says. Every tick runs it; it is one
// idempotent statement after reading the sites.
func (d *Dispatcher) expireClosed(ctx context.Context, now time.Time) (int, error) {
	sites, err := d.Store.Sites(ctx)
	if err != nil {
		return 0, fmt.Errorf("reminders.expireClosed: %w", err)
	}
	tps := d.Catalog.Protocol.Timepoints
	closed := make([]store.ClosedThrough, 0, len(sites)*len(tps))
	for _, site := range sites {
		today := questionnaires.Today(now, questionnaires.Location(site.Timezone))
		for _, tp := range tps {
			closed = append(closed, store.ClosedThrough{Site: site.Code, Timepoint: tp.ID, Through: tp.ClosedThrough(today)})
		}
	}
	n, err := d.Store.ExpireClosed(ctx, closed)
	if err != nil {
		return n, fmt.Errorf("reminders.expireClosed: %w", err)
	}
	return n, nil
}
