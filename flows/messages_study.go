package flows

import "github.com/imrbot/imrbot/questionnaires"

// studyMessages are the texts around the study text (questionnaires.Study):
// the labels of the study information shown with the consent, asking again
// when the consent changes, and what declining means.
var studyMessages = map[MsgID]questionnaires.Text{
	msgStudyInfo: {
		"en": "Contact: %s\nEthics approval: %s\nData controller: %s\nFull information letter: %s",
		"nb": "Kontakt: %s\nEtisk godkjenning: %s\nBehandlingsansvarlig: %s\nFullstendig informasjonsskriv: %s",
	},
	msgReconsent: {
		"en": "The study's consent has changed since you agreed to take part. Please read it again and tell us whether you still agree. The answers you have given are kept whatever you choose.",
		"nb": "Samtykket i studien er endret siden du sa ja til å delta. Les det igjen og si fra om du fortsatt samtykker. Svarene du har gitt, beholdes uansett hva du velger.",
	},
	msgReconsentThanks: {
		"en": "Thank you for continuing in the study. Your answers are kept; we carry on where you left off.",
		"nb": "Takk for at du fortsetter i studien. Svarene dine er beholdt; vi fortsetter der du slapp.",
	},
	msgReconsentDeclined: {
		"en": "You have chosen not to continue in the study. You will not be asked anything more, and the answers you already gave are kept. To have them erased, or for questions, contact: %s. If you change your mind, send /start.",
		"nb": "Du har valgt å ikke fortsette i studien. Du får ikke flere spørsmål, og svarene du allerede har gitt, beholdes. For å få dem slettet, eller har du spørsmål, kontakt: %s. Hvis du ombestemmer deg, send /start.",
	},
	msgDeclinedContact: {
		"en": "You have chosen not to take part. Nothing more is stored about you, and you will get no more messages. If you change your mind, send /start. For questions, contact: %s.",
		"nb": "Du har valgt å ikke delta. Ingenting mer lagres om deg, og du får ikke flere meldinger. Hvis du ombestemmer deg, send /start. Har du spørsmål, kontakt: %s.",
	},
}

// Ids of the texts around the study text.
const (
	msgStudyInfo         MsgID = "study_info"
	msgReconsent         MsgID = "reconsent"
	msgReconsentThanks   MsgID = "reconsent_thanks"
	msgReconsentDeclined MsgID = "reconsent_declined"
	msgDeclinedContact   MsgID = "declined_contact"
)
