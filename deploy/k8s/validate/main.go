// Command validate renders the Headliner kustomize overlays and decodes every object strictly
// against the Kubernetes API types (an unknown or misspelt field is an error, as the API server's
// strict field validation would make it), then checks what a platform team asks of the
// package: a non-root pod with a read-only root filesystem, no capabilities and the runtime's
// seccomp profile; probes and memory limits; a Service per port; a NetworkPolicy for each port.
// No cluster is needed.
//
//	go run . -out DIR ../overlays/dev ../overlays/prod
//
// With -out, each overlay's server config (config.yaml of the ConfigMap headliner-config) is
// written to DIR/<overlay>.config.yaml for the server's own check (headliner --check_config).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Rendered is an overlay's objects, decoded.
type Rendered struct {
	StatefulSets    []appsv1.StatefulSet
	Services        []corev1.Service
	ConfigMaps      []corev1.ConfigMap
	NetworkPolicies []networkingv1.NetworkPolicy
	Kinds           map[string]int
}

func newObject(apiVersion, kind string) (any, error) {
	switch apiVersion + "/" + kind {
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}, nil
	case "v1/Secret":
		return &corev1.Secret{}, nil
	case "v1/Service":
		return &corev1.Service{}, nil
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, nil
	case "apps/v1/StatefulSet":
		return &appsv1.StatefulSet{}, nil
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, nil
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, nil
	case "networking.k8s.io/v1/NetworkPolicy":
		return &networkingv1.NetworkPolicy{}, nil
	case "monitoring.coreos.com/v1/ServiceMonitor":
		return &monitoringv1.ServiceMonitor{}, nil
	}
	return nil, fmt.Errorf("%s %s: not a kind this package should contain", apiVersion, kind)
}

// Render runs kustomize (the engine of kubectl kustomize) on dir and decodes each object strictly.
func Render(dir string) (*Rendered, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize %s: %w", dir, err)
	}
	r := &Rendered{Kinds: map[string]int{}}
	for _, res := range resources.Resources() {
		doc, err := res.AsYAML()
		if err != nil {
			return nil, err
		}
		name := res.GetKind() + "/" + res.GetName()
		obj, err := newObject(res.GetApiVersion(), res.GetKind())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r.Kinds[res.GetKind()]++
		switch o := obj.(type) {
		case *appsv1.StatefulSet:
			r.StatefulSets = append(r.StatefulSets, *o)
		case *corev1.Service:
			r.Services = append(r.Services, *o)
		case *corev1.ConfigMap:
			r.ConfigMaps = append(r.ConfigMaps, *o)
		case *networkingv1.NetworkPolicy:
			r.NetworkPolicies = append(r.NetworkPolicies, *o)
		}
	}
	return r, nil
}

// Check returns every way the rendered package falls short; empty when it passes.
func Check(r *Rendered) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, kind := range []string{"StatefulSet", "Service", "ConfigMap", "ServiceAccount",
		"PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor"} {
		if r.Kinds[kind] == 0 {
			fail("no %s", kind)
		}
	}
	if len(r.StatefulSets) != 1 {
		fail("%d StatefulSets, want 1", len(r.StatefulSets))
		return problems
	}
	pod := r.StatefulSets[0].Spec.Template.Spec
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		fail("pod: runAsNonRoot is not true")
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		fail("pod: seccompProfile is not RuntimeDefault")
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		fail("pod: the service account token is mounted")
	}
	ports := map[string]bool{}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			fail("%s: root filesystem is writable", c.Name)
		}
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			fail("%s: privilege escalation is allowed", c.Name)
		}
		if sc == nil || sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" {
			fail("%s: capabilities are not dropped (drop: [ALL])", c.Name)
		}
		for probe, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
			if p == nil {
				fail("%s: no %s probe", c.Name, probe)
			}
		}
		if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
			fail("%s: no memory limit", c.Name)
		}
		if _, ok := c.Resources.Requests[corev1.ResourceMemory]; !ok {
			fail("%s: no memory request", c.Name)
		}
		for _, p := range c.Ports {
			ports[p.Name] = true
		}
	}
	for _, want := range []string{"grpc", "admin", "metrics"} {
		if !ports[want] {
			fail("container port %q missing", want)
		}
		served := false
		for _, s := range r.Services {
			for _, p := range s.Spec.Ports {
				served = served || p.TargetPort.String() == want
			}
		}
		if !served {
			fail("no Service for port %q", want)
		}
	}
	if len(r.NetworkPolicies) == 0 || len(r.NetworkPolicies[0].Spec.Ingress) < 3 {
		fail("the NetworkPolicy does not admit each port's clients separately")
	}
	return problems
}

// ServerConfig is the server's config file in the ConfigMap headliner-config.
func ServerConfig(r *Rendered) (string, error) {
	for _, cm := range r.ConfigMaps {
		if strings.HasPrefix(cm.Name, "headliner-config") {
			if c, ok := cm.Data["config.yaml"]; ok {
				return c, nil
			}
		}
	}
	return "", errors.New("no ConfigMap headliner-config with config.yaml")
}

func main() {
	out := flag.String("out", "", "write each overlay's config.yaml here")
	flag.Parse()
	failed := false
	for _, dir := range flag.Args() {
		r, err := Render(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", dir, err)
			failed = true
			continue
		}
		problems := Check(r)
		for _, p := range problems {
			fmt.Fprintf(os.Stderr, "%s: %s\n", dir, p)
		}
		failed = failed || len(problems) > 0
		if *out != "" {
			config, err := ServerConfig(r)
			if err == nil {
				err = os.WriteFile(filepath.Join(*out, filepath.Base(dir)+".config.yaml"), []byte(config), 0o644)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", dir, err)
				failed = true
			}
		}
		var kinds bytes.Buffer
		for k, n := range r.Kinds {
			fmt.Fprintf(&kinds, " %s=%d", k, n)
		}
		total := 0
		for _, n := range r.Kinds {
			total += n
		}
		fmt.Printf("%s: %d objects decoded strictly:%s\n", dir, total, kinds.String())
	}
	if failed {
		os.Exit(1)
	}
}
