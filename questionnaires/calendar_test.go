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
		w := tt.tp.Window(date(tt.baseline))
		if w.Opens.Format(time.DateOnly) != tt.opens || w.Closes.Format(time.DateOnly) != tt.closes {
			t.Errorf("%s.Window(%s) = %s..%s, want %s..%s", tt.tp.ID, tt.baseline,
				w.Opens.Format(time.DateOnly), w.Closes.Format(time.DateOnly), tt.opens, tt.closes)
		}
	}
}

var (
	m12        = Timepoint{ID: "m12", Months: 12, OpensBeforeDays: 14, ClosesAfterDays: 60}
	baselineTP = Timepoint{ID: "baseline", Months: 0, ClosesAfterDays: 60}
)

func TestWindowCalendarMonths(t *testing.T) {
	for _, tc := range []struct {
		baseline string
		tp       Timepoint
		opens    string
		due      string
		closes   string
	}{
		{"2024-02-29", m12, "2025-02-14", "2025-02-28", "2025-04-29"},
		{"2025-03-15", m12, "2026-03-01", "2026-03-15", "2026-05-14"},
		{"2024-01-31", Timepoint{Months: 1, ClosesAfterDays: 1}, "2024-02-29", "2024-02-29", "2024-03-01"},
		{"2023-01-31", Timepoint{Months: 1}, "2023-02-28", "2023-02-28", "2023-02-28"},
		{"2025-08-31", Timepoint{Months: 6}, "2026-02-28", "2026-02-28", "2026-02-28"},
	} {
		w := tc.tp.Window(date(tc.baseline))
		got := [3]string{w.Opens.Format(time.DateOnly), w.Due.Format(time.DateOnly), w.Closes.Format(time.DateOnly)}
		want := [3]string{tc.opens, tc.due, tc.closes}
		if got != want {
			t.Errorf("Window(%+v, %s) = %v, want %v", tc.tp, tc.baseline, got, want)
		}
	}
	if w := baselineTP.Window(date("2025-03-15")); !w.AtConsent || !w.OpenOn(date("2025-01-01")) || w.OpenOn(date("2025-05-15")) {
		t.Errorf("baseline window %+v: want open from consent until 60 days after the baseline date", w)
	}
	w := m12.Window(date("2025-03-15"))
	for day, want := range map[string]bool{"2026-02-28": false, "2026-03-01": true, "2026-05-14": true, "2026-05-15": false} {
		if got := w.OpenOn(date(day)); got != want {
			t.Errorf("OpenOn(%s) = %v, want %v", day, got, want)
		}
	}
}

// A baseline date read from the database in another zone, or with a
// clock, names the same window as its calendar date at midnight UTC.
func TestWindowUsesTheCalendarDateOnly(t *testing.T) {
	tokyo := time.FixedZone("UTC+9", 9*3600)
	got := m12.Window(time.Date(2025, 3, 15, 23, 30, 0, 0, tokyo))
	if want := m12.Window(date("2025-03-15")); got != want {
		t.Errorf("Window(15 March 23:30 UTC+9) = %+v, want %+v", got, want)
	}
	if w := m12.Window(date("2025-03-15")); !w.OpenOn(time.Date(2026, 5, 14, 23, 59, 0, 0, tokyo)) {
		t.Error("OpenOn(the last day, late evening in UTC+9) = false")
	}
}

func TestToday(t *testing.T) {
	oslo := Location("Europe/Oslo")
	// 23:30 UTC on 13 May is already 14 May in Oslo (summer time).
	now := time.Date(2026, 5, 13, 23, 30, 0, 0, time.UTC)
	if got := Today(now, oslo); got != date("2026-05-14") {
		t.Errorf("Today in Oslo = %s, want 2026-05-14", got)
	}
	if got := Today(now, time.UTC); got != date("2026-05-13") {
		t.Errorf("Today in UTC = %s, want 2026-05-13", got)
	}
}

func TestLocationFallsBackToTheStudysZone(t *testing.T) {
	oslo, err := time.LoadLocation(DefaultTimezone)
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	if got := Location("America/New_York"); got.String() != "America/New_York" {
		t.Errorf("Location(America/New_York) = %s", got)
	}
	for _, name := range []string{"", "Mars/Olympus_Mons"} {
		if got := Location(name); got.String() != oslo.String() {
			t.Errorf("Location(%q) = %s, want %s", name, got, oslo)
		}
	}
	if first, again := Location("Europe/Oslo"), Location("Europe/Oslo"); first != again {
		t.Error("Location loads a zone again instead of keeping it")
	}
}

func TestClosedThroughAtMonthEndsAndLeapDays(t *testing.T) {
	for _, tc := range []struct {
		tp             Timepoint
		today, through string
	}{
		// m12 of 29 Feb 2024 is due 28 Feb 2025 and closes 29 April: on 30
		// April the baselines up to 29 February are closed, 1 March is not.
		{m12, "2025-04-30", "2024-02-29"},
		{m12, "2025-04-29", "2024-02-27"}, // 28 and 29 February close together
		// Due on 28 February 2025 for 28 and 29 February 2024 alike.
		{Timepoint{Months: 12}, "2025-03-01", "2024-02-29"},
		{Timepoint{Months: 12}, "2025-02-28", "2024-02-27"},
		// 29, 30 and 31 January + 1 month are all due on the last of February.
		{Timepoint{Months: 1}, "2025-03-01", "2025-01-31"},
		{Timepoint{Months: 1}, "2025-02-28", "2025-01-27"},
		{Timepoint{Months: 1}, "2024-03-01", "2024-01-31"},
		{Timepoint{Months: 1}, "2024-02-29", "2024-01-28"},
		// 31 March + 1 month is 30 April; 14 days later is 14 May.
		{Timepoint{Months: 1, ClosesAfterDays: 14}, "2025-05-15", "2025-03-31"},
		{Timepoint{Months: 1, ClosesAfterDays: 14}, "2025-05-14", "2025-03-29"},
		{baselineTP, "2025-05-15", "2025-03-15"},
	} {
		if got := tc.tp.ClosedThrough(date(tc.today)).Format(time.DateOnly); got != tc.through {
			t.Errorf("%+v.ClosedThrough(%s) = %s, want %s", tc.tp, tc.today, got, tc.through)
		}
	}
}

// TestClosedThroughAgreesWithWindow: for every baseline date of six years
// (two leap days among them) and every timepoint of the default protocol
// and of a protocol with m1, m3, m6 and m9, ClosedThrough counts the
// baseline closed from the day after its window's last day, and not before.
func TestClosedThroughAgreesWithWindow(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	tps := append([]Timepoint{}, c.Protocol.Timepoints...)
	for _, months := range []int{3, 6, 9} {
		tps = append(tps, Timepoint{Months: months, OpensBeforeDays: 14, ClosesAfterDays: 60})
	}
	tps = append(tps, Timepoint{Months: 1}, Timepoint{Months: 1, ClosesAfterDays: 1}, Timepoint{Months: 1, ClosesAfterDays: 28})
	for _, tp := range tps {
		for b := date("2023-01-01"); b.Before(date("2029-01-01")); b = b.AddDate(0, 0, 1) {
			closes := tp.Window(b).Closes
			for d := -1; d <= 2; d++ {
				today := closes.AddDate(0, 0, d)
				if got, want := !b.After(tp.ClosedThrough(today)), d > 0; got != want {
					t.Fatalf("m%d (closes %d days after): baseline %s, window closes %s: closed on %s = %v, want %v",
						tp.Months, tp.ClosesAfterDays, b.Format(time.DateOnly), closes.Format(time.DateOnly),
						today.Format(time.DateOnly), got, want)
				}
			}
		}
	}
}

// TestBaselinesAgreeWithWindow: the baselines Baselines selects for a day
// are exactly those whose window is open then (a month-0 window from its
// baseline date on), for every baseline of six years and every timepoint
// of the default protocol and one with m1, m3, m6 and m9.
func TestBaselinesAgreeWithWindow(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	tps := append([]Timepoint{}, c.Protocol.Timepoints...)
	for _, months := range []int{1, 3, 6, 9} {
		tps = append(tps, Timepoint{Months: months, OpensBeforeDays: 14, ClosesAfterDays: 60}, Timepoint{Months: months})
	}
	for _, tp := range tps {
		for b := date("2023-01-01"); b.Before(date("2029-01-01")); b = b.AddDate(0, 0, 1) {
			w := tp.Window(b)
			for _, day := range []time.Time{w.Opens.AddDate(0, 0, -1), w.Opens, w.Closes, w.Closes.AddDate(0, 0, 1)} {
				from, to := tp.Baselines(day, day)
				got := !b.Before(from) && !b.After(to)
				if want := w.OpenOn(day) && !b.After(day); got != want {
					t.Fatalf("m%d (%d..%d): baseline %s, window %s..%s: Baselines(%s) = %s..%s, selects it %v, want %v",
						tp.Months, tp.OpensBeforeDays, tp.ClosesAfterDays, b.Format(time.DateOnly),
						w.Opens.Format(time.DateOnly), w.Closes.Format(time.DateOnly), day.Format(time.DateOnly),
						from.Format(time.DateOnly), to.Format(time.DateOnly), got, want)
				}
			}
		}
	}
	// Over several days: from the first day's closed to the last day's opened.
	from, to := m12.Baselines(date("2026-03-14"), date("2026-03-16"))
	if from != date("2025-01-13") || to != date("2025-03-30") {
		t.Errorf("m12.Baselines(14..16 March 2026) = %s..%s, want 2025-01-13..2025-03-30", from, to)
	}
}
