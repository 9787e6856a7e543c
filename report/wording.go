package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// placeholderWarnings says, in the report, which questionnaires in use (asked
// by the protocol, or with answers in the data) have placeholder wording:
// their answers were given to the bot's own short texts, not the validated
// instrument's, which whoever reads the results must know.
func placeholderWarnings(d *store.ExportData, cat *questionnaires.Catalog) []string {
	used := map[string]bool{}
	for _, q := range cat.InUse() {
		used[q.ID] = true
	}
	for _, a := range d.Answers {
		used[a.Questionnaire] = true
	}
	var ids []string
	for _, id := range slices.Sorted(maps.Keys(used)) {
		if q, ok := cat.Questionnaires[id]; ok && q.Placeholder() {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("Placeholder wording: %s %s asked in placeholder wording written for the bot, not in the validated instrument's words; "+
		"scores from them are not comparable with published results.", strings.Join(ids, ", "), map[bool]string{true: "was", false: "were"}[len(ids) == 1])}
}
