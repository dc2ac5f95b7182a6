package main

// spec.go: what a pod gets (security context, args, env, mounts), and how
// that becomes the CRI's sandbox and container configs. Pure functions: the
// unit tests check them without a runtime.

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// podSecurity and ctrSecurity hold a manifest's securityContext fields as
// written (nil: not set), as benchmarks/cri/podspec.py copies them.
type podSecurity struct {
	RunAsNonRoot       *bool   `json:"runAsNonRoot"`
	RunAsUser          *int64  `json:"runAsUser"`
	RunAsGroup         *int64  `json:"runAsGroup"`
	FSGroup            *int64  `json:"fsGroup"`
	SupplementalGroups []int64 `json:"supplementalGroups"`
	Seccomp            *string `json:"seccomp"`
}

type ctrSecurity struct {
	AllowPrivilegeEscalation *bool    `json:"allowPrivilegeEscalation"`
	ReadOnlyRootFilesystem   bool     `json:"readOnlyRootFilesystem"`
	Privileged               bool     `json:"privileged"`
	RunAsNonRoot             *bool    `json:"runAsNonRoot"`
	RunAsUser                *int64   `json:"runAsUser"`
	RunAsGroup               *int64   `json:"runAsGroup"`
	CapabilitiesDrop         []string `json:"capabilitiesDrop"`
	CapabilitiesAdd          []string `json:"capabilitiesAdd"`
	Seccomp                  *string  `json:"seccomp"`
}

type specEnv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type specMount struct {
	Name     string `json:"name"`
	Path     string `json:"path"`
	ReadOnly bool   `json:"readOnly"`
	Kind     string `json:"kind"`
	Medium   string `json:"medium"`
}

// serviceSpec is one service of pods.json.
type serviceSpec struct {
	Manifest      string      `json:"manifest"`
	Container     string      `json:"container"`
	ReadinessPath string      `json:"readinessPath"`
	Pod           podSecurity `json:"pod"`
	Ctr           ctrSecurity `json:"container_security"`
	Args          []string    `json:"args"`
	Env           []specEnv   `json:"env"`
	Mounts        []specMount `json:"mounts"`
}

type specFile struct {
	Services map[string]serviceSpec `json:"services"`
}

// loadSpec reads pods.json and returns the named service's spec.
func loadSpec(path, service string) (*serviceSpec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read spec %s: %v", path, err)
	}
	return parseSpec(b, path, service)
}

func parseSpec(b []byte, path, service string) (*serviceSpec, error) {
	var f specFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("invalid spec %s: %v", path, err)
	}
	s, ok := f.Services[service]
	if !ok {
		names := make([]string, 0, len(f.Services))
		for n := range f.Services {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("spec %s has no service %q (has: %s)", path, service, strings.Join(names, ", "))
	}
	for _, m := range s.Mounts {
		if m.Name == "" || !strings.HasPrefix(m.Path, "/") || strings.Contains(m.Name, "/") {
			return nil, fmt.Errorf("spec %s: service %s: bad mount %+v", path, service, m)
		}
	}
	return &s, nil
}

// effective is the security a container runs with after the kubelet's
// merge of pod and container securityContext (container fields win).
type effective struct {
	Mode         string // "manifest:<service>", "restricted" or "image"
	RunAsNonRoot bool
	RunAsUser    *int64
	RunAsGroup   *int64
	SuppGroups   []int64 // supplementalGroups plus fsGroup
	FSGroup      *int64
	ReadOnlyRoot bool
	NoNewPrivs   bool
	Privileged   bool
	CapsDrop     []string
	CapsAdd      []string
	Seccomp      runtime.SecurityProfile_ProfileType // pod-level for the sandbox
	CtrSeccomp   runtime.SecurityProfile_ProfileType
}

func i64(v int64) *int64 { return &v }

// restrictedUID is the images' numeric USER and the manifests' runAsUser.
const restrictedUID = 65532

// restricted is deploy/k8s's security context without a spec file.
func restricted() effective {
	return effective{
		Mode: "restricted", RunAsNonRoot: true,
		RunAsUser: i64(restrictedUID), RunAsGroup: i64(restrictedUID),
		ReadOnlyRoot: true, NoNewPrivs: true, CapsDrop: []string{"ALL"},
		Seccomp:    runtime.SecurityProfile_RuntimeDefault,
		CtrSeccomp: runtime.SecurityProfile_RuntimeDefault,
	}
}

// imageDefined: nothing set, as the kubelet sends a pod without
// securityContext: the image's user, the runtime's default capabilities,
// a writable root, and seccomp Unconfined (the kubelet's default without
// the SeccompDefault feature).
func imageDefined() effective {
	return effective{Mode: "image", Seccomp: runtime.SecurityProfile_Unconfined,
		CtrSeccomp: runtime.SecurityProfile_Unconfined}
}

func seccompType(s *string) (runtime.SecurityProfile_ProfileType, error) {
	if s == nil || *s == "Unconfined" {
		return runtime.SecurityProfile_Unconfined, nil
	}
	if *s == "RuntimeDefault" {
		return runtime.SecurityProfile_RuntimeDefault, nil
	}
	return 0, fmt.Errorf("seccomp profile %q not supported", *s)
}

// merge applies the kubelet's rules (pkg/securitycontext and
// kuberuntime's security context converter): container fields override
// the pod's; no_new_privs is set only when allowPrivilegeEscalation is
// false (and the container is not privileged); fsGroup joins the
// supplemental groups.
func merge(service string, s *serviceSpec) (effective, error) {
	e := effective{Mode: "manifest:" + service}
	var err error
	if e.Seccomp, err = seccompType(s.Pod.Seccomp); err != nil {
		return e, fmt.Errorf("pod securityContext: %v", err)
	}
	ctrSeccomp := s.Pod.Seccomp
	if s.Ctr.Seccomp != nil {
		ctrSeccomp = s.Ctr.Seccomp
	}
	if e.CtrSeccomp, err = seccompType(ctrSeccomp); err != nil {
		return e, fmt.Errorf("container securityContext: %v", err)
	}
	e.RunAsUser = s.Pod.RunAsUser
	if s.Ctr.RunAsUser != nil {
		e.RunAsUser = s.Ctr.RunAsUser
	}
	e.RunAsGroup = s.Pod.RunAsGroup
	if s.Ctr.RunAsGroup != nil {
		e.RunAsGroup = s.Ctr.RunAsGroup
	}
	nonRoot := s.Pod.RunAsNonRoot
	if s.Ctr.RunAsNonRoot != nil {
		nonRoot = s.Ctr.RunAsNonRoot
	}
	e.RunAsNonRoot = nonRoot != nil && *nonRoot
	e.SuppGroups = append(e.SuppGroups, s.Pod.SupplementalGroups...)
	if s.Pod.FSGroup != nil {
		e.FSGroup = s.Pod.FSGroup
		e.SuppGroups = append(e.SuppGroups, *s.Pod.FSGroup)
	}
	e.ReadOnlyRoot = s.Ctr.ReadOnlyRootFilesystem
	e.Privileged = s.Ctr.Privileged
	e.NoNewPrivs = !s.Ctr.Privileged && s.Ctr.AllowPrivilegeEscalation != nil && !*s.Ctr.AllowPrivilegeEscalation
	e.CapsDrop = append([]string(nil), s.Ctr.CapabilitiesDrop...)
	e.CapsAdd = append([]string(nil), s.Ctr.CapabilitiesAdd...)
	if e.RunAsNonRoot && e.RunAsUser != nil && *e.RunAsUser == 0 {
		return e, fmt.Errorf("runAsNonRoot is true but runAsUser is 0")
	}
	return e, nil
}

// verifyNonRoot is the kubelet's check before CreateContainer: with
// runAsNonRoot and no runAsUser, the image's user must be numeric and
// not 0.
func verifyNonRoot(e effective, imageUID *int64, imageUser string) error {
	if !e.RunAsNonRoot || e.RunAsUser != nil {
		return nil
	}
	if imageUID == nil {
		if imageUser != "" {
			return fmt.Errorf("runAsNonRoot: image has a non-numeric user %q, cannot verify it is not root", imageUser)
		}
		return fmt.Errorf("runAsNonRoot: image would run as root (no user set)")
	}
	if *imageUID == 0 {
		return fmt.Errorf("runAsNonRoot: image would run as root (uid 0)")
	}
	return nil
}

func int64Value(p *int64) *runtime.Int64Value {
	if p == nil {
		return nil
	}
	return &runtime.Int64Value{Value: *p}
}

// nodeNetwork: host networking, the pod's own PID namespace per container
// and a shared IPC namespace, as the kubelet sends for hostNetwork: true.
func nodeNetwork() *runtime.NamespaceOption {
	return &runtime.NamespaceOption{
		Network: runtime.NamespaceMode_NODE,
		Pid:     runtime.NamespaceMode_CONTAINER,
		Ipc:     runtime.NamespaceMode_POD,
	}
}

// podOptions are the inputs of one pod, from the command line.
type podOptions struct {
	Name, UID, Namespace string
	Image                string
	Handler              string
	CgroupParent         string
	LogDir               string
	Args                 []string
	Env                  []specEnv
	Mounts               []*runtime.Mount
	Sec                  effective
	Port                 int
	ctrName              string
}

const (
	labelPodbench = "io.slimline.podbench"
	labelPod      = "io.slimline.pod"
)

func sandboxConfig(o *podOptions) *runtime.PodSandboxConfig {
	sc := &runtime.LinuxSandboxSecurityContext{
		NamespaceOptions:   nodeNetwork(),
		RunAsUser:          int64Value(o.Sec.RunAsUser),
		RunAsGroup:         int64Value(o.Sec.RunAsGroup),
		SupplementalGroups: o.Sec.SuppGroups,
		Privileged:         o.Sec.Privileged,
		Seccomp:            &runtime.SecurityProfile{ProfileType: o.Sec.Seccomp},
	}
	return &runtime.PodSandboxConfig{
		Metadata: &runtime.PodSandboxMetadata{
			Name: o.Name, Uid: o.UID, Namespace: o.Namespace, Attempt: 0,
		},
		LogDirectory: o.LogDir,
		Labels:       map[string]string{labelPodbench: "1", labelPod: o.Name},
		Linux: &runtime.LinuxPodSandboxConfig{
			CgroupParent:    o.CgroupParent,
			SecurityContext: sc,
		},
	}
}

func containerConfig(o *podOptions, ctrName string) *runtime.ContainerConfig {
	envs := make([]*runtime.KeyValue, 0, len(o.Env))
	for _, e := range o.Env {
		envs = append(envs, &runtime.KeyValue{Key: e.Name, Value: e.Value})
	}
	sc := &runtime.LinuxContainerSecurityContext{
		Privileged:         o.Sec.Privileged,
		NamespaceOptions:   nodeNetwork(),
		RunAsUser:          int64Value(o.Sec.RunAsUser),
		RunAsGroup:         int64Value(o.Sec.RunAsGroup),
		ReadonlyRootfs:     o.Sec.ReadOnlyRoot,
		SupplementalGroups: o.Sec.SuppGroups,
		NoNewPrivs:         o.Sec.NoNewPrivs,
		Seccomp:            &runtime.SecurityProfile{ProfileType: o.Sec.CtrSeccomp},
	}
	if len(o.Sec.CapsDrop) > 0 || len(o.Sec.CapsAdd) > 0 {
		sc.Capabilities = &runtime.Capability{
			DropCapabilities: o.Sec.CapsDrop, AddCapabilities: o.Sec.CapsAdd,
		}
	}
	c := &runtime.ContainerConfig{
		Metadata: &runtime.ContainerMetadata{Name: ctrName, Attempt: 0},
		Image:    &runtime.ImageSpec{Image: o.Image},
		Args:     o.Args,
		Envs:     envs,
		Mounts:   o.Mounts,
		Labels:   map[string]string{labelPodbench: "1", labelPod: o.Name},
		// Linux.Resources stays nil: no CPU or memory limits are applied.
		Linux: &runtime.LinuxContainerConfig{SecurityContext: sc},
	}
	if o.LogDir != "" {
		c.LogPath = ctrName + "/0.log"
	}
	return c
}

// expand replaces ${PORT} in a spec's args and env values.
func expand(s string, port int) string {
	return strings.ReplaceAll(s, "${PORT}", strconv.Itoa(port))
}

// describe is the security context in one word list for the sample line
// and the inspect output: e.g. "manifest:hello,uid=65532,gid=65532,nonroot,
// ro-root,no-new-privs,drop=ALL,seccomp=RuntimeDefault".
func (e effective) describe() string {
	parts := []string{e.Mode}
	if e.RunAsUser != nil {
		parts = append(parts, "uid="+strconv.FormatInt(*e.RunAsUser, 10))
	}
	if e.RunAsGroup != nil {
		parts = append(parts, "gid="+strconv.FormatInt(*e.RunAsGroup, 10))
	}
	if len(e.SuppGroups) > 0 {
		g := make([]string, len(e.SuppGroups))
		for i, v := range e.SuppGroups {
			g[i] = strconv.FormatInt(v, 10)
		}
		parts = append(parts, "groups="+strings.Join(g, "+"))
	}
	if e.RunAsNonRoot {
		parts = append(parts, "nonroot")
	}
	if e.ReadOnlyRoot {
		parts = append(parts, "ro-root")
	}
	if e.NoNewPrivs {
		parts = append(parts, "no-new-privs")
	}
	if e.Privileged {
		parts = append(parts, "privileged")
	}
	if len(e.CapsDrop) > 0 {
		parts = append(parts, "drop="+strings.Join(e.CapsDrop, "+"))
	}
	if len(e.CapsAdd) > 0 {
		parts = append(parts, "add="+strings.Join(e.CapsAdd, "+"))
	}
	parts = append(parts, "seccomp="+e.CtrSeccomp.String())
	return strings.Join(parts, ",")
}
