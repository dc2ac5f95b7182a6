package main

// run.go: one pod sample, the kubelet's calls in the kubelet's order
// (kuberuntime_manager.go SyncPod): RunPodSandbox, PodSandboxStatus, then
// for the container ImageStatus, PullImage when needed, CreateContainer,
// StartContainer; then the readiness probe.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// stage: how far one sample goes; the timers of later stages read "-".
type stage int

const (
	stageSandbox stage = iota + 1
	stagePulled
	stageCreated
	stageStarted
	stageReady
)

var stageNames = map[string]stage{"sandbox": stageSandbox, "pulled": stagePulled,
	"created": stageCreated, "started": stageStarted, "ready": stageReady}

type runOptions struct {
	common
	image, handler, readyPath, specFile, service, security string
	volumeDir, portEnv, pull, name, logDir, cgroupParent   string
	until                                                  stage
	port                                                   int
	args, env, mounts                                      strList
	interval, attemptTimeout                               time.Duration
	rm, keep                                               bool
}

func parseRun(args []string) (*runOptions, error) {
	o := &runOptions{}
	fs := newFlags("run")
	o.register(fs, 10*time.Minute)
	fs.StringVar(&o.image, "image", "", "")
	fs.IntVar(&o.port, "port", 0, "")
	fs.StringVar(&o.handler, "runtime", "runc", "")
	fs.StringVar(&o.readyPath, "ready-path", "", "")
	fs.StringVar(&o.specFile, "spec", "", "")
	fs.StringVar(&o.service, "service", "", "")
	fs.StringVar(&o.security, "security", "", "")
	fs.StringVar(&o.volumeDir, "volume-dir", "", "")
	fs.Var(&o.args, "arg", "")
	fs.Var(&o.env, "env", "")
	fs.StringVar(&o.portEnv, "port-env", "PORT", "")
	fs.Var(&o.mounts, "mount", "")
	fs.StringVar(&o.pull, "pull", "if-not-present", "")
	fs.StringVar(&o.name, "name", "", "")
	fs.StringVar(&o.logDir, "log-dir", "", "")
	fs.StringVar(&o.cgroupParent, "cgroup-parent", "", "")
	fs.DurationVar(&o.interval, "interval", time.Millisecond, "")
	fs.DurationVar(&o.attemptTimeout, "attempt-timeout", 20*time.Millisecond, "")
	fs.BoolVar(&o.rm, "rm", false, "")
	fs.BoolVar(&o.keep, "keep", false, "")
	until := fs.String("until", "ready", "")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	var ok bool
	if o.until, ok = stageNames[*until]; !ok {
		return nil, usagef("--until must be sandbox, pulled, created, started or ready, not %q", *until)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	switch {
	case o.image == "":
		return nil, usagef("--image REF is required")
	case o.port < 0 || o.port > 65535 || (o.port == 0 && o.until == stageReady):
		return nil, usagef("--port N (1-65535) is required: the pod listens on the host network")
	case o.handler == "":
		return nil, usagef("--runtime must name a runtime handler (runc, crun)")
	case (o.specFile == "") != (o.service == ""):
		return nil, usagef("--spec FILE and --service NAME go together")
	case o.specFile != "" && o.security != "":
		return nil, usagef("--security conflicts with --spec (the spec sets the security context)")
	case o.specFile != "" && len(o.args) > 0:
		return nil, usagef("--arg conflicts with --spec (the spec sets the args)")
	case o.security != "" && o.security != "image" && o.security != "restricted":
		return nil, usagef("--security must be image or restricted, not %q", o.security)
	case o.pull != "if-not-present" && o.pull != "always" && o.pull != "never":
		return nil, usagef("--pull must be if-not-present, always or never, not %q", o.pull)
	case o.interval <= 0 || o.attemptTimeout <= 0:
		return nil, usagef("--interval and --attempt-timeout must be positive")
	case o.rm && o.keep:
		return nil, usagef("--rm and --keep exclude each other")
	}
	if o.cgroupParent == "" {
		o.cgroupParent = defaultCgroupParent(o.socket)
	}
	if !strings.HasPrefix(o.cgroupParent, "/") {
		return nil, usagef("--cgroup-parent must start with /")
	}
	if o.readyPath != "" && !strings.HasPrefix(o.readyPath, "/") {
		return nil, usagef("--ready-path must start with /")
	}
	for _, e := range o.env {
		if i := strings.IndexByte(e, '='); i < 1 {
			return nil, usagef("--env %q: expected NAME=VALUE", e)
		}
	}
	return o, nil
}

// defaultCgroupParent: one cgroup parent per containerd (per socket path),
// "/slimline-pods-" plus the first 12 hex digits of the sha256 of the
// socket path, so `containerd.sh stop` can remove what a failed create
// left there without touching another instance's pods.
func defaultCgroupParent(socket string) string {
	sum := sha256.Sum256([]byte(socket))
	return "/slimline-pods-" + hex.EncodeToString(sum[:])[:12]
}

// parseMount: HOST:CTR[:ro], both absolute.
func parseMount(s string) (*runtime.Mount, error) {
	f := strings.Split(s, ":")
	if len(f) < 2 || len(f) > 3 || (len(f) == 3 && f[2] != "ro" && f[2] != "rw") {
		return nil, usagef("--mount %q: expected HOST:CTR[:ro]", s)
	}
	if !filepath.IsAbs(f[0]) || !filepath.IsAbs(f[1]) {
		return nil, usagef("--mount %q: both paths must be absolute", s)
	}
	return &runtime.Mount{HostPath: f[0], ContainerPath: f[1], Readonly: len(f) == 3 && f[2] == "ro"}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 16)
	}
	return hex.EncodeToString(b)
}

// buildPod turns the options into the pod's inputs (spec, security, args,
// env, mounts), creating a spec's volume directories.
func buildPod(o *runOptions) (*podOptions, string, error) {
	p := &podOptions{
		Name: o.name, UID: randomHex(16), Namespace: "slimline-bench",
		Image: o.image, Handler: o.handler, CgroupParent: o.cgroupParent,
		LogDir: o.logDir, Port: o.port,
	}
	if p.Name == "" {
		p.Name = fmt.Sprintf("podbench-%d-%d", os.Getpid(), time.Now().UnixNano())
	}
	if p.LogDir != "" {
		if !filepath.IsAbs(p.LogDir) {
			return nil, "", usagef("--log-dir must be absolute")
		}
		p.LogDir = filepath.Join(p.LogDir, p.Name)
	}
	ready := "/readyz"
	ctrName := "app"
	switch {
	case o.specFile != "":
		s, err := loadSpec(o.specFile, o.service)
		if err != nil {
			return nil, "", err
		}
		if p.Sec, err = merge(o.service, s); err != nil {
			return nil, "", fmt.Errorf("spec %s, service %s: %v", o.specFile, o.service, err)
		}
		for _, a := range s.Args {
			p.Args = append(p.Args, expand(a, o.port))
		}
		for _, e := range s.Env {
			p.Env = append(p.Env, specEnv{e.Name, expand(e.Value, o.port)})
		}
		if len(s.Mounts) > 0 {
			if o.volumeDir == "" || !filepath.IsAbs(o.volumeDir) {
				return nil, "", usagef("service %s mounts volumes: --volume-dir DIR (absolute) is required", o.service)
			}
			for _, m := range s.Mounts {
				host := filepath.Join(o.volumeDir, m.Name)
				if err := volumeDir(host, p.Sec.FSGroup); err != nil {
					return nil, "", err
				}
				p.Mounts = append(p.Mounts, &runtime.Mount{HostPath: host, ContainerPath: m.Path, Readonly: m.ReadOnly})
			}
		}
		if s.ReadinessPath != "" {
			ready = s.ReadinessPath
		}
		ctrName = s.Container
	case o.security == "restricted":
		p.Sec = restricted()
	default:
		p.Sec = imageDefined()
	}
	if o.specFile == "" {
		p.Args = append(p.Args, o.args...)
		if o.portEnv != "" {
			p.Env = append(p.Env, specEnv{o.portEnv, strconv.Itoa(o.port)})
		}
	}
	for _, e := range o.env {
		i := strings.IndexByte(e, '=')
		p.Env = append(p.Env, specEnv{e[:i], e[i+1:]})
	}
	for _, s := range o.mounts {
		m, err := parseMount(s)
		if err != nil {
			return nil, "", err
		}
		p.Mounts = append(p.Mounts, m)
	}
	if o.readyPath != "" {
		ready = o.readyPath
	}
	p.ctrName = ctrName
	return p, ready, nil
}

// volumeDir creates a pod volume's host directory; with an fsGroup it is
// group-owned by it, group-writable and setgid, as the kubelet makes an
// emptyDir or a volume with fsGroup.
func volumeDir(path string, fsGroup *int64) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("cannot create volume directory %s: %v", path, err)
	}
	if fsGroup == nil {
		return nil
	}
	if err := os.Chown(path, -1, int(*fsGroup)); err != nil {
		return fmt.Errorf("cannot give volume directory %s to group %d: %v", path, *fsGroup, err)
	}
	if err := os.Chmod(path, 0o775|os.ModeSetgid); err != nil {
		return fmt.Errorf("cannot chmod volume directory %s: %v", path, err)
	}
	return nil
}

// sample is what one pod start measured.
type sample struct {
	Runtime, Image, Pod, SandboxID, ContainerID, Security, Pull string
	Port                                                        int
	T0, Sandbox, Pulled, Created, Started, Ready                time.Time
	Attempts                                                    int
	CriCreatedNs, CriStartedNs                                  int64
	ImageID                                                     string
	ImageBytes                                                  int64
}

// line formats the sample: one line of key=value pairs, ms from T0.
func (s *sample) line() string {
	ms := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return strconv.FormatFloat(msSince(s.T0, t), 'f', 3, 64)
	}
	ns := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return strconv.FormatInt(t.UnixNano(), 10)
	}
	criStartedMs := "-1"
	if s.CriStartedNs > 0 {
		criStartedMs = strconv.FormatFloat(float64(s.CriStartedNs-s.T0.UnixNano())/1e6, 'f', 3, 64)
	}
	kv := [][2]string{
		{"runtime", s.Runtime}, {"image", s.Image}, {"pod", s.Pod},
		{"sandbox_id", s.SandboxID}, {"container_id", s.ContainerID},
		{"port", strconv.Itoa(s.Port)}, {"security", s.Security}, {"pull", s.Pull},
		{"sandbox_ms", ms(s.Sandbox)}, {"pulled_ms", ms(s.Pulled)},
		{"created_ms", ms(s.Created)}, {"started_ms", ms(s.Started)},
		{"ready_ms", ms(s.Ready)}, {"probe_attempts", strconv.Itoa(s.Attempts)},
		{"t0_ns", strconv.FormatInt(s.T0.UnixNano(), 10)},
		{"create_return_ns", ns(s.Created)},
		{"start_return_ns", ns(s.Started)},
		{"ready_ns", ns(s.Ready)},
		{"cri_created_ns", strconv.FormatInt(s.CriCreatedNs, 10)},
		{"cri_started_ns", strconv.FormatInt(s.CriStartedNs, 10)},
		{"cri_started_ms", criStartedMs},
		{"image_id", s.ImageID}, {"image_bytes", strconv.FormatInt(s.ImageBytes, 10)},
	}
	var b strings.Builder
	for i, p := range kv {
		if i > 0 {
			b.WriteByte(' ')
		}
		v := p[1]
		if v == "" {
			v = "-"
		}
		// Values never hold spaces; an image reference cannot, a name
		// given by the caller could.
		b.WriteString(p[0] + "=" + strings.ReplaceAll(v, " ", "_"))
	}
	return b.String()
}

func cmdRun(args []string, out io.Writer) error {
	o, err := parseRun(args)
	if err != nil {
		return err
	}
	p, readyPath, err := buildPod(o)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext(context.Background(), o.timeout)
	defer cancel()
	cl, err := dial(ctx, o.socket)
	if err != nil {
		return err
	}
	defer cl.close()

	s := &sample{Runtime: p.Handler, Image: p.Image, Pod: p.Name, Port: p.Port,
		Security: p.Sec.describe(), ImageBytes: -1}
	runErr := runPod(ctx, cl, o, p, readyPath, s)
	if runErr != nil || o.rm {
		if s.SandboxID != "" && (!o.keep || runErr == nil) {
			// A fresh context: ctx may be what ended (timeout, signal).
			cctx, ccancel := context.WithTimeout(context.Background(), time.Minute)
			_, err := removePod(cctx, cl, s.SandboxID, 2)
			ccancel()
			if err != nil && runErr == nil {
				return err
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "podbench run: cleanup of sandbox %s failed: %v\n", s.SandboxID, err)
			}
		} else if s.SandboxID != "" {
			fmt.Fprintf(os.Stderr, "podbench run: kept sandbox %s (--keep)\n", s.SandboxID)
		}
	}
	if runErr != nil {
		return runErr
	}
	fmt.Fprintln(out, s.line())
	return nil
}

func runPod(ctx context.Context, cl *client, o *runOptions, p *podOptions, readyPath string, s *sample) error {
	sbCfg := sandboxConfig(p)
	ctrCfg := containerConfig(p, p.ctrName)
	imgSpec := &runtime.ImageSpec{Image: p.Image}

	// --- the timed part: nothing but the kubelet's calls -----------------
	s.T0 = time.Now()
	sb, err := cl.rt.RunPodSandbox(ctx, &runtime.RunPodSandboxRequest{Config: sbCfg, RuntimeHandler: p.Handler})
	if err != nil {
		return callError("RunPodSandbox (runtime "+p.Handler+")", err)
	}
	s.SandboxID = sb.PodSandboxId
	st, err := cl.rt.PodSandboxStatus(ctx, &runtime.PodSandboxStatusRequest{PodSandboxId: sb.PodSandboxId})
	if err != nil {
		return callError("PodSandboxStatus", err)
	}
	if st.Status == nil || st.Status.State != runtime.PodSandboxState_SANDBOX_READY {
		return callError("PodSandboxStatus", fmt.Errorf("sandbox %s is not ready", sb.PodSandboxId))
	}
	s.Sandbox = time.Now()
	if o.until == stageSandbox {
		return nil
	}

	s.Pull = "present"
	var img *runtime.Image
	if o.pull != "always" {
		is, err := cl.img.ImageStatus(ctx, &runtime.ImageStatusRequest{Image: imgSpec})
		if err != nil {
			return callError("ImageStatus "+p.Image, err)
		}
		img = is.Image
	}
	if img == nil {
		if o.pull == "never" {
			return callError("ImageStatus "+p.Image, fmt.Errorf("image not present and --pull never"))
		}
		if _, err := cl.img.PullImage(ctx, &runtime.PullImageRequest{Image: imgSpec, SandboxConfig: sbCfg}); err != nil {
			return callError("PullImage "+p.Image, err)
		}
		s.Pull = "pulled"
	}
	s.Pulled = time.Now()
	if o.until == stagePulled {
		return fillImage(ctx, cl, imgSpec, s)
	}
	if img != nil {
		// The kubelet's runAsNonRoot check uses the image's user; a pull
		// needs one more ImageStatus, which is only made when the check
		// needs it (never with runAsUser set, as in every manifest).
		if err := verifyNonRoot(p.Sec, imageUID(img), img.Username); err != nil {
			return callError("CreateContainer (kubelet check)", err)
		}
	} else if p.Sec.RunAsNonRoot && p.Sec.RunAsUser == nil {
		is, err := cl.img.ImageStatus(ctx, &runtime.ImageStatusRequest{Image: imgSpec})
		if err != nil || is.Image == nil {
			return callError("ImageStatus "+p.Image, fmt.Errorf("image missing after PullImage: %v", err))
		}
		if err := verifyNonRoot(p.Sec, imageUID(is.Image), is.Image.Username); err != nil {
			return callError("CreateContainer (kubelet check)", err)
		}
	}

	cr, err := cl.rt.CreateContainer(ctx, &runtime.CreateContainerRequest{
		PodSandboxId: sb.PodSandboxId, Config: ctrCfg, SandboxConfig: sbCfg})
	if err != nil {
		return callError("CreateContainer", err)
	}
	s.ContainerID = cr.ContainerId
	s.Created = time.Now()
	if o.until == stageCreated {
		return afterTimed(ctx, cl, imgSpec, s)
	}
	if _, err := cl.rt.StartContainer(ctx, &runtime.StartContainerRequest{ContainerId: cr.ContainerId}); err != nil {
		return callError("StartContainer", err)
	}
	s.Started = time.Now()
	if o.until == stageStarted {
		return afterTimed(ctx, cl, imgSpec, s)
	}

	addr := "127.0.0.1:" + strconv.Itoa(p.Port)
	alive := func(ctx context.Context) error {
		cs, err := cl.rt.ContainerStatus(ctx, &runtime.ContainerStatusRequest{ContainerId: cr.ContainerId})
		if err != nil {
			return callError("ContainerStatus", err)
		}
		if cs.Status != nil && cs.Status.State != runtime.ContainerState_CONTAINER_RUNNING {
			return fmt.Errorf("%v: state %s, exit code %d, reason %q, %s",
				errNotRunning, cs.Status.State, cs.Status.ExitCode, cs.Status.Reason, strings.TrimSpace(cs.Status.Message))
		}
		return nil
	}
	pr, err := probeUntilReady(ctx, addr, readyPath, o.interval, o.attemptTimeout, alive, 500*time.Millisecond)
	s.Attempts = pr.Attempts
	if err != nil {
		return fmt.Errorf("readiness probe: %v", err)
	}
	s.Ready = pr.Ready
	// --- end of the timed part -------------------------------------------
	return afterTimed(ctx, cl, imgSpec, s)
}

// afterTimed: the runtime's own timestamps of the container, then the
// image facts; outside the timers.
func afterTimed(ctx context.Context, cl *client, imgSpec *runtime.ImageSpec, s *sample) error {
	cs, err := cl.rt.ContainerStatus(ctx, &runtime.ContainerStatusRequest{ContainerId: s.ContainerID})
	if err != nil {
		return callError("ContainerStatus", err)
	}
	s.CriCreatedNs, s.CriStartedNs = cs.Status.CreatedAt, cs.Status.StartedAt
	return fillImage(ctx, cl, imgSpec, s)
}

func fillImage(ctx context.Context, cl *client, imgSpec *runtime.ImageSpec, s *sample) error {
	if is, err := cl.img.ImageStatus(ctx, &runtime.ImageStatusRequest{Image: imgSpec}); err == nil && is.Image != nil {
		s.ImageID, s.ImageBytes = is.Image.Id, int64(is.Image.Size_)
	}
	return nil
}

func imageUID(img *runtime.Image) *int64 {
	if img.Uid == nil {
		return nil
	}
	return i64(img.Uid.Value)
}
