package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// invited creates a site and one consumer, returning their code and invite.
func invited(t *testing.T, st *store.Store, code string) store.Invitation {
	t.Helper()
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil && !errors.Is(err, store.ErrSiteExists) {
		t.Fatal(err)
	}
	inv, err := st.Invite(ctx, store.NewParticipant{
		Site: "OSL", Role: "consumer", InviteExpires: time.Now().Add(time.Hour),
	}, 1, func() (string, error) { return code, nil })
	if err != nil {
		t.Fatal(err)
	}
	return inv[0]
}

// link redeems code for chatID in one transaction, as the bot does.
func link(st *store.Store, code string, chatID int64) error {
	ctx := context.Background()
	return st.InTx(ctx, func(tx *store.Tx) error {
		inv, err := tx.LockInvite(ctx, code)
		if err != nil {
			return err
		}
		return tx.LinkChat(ctx, inv.ParticipantID, chatID, chatID, []byte(`{}`), time.Now())
	})
}

// linkedChat reports whether chatID still reaches a participant.
func linkedChat(t *testing.T, st *store.Store, updateID, chatID int64) bool {
	t.Helper()
	ctx := context.Background()
	var linked bool
	err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
		_, s, err := tx.Open(ctx, updateID, chatID)
		linked = s != nil
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return linked
}

func TestTwoChatsRaceForOneInvite(t *testing.T) {
	st := pgtest.Store(t)
	invited(t, st, "RACE1")
	const chats = 8
	errs := make([]error, chats)
	var wg sync.WaitGroup
	for i := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = link(st, "RACE1", int64(1000+i))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, store.ErrInviteTaken):
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if won != 1 || pgtest.Count(t, "telegram_links") != 1 {
		t.Fatalf("%d chats won, %d links; want exactly one", won, pgtest.Count(t, "telegram_links"))
	}
}

func TestLinkedChatCannotTakeSecondInvite(t *testing.T) {
	st := pgtest.Store(t)
	invited(t, st, "FIRST")
	invited(t, st, "SECOND")
	if err := link(st, "FIRST", 7); err != nil {
		t.Fatal(err)
	}
	if err := link(st, "SECOND", 7); !errors.Is(err, store.ErrInviteTaken) {
		t.Fatalf("second link: %v, want ErrInviteTaken", err)
	}
	if n := pgtest.Count(t, "telegram_links"); n != 1 {
		t.Fatalf("%d links, want 1", n)
	}
}

func TestLinkingACoordinatorFixesTheirBaseline(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	if err := st.AddSite(ctx, "OSL", "Oslo"); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"coordinator", "consumer"} {
		if _, err := st.Invite(ctx, store.NewParticipant{Site: "OSL", Role: role, InviteExpires: time.Now().Add(time.Hour)}, 1,
			func() (string, error) { return role, nil }); err != nil {
			t.Fatal(err)
		}
		if err := link(st, role, int64(len(role))); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.ParticipantByCode(ctx, "OSL-R-0001")
	if err != nil || r.Status != questionnaires.StatusActive || !r.BaselineDate.Valid {
		t.Errorf("coordinator after linking: %+v, %v; want active with a baseline date", r, err)
	}
	c, err := st.ParticipantByCode(ctx, "OSL-C-0001")
	if err != nil || c.Status != questionnaires.StatusActive || c.BaselineDate.Valid {
		t.Errorf("consumer after linking: %+v, %v; want active, baseline set only at consent", c, err)
	}
}
