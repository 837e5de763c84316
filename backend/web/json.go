package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
)

// MaxJSONBody is the largest request body ReadJSON accepts.
const MaxJSONBody = 64 << 10

// ReadJSON decodes an application/json body of at most MaxJSONBody bytes into v
// (strict: unknown fields are refused); false when it answered with a problem.
func ReadJSON(w http.ResponseWriter, r *http.Request, v any, strict bool) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		WriteProblem(w, http.StatusUnsupportedMediaType, UnsupportedMedia, "send application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			WriteProblem(w, http.StatusRequestEntityTooLarge, PayloadTooLarge, "the body is over 64 KiB")
			return false
		}
		WriteProblem(w, http.StatusBadRequest, BadRequest, "the body is not the expected JSON object")
		return false
	}
	return true
}

// WriteJSON answers with v as compact JSON and its length.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		WriteProblem(w, http.StatusInternalServerError, Internal, "")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// WriteIndentedJSON answers with v as JSON indented for people (health reports read
// with curl), ending in a newline.
func WriteIndentedJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
