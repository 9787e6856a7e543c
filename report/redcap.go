package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// REDCapExport is what a longitudinal REDCap project needs to take the
// bot's data as they are: the data dictionary, its arms, events and
// instrument-event mapping, the data access groups, and the flat import
// file. Every file is a table whose first row is its header.
//
// Records are participant codes. A record's arm is the role of the
// participant the answers are about: consumers (their own questionnaires
// and their clinician's ratings of them), clinicians (their own), and
// coordinators (their ratings of their site). Each arm's events are its
// timepoints (baseline_arm_1, m12_arm_1, ...), and each record belongs to
// the data access group of its site.
type REDCapExport struct {
	Dictionary [][]string
	Arms       [][]string // arm_num,name
	Events     [][]string // event_name,arm_num,unique_event_name,custom_event_label
	Mapping    [][]string // arm_num,unique_event_name,form
	DAGs       [][]string // data_access_group_name,unique_group_name
	Data       [][]string // record_id,redcap_event_name,redcap_data_access_group,fields...,<form>_complete
	Warnings   []string
}

// redcapArm is one arm: the subjects of one role.
type redcapArm struct {
	num   int
	role  string
	tps   []string // timepoint ids, protocol order
	forms []string // questionnaire ids, battery order
}

var redcapArmNames = map[string]string{
	"consumer": "Consumers", "clinician": "Clinicians", "coordinator": "Coordinators (site ratings)",
}

// redcapSubjectRole is the role of the participant a battery's answers are
// about, whose record holds them: a site is rated on its coordinator's
// record, whoever rates it; an assessor's rating of a clinician is on the
// clinician's.
func redcapSubjectRole(b questionnaires.Battery) string {
	switch b.Subject {
	case questionnaires.SubjectConsumer:
		return string(questionnaires.RoleConsumer)
	case questionnaires.SubjectClinician:
		return string(questionnaires.RoleClinician)
	case questionnaires.SubjectSite:
		return string(questionnaires.RoleCoordinator)
	}
	return string(b.Role)
}

// redcapArms are the protocol's arms, in the order the batteries name
// their subjects.
func redcapArms(cat *questionnaires.Catalog) []*redcapArm {
	var arms []*redcapArm
	byRole := map[string]*redcapArm{}
	tpRank := rankOf(timepointIDs(cat))
	for _, b := range cat.Protocol.Batteries {
		role := redcapSubjectRole(b)
		a, ok := byRole[role]
		if !ok {
			a = &redcapArm{num: len(arms) + 1, role: role}
			byRole[role] = a
			arms = append(arms, a)
		}
		for _, tp := range b.Timepoints {
			if !slices.Contains(a.tps, tp) {
				a.tps = append(a.tps, tp)
			}
		}
		for _, q := range b.Questionnaires {
			if !slices.Contains(a.forms, q) {
				a.forms = append(a.forms, q)
			}
		}
	}
	for _, a := range arms {
		slices.SortStableFunc(a.tps, func(x, y string) int { return tpRank(x) - tpRank(y) })
	}
	return arms
}

// REDCapEventName is REDCap's unique event name for a timepoint in an arm:
// the event's name in lower case with _ for anything but letters and
// digits, cut at 18 characters, then _arm_N.
func REDCapEventName(timepoint string, arm int) string {
	return redcapGroupName(timepoint) + "_arm_" + strconv.Itoa(arm)
}

// redcapGroupName is how REDCap makes a unique name from a display name
// (events and data access groups alike): lower case, runs of other
// characters than letters and digits become _, at most 18 characters.
func redcapGroupName(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	s := b.String()
	if len(s) > 18 {
		s = strings.TrimRight(s[:18], "_")
	}
	return s
}

// REDCap builds the REDCap files from one snapshot of the data, with
// labels in labelLang. Answers to questionnaires, items or timepoints the
// study no longer has are left out with a warning (the long export keeps
// them); so are ratings beside the one kept for a record, event and form.
func REDCap(d *store.ExportData, cat *questionnaires.Catalog) (*REDCapExport, error) {
	order := questionnaireOrder(cat)
	forms, err := questionnaires.RedcapForms(order)
	if err != nil {
		return nil, err
	}
	out := &REDCapExport{}
	if out.Dictionary, err = questionnaires.RedcapDictionary(forms, labelLang); err != nil {
		return nil, err
	}
	formOf := map[string]questionnaires.RedcapForm{}
	for _, f := range forms {
		formOf[f.Questionnaire.ID] = f
	}
	tpLabel := map[string]string{}
	for _, tp := range cat.Protocol.Timepoints {
		tpLabel[tp.ID] = tp.Label.In(labelLang)
	}
	arms := redcapArms(cat)
	out.Arms = [][]string{{"arm_num", "name"}}
	out.Events = [][]string{{"event_name", "arm_num", "unique_event_name", "custom_event_label"}}
	out.Mapping = [][]string{{"arm_num", "unique_event_name", "form"}}
	armOf := map[string]*redcapArm{}
	for _, a := range arms {
		armOf[a.role] = a
		num := strconv.Itoa(a.num)
		out.Arms = append(out.Arms, []string{num, redcapArmNames[a.role]})
		for _, tp := range a.tps {
			event := REDCapEventName(tp, a.num)
			out.Events = append(out.Events, []string{tp, num, event, tpLabel[tp]})
			for _, b := range cat.Protocol.Batteries {
				if redcapSubjectRole(b) != a.role || !slices.Contains(b.Timepoints, tp) {
					continue
				}
				for _, q := range b.Questionnaires {
					// A site's ratings come from two batteries (its
					// coordinator's, its assessors'): one row each form.
					f, ok := formOf[q]
					row := []string{num, event, f.Name}
					if ok && !slices.ContainsFunc(out.Mapping, func(r []string) bool { return slices.Equal(r, row) }) {
						out.Mapping = append(out.Mapping, row)
					}
				}
			}
		}
	}
	out.DAGs = [][]string{{"data_access_group_name", "unique_group_name"}}
	for _, s := range d.Sites {
		// Named by the site's code, REDCap's unique name is the code in
		// lower case: the one the data file gives.
		out.DAGs = append(out.DAGs, []string{s.Code, ""})
	}
	out.Data, out.Warnings = redcapData(d, cat, forms, armOf)
	return out, nil
}

// redcapComplete is REDCap's <form>_complete code for an assessment's
// status: 2 Complete, 1 Unverified (still open: answering is under way),
// 0 Incomplete (the window closed before the end).
func redcapComplete(status string) string {
	switch status {
	case "completed":
		return "2"
	case "open", "in_progress":
		return "1"
	}
	return "0"
}

func redcapData(d *store.ExportData, cat *questionnaires.Catalog, forms []questionnaires.RedcapForm, armOf map[string]*redcapArm) ([][]string, []string) {
	header := []string{questionnaires.RedcapRecordID, "redcap_event_name", "redcap_data_access_group"}
	col := map[string]int{} // "<questionnaire>/<item>" and "<questionnaire>/" (its _complete) -> column
	for _, f := range forms {
		for i, it := range f.Questionnaire.Items {
			col[f.Questionnaire.ID+"/"+it.ID] = len(header)
			header = append(header, f.Vars[i])
		}
		col[f.Questionnaire.ID+"/"] = len(header)
		header = append(header, f.Name+"_complete")
	}
	byKey, warnings := collectAssessments(d.Answers)
	type rowKey struct{ record, event string }
	rows := map[rowKey][]string{}
	rank := map[rowKey][2]int{}
	tpRank := rankOf(timepointIDs(cat))
	for _, k := range slices.SortedFunc(maps.Keys(byKey), func(a, b assessmentKey) int {
		return strings.Compare(a.participant+"\x00"+a.timepoint+"\x00"+a.questionnaire, b.participant+"\x00"+b.timepoint+"\x00"+b.questionnaire)
	}) {
		a := byKey[k]
		arm := armOf[a.SubjectRole]
		if _, known := col[a.Questionnaire+"/"]; !known || arm == nil || !slices.Contains(arm.tps, a.Timepoint) {
			warnings = append(warnings, fmt.Sprintf("REDCap: %s's %s at %s is not in the study's forms and events: left out (the long export has it)", a.Participant, a.Questionnaire, a.Timepoint))
			continue
		}
		rk := rowKey{a.Participant, REDCapEventName(a.Timepoint, arm.num)}
		row, ok := rows[rk]
		if !ok {
			row = make([]string, len(header))
			row[0], row[1], row[2] = a.Participant, rk.event, redcapGroupName(a.Site)
			rows[rk] = row
			rank[rk] = [2]int{arm.num, tpRank(a.Timepoint)}
		}
		for _, item := range slices.Sorted(maps.Keys(a.Answers)) {
			c, ok := col[a.Questionnaire+"/"+item]
			if !ok {
				warnings = append(warnings, fmt.Sprintf("REDCap: %s's %s item %s is not in the study's definition: left out", a.Participant, a.Questionnaire, item))
				continue
			}
			if v := a.Answers[item]; v != nil {
				row[c] = *v
			}
		}
		row[col[a.Questionnaire+"/"]] = redcapComplete(a.Status)
	}
	keys := slices.SortedFunc(maps.Keys(rows), func(x, y rowKey) int {
		if x.record != y.record {
			return strings.Compare(x.record, y.record)
		}
		rx, ry := rank[x], rank[y]
		if rx[0] != ry[0] {
			return rx[0] - ry[0]
		}
		return rx[1] - ry[1]
	})
	out := [][]string{header}
	for _, k := range keys {
		out = append(out, rows[k])
	}
	return out, warnings
}
