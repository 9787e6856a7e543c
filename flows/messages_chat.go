package flows

import "github.com/imrbot/imrbot/questionnaires"

// chatMessages are the conversation's texts: what Step says.
var chatMessages = map[MsgID]questionnaires.Text{
	// Strangers and invitations.
	msgInviteNeeded: {
		"en": "Hello! This bot collects questionnaires for a research study. To take part you need a personal invitation link from the study team.",
		"nb": "Hei! Denne boten samler inn spørreskjemaer for en forskningsstudie. For å delta trenger du en personlig invitasjonslenke fra studieteamet.",
	},
	msgInviteExpired: {
		"en": "This invitation has expired. Please ask the study team for a new one.",
		"nb": "Denne invitasjonen har utløpt. Be studieteamet om en ny.",
	},
	msgInviteUsed: {
		"en": "This invitation has already been used in another chat. If that was not you, please contact the study team.",
		"nb": "Denne invitasjonen er allerede brukt i en annen chat. Hvis det ikke var deg, kontakt studieteamet.",
	},
	msgOtherParticipant: {
		"en": "This chat is already linked to a study participant. Please contact the study team if something is wrong.",
		"nb": "Denne chatten er allerede knyttet til en deltaker i studien. Kontakt studieteamet hvis noe er feil.",
	},
	msgWelcome: {
		"en": "Welcome, and thank you for your interest in the study.",
		"nb": "Velkommen, og takk for at du vil være med i studien.",
	},
	msgWelcomeCoordinator: {
		"en": "Welcome. This chat is now linked to your coordinator account.",
		"nb": "Velkommen. Denne chatten er nå knyttet til koordinatorkontoen din.",
	},

	// Consent.
	msgConsentHint: {
		"en": "Please tap one of the buttons below. /language changes the language.",
		"nb": "Trykk på en av knappene nedenfor. /language bytter språk.",
	},
	msgConsentYes: {"en": "I agree", "nb": "Jeg samtykker"},
	msgConsentNo: {
		"en": "No, I do not want to take part",
		"nb": "Nei, jeg vil ikke delta",
	},
	msgConsentMissing: {
		"en": "Do you agree to take part in the study?",
		"nb": "Samtykker du i å delta i studien?",
	},
	msgConsentThanks: {
		"en": "Thank you for taking part! The questions start now. Answer with the buttons or by typing. /back goes to the previous question, /help shows what else you can do.",
		"nb": "Takk for at du deltar! Spørsmålene starter nå. Svar med knappene eller ved å skrive. /back går til forrige spørsmål, /help viser hva mer du kan gjøre.",
	},
	msgConsentFirst: {
		"en": "Please answer the consent question first.",
		"nb": "Svar på spørsmålet om samtykke først.",
	},
	msgDeclinedNotice: {
		"en": "You chose not to take part. Send /start if you change your mind.",
		"nb": "Du valgte å ikke delta. Send /start hvis du ombestemmer deg.",
	},

	// Questions.
	msgHintChoice: {
		"en": "Tap an answer, or type its number.",
		"nb": "Trykk på et svar, eller skriv tallet.",
	},
	msgHintInteger: {
		"en": "Type a whole number from %d to %d.",
		"nb": "Skriv et helt tall fra %d til %d.",
	},
	msgHintNumber: {"en": "Type a whole number.", "nb": "Skriv et helt tall."},
	msgHintText:   {"en": "Type your answer.", "nb": "Skriv svaret ditt."},
	msgHintSkip: {
		"en": "You may skip this question (/skip).",
		"nb": "Du kan hoppe over dette spørsmålet (/skip).",
	},
	msgCurrentAnswer: {"en": "Your answer now: %s", "nb": "Svaret ditt nå: %s"},
	msgSkipButton:    {"en": "Skip", "nb": "Hopp over"},
	msgSkipped:       {"en": "Skipped", "nb": "Hoppet over"},
	msgIntro: {
		"en": "Questionnaire %d of %d: %s (%d questions).",
		"nb": "Skjema %d av %d: %s (%d spørsmål).",
	},
	msgIntroRating: {
		"en": "Rating %s, questionnaire %d of %d: %s (%d questions).",
		"nb": "Vurdering av %s, skjema %d av %d: %s (%d spørsmål).",
	},
	msgTimepointDone: {
		"en": "%s is complete. Thank you!",
		"nb": "%s er fullført. Takk!",
	},
	msgOwnDoneRatingsOpen: {
		"en": "Thank you! Your own questionnaires for %s are done. Your ratings of consumers are still open:",
		"nb": "Takk! Dine egne skjemaer for %s er besvart. Vurderingene dine av brukere er fortsatt åpne:",
	},
	msgAllDone: {
		"en": "Thank you! %s is complete: you have answered everything for now. We will send you a message when the next questionnaire is due.",
		"nb": "Takk! %s er fullført: du har svart på alt for nå. Vi sender deg en melding når neste spørreskjema skal besvares.",
	},
	msgNothingDue: {
		"en": "There is nothing for you to answer right now. We will send you a message when the next questionnaire is due.",
		"nb": "Du har ingenting å svare på akkurat nå. Vi sender deg en melding når neste spørreskjema skal besvares.",
	},

	// Invalid input.
	msgInputNotAnOption: {
		"en": "Please tap a button, or type one of the numbers %s.",
		"nb": "Trykk på en knapp, eller skriv et av tallene %s.",
	},
	msgOr:              {"en": " or ", "nb": " eller "},
	msgInputNotANumber: {"en": "Please type a whole number from %d to %d.", "nb": "Skriv et helt tall fra %d til %d."},
	msgInputOutOfRange: {
		"en": "That number is outside the range. Please type a whole number from %d to %d.",
		"nb": "Det tallet er utenfor området. Skriv et helt tall fra %d til %d.",
	},
	msgInputEmpty:   {"en": "Please type an answer.", "nb": "Skriv et svar."},
	msgInputTooLong: {"en": "Please keep your answer to at most %d characters.", "nb": "Svaret kan være på høyst %d tegn."},
	msgInputControl: {
		"en": "Please send your answer as plain text on one line.",
		"nb": "Send svaret som vanlig tekst på én linje.",
	},
	msgInputUnusable: {"en": "That answer cannot be used.", "nb": "Det svaret kan ikke brukes."},
	msgUnsupported: {
		"en": "Sorry, I can only read text messages and button taps.",
		"nb": "Beklager, jeg kan bare lese tekstmeldinger og knappetrykk.",
	},
	msgEdited: {
		"en": "Editing a message does not change an answer. To change one, use /back.",
		"nb": "Å redigere en melding endrer ikke et svar. Bruk /back for å endre et svar.",
	},
	msgUseButtons: {
		"en": "Please tap one of the buttons.",
		"nb": "Trykk på en av knappene.",
	},

	// Navigation.
	msgNotSkippable: {
		"en": "This question cannot be skipped.",
		"nb": "Dette spørsmålet kan ikke hoppes over.",
	},
	msgNothingToSkip: {
		"en": "There is no question to skip right now.",
		"nb": "Det er ikke noe spørsmål å hoppe over nå.",
	},
	msgBackAtFirst: {
		"en": "This is the first question of this questionnaire; there is nothing before it.",
		"nb": "Dette er det første spørsmålet i dette skjemaet; det er ingenting før det.",
	},
	msgNothingToGoBackTo: {
		"en": "There is no question to go back to. Finished questionnaires cannot be changed here.",
		"nb": "Det er ikke noe spørsmål å gå tilbake til. Ferdige skjemaer kan ikke endres her.",
	},

	// Buttons.
	msgAlreadyAnswered: {
		"en": "That question was already answered.",
		"nb": "Det spørsmålet er allerede besvart.",
	},
	msgButtonInactive: {
		"en": "This button is no longer active.",
		"nb": "Denne knappen virker ikke lenger.",
	},

	// Help and commands.
	msgHelp: {
		"en": "Commands:\n/resume - continue where you left off\n/back - go to the previous question\n/skip - skip a question that may be skipped\n/language - change the language\n/withdraw - leave the study\n/help - this help",
		"nb": "Kommandoer:\n/resume - fortsett der du slapp\n/back - gå til forrige spørsmål\n/skip - hopp over et spørsmål som kan hoppes over\n/language - bytt språk\n/withdraw - trekk deg fra studien\n/help - denne hjelpen",
	},
	msgHelpClinician: {
		"en": "Commands:\n/rate - the consumers you still have to rate\n/rate CODE - rate one consumer\n/resume - continue where you left off\n/back - go to the previous question\n/skip - skip a question that may be skipped\n/language - change the language\n/withdraw - leave the study\n/help - this help",
		"nb": "Kommandoer:\n/rate - brukerne du fortsatt skal vurdere\n/rate KODE - vurder én bruker\n/resume - fortsett der du slapp\n/back - gå til forrige spørsmål\n/skip - hopp over et spørsmål som kan hoppes over\n/language - bytt språk\n/withdraw - trekk deg fra studien\n/help - denne hjelpen",
	},
	msgHelpCoordinator: {
		"en": "Coordinator commands:\n/due - open and overdue follow-ups\n/remind CODE - remind one participant now\n/remind due - remind everyone who is due\n/status - completion per site and timepoint\n/desk - a link to the desk (works once, for 10 minutes)\n/resume - answer your site's fidelity ratings when they are open\n/language - change the language\n/help - this help",
		"nb": "Koordinatorkommandoer:\n/due - åpne og forsinkede oppfølginger\n/remind KODE - påminn én deltaker nå\n/remind due - påminn alle som skal svare\n/status - fullføring per enhet og tidspunkt\n/desk - en lenke til skrivebordet (virker én gang, i 10 minutter)\n/resume - svar på enhetens troskapsvurderinger når de er åpne\n/language - bytt språk\n/help - denne hjelpen",
	},
	msgUnknownCommand: {
		"en": "I do not know that command.",
		"nb": "Den kommandoen kjenner jeg ikke.",
	},
	msgCoordinatorOnly: {
		"en": "That command is for study coordinators.",
		"nb": "Den kommandoen er for studiekoordinatorer.",
	},
	msgCoordinatorNoWithdraw: {
		"en": "Coordinators do not take part as participants, so there is nothing to withdraw from. Please contact the study team to stop being a coordinator.",
		"nb": "Koordinatorer er ikke deltakere, så det er ingenting å trekke seg fra. Kontakt studieteamet for å slutte som koordinator.",
	},

	// Language.
	msgLanguageChoose: {
		"en": "Choose your language / Velg språk:",
		"nb": "Velg språk / Choose your language:",
	},
	msgLanguageSet: {"en": "I will write in English.", "nb": "Jeg skriver på norsk."},

	// Withdrawal.
	msgWithdrawConfirm: {
		"en": "Do you want to withdraw from the study? You will get no more questionnaires or reminders.",
		"nb": "Vil du trekke deg fra studien? Du får ikke flere spørreskjemaer eller påminnelser.",
	},
	msgWithdrawYes: {"en": "Yes, withdraw", "nb": "Ja, trekk meg"},
	msgWithdrawNo:  {"en": "No, continue", "nb": "Nei, fortsett"},
	msgErasureChoice: {
		"en": "You have withdrawn, and you will get no more reminders. Should we keep the answers you have given, or erase them?",
		"nb": "Du har trukket deg, og du får ikke flere påminnelser. Skal vi beholde svarene du har gitt, eller slette dem?",
	},
	msgKeepAnswers:  {"en": "Keep my answers", "nb": "Behold svarene"},
	msgEraseAnswers: {"en": "Erase my answers", "nb": "Slett svarene"},
	msgErasureHelp: {
		"en": "You have withdrawn. Please choose with the buttons whether your answers are kept or erased.",
		"nb": "Du har trukket deg. Velg med knappene om svarene dine skal beholdes eller slettes.",
	},
	msgWithdrawnKept: {
		"en": "Thank you for your help. Your answers so far are kept for the study; nothing more will be collected.",
		"nb": "Takk for hjelpen. Svarene du har gitt beholdes i studien; ingenting mer samles inn.",
	},
	msgWithdrawnErased: {
		"en": "Thank you for your help. Your answers and the link to this chat are erased.",
		"nb": "Takk for hjelpen. Svarene dine og koblingen til denne chatten er slettet.",
	},
	msgWithdrawnInfo: {
		"en": "You have withdrawn from the study, so there is nothing more to answer. For questions, please contact the study team.",
		"nb": "Du har trukket deg fra studien, så det er ikke mer å svare på. Har du spørsmål, kontakt studieteamet.",
	},
	msgWithdrawnNotice: {
		"en": "You have withdrawn from the study.",
		"nb": "Du har trukket deg fra studien.",
	},

	// Clinician ratings.
	msgRateList: {
		"en": "Consumers you still have to rate: tap one, or send /rate CODE.",
		"nb": "Brukere du fortsatt skal vurdere: trykk på en, eller send /rate KODE.",
	},
	msgNothingToRate: {
		"en": "You have no ratings to do right now. We will send you a message when the next ones are due.",
		"nb": "Du har ingen vurderinger å gjøre akkurat nå. Vi sender deg en melding når de neste skal gjøres.",
	},
	msgRateUnknown: {
		"en": "That code is not one of the consumers you rate. Send /rate to see your list.",
		"nb": "Den koden tilhører ikke en av brukerne du vurderer. Send /rate for å se listen din.",
	},
	msgRateUnknownNotice: {
		"en": "That consumer is not on your list.",
		"nb": "Den brukeren er ikke på listen din.",
	},
	msgRateClinicianOnly: {
		"en": "Only clinicians rate consumers.",
		"nb": "Bare behandlere vurderer brukere.",
	},
	msgRateNothingOpen: {
		"en": "There is nothing to rate for %s right now.",
		"nb": "Det er ingenting å vurdere for %s akkurat nå.",
	},
	msgRateStarted: {
		"en": "Rating %s. Send /resume to begin.",
		"nb": "Vurdering av %s. Send /resume for å begynne.",
	},
	msgAlreadyRating: {
		"en": "You are already rating this consumer.",
		"nb": "Du vurderer allerede denne brukeren.",
	},
	msgRatingDone: {
		"en": "Your rating of %s (%s) is complete. Thank you!",
		"nb": "Vurderingen av %s (%s) er fullført. Takk!",
	},
	msgSiteDone: {
		"en": "Thank you! Your site's ratings for %s are complete.",
		"nb": "Takk! Enhetens vurderinger for %s er fullført.",
	},
}

// Ids of the conversation's texts.
const (
	msgInviteNeeded          MsgID = "invite_needed"
	msgInviteExpired         MsgID = "invite_expired"
	msgInviteUsed            MsgID = "invite_used"
	msgOtherParticipant      MsgID = "other_participant"
	msgWelcome               MsgID = "welcome"
	msgWelcomeCoordinator    MsgID = "welcome_coordinator"
	msgConsentHint           MsgID = "consent_hint"
	msgConsentYes            MsgID = "consent_yes"
	msgConsentNo             MsgID = "consent_no"
	msgConsentMissing        MsgID = "consent_missing"
	msgConsentThanks         MsgID = "consent_thanks"
	msgConsentFirst          MsgID = "consent_first"
	msgDeclinedNotice        MsgID = "declined_notice"
	msgHintChoice            MsgID = "hint_choice"
	msgHintInteger           MsgID = "hint_integer"
	msgHintNumber            MsgID = "hint_number"
	msgHintText              MsgID = "hint_text"
	msgHintSkip              MsgID = "hint_skip"
	msgCurrentAnswer         MsgID = "current_answer"
	msgSkipButton            MsgID = "skip_button"
	msgSkipped               MsgID = "skipped"
	msgIntro                 MsgID = "intro"
	msgIntroRating           MsgID = "intro_rating"
	msgTimepointDone         MsgID = "timepoint_done"
	msgAllDone               MsgID = "all_done"
	msgOwnDoneRatingsOpen    MsgID = "own_done_ratings_open"
	msgNothingDue            MsgID = "nothing_due"
	msgInputNotAnOption      MsgID = "input_not_an_option"
	msgOr                    MsgID = "or"
	msgInputNotANumber       MsgID = "input_not_a_number"
	msgInputOutOfRange       MsgID = "input_out_of_range"
	msgInputEmpty            MsgID = "input_empty"
	msgInputTooLong          MsgID = "input_too_long"
	msgInputControl          MsgID = "input_control"
	msgInputUnusable         MsgID = "input_unusable"
	msgUnsupported           MsgID = "unsupported"
	msgEdited                MsgID = "edited"
	msgUseButtons            MsgID = "use_buttons"
	msgNotSkippable          MsgID = "not_skippable"
	msgNothingToSkip         MsgID = "nothing_to_skip"
	msgBackAtFirst           MsgID = "back_at_first"
	msgNothingToGoBackTo     MsgID = "nothing_to_go_back_to"
	msgAlreadyAnswered       MsgID = "already_answered"
	msgButtonInactive        MsgID = "button_inactive"
	msgHelp                  MsgID = "help"
	msgHelpClinician         MsgID = "help_clinician"
	msgHelpCoordinator       MsgID = "help_coordinator"
	msgUnknownCommand        MsgID = "unknown_command"
	msgCoordinatorOnly       MsgID = "coordinator_only"
	msgCoordinatorNoWithdraw MsgID = "coordinator_no_withdraw"
	msgLanguageChoose        MsgID = "language_choose"
	msgLanguageSet           MsgID = "language_set"
	msgWithdrawConfirm       MsgID = "withdraw_confirm"
	msgWithdrawYes           MsgID = "withdraw_yes"
	msgWithdrawNo            MsgID = "withdraw_no"
	msgErasureChoice         MsgID = "erasure_choice"
	msgKeepAnswers           MsgID = "keep_answers"
	msgEraseAnswers          MsgID = "erase_answers"
	msgErasureHelp           MsgID = "erasure_help"
	msgWithdrawnKept         MsgID = "withdrawn_kept"
	msgWithdrawnErased       MsgID = "withdrawn_erased"
	msgWithdrawnInfo         MsgID = "withdrawn_info"
	msgWithdrawnNotice       MsgID = "withdrawn_notice"
	msgRateList              MsgID = "rate_list"
	msgNothingToRate         MsgID = "nothing_to_rate"
	msgRateUnknown           MsgID = "rate_unknown"
	msgRateUnknownNotice     MsgID = "rate_unknown_notice"
	msgRateClinicianOnly     MsgID = "rate_clinician_only"
	msgRateNothingOpen       MsgID = "rate_nothing_open"
	msgRateStarted           MsgID = "rate_started"
	msgAlreadyRating         MsgID = "already_rating"
	msgRatingDone            MsgID = "rating_done"
	msgSiteDone              MsgID = "site_done"
)
