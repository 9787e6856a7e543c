package desk

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/imrbot/imrbot/questionnaires"
	"github.com/imrbot/imrbot/store"
)

// letterText is an invitation letter's wording in one language.
type letterText struct {
	Title, Greeting, How, Link, Personal, Code, Questions, Information, Voluntary string
}

// letterTexts are the letter's wordings, en and nb: the participant's
// language chooses (English when they have none).
var letterTexts = map[string]letterText{
	"en": {
		Title:       "Your invitation to the study",
		Greeting:    "You are invited to take part in the study by answering short questionnaires in a chat on Telegram.",
		How:         "Scan the QR code with your phone's camera, or open the link below, to start the chat with the study's bot. The bot then asks for your consent before anything else.",
		Link:        "Link",
		Personal:    "The link is personal: please do not share it. It can be used once, until %s.",
		Code:        "Study code",
		Questions:   "Questions about the study",
		Information: "Information about the study",
		Voluntary:   "Taking part is voluntary, and you can withdraw at any time without giving a reason.",
	},
	"nb": {
		Title:       "Din invitasjon til studien",
		Greeting:    "Du er invitert til å delta i studien ved å svare på korte spørreskjemaer i en chat på Telegram.",
		How:         "Skann QR-koden med kameraet på telefonen, eller åpne lenken under, for å starte chatten med studiens bot. Boten spør om ditt samtykke før noe annet.",
		Link:        "Lenke",
		Personal:    "Lenken er personlig: ikke del den med andre. Den kan brukes én gang, fram til %s.",
		Code:        "Studiekode",
		Questions:   "Spørsmål om studien",
		Information: "Informasjon om studien",
		Voluntary:   "Det er frivillig å delta, og du kan når som helst trekke deg uten å oppgi grunn.",
	},
}

// letter is one printed invitation.
type letter struct {
	Lang, Participant, Site, Link, Until, Contact, Information string
	QR                                                         template.URL // the link as a PNG data URI
	T                                                          letterText
}

// qrDataURI draws link as a QR code, a PNG in a data URI: the desk's
// policy allows images from data: and nothing else outside itself.
func qrDataURI(link string) (template.URL, error) {
	png, err := qrcode.Encode(link, qrcode.Medium, 320)
	if err != nil {
		return "", fmt.Errorf("qrDataURI: %w", err)
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

// letters prints a letter per invitation posted (pairs of participant and
// invite codes from the page that showed them): only for an invitation
// still open at the coordinator's sites, since the code is known only
// right after inviting or reissuing. Each printing is audited.
func (s *Server) letters(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx, now := r.Context(), s.opt.Now()
	participants, codes := r.PostForm["participant"], r.PostForm["code"]
	if len(participants) == 0 || len(participants) != len(codes) {
		s.fail(w, r, http.StatusBadRequest, "No letter to print: open them from the page that shows a new invitation.")
		return
	}
	username, err := s.botUsername(ctx)
	if err != nil {
		s.internal(w, r, err)
		return
	} else if username == "" {
		s.fail(w, r, http.StatusServiceUnavailable, "The bot's username is not known yet, so no link can be printed: set TELEGRAM_BOT_USERNAME or start imrbot serve once.")
		return
	}
	override := r.PostFormValue("lang")
	if override != "" && letterTexts[override].Title == "" {
		s.fail(w, r, http.StatusBadRequest, "Letters are printed in en or nb.")
		return
	}
	out := make([]letter, 0, len(participants))
	for i, code := range participants {
		inv, err := s.opt.Store.DeskOpenInvitation(ctx, code, codes[i], sess.sites, now)
		if errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, http.StatusNotFound, "The invitation of "+code+" is no longer open at your sites (used, replaced by a reissue, or expired), so its letter cannot be printed. Reissue it from the participant's page to print a new one.")
			return
		} else if err != nil {
			s.internal(w, r, err)
			return
		}
		l, err := s.letterFor(inv, codes[i], username, override)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if err := s.audit(ctx, "desk_letter", &inv.ParticipantID, map[string]any{"lang": l.Lang}); err != nil {
			s.internal(w, r, err)
			return
		}
		out = append(out, l)
	}
	s.render(w, r, http.StatusOK, "letters", page{Title: "Invitation letters", Nav: "invitations",
		Data: map[string]any{"Letters": out, "Participants": participants, "Codes": codes}})
}

// letterFor writes inv's letter in lang, else in the participant's
// language, else in English.
func (s *Server) letterFor(inv *store.DeskInvitation, inviteCode, username, lang string) (letter, error) {
	if lang == "" {
		lang = inv.Lang.String
	}
	if !slices.Contains([]string{"en", "nb"}, lang) {
		lang = "en"
	}
	link := store.DeepLink(username, inviteCode)
	qr, err := qrDataURI(link)
	if err != nil {
		return letter{}, err
	}
	study := s.opt.Catalog.Study
	t := letterTexts[lang]
	return letter{
		Lang: lang, Participant: inv.Code, Site: inv.SiteName, Link: link, QR: qr, T: t,
		Until:   fmt.Sprintf(t.Personal, inv.ExpiresAt.In(questionnaires.Location(inv.Timezone)).Format("2006-01-02")),
		Contact: study.Contact.In(lang), Information: study.InformationLetter.In(lang),
	}, nil
}
