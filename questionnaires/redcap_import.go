package questionnaires

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// RedcapImport is what a REDCap data dictionary becomes: one definition file
// per form, and a note for each thing the definitions cannot hold (at the
// dictionary's line), so that nothing is dropped silently.
type RedcapImport struct {
	Files []DefinitionFile
	Notes []Problem
}

// DefinitionFile is one questionnaire's YAML definition, named <id>.yaml.
type DefinitionFile struct {
	Name string
	Data []byte
}

// redcapRow is one dictionary row and the line it starts on.
type redcapRowAt struct {
	line   int
	fields []string
}

// ImportRedcap reads a REDCap data dictionary (file names it in messages)
// with its labels in lang. An unknown field type, a broken choice list, a
// duplicate variable or a malformed file is an error naming the line, and
// nothing is returned; the definitions returned pass lint.
func ImportRedcap(file string, r io.Reader, lang string) (*RedcapImport, error) {
	rows, err := readRedcapRows(file, r)
	if err != nil {
		return nil, err
	}
	im := &redcapImporter{file: file, lang: lang, vars: map[string]int{}}
	var forms []*redcapFormRows
	byName := map[string]*redcapFormRows{}
	for k, row := range rows {
		v, form := strings.TrimSpace(row.fields[rcVar]), strings.TrimSpace(row.fields[rcForm])
		if v == "" || form == "" {
			return nil, im.errorf(row.line, "a field needs a variable name and a form name")
		}
		if first, dup := im.vars[v]; dup {
			return nil, im.errorf(row.line, "duplicate variable %q (first at line %d)", v, first)
		}
		im.vars[v] = row.line
		if k == 0 && v == RedcapRecordID {
			im.notef(row.line, "%s is REDCap's record id (the participant code), not a question: left out", v)
			continue
		}
		f, ok := byName[form]
		if ok && forms[len(forms)-1] != f {
			return nil, im.errorf(row.line, "form %q's fields are not together (it began at line %d)", form, f.rows[0].line)
		}
		if !ok {
			f = &redcapFormRows{name: form}
			byName[form] = f
			forms = append(forms, f)
		}
		f.rows = append(f.rows, row)
	}
	if len(forms) == 0 {
		return nil, im.errorf(1, "the dictionary has no fields")
	}
	out := &RedcapImport{}
	for _, f := range forms {
		q, sets, err := im.form(f)
		if err != nil {
			return nil, err
		}
		data, err := definitionYAML(q, sets, file)
		if err != nil {
			return nil, err
		}
		out.Files = append(out.Files, DefinitionFile{Name: q.ID + ".yaml", Data: data})
	}
	if err := lintImported(out.Files); err != nil {
		return nil, err
	}
	out.Notes = sortProblems(im.notes)
	return out, nil
}

func readRedcapRows(file string, r io.Reader) ([]redcapRowAt, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // REDCap's own downloads begin with a BOM
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: not a REDCap data dictionary: %w", file, csvCause(err))
	}
	// Dictionaries from before REDCap 6 lack the Field Annotation column.
	if !slices.Equal(header, RedcapColumns) && !slices.Equal(header, RedcapColumns[:len(RedcapColumns)-1]) {
		return nil, fmt.Errorf("%s:1: not a REDCap data dictionary: the header must be REDCap's %d columns, %q first", file, len(RedcapColumns), RedcapColumns[0])
	}
	var rows []redcapRowAt
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: %w", file, pe.StartLine, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		for len(rec) < len(RedcapColumns) {
			rec = append(rec, "")
		}
		rows = append(rows, redcapRowAt{line: line, fields: rec})
	}
	return rows, nil
}

func csvCause(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

type redcapFormRows struct {
	name string
	rows []redcapRowAt
}

// redcapImporter holds what one import has learnt: the notes so far and
// every variable's line.
type redcapImporter struct {
	file  string
	lang  string
	vars  map[string]int
	notes []Problem
}

func (im *redcapImporter) errorf(line int, format string, args ...any) error {
	return errors.New(Problem{File: im.file, Line: line, Msg: fmt.Sprintf(format, args...)}.String())
}

func (im *redcapImporter) notef(line int, format string, args ...any) {
	im.notes = append(im.notes, Problem{File: im.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// fill gives t every language, copying the dictionary's where the
// annotation brought none, and says so once per form.
func (im *redcapImporter) fill(t Text, copied *bool) Text {
	if t == nil {
		t = Text{}
	}
	for _, l := range Languages {
		if strings.TrimSpace(t[l]) == "" {
			t[l] = t[im.lang]
			*copied = true
		}
	}
	return t
}

// form turns one form's rows into a questionnaire, and the option sets its
// items name.
func (im *redcapImporter) form(f *redcapFormRows) (*Questionnaire, map[string][]Option, error) {
	first := f.rows[0]
	q := &Questionnaire{ID: f.name, Version: "1", Wording: WordingPlaceholder,
		Respondent: RoleConsumer, Subject: SubjectSelf}
	varToItem := map[string]string{}
	sets := map[string][]Option{}
	copied := false
	for k, row := range f.rows {
		note, err := im.note(row)
		if err != nil {
			return nil, nil, err
		}
		if k == 0 {
			if fn := note.Form; fn != nil {
				q.ID, q.Version, q.Wording, q.Title, q.Intro = fn.ID, fn.Version, fn.Wording, fn.Title, fn.Intro
				q.Respondent, q.Subject, q.Recall, q.Scoring = fn.Respondent, fn.Subject, fn.Recall, fn.Scoring
			} else {
				im.notef(row.line, "form %s: no %s annotation, so version 1, placeholder wording, answered by consumer about self, no scoring: check them", f.name, RedcapNotePrefix)
			}
		}
		it, ok, err := im.item(row, note, k == 0, varToItem)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		it.Text = im.fill(it.Text, &copied)
		for i := range it.Options {
			it.Options[i].Label = im.fill(it.Options[i].Label, &copied)
		}
		if it.OptionSet != "" {
			if prev, ok := sets[it.OptionSet]; ok && !sameOptions(prev, it.Options) {
				it.OptionSet = "" // the set's items differ here: keep them inline
			} else {
				sets[it.OptionSet] = it.Options
			}
		}
		varToItem[strings.TrimSpace(row.fields[rcVar])] = it.ID
		q.Items = append(q.Items, it)
	}
	if len(q.Items) == 0 {
		return nil, nil, im.errorf(first.line, "form %s has no field the bot can ask", f.name)
	}
	if q.Title == nil {
		q.Title = Text{im.lang: strings.ToUpper(f.name[:1]) + strings.ReplaceAll(f.name[1:], "_", " ")}
	}
	if q.Intro == nil {
		intro := strings.TrimSpace(first.fields[rcSection])
		if intro == "" {
			intro = q.Title[im.lang]
		}
		q.Intro = Text{im.lang: intro}
	}
	q.Title, q.Intro = im.fill(q.Title, &copied), im.fill(q.Intro, &copied)
	if q.Recall != nil {
		q.Recall = im.fill(q.Recall, &copied)
	}
	if copied {
		im.notef(first.line, "form %s: texts the dictionary gives only in %s were copied to %s: translate them", f.name, im.lang, strings.Join(slices.DeleteFunc(slices.Clone(Languages), func(l string) bool { return l == im.lang }), ", "))
	}
	return q, sets, nil
}

func sameOptions(a, b []Option) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// note reads the row's imrbot annotation; any other annotation (REDCap's
// action tags) has no equivalent and is reported.
func (im *redcapImporter) note(row redcapRowAt) (redcapNote, error) {
	var n redcapNote
	a := strings.TrimSpace(row.fields[rcAnnotation])
	switch {
	case a == "":
	case strings.HasPrefix(a, RedcapNotePrefix):
		dec := json.NewDecoder(strings.NewReader(strings.TrimPrefix(a, RedcapNotePrefix)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&n); err != nil {
			return n, im.errorf(row.line, "the %s annotation is not one this version reads: %v", RedcapNotePrefix, err)
		}
	default:
		im.notef(row.line, "%s: Field Annotation %q has no equivalent: left out", row.fields[rcVar], a)
	}
	return n, nil
}
