package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
)

// apiSession serves the vSphere Automation API's session resource at /api/session (vSphere 7.0U2+:
// POST creates a session from basic credentials and answers 201 with the bare session id, GET describes
// the session, DELETE ends it; developer.vmware.com/docs/vsphere-automation/latest/cis/api/session/post/),
// which govmomi's vapi simulator lacks: it serves the older /rest/com/vmware/cis/session only
// (vapi/simulator/simulator.go `session`, wrapped answers {"value": ...}). Each call is forwarded there, so
// a session made on either path is one session of the same store, and the answer is unwrapped as /api
// answers are (vapi/rest/client.go isAPI: "/api" responses are not wrapped).
func apiSession(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inner := r.Clone(r.Context())
		inner.URL.Path = "/rest/com/vmware/cis/session"
		inner.RequestURI = ""
		status := http.StatusOK
		switch r.Method {
		case http.MethodPost:
			status = http.StatusCreated
		case http.MethodGet:
			inner.Method = http.MethodPost
			inner.URL.RawQuery = "~action=get"
		case http.MethodDelete:
			status = http.StatusNoContent
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, inner)
		if rec.Code != http.StatusOK {
			w.WriteHeader(rec.Code)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		var wrapped struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &wrapped); err != nil || wrapped.Value == nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(wrapped.Value)
	}
}
