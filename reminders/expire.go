package reminders

import (
	"context"
	"fmt"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// closedThrough is, at now, through which baseline date each timepoint's
// window has closed at each site: the study's calendar
// (questionnaires.Timepoint.ClosedThrough, today in the site's zone) as
// the store compares baseline dates with it.
func (d *Dispatcher) closedThrough(ctx context.Context, now time.Time) ([]store.ClosedThrough, error) {
	sites, err := d.Store.Sites(ctx)
	if err != nil {
		return nil, fmt.Errorf("reminders.closedThrough: %w", err)
	}
	tps := d.Catalog.Protocol.Timepoints
	closed := make([]store.ClosedThrough, 0, len(sites)*len(tps))
	for _, site := range sites {
		today := questionnaires.Today(now, questionnaires.Location(site.Timezone))
		for _, tp := range tps {
			closed = append(closed, store.ClosedThrough{Site: site.Code, Timepoint: tp.ID, Through: tp.ClosedThrough(today)})
		}
	}
	return closed, nil
}

// expireClosed marks expired the assessments whose window closed (closed,
// from closedThrough), so that a half-answered timepoint ends as the
// contract says instead of staying open for ever. Every tick runs it; it
// is one idempotent statement.
func (d *Dispatcher) expireClosed(ctx context.Context, closed []store.ClosedThrough) (int, error) {
	n, err := d.Store.ExpireClosed(ctx, closed)
	if err != nil {
		return n, fmt.Errorf("reminders.expireClosed: %w", err)
	}
	return n, nil
}
