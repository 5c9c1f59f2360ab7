package main

import (
	"fmt"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// guestKeys names the vApp properties from which the simulated appliance configures its network at first
// boot, as VIO's Manager does from its OVF environment: by their OVF environment key
// `[class.]key[.instance]` (OVF spec 9.5.1, govmomi ovf/envelope.go ProductSection.Key), e.g.
// `vami.ip0.management-server`. vCenter stores that property as VAppPropertyInfo id `ip0`, classId `vami`,
// instanceId `management-server` (vcsim's CreateImportSpec does the same, simulator/ovf_manager.go), so the
// key is put back together from the three. An empty IP key: no VM ever reports an address.
type guestKeys struct {
	IP       string `json:"ip"`
	Netmask  string `json:"netmask"`
	Gateway  string `json:"gateway"`
	DNS      string `json:"dns"`
	Domain   string `json:"domain"`
	Hostname string `json:"hostname"`
}

// applianceBoot plays VMware Tools in every VM that carries the vApp property keys.IP: `delay` after the
// VM is powered on, its guest reports the address, prefix, gateway and DNS its vApp properties give, as
// a booted appliance does. A VM without that property reports nothing (no tools), as vcsim's own VMs.
//
// It is a Registry handler (simulator/registry.go RegisterObject: UpdateObject sees every property
// change, including the task that powers a VM on, simulator/virtual_machine.go powerVMTask.Run setting
// `runtime.powerState`), so PowerOnVM_Task and the power-on of ImportVApp/clone/create all count.
type applianceBoot struct {
	self  types.ManagedObjectReference
	delay time.Duration
	keys  guestKeys

	mu     sync.Mutex
	timers map[types.ManagedObjectReference]*time.Timer
	// imported: each VM's vApp properties as created (by key), to merge partial edits (mergeEdits).
	imported map[types.ManagedObjectReference]map[int32]types.VAppPropertyInfo
}

func newApplianceBoot(delay time.Duration, keys guestKeys) *applianceBoot {
	return &applianceBoot{
		self:     types.ManagedObjectReference{Type: "ApplianceBoot", Value: "appliance-boot"},
		delay:    delay,
		keys:     keys,
		timers:   map[types.ManagedObjectReference]*time.Timer{},
		imported: map[types.ManagedObjectReference]map[int32]types.VAppPropertyInfo{},
	}
}

func (b *applianceBoot) Reference() types.ManagedObjectReference { return b.self }

func (b *applianceBoot) PutObject(_ *simulator.Context, obj mo.Reference) {
	vm, ok := obj.(*simulator.VirtualMachine)
	if !ok || vm.Config == nil || vm.Config.VAppConfig == nil {
		return
	}
	props := map[int32]types.VAppPropertyInfo{}
	for _, p := range vm.Config.VAppConfig.GetVmConfigInfo().Property {
		props[p.Key] = p
	}
	b.mu.Lock()
	b.imported[vm.Self] = props
	b.mu.Unlock()
}

func (b *applianceBoot) RemoveObject(_ *simulator.Context, ref types.ManagedObjectReference) {
	b.cancel(ref)
	b.mu.Lock()
	delete(b.imported, ref)
	b.mu.Unlock()
}

// mergeEdits gives back to each vApp property the fields an edit left unset. vcsim's ReconfigVM replaces
// the whole VAppPropertyInfo on an `edit` (simulator/virtual_machine.go updateVAppProperty); the vSphere
// API reference is silent on it, but vCenter keeps them: terraform-provider-vsphere edits with key, id,
// value and userConfigurable only (expandVAppConfig), and a vCenter that dropped classId/instanceId/type
// would hand VIO's appliance an OVF environment without `vami.ip0.management-server`. Runs at power-on,
// when the guest first reads its OVF environment, in the powering task (which holds the VM's lock).
func (b *applianceBoot) mergeEdits(vm *simulator.VirtualMachine) {
	if vm.Config == nil || vm.Config.VAppConfig == nil {
		return
	}
	b.mu.Lock()
	created := b.imported[vm.Self]
	b.mu.Unlock()
	props := vm.Config.VAppConfig.GetVmConfigInfo().Property
	for i := range props {
		was, ok := created[props[i].Key]
		if !ok || (props[i].Id != "" && props[i].Id != was.Id) {
			continue
		}
		p := &props[i]
		for _, f := range []struct {
			now *string
			was string
		}{
			{&p.Id, was.Id}, {&p.ClassId, was.ClassId}, {&p.InstanceId, was.InstanceId},
			{&p.Category, was.Category}, {&p.Label, was.Label}, {&p.Type, was.Type},
			{&p.TypeReference, was.TypeReference}, {&p.DefaultValue, was.DefaultValue},
			{&p.Description, was.Description},
		} {
			if *f.now == "" {
				*f.now = f.was
			}
		}
		if p.UserConfigurable == nil {
			p.UserConfigurable = was.UserConfigurable
		}
	}
}

func (b *applianceBoot) UpdateObject(ctx *simulator.Context, obj mo.Reference, changes []types.PropertyChange) {
	vm, ok := obj.(*mo.VirtualMachine)
	if !ok {
		return
	}
	for _, c := range changes {
		if c.Name != "runtime.powerState" {
			continue
		}
		switch fmt.Sprint(c.Val) {
		case string(types.VirtualMachinePowerStatePoweredOn):
			if svm, ok := ctx.Map.Get(vm.Self).(*simulator.VirtualMachine); ok {
				b.mergeEdits(svm)
			}
			b.schedule(ctx, vm.Self)
		default:
			b.cancel(vm.Self)
			// Powered off or suspended: tools stop; vCenter keeps no guest address for a stopped VM.
			go b.shutDown(ctx, vm.Self)
		}
	}
}

func (b *applianceBoot) cancel(ref types.ManagedObjectReference) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.timers[ref]; ok {
		t.Stop()
		delete(b.timers, ref)
	}
}

func (b *applianceBoot) schedule(ctx *simulator.Context, ref types.ManagedObjectReference) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.timers[ref]; ok {
		t.Stop()
	}
	// A context of our own (a copy, so a lock owner distinct from the request that powered the VM on),
	// as vcsim's tasks keep using the request's context after it answered (simulator/task.go Task.Run).
	own := *ctx
	b.timers[ref] = time.AfterFunc(b.delay, func() {
		b.mu.Lock()
		delete(b.timers, ref)
		b.mu.Unlock()
		b.boot(&own, ref)
	})
}

// vappProperties: the VM's vApp properties by OVF environment key, as the guest reads them, and by bare id
// (the first property of an id wins), so guestProperties may name either.
func vappProperties(vm *simulator.VirtualMachine) map[string]string {
	props := map[string]string{}
	if vm.Config == nil || vm.Config.VAppConfig == nil {
		return props
	}
	for _, p := range vm.Config.VAppConfig.GetVmConfigInfo().Property {
		value := p.Value
		if strings.TrimSpace(value) == "" {
			value = p.DefaultValue
		}
		key := p.Id
		if p.ClassId != "" {
			key = p.ClassId + "." + key
		}
		if p.InstanceId != "" {
			key += "." + p.InstanceId
		}
		props[key] = strings.TrimSpace(value)
		// Also by bare id (what vapp.properties keys must be for the provider), unless a full key is that.
		if _, taken := props[p.Id]; !taken {
			props[p.Id] = strings.TrimSpace(value)
		}
	}
	return props
}

func prefixLength(mask string) (int32, bool) {
	if ip := net.ParseIP(mask).To4(); ip != nil {
		ones, bits := net.IPMask(ip).Size()
		return int32(ones), bits == 32
	}
	var n int32
	if _, err := fmt.Sscanf(mask, "%d", &n); err == nil && n >= 0 && n <= 32 {
		return n, true
	}
	return 0, false
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, part)
	}
	return out
}

func (b *applianceBoot) boot(ctx *simulator.Context, ref types.ManagedObjectReference) {
	vm, ok := ctx.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok || b.keys.IP == "" {
		return
	}
	ctx.WithLock(vm, func() {
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			return
		}
		props := vappProperties(vm)
		ip := net.ParseIP(props[b.keys.IP]).To4()
		if ip == nil {
			if _, has := props[b.keys.IP]; has {
				log.Printf("appliance %s: vApp property %s=%q is not an IPv4 address: the guest reports no address",
					vm.Name, b.keys.IP, props[b.keys.IP])
			}
			return
		}
		if vm.Guest == nil || len(vm.Guest.Net) == 0 {
			log.Printf("appliance %s: no network adapter: the guest reports no address", vm.Name)
			return
		}
		prefix, ok := prefixLength(props[b.keys.Netmask])
		if !ok {
			prefix = 24
		}
		network := ip.Mask(net.CIDRMask(int(prefix), 32)).String()
		dns := &types.NetDnsConfigInfo{
			DomainName: props[b.keys.Domain],
			IpAddress:  splitList(props[b.keys.DNS]),
			HostName:   vm.Name,
		}
		if h := props[b.keys.Hostname]; h != "" {
			dns.HostName = strings.SplitN(h, ".", 2)[0]
		}
		if dns.DomainName != "" {
			dns.SearchDomain = []string{dns.DomainName}
		}
		routes := []types.NetIpRouteConfigInfoIpRoute{{
			Network: network, PrefixLength: prefix,
			Gateway: types.NetIpRouteConfigInfoGateway{Device: "0"},
		}}
		if gw := net.ParseIP(props[b.keys.Gateway]).To4(); gw != nil {
			routes = append([]types.NetIpRouteConfigInfoIpRoute{{
				Network: "0.0.0.0", PrefixLength: 0,
				Gateway: types.NetIpRouteConfigInfoGateway{IpAddress: gw.String(), Device: "0"},
			}}, routes...)
		}
		stack := []types.GuestStackInfo{{
			DnsConfig:     dns,
			IpRouteConfig: &types.NetIpRouteConfigInfo{IpRoute: routes},
		}}
		nics := append([]types.GuestNicInfo(nil), vm.Guest.Net...)
		nics[0].Connected = true
		nics[0].IpAddress = []string{ip.String()}
		nics[0].IpConfig = &types.NetIpConfigInfo{IpAddress: []types.NetIpConfigInfoIpAddress{{
			IpAddress: ip.String(), PrefixLength: prefix, State: string(types.NetIpConfigInfoIpAddressStatusPreferred),
		}}}
		nics[0].DnsConfig = dns

		// Two updates, the route table first: terraform-provider-vsphere's WaitForGuestNet (routable, the
		// default) keeps the default gateway it saw in an earlier update and accepts an address in the
		// gateway's subnet only (vsphere/internal/helper/virtualmachine/virtual_machine_helper.go).
		ctx.Update(vm, []types.PropertyChange{
			{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
			{Name: "guest.toolsStatus", Val: types.VirtualMachineToolsStatusToolsOk},
			{Name: "guest.guestState", Val: "running"},
			{Name: "guest.hostName", Val: dns.HostName},
			{Name: "guest.ipStack", Val: stack},
		})
		ctx.Update(vm, []types.PropertyChange{
			{Name: "guest.net", Val: nics},
			{Name: "guest.ipAddress", Val: ip.String()},
			{Name: "summary.guest.ipAddress", Val: ip.String()},
			{Name: "summary.guest.hostName", Val: dns.HostName},
			{Name: "summary.guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
		})
		log.Printf("appliance %s: guest reports %s/%d", vm.Name, ip, prefix)
	})
}

func (b *applianceBoot) shutDown(ctx *simulator.Context, ref types.ManagedObjectReference) {
	own := *ctx
	vm, ok := own.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	own.WithLock(vm, func() {
		if vm.Guest == nil || vm.Guest.IpAddress == "" {
			return
		}
		nics := append([]types.GuestNicInfo(nil), vm.Guest.Net...)
		for i := range nics {
			nics[i].IpAddress, nics[i].IpConfig = nil, nil
		}
		own.Update(vm, []types.PropertyChange{
			{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)},
			{Name: "guest.guestState", Val: "notRunning"},
			{Name: "guest.net", Val: nics},
			{Name: "guest.ipAddress", Val: ""},
			{Name: "guest.ipStack", Val: []types.GuestStackInfo{}},
			{Name: "summary.guest.ipAddress", Val: ""},
		})
	})
}
