package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheOverlaysDecodeStrictlyAndPass(t *testing.T) {
	for _, overlay := range []string{"../overlays/dev", "../overlays/prod"} {
		r, err := Render(overlay)
		if err != nil {
			t.Fatalf("%s: %v", overlay, err)
		}
		if problems := Check(r); len(problems) > 0 {
			t.Errorf("%s: %s", overlay, strings.Join(problems, "; "))
		}
		if _, err := ServerConfig(r); err != nil {
			t.Errorf("%s: %v", overlay, err)
		}
	}
}

// overlay writes a kustomization over the base with `patch` (a strategic merge patch of the
// StatefulSet) and extra resources, and returns its directory.
func overlay(t *testing.T, patch string, resources map[string]string) string {
	// Beside the overlays: kustomize takes a base by relative path only.
	dir, err := os.MkdirTemp("..", ".test-overlay-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	k := "resources:\n  - ../base\n"
	for name, text := range resources {
		k += "  - " + name + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if patch != "" {
		k += "patches:\n  - path: patch.yaml\n"
		if err := os.WriteFile(filepath.Join(dir, "patch.yaml"), []byte(patch), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte(k), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAMisspeltFieldIsAnError(t *testing.T) {
	dir := overlay(t, "", map[string]string{"typo.yaml": `apiVersion: v1
kind: Service
metadata: {name: typo}
spec:
  selector: {app: headliner}
  ports:
    - {name: grpc, port: 50051, targetPrt: grpc}
`})
	_, err := Render(dir)
	if err == nil || !strings.Contains(err.Error(), "targetPrt") {
		t.Fatalf("want an unknown-field error naming targetPrt, got %v", err)
	}
}

func TestAKindOutsideThePackageIsAnError(t *testing.T) {
	dir := overlay(t, "", map[string]string{"role.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: too-much}
rules: []
`})
	if _, err := Render(dir); err == nil {
		t.Fatal("a ClusterRole was accepted")
	}
}

func TestAWritableRootAndAddedCapabilitiesAreReported(t *testing.T) {
	dir := overlay(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: headliner}
spec:
  template:
    spec:
      containers:
        - name: headliner
          securityContext:
            readOnlyRootFilesystem: false
            capabilities: {drop: [], add: [NET_ADMIN]}
`, nil)
	r, err := Render(dir)
	if err != nil {
		t.Fatal(err)
	}
	problems := strings.Join(Check(r), "; ")
	for _, want := range []string{"root filesystem is writable", "capabilities are not dropped"} {
		if !strings.Contains(problems, want) {
			t.Errorf("want %q among: %s", want, problems)
		}
	}
}
