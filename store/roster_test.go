package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// fixed makes an invite code generator that returns code.
func fixed(code string) func() (string, error) { return func() (string, error) { return code, nil } }

func TestRosterGathersEachParticipantsFacts(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	now := time.Now()
	for _, site := range []string{"OSL", "BRG"} {
		if err := st.AddSite(ctx, site, site); err != nil {
			t.Fatal(err)
		}
	}
	invite := func(site, code string, baseline *time.Time, expires time.Time) {
		t.Helper()
		if _, err := st.Invite(ctx, store.NewParticipant{Site: site, Role: "consumer", BaselineDate: baseline, InviteExpires: expires},
			1, fixed(code)); err != nil {
			t.Fatal(err)
		}
	}
	decide := func(code string, agreed bool) {
		t.Helper()
		p, err := st.ParticipantByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.RecordConsent(ctx, p.ID, "1", agreed, now) }); err != nil {
			t.Fatal(err)
		}
	}
	paper := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	invite("OSL", "open", nil, now.Add(time.Hour))        // OSL-C-0001: invited
	invite("OSL", "late", nil, now.Add(-time.Hour))       // OSL-C-0002: expired
	invite("OSL", "paper", &paper, now.Add(time.Hour))    // OSL-C-0003: unreachable (in the study, no chat)
	invite("OSL", "declines", nil, now.Add(time.Hour))    // OSL-C-0004: declined
	invite("OSL", "agrees", nil, now.Add(time.Hour))      // OSL-C-0005: active
	invite("OSL", "reconsiders", nil, now.Add(time.Hour)) // OSL-C-0006: declined, then agreed: active
	invite("OSL", "withdraws", nil, now.Add(time.Hour))   // OSL-C-0007: withdrawn
	invite("BRG", "elsewhere", nil, now.Add(time.Hour))   // BRG-C-0001: another site
	for i, code := range []string{"declines", "agrees", "reconsiders", "withdraws"} {
		if err := link(st, code, int64(500+i)); err != nil {
			t.Fatal(err)
		}
	}
	decide("OSL-C-0004", false)
	decide("OSL-C-0005", true)
	decide("OSL-C-0006", false)
	decide("OSL-C-0006", true)
	decide("OSL-C-0007", true)
	if err := st.WithdrawByCode(ctx, "OSL-C-0007", false, "cli", now); err != nil {
		t.Fatal(err)
	}

	roster, err := st.Roster(ctx, "OSL")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code     string
		status   questionnaires.ParticipantStatus
		linked   bool
		baseline bool
	}{
		{"OSL-C-0001", questionnaires.StatusInvited, false, false},
		{"OSL-C-0002", questionnaires.StatusExpired, false, false},
		{"OSL-C-0003", questionnaires.StatusUnreachable, false, true},
		{"OSL-C-0004", questionnaires.StatusDeclined, true, false},
		{"OSL-C-0005", questionnaires.StatusActive, true, true},
		{"OSL-C-0006", questionnaires.StatusActive, true, true},
		{"OSL-C-0007", questionnaires.StatusWithdrawn, false, true},
	}
	if len(roster) != len(want) {
		t.Fatalf("roster of OSL has %d entries, want %d: %+v", len(roster), len(want), roster)
	}
	for i, w := range want {
		e := roster[i]
		got := questionnaires.RosterStatus(e.Facts(), now)
		if e.Code != w.code || e.Site != "OSL" || e.Role != "consumer" || got != w.status || e.Linked != w.linked || e.BaselineDate.Valid != w.baseline {
			t.Errorf("entry %d: %s %s %s status %s linked %t baseline %t; want %s status %s linked %t baseline %t",
				i, e.Code, e.Site, e.Role, got, e.Linked, e.BaselineDate.Valid, w.code, w.status, w.linked, w.baseline)
		}
	}
	if e := roster[2]; !e.BaselineDate.Time.Equal(paper) {
		t.Errorf("%s baseline %v, want %v", e.Code, e.BaselineDate.Time, paper)
	}

	all, err := st.Roster(ctx, "")
	if err != nil || len(all) != len(want)+1 || all[0].Code != "BRG-C-0001" {
		t.Errorf("roster of every site: %d entries, first %+v, %v; want %d, BRG-C-0001 first", len(all), all[0], err, len(want)+1)
	}
	if _, err := st.Roster(ctx, "NOPE"); !errors.Is(err, store.ErrUnknownSite) {
		t.Errorf("roster of an unknown site: %v, want ErrUnknownSite", err)
	}
}

func TestReissueRevokesTheUnusedInvitation(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	now := time.Now()
	invited(t, st, "OLD")
	inv, linked, err := st.Reissue(ctx, "OSL-C-0001", now, now.Add(time.Hour), fixed("NEW"), "cli")
	if err != nil || linked || inv != (store.Invitation{ParticipantCode: "OSL-C-0001", InviteCode: "NEW"}) {
		t.Fatalf("Reissue = %+v, linked %t, %v", inv, linked, err)
	}
	// The chat refuses a revoked code as it refuses an expired one: the
	// lookup says so (LinkChat, like expiry, is not its judge).
	err = st.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.LockInvite(ctx, "OLD")
		if err == nil && !old.Revoked {
			t.Errorf("the old code is not marked revoked: %+v", old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := link(st, "NEW", 7); err != nil {
		t.Fatalf("linking with the reissued code: %v", err)
	}
	roster, err := st.Roster(ctx, "OSL")
	if err != nil || len(roster) != 1 || questionnaires.RosterStatus(roster[0].Facts(), now) != questionnaires.StatusActive {
		t.Errorf("roster after linking the reissued code: %+v, %v", roster, err)
	}
	entries, err := st.AuditLog(ctx, "invite.reissue")
	if err != nil || len(entries) != 1 || entries[0].Actor != "cli" {
		t.Errorf("audit of the reissue: %+v, %v", entries, err)
	}
}

func TestReissueRefusesWhoWithdrewAndChangesNothing(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	now := time.Now()
	invited(t, st, "KEEPS")
	invited(t, st, "ERASES")
	if err := st.WithdrawByCode(ctx, "OSL-C-0001", false, "cli", now); err != nil {
		t.Fatal(err)
	}
	if err := st.WithdrawByCode(ctx, "OSL-C-0002", true, "cli", now); err != nil {
		t.Fatal(err)
	}
	before := pgtest.CountAll(t)
	for code, want := range map[string]error{
		"OSL-C-0001": store.ErrAlreadyWithdrawn,
		"OSL-C-0002": store.ErrErased,
		"OSL-C-9999": store.ErrNotFound,
	} {
		if _, _, err := st.Reissue(ctx, code, now, now.Add(time.Hour), fixed("AGAIN"), "cli"); !errors.Is(err, want) {
			t.Errorf("Reissue(%s) = %v, want %v", code, err, want)
		}
	}
	after := pgtest.CountAll(t)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("table %s: %d rows before the refused reissues, %d after", table, n, after[table])
		}
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM invites WHERE revoked_at IS NOT NULL`); n != 0 {
		t.Errorf("%d invitations revoked by refused reissues", n)
	}
}

func TestMoveLinkTakesTheConversationToTheNewChat(t *testing.T) {
	st := pgtest.Store(t)
	ctx := context.Background()
	now := time.Now()
	invited(t, st, "PHONE1")
	if err := link(st, "PHONE1", 301); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, `UPDATE conversations SET state = '{"phase":"walking"}'`)
	pgtest.Exec(t, `UPDATE telegram_links SET prompt_message_id = 42`)
	pgtest.Exec(t, `UPDATE participants SET status = 'unreachable'`)
	if _, linked, err := st.Reissue(ctx, "OSL-C-0001", now, now.Add(time.Hour), fixed("PHONE2"), "cli"); err != nil || !linked {
		t.Fatalf("Reissue: linked %t, %v", linked, err)
	}
	// Until the new chat redeems it, the old chat keeps its access.
	if !linkedChat(t, st, 1, 301) {
		t.Fatal("the old chat lost its access before the new code was redeemed")
	}

	move := func(updateID, chatID int64, code string) (*store.ChatSession, error) {
		var sess *store.ChatSession
		err := st.InChatTx(ctx, func(tx *store.ChatTx) error {
			if _, s, err := tx.Open(ctx, updateID, chatID); err != nil || s != nil {
				t.Fatalf("Open(chat %d) before the move: session %+v, %v", chatID, s, err)
			}
			inv, err := tx.LockInvite(ctx, code)
			if err != nil {
				return err
			}
			sess, err = tx.MoveLink(ctx, inv.ParticipantID, chatID, chatID, now)
			return err
		})
		return sess, err
	}
	sess, err := move(2, 302, "PHONE2")
	if err != nil {
		t.Fatal(err)
	}
	var state struct{ Phase string }
	if err := json.Unmarshal(sess.State, &state); err != nil || state.Phase != "walking" {
		t.Errorf("state after the move: %s, %v; want the conversation where it was", sess.State, err)
	}
	if sess.Code != "OSL-C-0001" || sess.UserID != 302 || sess.PromptMessageID.Valid {
		t.Errorf("session after the move: %+v; want OSL-C-0001 in chat 302 with no question to edit", sess)
	}
	if sess.Status != questionnaires.StatusActive {
		t.Errorf("status after moving from a refused chat: %s, want active", sess.Status)
	}
	if linkedChat(t, st, 3, 301) {
		t.Error("the old chat still reaches the participant after the move")
	}
	if !linkedChat(t, st, 4, 302) {
		t.Error("the new chat does not reach the participant after the move")
	}
	// The code is single-use: a third chat is refused and nothing moves.
	if _, err := move(5, 303, "PHONE2"); !errors.Is(err, store.ErrInviteTaken) {
		t.Errorf("a second move with the same code: %v, want ErrInviteTaken", err)
	}
	if !linkedChat(t, st, 6, 302) || pgtest.Count(t, "telegram_links") != 1 {
		t.Error("a refused move changed the link")
	}
}
