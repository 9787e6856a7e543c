package report

import (
	"strings"

	"github.com/imrbot/imrbot/questionnaires"
)

// MaxNameLen is the longest variable name the exports write: Stata's limit
// of 32 characters, which also keeps within SPSS's 64 bytes and R's none.
const MaxNameLen = 32

// stem is the start of a variable name for id (an item or score) of the
// questionnaire whose name prefix is prefix (imrs_consumer): the id alone
// when it already begins with the prefix (hope_1 of hope), else the prefix
// and the id without the words it shares with the prefix's start
// (imrs_1 of imrs_consumer is imrs_consumer_1, not imrs_consumer_imrs_1).
func stem(prefix, id string) string {
	id = safeName(id)
	if strings.HasPrefix(id, prefix+"_") {
		return id
	}
	pw, iw := strings.Split(prefix, "_"), strings.Split(id, "_")
	k := 0
	for k < len(pw) && k < len(iw)-1 && pw[k] == iw[k] {
		k++
	}
	return prefix + "_" + strings.Join(iw[k:], "_")
}

// itemStem is the name an item's columns start with.
func itemStem(q *questionnaires.Questionnaire, it *questionnaires.Item) string {
	return stem(varPrefix(q.ID), it.ID)
}

// scoreColumn is the name a score's columns start with (the report calls
// it the score's variable): its stem, or the stem and _score when an item
// of the questionnaire, or one of the questionnaire's own columns, already
// has that name (GAF's symptoms rating and symptoms score).
func scoreColumn(q *questionnaires.Questionnaire, id string) string {
	prefix := varPrefix(q.ID)
	name := stem(prefix, id)
	for i := range q.Items {
		if itemStem(q, &q.Items[i]) == name {
			return name + "_score"
		}
	}
	if name == prefix+"_version" || name == prefix+"_rater" {
		return name + "_score"
	}
	return name
}

// atTimepoint is the wide column of stem at timepoint tp: stem, shortened
// by shortStem to room characters, then _tp. WideTable gives every stem
// the room the longest timepoint leaves, so a measure's columns share one
// stem at every timepoint.
func atTimepoint(stem, tp string, room int) string {
	name := shortStem(stem, room) + "_" + safeName(tp)
	if len(name) > MaxNameLen {
		name = name[:MaxNameLen]
	}
	return name
}

// stemRoom is the room a stem has when its column names must stay within
// MaxNameLen at every timepoint of the protocol.
func stemRoom(cat *questionnaires.Catalog) int {
	longest := 0
	for _, tp := range cat.Protocol.Timepoints {
		longest = max(longest, len(safeName(tp.ID)))
	}
	return max(1, MaxNameLen-1-longest)
}

// shortStem is stem when it has at most room characters; else the
// longest word of the stem (between underscores; the first of equally
// long ones) loses its last letter, again and again, until the stem fits,
// no word going below one letter, and a stem that still does not fit is
// cut. So with room for 23 (timepoints baseline and m12)
// imr_practice_participation_mean becomes imr_practi_partici_mean, the
// same every time. The codebook gives every shortened name's full form in
// its label; two names that come out the same make the export fail,
// naming both.
func shortStem(stem string, room int) string {
	if len(stem) <= room {
		return stem
	}
	words := strings.Split(stem, "_")
	for over := len(stem) - room; over > 0; over-- {
		longest := -1
		for i, w := range words {
			if len(w) > 1 && (longest < 0 || len(w) > len(words[longest])) {
				longest = i
			}
		}
		if longest < 0 {
			break
		}
		words[longest] = words[longest][:len(words[longest])-1]
	}
	stem = strings.Join(words, "_")
	if len(stem) > room {
		stem = stem[:room]
	}
	return stem
}
