package telegramfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxRequestBody bounds a request body; Telegram takes uploads up to 50 MB.
const maxRequestBody = 50 << 20

// params are a call's parameters as strings, the way Telegram receives them:
// scalars as text, objects (reply_markup, entities) as JSON text.
type params map[string]string

// readParams accepts every encoding Telegram accepts: query string,
// multipart/form-data (what go-telegram/bot sends), url-encoded forms and
// JSON. An empty body means no parameters, whatever its Content-Type says.
func readParams(w http.ResponseWriter, r *http.Request) (params, *apiError) {
	p := params{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &apiError{code: http.StatusRequestEntityTooLarge, description: "Request Entity Too Large"}
		}
		return nil, badRequest("can't read request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	mediaType, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mp["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, badRequest("can't parse multipart/form-data request body")
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, badRequest("can't parse multipart/form-data request body")
			}
			if part.FileName() != "" {
				// An upload: the content does not matter to the fake.
				p[part.FormName()] = "attach://" + part.FileName()
				continue
			}
			p[part.FormName()] = string(data)
		}
	case "application/x-www-form-urlencoded":
		values, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, badRequest("can't parse url-encoded request body")
		}
		for k, v := range values {
			p[k] = v[0]
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, badRequest("can't parse JSON request body")
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				p[k] = str
			} else if string(raw) != "null" {
				p[k] = string(raw)
			}
		}
	default:
		return nil, badRequest("unsupported Content-Type " + strconv.Quote(mediaType))
	}
	return p, nil
}

// int64 reads an integer parameter; absent gives def.
func (p params) int64(name string, def int64) (int64, *apiError) {
	v, ok := p[name]
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, badRequest("invalid " + name + " specified")
	}
	return n, nil
}

func (p params) int(name string, def int) (int, *apiError) {
	n, err := p.int64(name, int64(def))
	return int(n), err
}

// bool reads a boolean parameter as Telegram does: "true"/"1" are true.
func (p params) bool(name string) bool {
	switch strings.ToLower(strings.TrimSpace(p[name])) {
	case "true", "1":
		return true
	}
	return false
}

// stringList reads a JSON array of strings such as allowed_updates.
func (p params) stringList(name string) ([]string, bool, *apiError) {
	v, ok := p[name]
	if !ok || strings.TrimSpace(v) == "" {
		return nil, false, nil
	}
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return nil, false, badRequest("can't parse " + name + " JSON array")
	}
	return list, true, nil
}
