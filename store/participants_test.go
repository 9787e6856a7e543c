package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

func counter() func() (string, error) {
	var mu sync.Mutex
	n := 0
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("code-%d", n), nil
	}
}

func TestConcurrentInvitesNeverShareACode(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	np := store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: time.Now().Add(time.Hour)}
	codes := counter()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Invite(ctx, np, 5, codes)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := pgtest.Count(t, "participants"); n != 40 {
		t.Fatalf("%d participants, want 40", n)
	}
	p, err := st.ParticipantByCode(ctx, "OSL-C-0040")
	if err != nil {
		t.Fatalf("OSL-C-0040: %v", err)
	}
	if p.Status != questionnaires.StatusInvited || p.Role != "consumer" || p.Lang.Valid {
		t.Errorf("participant %+v", p)
	}
}

func TestInviteIsAllOrNothing(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	calls := 0
	failing := func() (string, error) {
		calls++
		if calls == 3 {
			return "", errors.New("entropy ran out")
		}
		return fmt.Sprint("c", calls), nil
	}
	np := store.NewParticipant{Site: "OSL", Role: "consumer", InviteExpires: time.Now()}
	if _, err := st.Invite(ctx, np, 5, failing); err == nil {
		t.Fatal("want an error")
	}
	for _, table := range []string{"participants", "invites", "audit_log"} {
		if n := pgtest.Count(t, table); n != 0 {
			t.Errorf("%s: %d rows after a failed invite", table, n)
		}
	}
}

func TestUnknownSiteAndClinician(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	np := store.NewParticipant{Site: "NOPE", Role: "consumer", InviteExpires: time.Now()}
	if _, err := st.Invite(ctx, np, 1, counter()); !errors.Is(err, store.ErrUnknownSite) {
		t.Errorf("unknown site: %v", err)
	}
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	np.Site, np.ClinicianCode = "OSL", "OSL-K-0001"
	if _, err := st.Invite(ctx, np, 1, counter()); !errors.Is(err, store.ErrBadClinician) {
		t.Errorf("unknown clinician: %v", err)
	}
	if err := st.AddSite(ctx, "OSL", "again"); !errors.Is(err, store.ErrSiteExists) {
		t.Errorf("duplicate site: %v", err)
	}
}

func TestSchemaNewerThanBinaryIsRefused(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	pgtest.Exec(t, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`)
	t.Cleanup(func() { pgtest.Exec(t, `DELETE FROM goose_db_version WHERE version_id = 99999`) })
	if _, err := st.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Migrate on a newer schema: %v", err)
	}
}

// A database migrated by a build from before the migrations were folded
// (versions 1, 10, 20, 30, 40) is neither upgraded nor called newer.
func TestSchemaFromBeforeTheFoldIsRefused(t *testing.T) {
	db := pgtest.NewDatabase(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Exec(t, `DELETE FROM goose_db_version WHERE version_id > 1`)
	db.Exec(t, `INSERT INTO goose_db_version (version_id, is_applied) SELECT v, true FROM unnest('{10,20,30,40}'::bigint[]) v`)
	_, err = st.Migrate(ctx)
	if err == nil || errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), "drop it") {
		t.Fatalf("Migrate on a database from before the fold: %v", err)
	}
}

func TestMigrateTwice(t *testing.T) {
	st := pgtest.Store(t)
	n, err := st.Migrate(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, %v", n, err)
	}
}

// A baseline fixed on the day of consent, or a coordinator's on the day of
// linking, is that day in the site's time zone, by the one calendar: at
// 03:00 UTC it is still yesterday in New York.
func TestBaselineIsTheDayInTheSitesZone(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "NYC", "New York"); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `UPDATE sites SET timezone = 'America/New_York' WHERE code = 'NYC'`)
	now := time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	var ids []int64
	codes := counter()
	for i, role := range []string{"consumer", "coordinator"} {
		inv, err := st.Invite(ctx, store.NewParticipant{Site: "NYC", Role: role, InviteExpires: now.Add(time.Hour)}, 1, codes)
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.ParticipantByCode(ctx, inv[0].ParticipantCode)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
		err = st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.LockInvite(ctx, inv[0].InviteCode); err != nil {
				return err
			}
			if err := tx.LinkChat(ctx, p.ID, int64(500+i), int64(500+i), []byte(`{}`), now); err != nil {
				return err
			}
			if role == "consumer" {
				return tx.RecordConsent(ctx, p.ID, "1", true, now)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		if n := pgtest.Int(t, `SELECT count(*) FROM participants WHERE id = $1 AND baseline_date = '2026-03-01'`, id); n != 1 {
			t.Errorf("participant %d: baseline not 1 March, New York's date at 03:00 UTC on 2 March", id)
		}
	}
}
