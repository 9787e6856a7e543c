package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/store"
)

// deskCoordinator makes a site with an invited coordinator and returns them.
func deskCoordinator(t *testing.T, st *store.Store) *store.DeskCoordinator {
	t.Helper()
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	inv, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: "coordinator", InviteExpires: time.Now().Add(time.Hour)}, 1,
		func() (string, error) { return "desk-invite", nil })
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.DeskCoordinatorByCode(ctx, inv[0].ParticipantCode)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDeskLoginSpentOnce: two browsers using one link at once open one
// session between them.
func TestDeskLoginSpentOnce(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	c := deskCoordinator(t, st)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := st.CreateDeskLogin(ctx, c.ID, "link", now, now.Add(10*time.Minute), "test"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { _, errs[i] = st.SpendDeskLogin(ctx, "link", "session"+string(rune('a'+i)), "csrf", now) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrDeskLoginSpent):
			t.Errorf("a second use: %v, want ErrDeskLoginSpent", err)
		}
	}
	if ok != 1 || pgtest.Count(t, "desk_sessions") != 1 {
		t.Errorf("%d uses succeeded and %d sessions opened, want 1 and 1", ok, pgtest.Count(t, "desk_sessions"))
	}
	if _, err := st.SpendDeskLogin(ctx, "nosuch", "s", "c", now); !errors.Is(err, store.ErrDeskLoginNotFound) {
		t.Errorf("an unknown link: %v", err)
	}
}

// TestDeskSessionEnds: after 12 hours idle, on revocation, and when the
// coordinator withdraws; each use moves the idle deadline.
func TestDeskSessionEnds(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	c := deskCoordinator(t, st)
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	idle := 12 * time.Hour
	for _, token := range []string{"l1", "l2"} {
		if err := st.CreateDeskLogin(ctx, c.ID, token, now, now.Add(10*time.Minute), "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SpendDeskLogin(ctx, token, "s-"+token, "csrf-"+token, now); err != nil {
			t.Fatal(err)
		}
	}
	s, err := st.TouchDeskSession(ctx, "s-l1", now.Add(11*time.Hour), idle)
	if err != nil || s.CSRF != "csrf-l1" || s.Coordinator.Code != c.Code {
		t.Fatalf("a live session: %+v, %v", s, err)
	}
	if _, err := st.TouchDeskSession(ctx, "s-l1", now.Add(22*time.Hour), idle); err != nil {
		t.Errorf("11 hours after its last use: %v, want live", err)
	}
	if _, err := st.TouchDeskSession(ctx, "s-l2", now.Add(12*time.Hour), idle); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("12 hours idle: %v, want ErrNotFound", err)
	}
	if err := st.RevokeDeskSession(ctx, "s-l1", now.Add(23*time.Hour), c.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TouchDeskSession(ctx, "s-l1", now.Add(23*time.Hour), idle); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked: %v, want ErrNotFound", err)
	}

	if err := st.CreateDeskLogin(ctx, c.ID, "l3", now, now.Add(10*time.Minute), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SpendDeskLogin(ctx, "l3", "s-l3", "csrf", now); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `UPDATE participants SET status = 'withdrawn' WHERE id = $1`, c.ID)
	if _, err := st.TouchDeskSession(ctx, "s-l3", now.Add(time.Minute), idle); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("withdrawn: %v, want ErrNotFound", err)
	}
	if err := st.CreateDeskLogin(ctx, c.ID, "l4", now, now.Add(10*time.Minute), "test"); !errors.Is(err, store.ErrNotCoordinator) {
		t.Errorf("a link for a withdrawn coordinator: %v, want ErrNotCoordinator", err)
	}
}
