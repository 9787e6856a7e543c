package reminders

import (
	"testing"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
)

var oslo = mustLoad("Europe/Oslo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// at is a wall-clock time in Oslo.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, oslo)
	if err != nil {
		panic(err)
	}
	return t
}

var m12 = questionnaires.Timepoint{ID: "m12", Months: 12, OpensBeforeDays: 14, ClosesAfterDays: 60}
var baselineTP = questionnaires.Timepoint{ID: "baseline", Months: 0, ClosesAfterDays: 60}

func defaultSchedule(t *testing.T) Schedule {
	t.Helper()
	h, err := ParseSendHours(DefaultSendHours)
	if err != nil {
		t.Fatal(err)
	}
	return Schedule{Hours: h, Loc: oslo}
}

func TestParseSendHours(t *testing.T) {
	for _, bad := range []string{"9-20", "09:00", "20:00-09:00", "09:00-09:00", "25:00-26:00", "xx:00-10:00"} {
		if _, err := ParseSendHours(bad); err == nil {
			t.Errorf("ParseSendHours(%q) = nil error", bad)
		}
	}
	h, err := ParseSendHours(" 08:30-21:15 ")
	if err != nil || h.String() != "08:30-21:15" {
		t.Fatalf("ParseSendHours = %v, %v", h, err)
	}
	if h, err := ParseSendHours(""); err != nil || h.String() != "" || !h.Allows(at("2026-01-01 03:00"), oslo) {
		t.Errorf("empty hours = %v, %v; want any time allowed", h, err)
	}
}

func TestSendHoursNext(t *testing.T) {
	h, _ := ParseSendHours(DefaultSendHours)
	for _, tc := range []struct{ now, want string }{
		{"2026-01-10 06:00", "2026-01-10 09:00"},
		{"2026-01-10 09:00", "2026-01-10 09:00"},
		{"2026-01-10 13:37", "2026-01-10 13:37"},
		{"2026-01-10 20:00", "2026-01-11 09:00"},
		{"2026-01-10 23:59", "2026-01-11 09:00"},
		// The nights before and after daylight saving time starts and ends.
		{"2026-03-28 22:00", "2026-03-29 09:00"},
		{"2026-10-24 22:00", "2026-10-25 09:00"},
	} {
		got := h.Next(at(tc.now), oslo)
		if want := at(tc.want); !got.Equal(want) {
			t.Errorf("Next(%s) = %s, want %s", tc.now, got.In(oslo), want)
		}
	}
	// 09:00 in Oslo is 08:00 UTC in winter and 07:00 UTC in summer.
	if got := h.FirstOn(date("2026-03-29"), oslo).UTC().Hour(); got != 7 {
		t.Errorf("FirstOn(first day of summer time) = %d:00 UTC, want 7:00", got)
	}
	if got := h.FirstOn(date("2026-03-28"), oslo).UTC().Hour(); got != 8 {
		t.Errorf("FirstOn(last day of winter time) = %d:00 UTC, want 8:00", got)
	}
}

type planned struct {
	step, send, skipped string
}

func render(ps []Planned) []planned {
	out := make([]planned, len(ps))
	for i, p := range ps {
		out[i] = planned{string(p.Step), p.SendAt.In(oslo).Format("2006-01-02 15:04"), p.Skipped}
	}
	return out
}

func samePlan(t *testing.T, got []Planned, want []planned) {
	t.Helper()
	g := render(got)
	if len(g) != len(want) {
		t.Fatalf("plan = %v, want %v", g, want)
	}
	for i := range g {
		if g[i] != want[i] {
			t.Errorf("step %d = %v, want %v", i, g[i], want[i])
		}
	}
}

func TestPlanOnTime(t *testing.T) {
	s := defaultSchedule(t)
	w := m12.Window(date("2025-03-15")) // due 2026-03-15, opens 03-01, closes 05-14
	got := s.Participant(w, at("2025-03-15 12:00"), true)
	samePlan(t, got, []planned{
		{"open", "2026-03-01 09:00", ""},
		{"due", "2026-03-15 09:00", ""},
		{"due+7", "2026-03-22 09:00", ""},
		// Summer time started on 29 March: still 09:00 on the wall.
		{"due+14", "2026-03-29 09:00", ""},
	})
	esc, ok := s.Escalation(w, at("2025-03-15 12:00"), true)
	if !ok || render([]Planned{esc})[0] != (planned{"escalate", "2026-04-05 09:00", ""}) {
		t.Errorf("Escalation = %v, %v", render([]Planned{esc}), ok)
	}
}

func TestPlanLateCollapsesIntoOne(t *testing.T) {
	s := defaultSchedule(t)
	w := m12.Window(date("2025-03-15"))
	// Baseline corrected in the evening of due+8: open, due and due+7 are
	// past; one reminder next morning, the rest skipped.
	got := s.Participant(w, at("2026-03-23 21:30"), false)
	samePlan(t, got, []planned{
		{"open", "2026-03-01 09:00", SkipCollapsed},
		{"due", "2026-03-15 09:00", SkipCollapsed},
		{"due+7", "2026-03-24 09:00", ""},
		{"due+14", "2026-03-29 09:00", ""},
	})
	// The same day at 09:00 sharp: the step of today is past, sent at once.
	got = s.Participant(w, at("2026-03-15 10:00"), false)
	samePlan(t, got, []planned{
		{"open", "2026-03-01 09:00", SkipCollapsed},
		{"due", "2026-03-15 10:00", ""},
		{"due+7", "2026-03-22 09:00", ""},
		{"due+14", "2026-03-29 09:00", ""},
	})
	esc, ok := s.Escalation(w, at("2026-04-20 10:00"), false)
	if !ok || esc.Skipped != "" || !esc.SendAt.Equal(at("2026-04-20 10:00")) {
		t.Errorf("late escalation = %+v, %v; want at once", esc, ok)
	}
}

func TestPlanOfferedAtConsent(t *testing.T) {
	s := defaultSchedule(t)
	w := m12.Window(date("2025-03-15"))
	got := s.Participant(w, at("2026-03-23 08:00"), true)
	samePlan(t, got, []planned{
		{"open", "2026-03-01 09:00", SkipOffered},
		{"due", "2026-03-15 09:00", SkipOffered},
		{"due+7", "2026-03-22 09:00", SkipOffered},
		{"due+14", "2026-03-29 09:00", ""},
	})
	// Baseline collected today: consent is the offer for the due step.
	bw := baselineTP.Window(date("2026-03-23"))
	samePlan(t, s.Participant(bw, at("2026-03-23 07:00"), true), []planned{
		{"due", "2026-03-23 09:00", SkipOffered},
		{"due+7", "2026-03-30 09:00", ""},
		{"due+14", "2026-04-06 09:00", ""},
	})
	esc, ok := s.Escalation(w, at("2026-04-20 10:00"), true)
	if !ok || esc.Skipped != SkipOffered {
		t.Errorf("escalation at a consent offer = %+v, %v; want skipped", esc, ok)
	}
}

func TestPlanNothingAfterClose(t *testing.T) {
	s := defaultSchedule(t)
	w := m12.Window(date("2025-03-15"))
	if got := s.Participant(w, at("2026-05-15 09:00"), false); got != nil {
		t.Errorf("plan after the window closed = %v", render(got))
	}
	if _, ok := s.Escalation(w, at("2026-05-15 09:00"), false); ok {
		t.Error("escalation planned after the window closed")
	}
	short := questionnaires.Timepoint{Months: 12, OpensBeforeDays: 0, ClosesAfterDays: 10}.Window(date("2025-03-15"))
	samePlan(t, s.Participant(short, at("2025-03-15 12:00"), false), []planned{
		{"due", "2026-03-15 09:00", ""},
		{"due+7", "2026-03-22 09:00", ""},
	})
}

func TestPlanWithoutSendHours(t *testing.T) {
	s := Schedule{Loc: oslo}
	w := m12.Window(date("2025-03-15"))
	got := s.Participant(w, at("2026-03-15 03:00"), false)
	samePlan(t, got, []planned{
		{"open", "2026-03-01 00:00", SkipCollapsed},
		{"due", "2026-03-15 03:00", ""},
		{"due+7", "2026-03-22 00:00", ""},
		{"due+14", "2026-03-29 00:00", ""},
	})
}

func TestManualStep(t *testing.T) {
	s := ManualStep(time.Date(2026, 3, 1, 10, 0, 0, 5e6, oslo))
	if !s.IsManual() || s != "manual:2026-03-01T09:00:00.005Z" || StepDue.IsManual() {
		t.Errorf("ManualStep = %q", s)
	}
}
