// Command vcsim serves a vSphere API simulator (govmomi's) shaped by a JSON spec, for preflight's tests
// and benchmark.
//
// Usage: vcsim -spec spec.json
//
// The spec names the inventory the way a Pulumi stack config does (datacenters, clusters, datastores,
// switches, port groups, templates, VM folders and resource pools), and states the conditions preflight
// must detect: hosts in maintenance or disconnected, datastore capacity, VM guest IPs, the version
// about.version reports, a delay before every answer (a slow vCenter), and a method on which the process
// dies (a vCenter that goes down mid-run). Once serving on a free loopback port it prints one JSON line
// {"url": ..., "port": ..., "objects": [...]} on stdout (with "tls": true also the certificate it
// presents and its SHA-1/SHA-256 fingerprints); it stops when stdin closes or on SIGTERM. "objects" lists
// every folder, resource pool, port group and VM the spec created with its inventory path and managed
// object id (and a VM's config.uuid), which is what a deployed stack's state records for them.
//
// Built from Debian's govmomi sources (GOPATH=/usr/share/gocode GO111MODULE=off), hence no go.mod.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

const gib = int64(1) << 30

type clusterSpec struct {
	Name          string `json:"name"`
	Hosts         int    `json:"hosts"`
	CPUCores      int16  `json:"cpuCores"`
	CPUMhz        int32  `json:"cpuMhz"`
	MemoryGB      int64  `json:"memoryGB"`
	CPUUsageMhz   int32  `json:"cpuUsageMhz"`
	MemoryUsageGB int32  `json:"memoryUsageGB"`
	// The first Maintenance hosts are in maintenance mode, the next Disconnected ones are disconnected.
	Maintenance  int `json:"maintenance"`
	Disconnected int `json:"disconnected"`
}

type datastoreSpec struct {
	Name       string `json:"name"`
	CapacityGB int64  `json:"capacityGB"`
	FreeGB     int64  `json:"freeGB"`
}

type switchSpec struct {
	Name       string          `json:"name"`
	PortGroups []portGroupSpec `json:"portGroups"`
}

// portGroupSpec is a port group's name ("pg") or {"name": "pg", "vlan": 1110}: the VLAN of its default
// port config, what a vsphere_distributed_port_group's vlan_id sets.
type portGroupSpec struct {
	Name string `json:"name"`
	VLAN int32  `json:"vlan"`
}

func (p *portGroupSpec) UnmarshalJSON(raw []byte) error {
	if len(raw) > 0 && raw[0] == '"' {
		return json.Unmarshal(raw, &p.Name)
	}
	type plain portGroupSpec
	return json.Unmarshal(raw, (*plain)(p))
}

// poolSpec is an empty resource pool under a cluster's root pool.
type poolSpec struct {
	Cluster string `json:"cluster"`
	Name    string `json:"name"`
}

// objectRef is one created object as the spec's reader needs it to write a stack state: its kind, its
// inventory path (the id `pulumi import` takes for it), its managed object id and, for a VM, config.uuid.
type objectRef struct {
	Kind string `json:"kind"`
	Path string `json:"path"`
	Moid string `json:"moid"`
	UUID string `json:"uuid,omitempty"`
}

type vmSpec struct {
	Name     string   `json:"name"`
	Cluster  string   `json:"cluster"`
	Template bool     `json:"template"`
	IPs      []string `json:"ips"`
	// Folder is a path under the datacenter's VM folder ("vio" or "a/b"), created if missing; empty: the
	// VM folder itself. ResourcePool is a child pool of the cluster's root pool, created if missing.
	Folder       string `json:"folder"`
	ResourcePool string `json:"resourcePool"`
}

type bulkSpec struct {
	Cluster string `json:"cluster"`
	Count   int    `json:"count"`
	// Guest IPs are IPPrefix.<i/250>.<i%250+1>, so that the IP check has real work to do.
	IPPrefix string `json:"ipPrefix"`
}

type datacenterSpec struct {
	Name       string          `json:"name"`
	Clusters   []clusterSpec   `json:"clusters"`
	Datastores []datastoreSpec `json:"datastores"`
	Switches   []switchSpec    `json:"switches"`
	VMs        []vmSpec        `json:"vms"`
	Bulk       *bulkSpec       `json:"bulkVms"`
	// Folders are empty VM folder paths to create; ResourcePools empty pools.
	Folders       []string   `json:"folders"`
	ResourcePools []poolSpec `json:"resourcePools"`
	// StandardPortGroups are host port groups on the first host's vSwitch0: networks of the datacenter's
	// network folder, whose names distributed port groups share (DuplicateName).
	StandardPortGroups []string `json:"standardPortGroups"`
}

type spec struct {
	User     string `json:"user"`
	Password string `json:"password"`
	// Version is what ServiceContent.about reports ("7.0.3", "8.0.2"): vCenter's version.update.
	Version string `json:"version"`
	Build   string `json:"build"`
	CrashOn string `json:"crashOn"`
	// TrickleOn answers the first call of this method with a 200 and then one byte a second, forever: a
	// vCenter that stalls mid-run without ever letting a read time out.
	TrickleOn string `json:"trickleOn"`
	// DelayMs holds every SOAP answer back this long: a slow vCenter, so that two run concurrently.
	DelayMs int `json:"delayMs"`
	// TLS serves https with a fresh self-signed certificate for 127.0.0.1 instead of plain http.
	TLS         bool             `json:"tls"`
	Datacenters []datacenterSpec `json:"datacenters"`
}

type builder struct {
	ctx     context.Context
	c       *vim25.Client
	dirs    []string
	folders map[string]*object.Folder
	pools   map[string]*object.ResourcePool
	objects []objectRef
}

func (b *builder) record(kind, path string, ref types.ManagedObjectReference) {
	obj := objectRef{Kind: kind, Path: path, Moid: ref.Value}
	if vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine); ok {
		obj.UUID = vm.Config.Uuid
	}
	b.objects = append(b.objects, obj)
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

func (b *builder) datacenter(root *object.Folder, d datacenterSpec) error {
	dc, err := root.CreateDatacenter(b.ctx, d.Name)
	if err != nil {
		return fmt.Errorf("datacenter %s: %w", d.Name, err)
	}
	folders, err := dc.Folders(b.ctx)
	if err != nil {
		return err
	}

	for _, sw := range d.Switches {
		var create types.DVSCreateSpec
		create.ConfigSpec = &types.VMwareDVSConfigSpec{}
		create.ConfigSpec.GetDVSConfigSpec().Name = sw.Name
		ref, err := b.wait(folders.NetworkFolder.CreateDVS(b.ctx, create))
		if err != nil {
			return fmt.Errorf("switch %s: %w", sw.Name, err)
		}
		dvs := object.NewDistributedVirtualSwitch(b.c, ref)
		for _, pg := range sw.PortGroups {
			config := types.DVPortgroupConfigSpec{Name: pg.Name}
			if pg.VLAN != 0 {
				config.DefaultPortConfig = &types.VMwareDVSPortSetting{
					Vlan: &types.VmwareDistributedVirtualSwitchVlanIdSpec{VlanId: pg.VLAN},
				}
			}
			if _, err := b.wait(dvs.AddPortgroup(b.ctx, []types.DVPortgroupConfigSpec{config})); err != nil {
				return fmt.Errorf("port group %s: %w", pg.Name, err)
			}
			created, err := object.NewSearchIndex(b.c).FindChild(b.ctx, folders.NetworkFolder, pg.Name)
			if err != nil || created == nil {
				return fmt.Errorf("port group %s: not found after creation: %v", pg.Name, err)
			}
			b.record("port group", d.Name+"/network/"+pg.Name, created.Reference())
		}
	}

	var allHosts []*object.HostSystem
	clusterHosts := map[string][]*object.HostSystem{}
	pools := map[string]*object.ResourcePool{}
	for _, cs := range d.Clusters {
		cluster, err := folders.HostFolder.CreateCluster(b.ctx, cs.Name, types.ClusterConfigSpecEx{})
		if err != nil {
			return fmt.Errorf("cluster %s: %w", cs.Name, err)
		}
		for i := 0; i < cs.Hosts; i++ {
			name := fmt.Sprintf("%s-esx%02d", cs.Name, i+1)
			ref, err := b.wait(cluster.AddHost(b.ctx, types.HostConnectSpec{HostName: name}, true, nil, nil))
			if err != nil {
				return fmt.Errorf("host %s: %w", name, err)
			}
			shapeHost(ref, cs, i)
			host := object.NewHostSystem(b.c, ref)
			allHosts = append(allHosts, host)
			clusterHosts[cs.Name] = append(clusterHosts[cs.Name], host)
		}
		if pools[cs.Name], err = cluster.ResourcePool(b.ctx); err != nil {
			return err
		}
	}

	for _, name := range d.StandardPortGroups {
		if len(allHosts) == 0 {
			return fmt.Errorf("standard port group %s: datacenter %s has no host", name, d.Name)
		}
		ns, err := allHosts[0].ConfigManager().NetworkSystem(b.ctx)
		if err != nil {
			return err
		}
		if err := ns.AddPortGroup(b.ctx, types.HostPortGroupSpec{Name: name, VswitchName: "vSwitch0"}); err != nil {
			return fmt.Errorf("standard port group %s: %w", name, err)
		}
		created, err := object.NewSearchIndex(b.c).FindChild(b.ctx, folders.NetworkFolder, name)
		if err != nil || created == nil {
			return fmt.Errorf("standard port group %s: not found after creation: %v", name, err)
		}
		b.record("network", d.Name+"/network/"+name, created.Reference())
	}

	var datastores []types.ManagedObjectReference
	for _, ds := range d.Datastores {
		dir, err := ioutil.TempDir("", "vcsim-ds-")
		if err != nil {
			return err
		}
		b.dirs = append(b.dirs, dir)
		// A local datastore of the same name and path on every host is how vcsim models a shared one.
		for _, host := range allHosts {
			dss, err := host.ConfigManager().DatastoreSystem(b.ctx)
			if err != nil {
				return err
			}
			created, err := dss.CreateLocalDatastore(b.ctx, ds.Name, dir)
			if err != nil {
				return fmt.Errorf("datastore %s: %w", ds.Name, err)
			}
			if len(datastores) == 0 || datastores[len(datastores)-1] != created.Reference() {
				datastores = append(datastores, created.Reference())
			}
		}
	}

	for _, path := range d.Folders {
		if _, err := b.folder(d.Name, folders.VmFolder, path); err != nil {
			return err
		}
	}
	for _, p := range d.ResourcePools {
		root, ok := pools[p.Cluster]
		if !ok {
			return fmt.Errorf("resource pool %s: no cluster %q", p.Name, p.Cluster)
		}
		if _, err := b.pool(d.Name+"/host/"+p.Cluster, root, p.Name); err != nil {
			return err
		}
	}

	vms := d.VMs
	if d.Bulk != nil {
		for i := 0; i < d.Bulk.Count; i++ {
			vm := vmSpec{Name: fmt.Sprintf("tenant-vm-%05d", i), Cluster: d.Bulk.Cluster}
			if d.Bulk.IPPrefix != "" {
				vm.IPs = []string{fmt.Sprintf("%s.%d.%d", d.Bulk.IPPrefix, i/250, i%250+1)}
			}
			vms = append(vms, vm)
		}
	}
	if len(vms) > 0 && len(d.Datastores) == 0 {
		return fmt.Errorf("datacenter %s: VMs need a datastore", d.Name)
	}
	for _, vm := range vms {
		hosts := clusterHosts[vm.Cluster]
		if len(hosts) == 0 {
			return fmt.Errorf("vm %s: cluster %q has no hosts", vm.Name, vm.Cluster)
		}
		folder, err := b.folder(d.Name, folders.VmFolder, vm.Folder)
		if err != nil {
			return fmt.Errorf("vm %s: %w", vm.Name, err)
		}
		pool, err := b.pool(d.Name+"/host/"+vm.Cluster, pools[vm.Cluster], vm.ResourcePool)
		if err != nil {
			return fmt.Errorf("vm %s: %w", vm.Name, err)
		}
		config := types.VirtualMachineConfigSpec{
			Name:    vm.Name,
			GuestId: string(types.VirtualMachineGuestOsIdentifierOtherGuest),
			Files:   &types.VirtualMachineFileInfo{VmPathName: "[" + d.Datastores[0].Name + "]"},
		}
		ref, err := b.wait(folder.CreateVM(b.ctx, config, pool, hosts[0]))
		if err != nil {
			return fmt.Errorf("vm %s: %w", vm.Name, err)
		}
		if vm.Template {
			if err := object.NewVirtualMachine(b.c, ref).MarkAsTemplate(b.ctx); err != nil {
				return fmt.Errorf("template %s: %w", vm.Name, err)
			}
		}
		if len(vm.IPs) > 0 {
			setGuestIPs(ref, vm.IPs)
		}
		if d.Bulk == nil || !strings.HasPrefix(vm.Name, "tenant-vm-") {
			b.record("vm", strings.TrimSuffix(d.Name+"/vm/"+vm.Folder, "/")+"/"+vm.Name, ref)
		}
	}

	// Capacity last: creating VMs above debits the datastores' free space.
	for i, ds := range d.Datastores {
		if ds.CapacityGB == 0 {
			continue
		}
		obj := simulator.Map.Get(datastores[i]).(*simulator.Datastore)
		obj.Summary.Capacity = ds.CapacityGB * gib
		obj.Summary.FreeSpace = ds.FreeGB * gib
		obj.Info.GetDatastoreInfo().FreeSpace = ds.FreeGB * gib
	}
	return nil
}

// folder returns the folder at path under root (the VM folder of datacenter dc), creating the missing
// levels.
func (b *builder) folder(dc string, root *object.Folder, path string) (*object.Folder, error) {
	current := root
	at := dc + "/vm"
	for _, name := range strings.Split(path, "/") {
		if name == "" {
			continue
		}
		at += "/" + name
		if b.folders == nil {
			b.folders = map[string]*object.Folder{}
		}
		key := current.Reference().Value + "/" + name
		if existing, ok := b.folders[key]; ok {
			current = existing
			continue
		}
		created, err := current.CreateFolder(b.ctx, name)
		if err != nil {
			return nil, fmt.Errorf("folder %s: %w", path, err)
		}
		b.folders[key] = created
		b.record("folder", at, created.Reference())
		current = created
	}
	return current, nil
}

// pool returns the child pool `name` of root (root itself for ""), creating it on first use; at is the
// cluster's inventory path.
func (b *builder) pool(at string, root *object.ResourcePool, name string) (*object.ResourcePool, error) {
	if name == "" {
		return root, nil
	}
	if b.pools == nil {
		b.pools = map[string]*object.ResourcePool{}
	}
	key := root.Reference().Value + "/" + name
	if existing, ok := b.pools[key]; ok {
		return existing, nil
	}
	created, err := root.Create(b.ctx, name, types.DefaultResourceConfigSpec())
	if err != nil {
		return nil, fmt.Errorf("resource pool %s: %w", name, err)
	}
	b.pools[key] = created
	b.record("resource pool", at+"/Resources/"+name, created.Reference())
	return created, nil
}

// shapeHost writes the host's hardware, load and state straight into the simulator's object: vcsim
// gives every host the same small fixed hardware and has no API to change it.
func shapeHost(ref types.ManagedObjectReference, cs clusterSpec, index int) {
	host := simulator.Map.Get(ref).(*simulator.HostSystem)
	if cs.CPUCores > 0 {
		host.Summary.Hardware.NumCpuCores = cs.CPUCores
		host.Summary.Hardware.NumCpuThreads = cs.CPUCores
		host.Hardware.CpuInfo.NumCpuCores = cs.CPUCores
	}
	if cs.CPUMhz > 0 {
		host.Summary.Hardware.CpuMhz = cs.CPUMhz
		host.Hardware.CpuInfo.Hz = int64(cs.CPUMhz) * 1000 * 1000
	}
	if cs.MemoryGB > 0 {
		host.Summary.Hardware.MemorySize = cs.MemoryGB * gib
		host.Hardware.MemorySize = cs.MemoryGB * gib
	}
	host.Summary.QuickStats.OverallCpuUsage = cs.CPUUsageMhz
	host.Summary.QuickStats.OverallMemoryUsage = cs.MemoryUsageGB * 1024
	switch {
	case index < cs.Maintenance:
		host.Runtime.InMaintenanceMode = true
		host.Summary.Runtime.InMaintenanceMode = true
	case index < cs.Maintenance+cs.Disconnected:
		host.Runtime.ConnectionState = types.HostSystemConnectionStateDisconnected
		host.Summary.Runtime.ConnectionState = types.HostSystemConnectionStateDisconnected
	}
}

// setGuestIPs stands in for VMware Tools reporting the guest's addresses.
func setGuestIPs(ref types.ManagedObjectReference, ips []string) {
	vm := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	vm.Guest.IpAddress = ips[0]
	vm.Guest.Net = []types.GuestNicInfo{{Connected: true, IpAddress: ips, DeviceConfigId: 4000}}
	vm.Summary.Guest.IpAddress = ips[0]
}

// delaying holds every request back by d before serving it.
func delaying(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		next.ServeHTTP(w, r)
	})
}

// callsMethod reads the request's SOAP body and says whether it calls the given method (`<Method` or
// `ns:Method`); the body is put back for the next handler.
func callsMethod(r *http.Request, method string) (bool, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return false, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return bytes.Contains(body, []byte("<"+method)) || bytes.Contains(body, []byte(":"+method)), nil
}

// trickling answers calls of the given method with a body that never ends: one space a second.
func trickling(method string, next http.Handler) http.Handler {
	if method == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls, err := callsMethod(r, method)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if !calls {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		flusher, _ := w.(http.Flusher)
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			if _, err := w.Write([]byte(" ")); err != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
			select {
			case <-r.Context().Done():
				return
			case <-ticker.C:
			}
		}
	})
}

// crashing kills the process on the first SOAP call of the given method, before answering: the client
// sees the connection drop mid-run, as when a vCenter goes down.
func crashing(method string, next http.Handler) http.Handler {
	if method == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls, err := callsMethod(r, method)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if calls {
			log.Printf("crashOn: %s called, exiting", method)
			os.Exit(3)
		}
		next.ServeHTTP(w, r)
	})
}

func run(specPath string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var s spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	if s.User == "" || s.Password == "" {
		return fmt.Errorf("%s: user and password are required", specPath)
	}

	m := simulator.VPX()
	// An empty vCenter: the spec builds everything, so no DC0/DC0_C0 objects surprise the checks.
	m.Datacenter, m.Portgroup, m.Host, m.Cluster, m.ClusterHost, m.Datastore, m.Machine = 0, 0, 0, 0, 0, 0, 0
	m.Autostart = false
	if s.Version != "" {
		m.ServiceContent.About.Version = s.Version
		m.ServiceContent.About.FullName = "VMware vCenter Server " + s.Version + " (vcsim)"
	}
	if s.Build != "" {
		m.ServiceContent.About.Build = s.Build
	}
	if err := m.Create(); err != nil {
		return err
	}
	defer m.Remove()

	ctx := context.Background()
	// In-process client: the Service is itself a SOAP round tripper, so building the inventory costs no
	// HTTP and needs no session.
	c, err := vim25.NewClient(ctx, m.Service)
	if err != nil {
		return err
	}
	b := &builder{ctx: ctx, c: c}
	defer func() {
		for _, dir := range b.dirs {
			_ = os.RemoveAll(dir)
		}
	}()
	root := object.NewRootFolder(c)
	for _, d := range s.Datacenters {
		if err := b.datacenter(root, d); err != nil {
			return err
		}
	}

	m.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(s.User, s.Password)}
	// NewServer registers the SDK handlers on the service's mux and starts its own listener; we serve
	// the same mux from our listener instead so that the crash hook can sit in front of it.
	builtin := m.Service.NewServer()
	builtin.Close()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	handler := delaying(time.Duration(s.DelayMs)*time.Millisecond,
		crashing(s.CrashOn, trickling(s.TrickleOn, m.Service.ServeMux)))
	server := &http.Server{Handler: handler}
	port := listener.Addr().(*net.TCPAddr).Port
	served := map[string]interface{}{"url": fmt.Sprintf("http://127.0.0.1:%d/sdk", port), "port": port,
		"objects": b.objects}
	if s.TLS {
		cert, err := selfSigned()
		if err != nil {
			return err
		}
		der := cert.Certificate[0]
		listener = tls.NewListener(listener, &tls.Config{Certificates: []tls.Certificate{cert}})
		served["url"] = fmt.Sprintf("https://127.0.0.1:%d/sdk", port)
		served["certPem"] = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		one, two := sha1.Sum(der), sha256.Sum256(der)
		served["sha1"], served["sha256"] = colonHex(one[:]), colonHex(two[:])
	}
	go func() { _ = server.Serve(listener) }()
	defer server.Close()

	line, _ := json.Marshal(served)
	fmt.Println(string(line))

	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(ioutil.Discard, os.Stdin)
		close(done)
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-done:
	case <-signals:
	}
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 signed by its own key: a CA bundle of that one PEM
// verifies it, as a vCenter's VMCA root verifies the vCenter's.
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, err
	}
	template := x509.Certificate{
		SerialNumber: serial,
		// A subject of its own: two simulators' certificates in one CA bundle must not be taken for each
		// other's issuer (OpenSSL looks an issuer up by subject name).
		Subject:               pkix.Name{CommonName: "vcsim " + serial.String(), Organization: []string{"vcsim"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// colonHex is the AB:12:... form of a fingerprint, as NSX and vCenter show thumbprints.
func colonHex(sum []byte) string {
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

func main() {
	specPath := flag.String("spec", "", "JSON inventory spec (see the type spec in main.go)")
	flag.Parse()
	if *specPath == "" {
		fmt.Fprintln(os.Stderr, "usage: vcsim -spec spec.json")
		os.Exit(2)
	}
	if err := run(*specPath); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: "+strings.TrimSpace(err.Error()))
		os.Exit(1)
	}
}
