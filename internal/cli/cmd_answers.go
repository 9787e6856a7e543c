package cli

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	studyreport "github.com/imrbot/imrbot/report"
	"github.com/imrbot/imrbot/store"
)

// AnswersCmd is `imrbot answers ...`.
type AnswersCmd struct {
	Import AnswersImportCmd `cmd:"" help:"Load answers collected on paper, in the long export's columns; the file goes in whole or not at all."`
}

// AnswersImportCmd is `imrbot answers import FILE [--raw]`.
type AnswersImportCmd struct {
	File string `arg:"" placeholder:"FILE" help:"CSV with the columns participant, respondent, questionnaire, timepoint, item, value and answered_at (site and source are checked when present; others are ignored)."`
	Raw  bool   `help:"Take every cell as written. By default a ' in front of text beginning with =, +, -, @, a tab or a carriage return is taken off, as an export without --raw put it there."`
}

// Run checks every row of the file against the definitions, the protocol
// and the participants, then stores all its answers as paper answers in
// one transaction, audited, and prints one line saying what it stored. The
// first problem found stops it with the line it is on, and nothing is
// stored.
func (c *AnswersImportCmd) Run(app *App) error {
	data, err := os.ReadFile(c.File)
	if err != nil {
		return Usagef("cannot read %s: %v", c.File, errors.Unwrap(err))
	}
	rows, err := studyreport.ReadPaperAnswers(bytes.NewReader(data), c.Raw)
	if err != nil {
		return importErr(c.File, err)
	}
	catalog, err := app.Catalog()
	if err != nil {
		return err
	}
	st, err := app.Store(app.Context)
	if err != nil {
		return err
	}
	people, err := st.ImportParticipants(app.Context, studyreport.PaperCodes(rows))
	if err != nil {
		return err
	}
	now := app.Now()
	answers, err := studyreport.CheckPaperAnswers(rows, catalog, people, now)
	if err != nil {
		return importErr(c.File, err)
	}
	sum := sha256.Sum256(data)
	file, err := filepath.Abs(c.File)
	if err != nil {
		file = c.File
	}
	res, err := st.ImportAnswers(app.Context, store.AnswerImport{
		File: file, SHA256: sum[:], Actor: cliActor(app), At: now, Answers: answers,
		Complete: studyreport.PaperComplete(catalog),
		Detail:   map[string]any{"participants": subjects(rows)},
	})
	var answered *store.AnsweredError
	if errors.As(err, &answered) {
		r, a := rows[answered.Index], answers[answered.Index]
		return importErr(c.File, &studyreport.LineError{Line: r.Line, Msg: fmt.Sprintf(
			"%s already has an answer to %s %s at %s (from the %s) by %s; an import adds answers and never replaces one",
			r.Participant, a.Key.Questionnaire, a.Item, a.Key.Timepoint, answered.Source, r.Respondent)})
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(app.Stdout, "imported %d answers to %d questionnaires (%d now complete) from %s\n",
		res.Answers, res.Assessments, res.Completed, c.File)
	return nil
}

// importErr is a problem with the file: bad input, named by file and line.
func importErr(file string, err error) error {
	var le *studyreport.LineError
	if errors.As(err, &le) {
		return Usagef("%s: %v; nothing was imported", file, le)
	}
	return err
}

// subjects are the codes of the participants the answers are about, for
// the audit log.
func subjects(rows []studyreport.PaperRow) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		if !seen[r.Participant] {
			seen[r.Participant] = true
			out = append(out, r.Participant)
		}
	}
	return out
}
