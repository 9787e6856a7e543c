package reminders_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/imrbot/imrbot/bot"
	"github.com/imrbot/imrbot/internal/telegramfake"
	"github.com/imrbot/imrbot/store"
)

// A consumer in the study on paper (invited with a baseline date, never
// linked) is rated, so their clinician is reminded of the ratings, whether
// the clinician joined before the consumer was invited or after; the
// consumer, who has no chat, gets nothing planned. A consumer who declines
// a new consent version is no longer rated: their clinician's pending
// reminders about them are cancelled at send time.
func TestPaperConsumersClinicianIsReminded(t *testing.T) {
	w := newWorld(t, bot.Limits{}, telegramfake.WithoutLimits())
	d := w.dispatcher("serve-1")
	kim := w.enrol("clinician", "", "")
	w.complete(kim, kim, "baseline") // Kim's own part is done: what remains are ratings
	paper, _ := w.invite("consumer", "2025-03-14", kim)
	// Lea is invited before she joins: the paper consumer is planned when
	// she consents.
	lea, leaInvite := w.invite("clinician", "", "")
	late, _ := w.invite("consumer", "2025-03-14", lea)
	w.join(lea, leaInvite)
	w.complete(lea, lea, "baseline")
	// Ann agreed in the chat and declines the consent's version 2 a day later.
	ann := w.enrol("consumer", "", kim)
	w.complete(ann, ann, "baseline")
	in := newInbox()
	w.runDays(in, "2025-03-14", "2025-03-14", d)
	if err := w.st.InTx(w.ctx, func(tx *store.Tx) error {
		return tx.RecordConsent(w.ctx, w.ids[ann], "2", false, osloTime("2025-03-15 08:00"))
	}); err != nil {
		t.Fatal(err)
	}
	w.runDays(in, "2025-03-15", "2025-04-10", d)
	var aboutAnn []string
	for _, r := range in.got[kim] {
		if strings.Contains(r.text, ann) {
			aboutAnn = append(aboutAnn, r.at.In(oslo).Format("2006-01-02 15:04"))
		}
	}
	if want := []string{"2025-03-14 09:00"}; !slices.Equal(aboutAnn, want) {
		t.Errorf("%s was reminded of rating %s, who declined the new consent on 15 March, at %v; want only %v", kim, ann, aboutAnn, want)
	}

	for clinician, consumer := range map[string]string{kim: paper, lea: late} {
		var about []string
		for _, r := range in.got[clinician] {
			if strings.Contains(r.text, consumer) {
				about = append(about, r.at.In(oslo).Format("2006-01-02 15:04"))
			}
		}
		// Window open (at once), then 7 and 14 days after the due date.
		if want := []string{"2025-03-14 09:00", "2025-03-21 09:00", "2025-03-28 09:00"}; !slices.Equal(about, want) {
			t.Errorf("%s was reminded of rating %s at %v, want %v (all: %v)", clinician, consumer, about, want, in.times(clinician))
		}
	}
	for _, consumer := range []string{paper, late} {
		p, err := w.st.ParticipantByCode(w.ctx, consumer)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := w.st.RemindersOf(w.ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.ParticipantID == p.ID {
				t.Errorf("%s, who has no chat, has a reminder planned for themself: %+v", consumer, r)
			}
		}
	}
}
