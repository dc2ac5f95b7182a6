package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseRunUsageErrors(t *testing.T) {
	base := []string{"--socket", "/s", "--image", "i", "--port", "1"}
	cases := map[string][]string{
		"--image REF is required":       {"--socket", "/s", "--port", "1"},
		"--port N":                      {"--socket", "/s", "--image", "i"},
		"--socket PATH":                 {"--image", "i", "--port", "1"},
		"go together":                   append(base, "--spec", "f"),
		"conflicts with --spec":         append(base, "--spec", "f", "--service", "s", "--security", "image"),
		"--arg conflicts":               append(base, "--spec", "f", "--service", "s", "--arg", "x"),
		"image or restricted":           append(base, "--security", "root"),
		"if-not-present, always":        append(base, "--pull", "sometimes"),
		"expected NAME=VALUE":           append(base, "--env", "=x"),
		"--ready-path must start":       append(base, "--ready-path", "readyz"),
		"exclude each other":            append(base, "--rm", "--keep"),
		"must be positive":              append(base, "--interval", "0s"),
		"--cgroup-parent must start":    append(base, "--cgroup-parent", "x"),
		"flag provided but not defined": append(base, "--nope"),
		"unexpected argument":           append(base, "extra"),
		"--until must be":               append(base, "--until", "halfway"),
	}
	for want, args := range cases {
		_, err := parseRun(args)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
			t.Errorf("%v: %v, want a usage error with %q", args, err, want)
		}
	}
	if o, err := parseRun([]string{"--socket", "/s", "--image", "i", "--until", "pulled"}); err != nil || o.until != stagePulled {
		t.Errorf("--until pulled needs no port: %v", err)
	}
	o, err := parseRun(base)
	if err != nil {
		t.Fatal(err)
	}
	if o.handler != "runc" || o.pull != "if-not-present" || o.interval != time.Millisecond ||
		o.attemptTimeout != 20*time.Millisecond || o.cgroupParent != defaultCgroupParent("/s") {
		t.Errorf("defaults %+v", o)
	}
}

func TestParseMount(t *testing.T) {
	if m, err := parseMount("/a:/b"); err != nil || m.HostPath != "/a" || m.ContainerPath != "/b" || m.Readonly {
		t.Errorf("%+v %v", m, err)
	}
	if m, err := parseMount("/a:/b:ro"); err != nil || !m.Readonly {
		t.Errorf("%+v %v", m, err)
	}
	for _, bad := range []string{"/a", "a:/b", "/a:b", "/a:/b:x", "/a:/b:ro:z"} {
		if _, err := parseMount(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// containerd.sh computes the same parent in shell (sha256sum); this
// fixture was printed by `containerd.sh cgroup /tmp/cri-dev/ctd`.
func TestDefaultCgroupParentMatchesTheScript(t *testing.T) {
	if got := defaultCgroupParent("/tmp/cri-dev/ctd/containerd.sock"); got != "/slimline-pods-0dfb466e987a" {
		t.Errorf("got %q", got)
	}
}

func TestSampleLine(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	at := func(ms float64) time.Time { return t0.Add(time.Duration(ms * float64(time.Millisecond))) }
	s := &sample{Runtime: "crun", Image: "127.0.0.1:5000/slimline/hello:scratch", Pod: "my pod",
		SandboxID: "sb", ContainerID: "", Security: "image,seccomp=Unconfined", Pull: "pulled", Port: 4000,
		T0: t0, Sandbox: at(60), Pulled: at(70.5), Created: at(80), Started: at(130.25), Ready: at(131),
		Attempts: 2, CriCreatedNs: at(79).UnixNano(), CriStartedNs: at(129.5).UnixNano(),
		ImageID: "sha256:x", ImageBytes: 75973}
	line := s.line()
	f := map[string]string{}
	var keys []string
	for _, kv := range strings.Split(line, " ") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("field %q is not key=value in %q", kv, line)
		}
		f[k] = v
		keys = append(keys, k)
	}
	want := map[string]string{
		"runtime": "crun", "pod": "my_pod", "container_id": "-", "pull": "pulled",
		"sandbox_ms": "60.000", "pulled_ms": "70.500", "created_ms": "80.000",
		"started_ms": "130.250", "ready_ms": "131.000", "probe_attempts": "2",
		"cri_started_ms": "129.500", "image_bytes": "75973", "port": "4000",
		"security": "image,seccomp=Unconfined",
		"t0_ns":    "1700000000000000000", "start_return_ns": "1700000000130250000",
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("%s=%q, want %q", k, f[k], v)
		}
	}
	if keys[0] != "runtime" || keys[len(keys)-1] != "image_bytes" || len(keys) != 23 {
		t.Errorf("keys %v", keys)
	}
	s.CriStartedNs = 0
	if !strings.Contains(s.line(), " cri_started_ms=-1 ") {
		t.Error("unknown CRI start time must read -1")
	}
	// --until pulled: later stages were not run.
	s.Created, s.Started, s.Ready = time.Time{}, time.Time{}, time.Time{}
	l := s.line()
	for _, kv := range []string{" created_ms=- ", " started_ms=- ", " ready_ms=- ", " start_return_ns=- ", " ready_ns=- ", " pulled_ms=70.500 "} {
		if !strings.Contains(l, kv) {
			t.Errorf("%q lacks %q", l, kv)
		}
	}
}

func TestVolumeDirWithoutFSGroup(t *testing.T) {
	d := filepath.Join(t.TempDir(), "v")
	if err := volumeDir(d, nil); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(d)
	if err != nil || !st.IsDir() || st.Mode()&os.ModeSetgid != 0 {
		t.Errorf("%v %v", st.Mode(), err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if err := volumeDir(filepath.Join(f, "x"), nil); err == nil || !strings.Contains(err.Error(), "cannot create volume directory") {
		t.Errorf("%v", err)
	}
}

func TestMainExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{nil, exitUsage, "usage: podbench"},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"--help"}, exitOK, ""},
		{[]string{"run", "--help"}, exitOK, ""},
		{[]string{"run"}, exitUsage, "--socket PATH"},
		{[]string{"rm", "--socket", "/s"}, exitUsage, "one of --name"},
		{[]string{"rmi", "--socket", "/s"}, exitUsage, "--image REF"},
		{[]string{"inspect", "--socket", "/s", "--all"}, exitUsage, "not defined"},
		{[]string{"version", "--socket", "/nonexistent.sock"}, exitFailure, "cannot reach the CRI at /nonexistent.sock"},
		{[]string{"version", "--socket", "/dev/null"}, exitFailure, "not a socket"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := mainArgs(c.args, &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.err) {
			t.Errorf("%v: exit %d stderr %q, want %d with %q", c.args, code, errb.String(), c.code, c.err)
		}
	}
}
