// Generates the Python SDK of a Pulumi package schema with pulumi/pkg/v3's own codegen: what `pulumi package
// gen-sdk --language python` asks the language host for (GeneratePackage), which the toolchain's v3.68 host
// does not implement. Usage: sdkgen SCHEMA.json OUTDIR (scripts/nsxsim-real-provider.sh sdk).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		panic(err)
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		panic(err)
	}
	if diags.HasErrors() {
		fmt.Fprintln(os.Stderr, diags.Error())
		os.Exit(1)
	}
	files, err := python.GeneratePackage("pulumi-terraform-provider", pkg, nil, nil)
	if err != nil {
		panic(err)
	}
	for name, content := range files {
		path := filepath.Join(os.Args[2], name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			panic(err)
		}
	}
	fmt.Println(len(files), "files")
}
