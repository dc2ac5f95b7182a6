package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// The generated spec of the repository (benchmarks/cri/pods.json).
const specPath = "../pods.json"

func mustSpec(t *testing.T, service string) *serviceSpec {
	t.Helper()
	s, err := loadSpec(specPath, service)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bp(v bool) *bool       { return &v }
func sp(v string) *string   { return &v }
func ip(v int64) *int64     { return &v }
func i64v(p *int64) int64   { return *p }
func deref(p *int64) string { return map[bool]string{true: "nil", false: "set"}[p == nil] }

// Every service of deploy/k8s gets exactly the restricted context.
func TestManifestsAreRestricted(t *testing.T) {
	want := restricted()
	for _, svc := range []string{"hello", "whoami", "notes"} {
		e, err := merge(svc, mustSpec(t, svc))
		if err != nil {
			t.Fatalf("%s: %v", svc, err)
		}
		if e.Mode != "manifest:"+svc {
			t.Errorf("%s: mode %q", svc, e.Mode)
		}
		if *e.RunAsUser != *want.RunAsUser || *e.RunAsGroup != *want.RunAsGroup ||
			e.RunAsNonRoot != want.RunAsNonRoot || e.ReadOnlyRoot != want.ReadOnlyRoot ||
			e.NoNewPrivs != want.NoNewPrivs || e.Privileged ||
			!reflect.DeepEqual(e.CapsDrop, want.CapsDrop) || len(e.CapsAdd) != 0 ||
			e.Seccomp != want.Seccomp || e.CtrSeccomp != want.CtrSeccomp {
			t.Errorf("%s: effective %+v, want the restricted %+v", svc, e, want)
		}
	}
}

func TestNotesGetsFSGroupAndVolumes(t *testing.T) {
	s := mustSpec(t, "notes")
	e, err := merge("notes", s)
	if err != nil {
		t.Fatal(err)
	}
	if e.FSGroup == nil || *e.FSGroup != 65532 || !reflect.DeepEqual(e.SuppGroups, []int64{65532}) {
		t.Errorf("fsGroup %v, supplemental %v; want 65532 and [65532]", e.FSGroup, e.SuppGroups)
	}
	paths := []string{}
	for _, m := range s.Mounts {
		paths = append(paths, m.Path)
	}
	if !reflect.DeepEqual(paths, []string{"/data", "/tmp"}) {
		t.Errorf("mounts %v, want /data and /tmp", paths)
	}
	if !strings.Contains(strings.Join(s.Args, " "), "--db=/data/notes.db") {
		t.Errorf("args %v lack the manifest's --db", s.Args)
	}
}

func TestMergeContainerOverridesPod(t *testing.T) {
	s := &serviceSpec{
		Pod: podSecurity{RunAsUser: ip(1000), RunAsGroup: ip(1000), RunAsNonRoot: bp(true),
			Seccomp: sp("RuntimeDefault"), SupplementalGroups: []int64{5}},
		Ctr: ctrSecurity{RunAsUser: ip(2000), Seccomp: sp("Unconfined"), RunAsNonRoot: bp(false)},
	}
	e, err := merge("x", s)
	if err != nil {
		t.Fatal(err)
	}
	if i64v(e.RunAsUser) != 2000 || i64v(e.RunAsGroup) != 1000 {
		t.Errorf("uid %d gid %d, want 2000 (container) and 1000 (pod)", *e.RunAsUser, *e.RunAsGroup)
	}
	if e.RunAsNonRoot {
		t.Error("container runAsNonRoot false must override the pod's true")
	}
	if e.Seccomp != runtime.SecurityProfile_RuntimeDefault || e.CtrSeccomp != runtime.SecurityProfile_Unconfined {
		t.Errorf("seccomp sandbox %v container %v", e.Seccomp, e.CtrSeccomp)
	}
	if !reflect.DeepEqual(e.SuppGroups, []int64{5}) {
		t.Errorf("supplemental groups %v", e.SuppGroups)
	}
}

func TestNoNewPrivsRules(t *testing.T) {
	cases := []struct {
		ape        *bool
		privileged bool
		want       bool
	}{
		{nil, false, false},      // unset: the kubelet leaves it off
		{bp(true), false, false}, // allowed
		{bp(false), false, true}, // the manifests
		{bp(false), true, false}, // privileged wins
	}
	for _, c := range cases {
		e, err := merge("x", &serviceSpec{Ctr: ctrSecurity{AllowPrivilegeEscalation: c.ape, Privileged: c.privileged}})
		if err != nil {
			t.Fatal(err)
		}
		if e.NoNewPrivs != c.want {
			t.Errorf("ape %v privileged %v: no_new_privs %v, want %v", c.ape, c.privileged, e.NoNewPrivs, c.want)
		}
	}
}

func TestMergeRefusesRootWithRunAsNonRoot(t *testing.T) {
	_, err := merge("x", &serviceSpec{Pod: podSecurity{RunAsNonRoot: bp(true), RunAsUser: ip(0)}})
	if err == nil || !strings.Contains(err.Error(), "runAsUser is 0") {
		t.Fatalf("got %v, want a refusal of uid 0", err)
	}
	_, err = merge("x", &serviceSpec{Pod: podSecurity{Seccomp: sp("Localhost")}})
	if err == nil || !strings.Contains(err.Error(), "Localhost") {
		t.Fatalf("got %v, want an unsupported seccomp profile error", err)
	}
}

func TestVerifyNonRoot(t *testing.T) {
	nonRoot := effective{RunAsNonRoot: true}
	cases := []struct {
		name  string
		e     effective
		uid   *int64
		user  string
		fails bool
	}{
		{"uid set: no check", effective{RunAsNonRoot: true, RunAsUser: ip(65532)}, ip(0), "", false},
		{"not asked", effective{}, ip(0), "", false},
		{"image uid 0", nonRoot, ip(0), "", true},
		{"image uid 65532", nonRoot, ip(65532), "", false},
		{"image user by name", nonRoot, nil, "nobody", true},
		{"image without user", nonRoot, nil, "", true},
	}
	for _, c := range cases {
		err := verifyNonRoot(c.e, c.uid, c.user)
		if (err != nil) != c.fails {
			t.Errorf("%s: err %v, want failure %v", c.name, err, c.fails)
		}
	}
}

func TestParseSpecErrors(t *testing.T) {
	if _, err := parseSpec([]byte(`{"services":{"a":{},"b":{}}}`), "f", "c"); err == nil ||
		!strings.Contains(err.Error(), "has: a, b") {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := parseSpec([]byte(`{`), "f", "a"); err == nil || !strings.Contains(err.Error(), "invalid spec f") {
		t.Errorf("bad JSON: %v", err)
	}
	if _, err := parseSpec([]byte(`{"services":{"a":{"mounts":[{"name":"../x","path":"/d"}]}}}`), "f", "a"); err == nil {
		t.Error("a mount name with a slash must be refused")
	}
	if _, err := loadSpec("/nonexistent/pods.json", "a"); err == nil || !strings.Contains(err.Error(), "cannot read spec") {
		t.Errorf("missing file: %v", err)
	}
}

func TestConfigsHostNetworkNoLimits(t *testing.T) {
	o := &podOptions{Name: "p", UID: "u", Namespace: "n", Image: "img", Handler: "runc",
		CgroupParent: "/cg", Sec: restricted(), Args: []string{"--a"},
		Env: []specEnv{{"K", "V"}}, ctrName: "app"}
	sb := sandboxConfig(o)
	ctr := containerConfig(o, "app")
	if sb.Linux.SecurityContext.NamespaceOptions.Network != runtime.NamespaceMode_NODE ||
		ctr.Linux.SecurityContext.NamespaceOptions.Network != runtime.NamespaceMode_NODE {
		t.Error("pods must use the host network (NamespaceMode NODE)")
	}
	if sb.Linux.Resources != nil || ctr.Linux.Resources != nil {
		t.Error("no CPU or memory limits may be applied")
	}
	if sb.Linux.CgroupParent != "/cg" || sb.Labels[labelPod] != "p" || ctr.Labels[labelPod] != "p" {
		t.Errorf("cgroup parent %q, labels %v %v", sb.Linux.CgroupParent, sb.Labels, ctr.Labels)
	}
	sc := ctr.Linux.SecurityContext
	if sc.RunAsUser.GetValue() != 65532 || sc.RunAsGroup.GetValue() != 65532 || !sc.ReadonlyRootfs ||
		!sc.NoNewPrivs || sc.Privileged || !reflect.DeepEqual(sc.Capabilities.GetDropCapabilities(), []string{"ALL"}) ||
		sc.Seccomp.GetProfileType() != runtime.SecurityProfile_RuntimeDefault {
		t.Errorf("container security context %+v is not the restricted one", sc)
	}
	if sb.Linux.SecurityContext.RunAsUser.GetValue() != 65532 ||
		sb.Linux.SecurityContext.Seccomp.GetProfileType() != runtime.SecurityProfile_RuntimeDefault {
		t.Errorf("sandbox security context %+v", sb.Linux.SecurityContext)
	}
	if !reflect.DeepEqual(ctr.Args, []string{"--a"}) || len(ctr.Command) != 0 || ctr.Envs[0].Key != "K" {
		t.Errorf("args %v command %v envs %v: args must go to Args (the image's ENTRYPOINT stays)", ctr.Args, ctr.Command, ctr.Envs)
	}
	if ctr.LogPath != "" {
		t.Errorf("no log dir: log path %q", ctr.LogPath)
	}
	o.Sec = imageDefined()
	ctr = containerConfig(o, "app")
	sc = ctr.Linux.SecurityContext
	if sc.RunAsUser != nil || sc.RunAsGroup != nil || sc.ReadonlyRootfs || sc.NoNewPrivs || sc.Capabilities != nil ||
		sc.Seccomp.GetProfileType() != runtime.SecurityProfile_Unconfined {
		t.Errorf("image mode must set nothing but seccomp Unconfined: %+v", sc)
	}
}

func TestBuildPodFromSpec(t *testing.T) {
	dir := t.TempDir()
	o := &runOptions{common: common{socket: "/s"}, image: "img", port: 41234, handler: "runc",
		specFile: specPath, service: "notes", volumeDir: dir, portEnv: "PORT", cgroupParent: "/cg"}
	p, ready, err := buildPod(o)
	if err != nil {
		t.Fatal(err)
	}
	if ready != "/readyz" || p.ctrName != "notes" {
		t.Errorf("ready %q container %q", ready, p.ctrName)
	}
	args := strings.Join(p.Args, " ")
	if !strings.Contains(args, "--port=41234") || strings.Contains(args, "${PORT}") || strings.Contains(args, "8080") {
		t.Errorf("args %q: the manifest's port must become the pod's", args)
	}
	for _, e := range p.Env {
		if e.Name == "PORT" {
			t.Error("a spec pod gets the manifest's env only, not PORT")
		}
	}
	if len(p.Mounts) != 2 || p.Mounts[0].HostPath != filepath.Join(dir, "data") || p.Mounts[0].ContainerPath != "/data" {
		t.Fatalf("mounts %+v", p.Mounts)
	}
	st, err := os.Stat(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSetgid == 0 || st.Mode().Perm() != 0o775 {
		t.Errorf("volume mode %v, want setgid 0775 (fsGroup)", st.Mode())
	}
	if os.Geteuid() == 0 && st.Sys().(*syscall.Stat_t).Gid != 65532 {
		t.Errorf("volume group %d, want the fsGroup 65532", st.Sys().(*syscall.Stat_t).Gid)
	}

	o.volumeDir = ""
	if _, _, err := buildPod(o); err == nil || !strings.Contains(err.Error(), "--volume-dir") {
		t.Errorf("notes without --volume-dir: %v", err)
	}
}

func TestBuildPodImageMode(t *testing.T) {
	o := &runOptions{common: common{socket: "/s"}, image: "img", port: 41234, handler: "crun",
		portEnv: "PORT", args: strList{"-x"}, env: strList{"A=b=c"}, mounts: strList{"/h:/c:ro"}}
	p, ready, err := buildPod(o)
	if err != nil {
		t.Fatal(err)
	}
	if ready != "/readyz" || p.Sec.Mode != "image" || deref(p.Sec.RunAsUser) != "nil" {
		t.Errorf("ready %q sec %+v", ready, p.Sec)
	}
	if !reflect.DeepEqual(p.Env, []specEnv{{"PORT", "41234"}, {"A", "b=c"}}) {
		t.Errorf("env %v", p.Env)
	}
	if len(p.Mounts) != 1 || !p.Mounts[0].Readonly || p.Mounts[0].HostPath != "/h" {
		t.Errorf("mounts %+v", p.Mounts)
	}
	o.security = "restricted"
	if p, _, err = buildPod(o); err != nil || p.Sec.Mode != "restricted" {
		t.Errorf("restricted: %v %+v", err, p)
	}
}

func TestDescribe(t *testing.T) {
	got := restricted().describe()
	want := "restricted,uid=65532,gid=65532,nonroot,ro-root,no-new-privs,drop=ALL,seccomp=RuntimeDefault"
	if got != want {
		t.Errorf("describe %q, want %q", got, want)
	}
	if got := imageDefined().describe(); got != "image,seccomp=Unconfined" {
		t.Errorf("describe %q", got)
	}
	e, err := merge("notes", mustSpec(t, "notes"))
	if err != nil {
		t.Fatal(err)
	}
	if d := e.describe(); strings.ContainsAny(d, " \t") || !strings.Contains(d, "groups=65532") {
		t.Errorf("describe %q: one blank-free value with the fsGroup", d)
	}
}
