package bot_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imrbot/imrbot/internal/pgtest"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

func TestSecondChatPresentingUsedCodeIsRefused(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	_, code := w.invite(store.NewParticipant{})
	owner := w.person("en")
	owner.enrol(code)
	before := pgtest.CountAll(t)

	other := w.person("en")
	other.u.Start(code)
	other.containing("already been used")
	// The same chat presenting its code again is harmless.
	owner.u.Start(code)
	if q := owner.question(); progress(q) != "1/15" {
		t.Fatalf("owner's /start again asked %q", q.Text)
	}
	after := pgtest.CountAll(t)
	for _, table := range []string{"telegram_links", "participants", "consents", "answers", "audit_log", "invites"} {
		if before[table] != after[table] {
			t.Errorf("%s: %d rows before the second chat, %d after", table, before[table], after[table])
		}
	}
	if n := pgtest.Int(t, `SELECT count(*) FROM telegram_links WHERE chat_id = $1`, other.u.ChatID()); n != 0 {
		t.Errorf("the second chat was linked")
	}
}

func TestStrangersGetAReplyAndNothingIsStored(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	w.invite(store.NewParticipant{}) // a valid code exists; strangers do not have it
	expired, expiredCode := w.invite(store.NewParticipant{})
	pgtest.Exec(t, `UPDATE invites SET expires_at = now() - interval '1 hour'
		WHERE participant_id = (SELECT id FROM participants WHERE code = $1)`, expired)
	before := pgtest.CountAll(t)

	s := w.person("de")
	for _, send := range []func() int64{
		func() int64 { return s.u.Start("") },
		func() int64 { return s.u.Start("NOSUCHCODE") },
		func() int64 { return s.u.Start("bad code with spaces & <b>") },
		func() int64 { return s.u.Start(expiredCode) },
		func() int64 { return s.u.Send("hello") },
		func() int64 { return s.u.Send("/withdraw") },
		func() int64 { return s.u.Send("/due") },
		s.u.SendSticker,
	} {
		send()
		if m := s.reply(); m.Text == "" {
			t.Fatalf("empty reply to a stranger")
		}
	}
	if last := s.u.Messages(); !strings.Contains(last[3].Text, "expired") {
		t.Errorf("expired invite answered %q", last[3].Text)
	}
	after := pgtest.CountAll(t)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before strangers wrote, %d after", table, n, after[table])
		}
	}
}

func TestClinicianRatesConsumer(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	clinician, kcode := w.invite(store.NewParticipant{Role: "clinician"})
	consumer, ccode := w.invite(store.NewParticipant{ClinicianCode: clinician})
	w.person("en").enrol(ccode) // the consumer consents; ratings need it

	k := w.person("en")
	own := k.enrol(kcode)
	if !strings.Contains(own.Text, "1/") {
		t.Fatalf("clinician's first question %q", own.Text)
	}
	k.u.Send("/rate " + consumer)
	q := k.question()
	if !strings.HasPrefix(q.Text, consumer+" · 1/15") {
		t.Fatalf("rating started with %q", q.Text)
	}
	// Invalid numbers on the typed GAF ratings are refused on the way.
	answered, refused := 0, false
	for {
		if strings.Contains(q.Text, "whole number from 0 to 100") && !refused {
			for _, bad := range []string{"-1", "101", "fifty", "5.5"} {
				k.u.Send(bad)
				q = k.question()
			}
			refused = true
		}
		k.answer(q)
		answered++
		m := k.next(func(m telegramfake.Message) bool { return isQuestion(m) || strings.Contains(m.Text, "is complete") })
		if !isQuestion(m) {
			if !strings.Contains(m.Text, consumer) {
				t.Errorf("closing message %q does not name the consumer", m.Text)
			}
			break
		}
		q = m
	}
	if !refused {
		t.Error("the rating had no typed 1-100 question")
	}
	done := pgtest.Int(t, `SELECT count(*) FROM assessments a
		JOIN participants s ON s.id = a.subject_id JOIN participants r ON r.id = a.respondent_id
		WHERE s.code = $1 AND r.code = $2 AND a.status = 'completed'
		AND a.questionnaire IN ('imrs-clinician', 'honos', 'gaf')`, consumer, clinician)
	if done != 3 {
		t.Errorf("%d of 3 rating assessments completed", done)
	}
	rated := pgtest.Int(t, `SELECT count(*) FROM answers n JOIN assessments a ON a.id = n.assessment_id
		JOIN participants s ON s.id = a.subject_id WHERE s.code = $1`, consumer)
	if rated != answered {
		t.Errorf("%d answers about the consumer, %d given", rated, answered)
	}
	// Rated: still the clinician's consumer, with nothing left to rate.
	k.u.Send("/rate " + strings.ToLower(consumer))
	k.containing("There is nothing to rate for " + consumer + " right now.")
}

func TestCoordinatorRatesTheirSiteAtTwelveMonths(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	baseline := time.Now().AddDate(-1, 0, 0)
	coordinator, invite := w.invite(store.NewParticipant{Role: "coordinator", BaselineDate: &baseline})
	r := w.person("en")
	r.u.Start(invite)
	r.containing("coordinator")
	r.u.Send("/resume")
	q := r.question()
	if progress(q) != "1/13" {
		t.Fatalf("coordinator asked %q, want the fidelity scale's 1/13", q.Text)
	}
	answered := r.walk(q)
	done := pgtest.Int(t, `SELECT count(*) FROM assessments a JOIN participants p ON p.id = a.respondent_id
		WHERE p.code = $1 AND a.subject_id = a.respondent_id AND a.timepoint = 'm12' AND a.status = 'completed'
		AND a.questionnaire IN ('imr-fidelity', 'goi')`, coordinator)
	if done != 2 || answered != count(t, "answers") {
		t.Errorf("%d of 2 site ratings completed, %d answers given, %d stored", done, answered, count(t, "answers"))
	}
}

// TestLinkingStoresTheChatsLanguage: a participant invited without a
// language gets their Telegram app's (so reminders, which come from no
// chat update, speak it); one invited with a language keeps it.
func TestLinkingStoresTheChatsLanguage(t *testing.T) {
	w := newWorld(t)
	w.poll(w.newBot())
	for _, tc := range []struct{ invited, app, want string }{
		{"", "nb", "nb"}, {"", "de", "en"}, {"en", "nb", "en"},
	} {
		code, invite := w.invite(store.NewParticipant{Lang: tc.invited})
		p := w.person(tc.app)
		p.u.Start(invite)
		p.reply()
		if got := pgtest.Value(t, `SELECT lang FROM participants WHERE code = $1`, code); got != tc.want {
			t.Errorf("invited with %q, app in %q: stored %v, want %q", tc.invited, tc.app, got, tc.want)
		}
	}
}

// TestFloodFromAStrangerLeavesFewReplies: one unlinked chat sends message
// after message while its first reply cannot go out (Telegram asked the
// bot to wait). The refusals it earns collapse into one, another chat is
// answered meanwhile, and once sending resumes the flood gets no backlog.
func TestFloodFromAStrangerLeavesFewReplies(t *testing.T) {
	w := newWorld(t)
	b := w.newBot()
	waiting, resume := make(chan struct{}), make(chan struct{})
	var first sync.Once
	b.Sender().Sleep = func(ctx context.Context, _ time.Duration) error {
		blocked := false
		first.Do(func() { blocked = true; close(waiting) })
		if blocked {
			select {
			case <-resume:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return ctx.Err()
	}
	w.poll(b)
	flooder, other := w.person("en"), w.person("en")
	w.fake.FailNext("sendMessage", 429, "", 1)
	flooder.u.Send("hello")
	<-waiting // the first reply waits for Telegram

	const flood = 200
	for i := range flood {
		flooder.u.Send(fmt.Sprintf("let me in %d", i))
	}
	other.u.Start("")
	other.containing("invitation")
	if err := w.fake.WaitIdle(w.ctx); err != nil { // the flood is applied
		t.Fatal(err)
	}
	close(resume)
	b.Drain(30 * time.Second) // the replies are sent
	// The reply that waited, and one for everything sent meanwhile.
	if n := len(flooder.u.Messages()); n > 2 {
		t.Errorf("%d replies to %d messages of a stranger, want at most 2", n, flood+1)
	}
}
