"""The simulated vCenters: `simulator` (govmomi 0.24's vcsim, GOPATH build of main.go, for preflight and its
benchmark), `vcenter` + `engine/` (the Go-module engine the real vSphere provider works against),
`manager_ova` (a VIO-shaped OVA it imports) and `system` (the sim/system.py shape)."""
