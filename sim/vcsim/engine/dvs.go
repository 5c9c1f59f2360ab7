package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// vCenter's distributed switches are VmwareDistributedVirtualSwitch objects (CreateDVS with a
// VMwareDVSConfigSpec). vcsim registers each as a plain DistributedVirtualSwitch (simulator/folder.go
// CreateDVSTask makes a *DistributedVirtualSwitch, whose reference type is its Go type name, registry.go
// newReference), which terraform-provider-vsphere refuses: dvsFromPath fails unless the reference type is
// VmwareDistributedVirtualSwitch (vsphere/distributed_virtual_switch_helper.go). The object cannot be
// re-registered under that type (vim25/mo ApplyPropertyChange picks field paths by the reference's type,
// and mo.VmwareDistributedVirtualSwitch nests one level deeper), so the type is renamed on the wire: in
// SOAP answers a reference typed DistributedVirtualSwitch reads VmwareDistributedVirtualSwitch, and in
// requests the name maps back. Every switch here is created from a VMwareDVSConfigSpec, so that is the
// type vCenter would report. Exact tokens only: data types such as VmwareDistributedVirtualSwitchVlanIdSpec
// are left alone.
var (
	wireVmware = [][2][]byte{
		{[]byte(`type="DistributedVirtualSwitch"`), []byte(`type="VmwareDistributedVirtualSwitch"`)},
	}
	wireVcsim = [][2][]byte{
		{[]byte(`type="VmwareDistributedVirtualSwitch"`), []byte(`type="DistributedVirtualSwitch"`)},
		{[]byte(`>VmwareDistributedVirtualSwitch<`), []byte(`>DistributedVirtualSwitch<`)},
	}
)

func replaceAll(b []byte, pairs [][2][]byte) []byte {
	for _, p := range pairs {
		b = bytes.ReplaceAll(b, p[0], p[1])
	}
	return b
}

// vmwareSwitchTypes wraps the SOAP endpoint (/sdk) with the renaming above.
func vmwareSwitchTypes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sdk" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = replaceAll(body, wireVcsim)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		out := replaceAll(rec.Body.Bytes(), wireVmware)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
}

// dvsManager adds QueryDvsByUuid, which vcsim lacks (simulator/dvs_manager.go has
// DVSManagerLookupDvPortGroup only) and by which the provider finds the switch of a port group from
// `distributed_virtual_switch_uuid` (distributed_virtual_switch_helper.go dvsFromUUID). It replaces the
// manager in the registry, as govmomi's simulator/example_extend_test.go replaces a VM to add methods.
type dvsManager struct {
	*simulator.DistributedVirtualSwitchManager
}

func (m *dvsManager) QueryDvsByUuid(ctx *simulator.Context, req *types.QueryDvsByUuid) soap.HasFault {
	body := &methods.QueryDvsByUuidBody{}
	for _, e := range ctx.Map.All("DistributedVirtualSwitch") {
		if dvs := e.(*simulator.DistributedVirtualSwitch); dvs.Uuid == req.Uuid {
			ref := dvs.Self
			body.Res = &types.QueryDvsByUuidResponse{Returnval: &ref}
			return body
		}
	}
	body.Fault_ = simulator.Fault("no switch with uuid "+req.Uuid, &types.NotFound{})
	return body
}

func installDVSManager(m *simulator.Model) {
	reg := m.Map()
	reg.Put(&dvsManager{reg.Get(*m.ServiceContent.DvSwitchManager).(*simulator.DistributedVirtualSwitchManager)})
}
