package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// This file reads answers collected on paper, written in the long
// export's columns, and checks every row against the definitions, the
// protocol and the participants, as the chat checks what it is told.

// ImportColumns are the columns a file of paper answers must have. site
// and source are read when present; every other column (version, or any a
// coordinator added) is ignored.
var ImportColumns = []string{"participant", "respondent", "questionnaire", "timepoint", "item", "value", "answered_at"}

// LineError is a problem with one line of an imported file.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func lineErr(line int, format string, args ...any) error {
	return &LineError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// PaperRow is one line of answers collected on paper, as written.
type PaperRow struct {
	Line                                        int
	Participant, Respondent, Site, Source       string
	Questionnaire, Timepoint, Item, Value, When string
}

// ReadPaperAnswers reads a CSV of paper answers with a header line naming
// its columns. Unless raw, the single quote that the export puts in front
// of text beginning with =, +, -, @, a tab or a carriage return (SafeCell)
// is taken off again, so an export imports as it was answered.
func ReadPaperAnswers(r io.Reader, raw bool) ([]PaperRow, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a spreadsheet's byte order mark
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, lineErr(1, "the file is empty; its first line must name the columns (%s)", strings.Join(ImportColumns, ", "))
	} else if err != nil {
		return nil, csvErr(err)
	}
	col := map[string]int{}
	for i, name := range header {
		name = strings.TrimSpace(name)
		if _, dup := col[name]; dup {
			return nil, lineErr(1, "the column %q appears twice", name)
		}
		col[name] = i
	}
	for _, name := range ImportColumns {
		if _, ok := col[name]; !ok {
			return nil, lineErr(1, "the column %q is missing (the columns needed are %s)", name, strings.Join(ImportColumns, ", "))
		}
	}
	cell := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok {
			return ""
		}
		v := rec[i]
		if !raw && len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(v[1])) {
			v = v[1:]
		}
		return v
	}
	var out []PaperRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		out = append(out, PaperRow{
			Line:        line,
			Participant: strings.TrimSpace(cell(rec, "participant")),
			Respondent:  strings.TrimSpace(cell(rec, "respondent")),
			Site:        strings.TrimSpace(cell(rec, "site")),
			Source:      strings.TrimSpace(cell(rec, "source")),
			// Questionnaire, Timepoint and Item are ids: spaces around
			// them are a spreadsheet's, not part of the id.
			Questionnaire: strings.TrimSpace(cell(rec, "questionnaire")),
			Timepoint:     strings.TrimSpace(cell(rec, "timepoint")),
			Item:          strings.TrimSpace(cell(rec, "item")),
			Value:         cell(rec, "value"),
			When:          strings.TrimSpace(cell(rec, "answered_at")),
		})
	}
	if len(out) == 0 {
		return nil, lineErr(2, "no answers follow the header line")
	}
	return out, nil
}

// csvErr names the line of a CSV syntax error in the form every import
// error has.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return lineErr(pe.Line, "the line has a different number of cells than the header line")
		}
		return lineErr(pe.Line, "%v", pe.Err)
	}
	return err
}

// PaperCodes are the participant codes rows name, for the store to look up.
func PaperCodes(rows []PaperRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Participant, r.Respondent)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// CheckPaperAnswers checks every row and returns the answers to store, in
// the rows' order, or the first row's problem as a *LineError. people are
// the participants the rows name (PaperCodes), keyed by code; now bounds
// answered_at (nothing is answered in the future).
func CheckPaperAnswers(rows []PaperRow, cat *questionnaires.Catalog, people map[string]*store.ImportParticipant, now time.Time) ([]store.ImportedAnswer, error) {
	seen := map[string]int{}
	out := make([]store.ImportedAnswer, 0, len(rows))
	for _, r := range rows {
		a, err := checkPaperRow(r, cat, people, now)
		if err != nil {
			return nil, &LineError{Line: r.Line, Msg: err.Error()}
		}
		key := fmt.Sprint(a.Key, a.Item)
		if first, dup := seen[key]; dup {
			return nil, lineErr(r.Line, "it answers the same item as line %d", first)
		}
		seen[key] = r.Line
		out = append(out, a)
	}
	return out, nil
}

func checkPaperRow(r PaperRow, cat *questionnaires.Catalog, people map[string]*store.ImportParticipant, now time.Time) (store.ImportedAnswer, error) {
	var a store.ImportedAnswer
	if r.Source != "" && r.Source != store.SourcePaper {
		return a, fmt.Errorf("source is %q, but only answers collected on paper are imported (write paper there, or leave the column out)", r.Source)
	}
	subject, err := participantNamed(people, "participant", r.Participant)
	if err != nil {
		return a, err
	}
	respondent, err := participantNamed(people, "respondent", r.Respondent)
	if err != nil {
		return a, err
	}
	if r.Site != "" && r.Site != subject.Site {
		return a, fmt.Errorf("site is %s, but %s is a participant of %s", r.Site, subject.Code, subject.Site)
	}
	q := cat.Questionnaires[r.Questionnaire]
	if q == nil {
		return a, fmt.Errorf("no questionnaire has the id %q", r.Questionnaire)
	}
	tp, ok := cat.Protocol.Timepoint(r.Timepoint)
	if !ok {
		return a, fmt.Errorf("the protocol has no timepoint %q (it has %s)", r.Timepoint, strings.Join(timepointIDs(cat), ", "))
	}
	it, _, ok := q.Item(r.Item)
	if !ok {
		return a, fmt.Errorf("%s has no item %q", q.ID, r.Item)
	}
	if err := checkRespondent(q, subject, respondent, people); err != nil {
		return a, err
	}
	if !slices.Contains(cat.Protocol.BatteryFor(q.Respondent, q.Subject, tp.ID), q.ID) {
		return a, fmt.Errorf("the protocol does not ask %s at %s", q.ID, tp.ID)
	}
	for _, p := range []*store.ImportParticipant{subject, respondent} {
		if err := takesPart(p); err != nil {
			return a, err
		}
	}
	value, err := checkValue(q, it, r.Value)
	if err != nil {
		return a, err
	}
	loc := questionnaires.Location(subject.Timezone)
	at, err := answeredAt(r.When, loc)
	if err != nil {
		return a, err
	}
	if !subject.BaselineDate.Valid {
		return a, fmt.Errorf("%s has no baseline date, so %s has no window yet (set one with imrbot participant set-baseline)", subject.Code, tp.ID)
	}
	day, w := questionnaires.Today(at, loc), tp.Window(subject.BaselineDate.Time)
	if day.Before(w.Opens) || day.After(w.Closes) {
		return a, fmt.Errorf("answered_at %s is outside %s's %s window (%s to %s)", day.Format(time.DateOnly), subject.Code, tp.ID,
			w.Opens.Format(time.DateOnly), w.Closes.Format(time.DateOnly))
	}
	if at.After(now) {
		return a, fmt.Errorf("answered_at %s is in the future", r.When)
	}
	return store.ImportedAnswer{
		Key:     store.AssessmentKey{SubjectID: subject.ID, RespondentID: respondent.ID, Questionnaire: q.ID, Timepoint: tp.ID},
		Version: q.Version, Item: it.ID, Value: value, AnsweredAt: at,
	}, nil
}

func participantNamed(people map[string]*store.ImportParticipant, column, code string) (*store.ImportParticipant, error) {
	if code == "" {
		return nil, fmt.Errorf("%s is empty", column)
	}
	p := people[code]
	if p == nil {
		return nil, fmt.Errorf("no participant has the code %q (%s)", code, column)
	}
	return p, nil
}

// checkRespondent: the respondent is the one who answers q about the
// subject, as the chat would ask them.
func checkRespondent(q *questionnaires.Questionnaire, subject, respondent *store.ImportParticipant, people map[string]*store.ImportParticipant) error {
	if respondent.Role != string(q.Respondent) {
		return fmt.Errorf("%s is answered by a %s, and %s is a %s", q.ID, q.Respondent, respondent.Code, respondent.Role)
	}
	switch q.Subject {
	case questionnaires.SubjectConsumer:
		if subject.Role != string(questionnaires.RoleConsumer) {
			return fmt.Errorf("%s rates a consumer, and %s is a %s", q.ID, subject.Code, subject.Role)
		}
		if !subject.ClinicianID.Valid || subject.ClinicianID.Int64 != respondent.ID {
			return fmt.Errorf("%s is not the clinician of %s", respondent.Code, subject.Code)
		}
	default: // self-reports and site ratings: the subject answers
		if subject.ID != respondent.ID {
			return fmt.Errorf("%s is answered by the participant about themself, so respondent must be %s", q.ID, subject.Code)
		}
	}
	return nil
}

// takesPart refuses answers of or about someone who is not in the study.
func takesPart(p *store.ImportParticipant) error {
	switch {
	case p.Erased:
		return fmt.Errorf("%s withdrew and their answers were erased", p.Code)
	case p.Status == questionnaires.StatusWithdrawn:
		return fmt.Errorf("%s withdrew from the study", p.Code)
	case p.Role != string(questionnaires.RoleCoordinator) && !p.InStudy:
		return fmt.Errorf("%s has not consented (no consent in the chat, and no baseline date from a paper consent)", p.Code)
	}
	return nil
}

// checkValue checks a value as the chat checks a typed answer; empty is a
// skip, which only an optional item allows.
func checkValue(q *questionnaires.Questionnaire, it *questionnaires.Item, value string) (*string, error) {
	if strings.TrimSpace(value) == "" {
		if it.Optional {
			return nil, nil
		}
		return nil, fmt.Errorf("the value of %s %s is empty, and the item cannot be skipped", q.ID, it.ID)
	}
	v, err := it.Validate(value)
	if err == nil {
		return &v, nil
	}
	var ie *questionnaires.InputError
	if !errors.As(err, &ie) {
		return nil, err
	}
	switch ie.Key {
	case questionnaires.InputNotAnOption:
		codes := make([]string, len(ie.Codes))
		for i, c := range ie.Codes {
			codes[i] = strconv.Itoa(c)
		}
		return nil, fmt.Errorf("%q is not an option of %s %s (its codes are %s)", value, q.ID, it.ID, strings.Join(codes, ", "))
	case questionnaires.InputNotANumber, questionnaires.InputOutOfRange:
		return nil, fmt.Errorf("%q is not a whole number from %d to %d, as %s %s needs", value, ie.Min, ie.Max, q.ID, it.ID)
	}
	return nil, fmt.Errorf("the value of %s %s is not usable: %s", q.ID, it.ID, strings.TrimSuffix(ie.Message("en"), "."))
}

// answeredAt reads a time as the export writes it (RFC 3339), or a date
// as written on a paper form (taken as midnight at the site).
func answeredAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("answered_at %q is neither a date (YYYY-MM-DD) nor a time as the export writes it (2006-01-02T15:04:05Z)", s)
}

// PaperComplete is the chat's rule for an assessment with nothing left to
// ask (questionnaires' Complete), for the store to apply after an import.
func PaperComplete(cat *questionnaires.Catalog) func(store.AssessmentKey, map[string]*string) bool {
	return func(k store.AssessmentKey, answers map[string]*string) bool {
		q := cat.Questionnaires[k.Questionnaire]
		return q != nil && q.Complete(answers)
	}
}
