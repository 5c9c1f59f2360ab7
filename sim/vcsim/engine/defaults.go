package main

import (
	"net/http"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// vcenterDefaults fills in, before each SOAP call, values vCenter always reports and vcsim leaves empty,
// where terraform-provider-vsphere reads them back and would otherwise plan a change on every refresh:
//   - a port group's effective uplink order: vCenter reports the switch's uplinks as active when the port
//     group sets none (inherited); vcsim keeps the spec as given (simulator/dvs.go AddDVPortgroupTask), and
//     the provider leaves active_uplinks/standby_uplinks unknown when the order is absent
//     (distributed_virtual_port_setting_structure.go flattenVMwareUplinkPortOrderPolicy);
//   - a VM's swap placement: vCenter reports "inherit" for a VM created without one; vcsim reports ""
//     (an OVF import never sets it), and the provider's swap_placement_policy defaults to "inherit".
//
// A sweep per call rather than a hook per method, because port groups and VMs change through many methods.
func vcenterDefaults(reg *simulator.Registry, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sdk" {
			own := &simulator.Context{Map: reg} // per request: vcsim's locks are owned by a context
			for _, e := range reg.All("DistributedVirtualPortgroup") {
				pg := e.(*simulator.DistributedVirtualPortgroup)
				reg.WithLock(own, pg, func() { inheritUplinks(reg, pg) })
			}
			for _, e := range reg.All("VirtualMachine") {
				vm := e.(*simulator.VirtualMachine)
				reg.WithLock(own, vm, func() {
					if vm.Config != nil && vm.Config.SwapPlacement == "" {
						vm.Config.SwapPlacement = string(types.VirtualMachineConfigInfoSwapPlacementTypeInherit)
					}
				})
			}
		}
		next.ServeHTTP(w, r)
	})
}

func inheritUplinks(reg *simulator.Registry, pg *simulator.DistributedVirtualPortgroup) {
	setting, ok := pg.Config.DefaultPortConfig.(*types.VMwareDVSPortSetting)
	if !ok || pg.Config.DistributedVirtualSwitch == nil {
		return
	}
	dvs, ok := reg.Get(*pg.Config.DistributedVirtualSwitch).(*simulator.DistributedVirtualSwitch)
	if !ok || dvs.Config == nil {
		return
	}
	names, ok := dvs.Config.GetDVSConfigInfo().UplinkPortPolicy.(*types.DVSNameArrayUplinkPortPolicy)
	if !ok {
		return
	}
	if setting.UplinkTeamingPolicy == nil {
		setting.UplinkTeamingPolicy = &types.VmwareUplinkPortTeamingPolicy{}
	}
	if setting.UplinkTeamingPolicy.UplinkPortOrder == nil {
		setting.UplinkTeamingPolicy.UplinkPortOrder = &types.VMwareUplinkPortOrderPolicy{
			InheritablePolicy: types.InheritablePolicy{Inherited: true},
			ActiveUplinkPort:  append([]string(nil), names.UplinkPortName...),
		}
	}
}
