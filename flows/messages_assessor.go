package flows

import "github.com/imrbot/imrbot/questionnaires"

// assessorMessages are what the bot says to assessors, the external
// fidelity raters who rate every site and every clinician: their own
// wording of the rating texts clinicians get about consumers.
var assessorMessages = map[MsgID]questionnaires.Text{
	msgHelpAssessor: {
		"en": "Commands:\n/rate - the sites and clinicians you still have to rate\n/rate CODE - rate one site (its code, e.g. OSL) or one clinician (their code)\n/resume - continue where you left off\n/back - go to the previous question\n/skip - skip a question that may be skipped\n/language - change the language\n/withdraw - leave the study\n/help - this help",
		"nb": "Kommandoer:\n/rate - enhetene og behandlerne du fortsatt skal vurdere\n/rate KODE - vurder én enhet (koden, f.eks. OSL) eller én behandler (koden)\n/resume - fortsett der du slapp\n/back - gå til forrige spørsmål\n/skip - hopp over et spørsmål som kan hoppes over\n/language - bytt språk\n/withdraw - trekk deg fra studien\n/help - denne hjelpen",
	},
	msgRateListAssessor: {
		"en": "Sites and clinicians you still have to rate: tap one, or send /rate CODE.",
		"nb": "Enheter og behandlere du fortsatt skal vurdere: trykk på en, eller send /rate KODE.",
	},
	msgRateUnknownAssessor: {
		"en": "That code is not a site or clinician you rate. Send /rate to see your list.",
		"nb": "Den koden tilhører ikke en enhet eller behandler du vurderer. Send /rate for å se listen din.",
	},
	msgRateUnknownNoticeAssessor: {
		"en": "That site or clinician is not on your list.",
		"nb": "Den enheten eller behandleren er ikke på listen din.",
	},
	msgAlreadyRatingAssessor: {
		"en": "You are already rating this one.",
		"nb": "Du vurderer allerede denne.",
	},
}

// Ids of the assessors' texts.
const (
	msgHelpAssessor              MsgID = "help_assessor"
	msgRateListAssessor          MsgID = "rate_list_assessor"
	msgRateUnknownAssessor       MsgID = "rate_unknown_assessor"
	msgRateUnknownNoticeAssessor MsgID = "rate_unknown_notice_assessor"
	msgAlreadyRatingAssessor     MsgID = "already_rating_assessor"
)
