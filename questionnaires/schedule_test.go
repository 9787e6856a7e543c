package questionnaires

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDue(t *testing.T) {
	tests := []struct {
		baseline string
		months   int
		want     string
	}{
		{"2025-03-10", 0, "2025-03-10"},
		{"2025-03-10", 12, "2026-03-10"},
		{"2024-02-29", 12, "2025-02-28"}, // leap day to a common year
		{"2024-02-29", 48, "2028-02-29"}, // leap day to a leap year
		{"2025-01-31", 1, "2025-02-28"},  // clamped, never 3 March
		{"2024-01-31", 1, "2024-02-29"},
		{"2025-03-31", 1, "2025-04-30"},
		{"2025-08-31", 6, "2026-02-28"},
		{"2025-12-15", 1, "2026-01-15"}, // across a year end
		{"2025-05-31", 12, "2026-05-31"},
		{"2023-02-28", 12, "2024-02-28"}, // the 28th stays the 28th in a leap year
	}
	for _, tt := range tests {
		got := Timepoint{Months: tt.months}.Due(date(tt.baseline))
		if got.Format(time.DateOnly) != tt.want {
			t.Errorf("Due(%s + %d months) = %s, want %s", tt.baseline, tt.months, got.Format(time.DateOnly), tt.want)
		}
	}
}

func TestDueKeepsLocationAndDropsClock(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// Late evening on the day before summer time starts.
	baseline := time.Date(2025, 3, 29, 23, 30, 0, 0, oslo)
	got := Timepoint{Months: 12}.Due(baseline)
	want := time.Date(2026, 3, 29, 0, 0, 0, 0, oslo)
	if !got.Equal(want) || got.Location() != oslo {
		t.Errorf("Due = %v, want %v", got, want)
	}
}

func TestWindow(t *testing.T) {
	baseline := Timepoint{ID: "baseline", Months: 0, OpensBeforeDays: 14, ClosesAfterDays: 60}
	m12 := Timepoint{ID: "m12", Months: 12, OpensBeforeDays: 14, ClosesAfterDays: 60}
	tests := []struct {
		tp            Timepoint
		baseline      string
		opens, closes string
	}{
		// The baseline opens on the baseline date whatever OpensBeforeDays says.
		{baseline, "2025-03-10", "2025-03-10", "2025-05-09"},
		{m12, "2025-03-10", "2026-02-24", "2026-05-09"},
		{m12, "2024-02-29", "2025-02-14", "2025-04-29"},
		{m12, "2024-12-31", "2025-12-17", "2026-03-01"},
	}
	for _, tt := range tests {
		opens, closes := tt.tp.Window(date(tt.baseline))
		if opens.Format(time.DateOnly) != tt.opens || closes.Format(time.DateOnly) != tt.closes {
			t.Errorf("%s.Window(%s) = %s..%s, want %s..%s", tt.tp.ID, tt.baseline,
				opens.Format(time.DateOnly), closes.Format(time.DateOnly), tt.opens, tt.closes)
		}
	}
}

func TestProtocolTimepoint(t *testing.T) {
	p := Protocol{Timepoints: []Timepoint{{ID: "baseline"}, {ID: "m12", Months: 12}}}
	if tp, ok := p.Timepoint("m12"); !ok || tp.Months != 12 {
		t.Errorf("Timepoint(m12) = %+v, %v", tp, ok)
	}
	if _, ok := p.Timepoint("m6"); ok {
		t.Error("Timepoint(m6) found")
	}
}

func TestBatteryForMergesInOrder(t *testing.T) {
	p := Protocol{Batteries: []Battery{
		{Role: RoleConsumer, Subject: SubjectSelf, Timepoints: []string{"baseline", "m12"}, Questionnaires: []string{"a", "b"}},
		{Role: RoleClinician, Subject: SubjectSelf, Timepoints: []string{"m12"}, Questionnaires: []string{"x"}},
		{Role: RoleConsumer, Subject: SubjectSelf, Timepoints: []string{"m12"}, Questionnaires: []string{"c", "a"}},
	}}
	if got := p.BatteryFor(RoleConsumer, SubjectSelf, "m12"); len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("BatteryFor = %v, want [a b c]", got)
	}
}
