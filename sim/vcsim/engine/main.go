// Command vcsim-engine serves a vCenter for the real terraform-provider-vsphere (through the Pulumi
// vsphere plugin): govmomi's simulator with the vim25, PBM and vAPI endpoints the provider calls at
// connect, an inventory shaped by a JSON spec, and VMs that boot like the VIO Manager appliance (the guest
// reports the address its vApp properties give, after a boot delay; see appliance.go).
//
// Usage: vcsim-engine -spec spec.json [-tlscert cert.pem -tlskey key.pem]
//
// Listens on loopback only (127.0.0.1 unless the spec's host names another 127.0.0.0/8 address; a free port
// unless the spec names one). When ready it prints one JSON line
// {"url", "host", "port", "thumbprint", "datacenters"} on stdout; it stops when stdin closes or on
// SIGTERM/SIGINT. Without a certificate pair it serves the self-signed certificate of Go's httptest.
package main

import (
	"context"
	"crypto/sha1" //nolint:gosec // vCenter thumbprints are SHA-1 fingerprints
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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

	// The endpoints the vSphere provider needs at connect, registered as upstream vcsim's main does
	// (govmomi vcsim/main.go imports them for their init(): simulator.RegisterEndpoint).
	// terraform-provider-vsphere vsphere/config.go Client(): SOAP login, a REST session
	// (/rest/com/vmware/cis/session, tags and content library), PBM's service content (storage policies).
	_ "github.com/vmware/govmomi/pbm/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator"
)

// minBootDelayMs: terraform-provider-vsphere's WaitForGuestNet reads guest.net before guest.ipStack when
// both are already set as it starts (its property list order), and then never finds the address routable
// (tried: README "Simulated vCenter"); the waiter starts right after the power-on task, well within this.
const minBootDelayMs = 1000

type spec struct {
	User     string `json:"user"`
	Password string `json:"password"`
	// Host: the loopback address to listen on (127.0.0.0/8 only; absent: 127.0.0.1), so the two vCenters
	// of a simulated datacenter have addresses of their own as real ones do.
	Host string `json:"host"`
	// Port to listen on; 0 or absent: a free one.
	Port int `json:"port"`
	// Version is what ServiceContent.about reports ("8.0.2").
	Version     string           `json:"version"`
	Datacenters []datacenterSpec `json:"datacenters"`
	// BootDelayMs: how long a powered-on appliance takes before its guest reports an address.
	BootDelayMs int       `json:"bootDelayMs"`
	Guest       guestKeys `json:"guestProperties"`
}

func readSpec(path string) (spec, error) {
	var s spec
	raw, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	if s.User == "" || s.Password == "" {
		return s, fmt.Errorf("%s: user and password are required (the provider logs in with them)", path)
	}
	if s.Port < 0 || s.Port > 65535 || s.BootDelayMs < 0 {
		return s, fmt.Errorf("%s: port %d / bootDelayMs %d out of range", path, s.Port, s.BootDelayMs)
	}
	if s.Guest.IP != "" && s.BootDelayMs < minBootDelayMs {
		return s, fmt.Errorf("%s: bootDelayMs %d: give at least %d with guestProperties.ip, so that the provider's "+
			"guest-network waiter starts before the guest reports (a guest already up is never seen routable)",
			path, s.BootDelayMs, minBootDelayMs)
	}
	if len(s.Datacenters) == 0 {
		return s, fmt.Errorf("%s: datacenters: at least one datacenter is needed", path)
	}
	for i, d := range s.Datacenters {
		if err := d.validate(fmt.Sprintf("%s: datacenters[%d]", path, i)); err != nil {
			return s, err
		}
	}
	return s, nil
}

func thumbprint(cert []byte) string {
	sum := sha1.Sum(cert) //nolint:gosec
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

func run(specPath, certFile, keyFile string) error {
	s, err := readSpec(specPath)
	if err != nil {
		return err
	}
	if (certFile == "") != (keyFile == "") {
		return errors.New("-tlscert and -tlskey go together")
	}

	m := simulator.VPX()
	// An empty vCenter: the spec builds everything, so no DC0/DC0_C0 objects stand in for the stack's.
	m.Datacenter, m.Portgroup, m.Host, m.Cluster, m.ClusterHost, m.Datastore, m.Machine = 0, 0, 0, 0, 0, 0, 0
	m.Pool, m.App, m.Pod, m.Folder, m.OpaqueNetwork, m.PortgroupNSX = 0, 0, 0, 0, 0, 0
	m.Autostart = false
	if s.Version != "" {
		m.ServiceContent.About.Version = s.Version
		m.ServiceContent.About.FullName = "VMware vCenter Server " + s.Version + " (govmomi simulator)"
	}
	if err := m.Create(); err != nil {
		return err
	}
	defer m.Remove()

	ctx := context.Background()
	// In-process client: the Service is itself a SOAP round tripper, so the inventory costs no HTTP.
	c, err := vim25.NewClient(ctx, m.Service)
	if err != nil {
		return err
	}
	b := &builder{ctx: ctx, c: c, m: m}
	defer func() {
		for _, dir := range b.dirs {
			_ = os.RemoveAll(dir)
		}
	}()
	installDVSManager(m)
	root := object.NewRootFolder(c)
	ids := map[string]datacenterIDs{}
	for _, d := range s.Datacenters {
		if ids[d.Name], err = b.datacenter(root, d); err != nil {
			return err
		}
	}

	boot := newApplianceBoot(time.Duration(s.BootDelayMs)*time.Millisecond, s.Guest)
	m.Map().AddHandler(boot)

	m.Service.RegisterEndpoints = true
	m.Service.ServeMux = http.NewServeMux()
	host := s.Host
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return fmt.Errorf("spec host %q: not a loopback IPv4 address (the simulator listens on 127.0.0.0/8 only)", host)
	}
	m.Service.Listen = &url.URL{
		Host: net.JoinHostPort(host, fmt.Sprint(s.Port)),
		User: url.UserPassword(s.User, s.Password),
	}
	m.Service.TLS = new(tls.Config)
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return fmt.Errorf("-tlscert/-tlskey: %w", err)
		}
		m.Service.TLS.Certificates = []tls.Certificate{pair}
	}
	server := m.Service.NewServer()
	defer server.Close()
	m.Service.ServeMux.HandleFunc("/api/session", apiSession(m.Service.ServeMux))
	// Set before the ready line, so before any request: http.Server reads Handler per request.
	server.Config.Handler = vmwareSwitchTypes(vcenterDefaults(m.Map(), createPortgroup{next: m.Service.ServeMux, reg: m.Map()}))

	addr := server.Listener.Addr().(*net.TCPAddr)
	if !addr.IP.IsLoopback() {
		return fmt.Errorf("refusing to serve on %s: loopback only", addr)
	}
	leaf := server.TLS.Certificates[0].Certificate[0]
	u := url.URL{Scheme: "https", Host: addr.String(), Path: "/sdk"}
	line, _ := json.Marshal(map[string]any{
		"url": u.String(), "host": addr.IP.String(), "port": addr.Port,
		"thumbprint": thumbprint(leaf), "datacenters": ids,
	})
	// Signals first: a caller may stop the engine the moment it reads the ready line.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	fmt.Println(string(line))

	select {
	case <-done:
	case <-signals:
	}
	return nil
}

func main() {
	specPath := flag.String("spec", "", "JSON inventory spec (type spec in main.go, datacenterSpec in inventory.go)")
	cert := flag.String("tlscert", "", "PEM certificate (chain) to serve; default: httptest's self-signed one")
	key := flag.String("tlskey", "", "PEM private key of -tlscert")
	flag.Parse()
	if *specPath == "" {
		fmt.Fprintln(os.Stderr, "usage: vcsim-engine -spec spec.json [-tlscert cert.pem -tlskey key.pem]")
		os.Exit(2)
	}
	if err := run(*specPath, *cert, *key); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-engine: "+strings.TrimSpace(err.Error()))
		os.Exit(1)
	}
}
