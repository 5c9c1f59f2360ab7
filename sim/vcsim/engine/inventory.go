package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

const gib = int64(1) << 30

// The inventory spec: what a stack's settings expect to find in one vCenter (sim/vcsim/engine.py builds
// it from components.settings). Everything else (folders, pools, port groups, the Manager VM) the
// program creates itself.
type clusterSpec struct {
	Name  string `json:"name"`
	Hosts int    `json:"hosts"`
}

type datastoreSpec struct {
	Name       string `json:"name"`
	CapacityGB int64  `json:"capacityGB"`
	FreeGB     int64  `json:"freeGB"`
}

type switchSpec struct {
	Name       string   `json:"name"`
	PortGroups []string `json:"portGroups"`
}

type datacenterSpec struct {
	Name       string          `json:"name"`
	Clusters   []clusterSpec   `json:"clusters"`
	Datastores []datastoreSpec `json:"datastores"`
	Switches   []switchSpec    `json:"switches"`
}

// What the ready line reports of one datacenter: managed object ids the stack may need (a compute
// cluster's `dvs_moid` is the switch's id, not its name).
type datacenterIDs struct {
	ID       string            `json:"id"`
	Clusters map[string]string `json:"clusters"`
	Switches map[string]string `json:"switches"`
}

func (d datacenterSpec) validate(where string) error {
	if strings.TrimSpace(d.Name) == "" {
		return fmt.Errorf("%s.name: a datacenter needs a name", where)
	}
	if len(d.Clusters) == 0 {
		return fmt.Errorf("%s.clusters: at least one cluster is needed (hosts carry the datastores)", where)
	}
	for i, c := range d.Clusters {
		if c.Name == "" || c.Hosts < 1 {
			return fmt.Errorf("%s.clusters[%d]: name %q with hosts %d; give a name and hosts >= 1", where, i, c.Name, c.Hosts)
		}
	}
	for i, ds := range d.Datastores {
		if ds.Name == "" || ds.FreeGB > ds.CapacityGB {
			return fmt.Errorf("%s.datastores[%d]: name %q, freeGB %d, capacityGB %d; give a name and freeGB <= capacityGB",
				where, i, ds.Name, ds.FreeGB, ds.CapacityGB)
		}
	}
	for i, sw := range d.Switches {
		if sw.Name == "" {
			return fmt.Errorf("%s.switches[%d].name: a distributed switch needs a name", where, i)
		}
	}
	return nil
}

type builder struct {
	ctx  context.Context
	c    *vim25.Client
	m    *simulator.Model
	dirs []string
}

func (b *builder) wait(task *object.Task, err error) (types.ManagedObjectReference, error) {
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	info, err := task.WaitForResult(b.ctx, nil)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	if ref, ok := info.Result.(types.ManagedObjectReference); ok {
		return ref, nil
	}
	return types.ManagedObjectReference{}, nil
}

func (b *builder) datacenter(root *object.Folder, d datacenterSpec) (datacenterIDs, error) {
	ids := datacenterIDs{Clusters: map[string]string{}, Switches: map[string]string{}}
	dc, err := root.CreateDatacenter(b.ctx, d.Name)
	if err != nil {
		return ids, fmt.Errorf("datacenter %s: %w", d.Name, err)
	}
	ids.ID = dc.Reference().Value
	folders, err := dc.Folders(b.ctx)
	if err != nil {
		return ids, err
	}

	var hosts []types.ManagedObjectReference
	for _, cs := range d.Clusters {
		cluster, err := folders.HostFolder.CreateCluster(b.ctx, cs.Name, types.ClusterConfigSpecEx{})
		if err != nil {
			return ids, fmt.Errorf("cluster %s: %w", cs.Name, err)
		}
		ids.Clusters[cs.Name] = cluster.Reference().Value
		for i := 0; i < cs.Hosts; i++ {
			name := fmt.Sprintf("%s-esx%02d", cs.Name, i+1)
			ref, err := b.wait(cluster.AddHost(b.ctx, types.HostConnectSpec{HostName: name}, true, nil, nil))
			if err != nil {
				return ids, fmt.Errorf("host %s: %w", name, err)
			}
			hosts = append(hosts, ref)
		}
	}

	// Every host joins every switch: vcsim refuses a VM NIC on a port group of a switch its host is not a
	// member of (simulator/virtual_machine.go validateSwitchMembers), as vCenter does.
	for _, sw := range d.Switches {
		// vCenter gives a new switch uplinks (the vSphere Client's default is four); the provider's switch
		// data source asserts a DVSNameArrayUplinkPortPolicy (data_source_vsphere_distributed_virtual_switch.go)
		// and vcsim copies only what the spec gives (simulator/folder.go CreateDVSTask).
		create := types.DVSCreateSpec{ConfigSpec: &types.VMwareDVSConfigSpec{DVSConfigSpec: types.DVSConfigSpec{
			Name: sw.Name,
			UplinkPortPolicy: &types.DVSNameArrayUplinkPortPolicy{
				UplinkPortName: []string{"uplink1", "uplink2", "uplink3", "uplink4"},
			},
		}}}
		ref, err := b.wait(folders.NetworkFolder.CreateDVS(b.ctx, create))
		if err != nil {
			return ids, fmt.Errorf("switch %s: %w", sw.Name, err)
		}
		ids.Switches[sw.Name] = ref.Value
		dvs := object.NewDistributedVirtualSwitch(b.c, ref)
		members := types.DVSConfigSpec{}
		for _, h := range hosts {
			members.Host = append(members.Host, types.DistributedVirtualSwitchHostMemberConfigSpec{
				Operation: string(types.ConfigSpecOperationAdd), Host: h,
			})
		}
		if _, err := b.wait(dvs.Reconfigure(b.ctx, &members)); err != nil {
			return ids, fmt.Errorf("switch %s: adding hosts: %w", sw.Name, err)
		}
		for _, pg := range sw.PortGroups {
			if _, err := b.wait(dvs.AddPortgroup(b.ctx, []types.DVPortgroupConfigSpec{{Name: pg, NumPorts: 8}})); err != nil {
				return ids, fmt.Errorf("port group %s: %w", pg, err)
			}
		}
	}

	for _, ds := range d.Datastores {
		dir, err := os.MkdirTemp("", "vcsim-engine-ds-")
		if err != nil {
			return ids, err
		}
		b.dirs = append(b.dirs, dir)
		// A local datastore of the same name and path on every host is how vcsim models a shared one
		// (simulator/host_datastore_system.go `add`: a name already in the datacenter is joined, not duplicated).
		var created types.ManagedObjectReference
		for _, h := range hosts {
			dss, err := object.NewHostSystem(b.c, h).ConfigManager().DatastoreSystem(b.ctx)
			if err != nil {
				return ids, err
			}
			obj, err := dss.CreateLocalDatastore(b.ctx, ds.Name, dir)
			if err != nil {
				return ids, fmt.Errorf("datastore %s: %w", ds.Name, err)
			}
			// vcsim answers the joining hosts with an empty reference (`add` swaps in the existing
			// datastore after CreateLocalDatastore took the new one's Self): keep the first host's.
			if created.Value == "" {
				created = obj.Reference()
			}
		}
		if ds.CapacityGB > 0 {
			store := b.m.Map().Get(created).(*simulator.Datastore)
			store.Summary.Capacity = ds.CapacityGB * gib
			store.Summary.FreeSpace = ds.FreeGB * gib
			store.Info.GetDatastoreInfo().FreeSpace = ds.FreeGB * gib
		}
	}
	return ids, nil
}
