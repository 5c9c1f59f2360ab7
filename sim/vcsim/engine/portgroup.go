package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// createPortgroup serves CreateDVPortgroup_Task, which vcsim lacks (simulator/dvs.go has
// AddDVPortgroup_Task only) and terraform-provider-vsphere calls to create a port group, reading the new
// port group's reference from the task's result (resource_vsphere_distributed_port_group.go:
// info.Result.(types.ManagedObjectReference)). The call is forwarded as AddDVPortgroup_Task (its `spec`
// is a one-element array of the same DVPortgroupConfigSpec, so the XML is the same but for the method
// name), the task is awaited before the answer goes out, and its result set to the port group it made: the
// client learns of the task only from the answer, so it never sees the task without its result.
type createPortgroup struct {
	next http.Handler
	reg  *simulator.Registry
}

var (
	createPortgroupCall = regexp.MustCompile(`<(\w+:)?CreateDVPortgroup_Task[\s>]`)
	thisSwitch          = regexp.MustCompile(`<(?:\w+:)?_this[^>]*>([^<]+)</`)
	returnedTask        = regexp.MustCompile(`<returnval[^>]*type="Task"[^>]*>([^<]+)</returnval>`)
)

func (h createPortgroup) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if r.URL.Path != "/sdk" || !createPortgroupCall.Match(body) {
		h.next.ServeHTTP(w, r)
		return
	}
	this := thisSwitch.FindSubmatch(body)
	var dvs *simulator.DistributedVirtualSwitch
	if this != nil {
		dvs, _ = h.reg.Get(types.ManagedObjectReference{Type: "DistributedVirtualSwitch", Value: string(this[1])}).(*simulator.DistributedVirtualSwitch)
	}
	if dvs == nil {
		h.next.ServeHTTP(w, r) // vcsim answers the fault for an unknown object
		return
	}
	own := &simulator.Context{Map: h.reg}
	var before int
	h.reg.WithLock(own, dvs, func() { before = len(dvs.Portgroup) })

	body = bytes.ReplaceAll(body, []byte("CreateDVPortgroup_Task"), []byte("AddDVPortgroup_Task"))
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	rec := httptest.NewRecorder()
	h.next.ServeHTTP(rec, r)
	out := bytes.ReplaceAll(rec.Body.Bytes(), []byte("AddDVPortgroup_TaskResponse"), []byte("CreateDVPortgroup_TaskResponse"))
	if m := returnedTask.FindSubmatch(out); m != nil {
		if err := h.settle(own, types.ManagedObjectReference{Type: "Task", Value: string(m[1])}, dvs, before); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

// settle waits for the AddDVPortgroup task and gives it the new port group as its result.
func (h createPortgroup) settle(own *simulator.Context, ref types.ManagedObjectReference, dvs *simulator.DistributedVirtualSwitch, before int) error {
	task, ok := h.reg.Get(ref).(*simulator.Task)
	if !ok {
		return fmt.Errorf("CreateDVPortgroup_Task: task %s not found", ref.Value)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		var state types.TaskInfoState
		h.reg.WithLock(own, task, func() { state = task.Info.State })
		if state == types.TaskInfoStateSuccess || state == types.TaskInfoStateError {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("CreateDVPortgroup_Task: %s did not finish", ref.Value)
		}
	}
	var created *types.ManagedObjectReference
	h.reg.WithLock(own, dvs, func() {
		if len(dvs.Portgroup) > before {
			pg := dvs.Portgroup[len(dvs.Portgroup)-1]
			created = &pg
		}
	})
	if created != nil {
		h.reg.WithLock(own, task, func() { task.Info.Result = *created })
	}
	return nil
}
