// podbench: pod samples through the Kubernetes Container Runtime Interface
// (k8s.io/cri-api runtime v1, gRPC), against a containerd's CRI plugin.
// It makes the kubelet's calls, in the kubelet's order; it never shells out
// to `ctr run` and never fakes the API. Full text: docs/pods.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

const usageText = `usage: podbench COMMAND [OPTIONS]

Pod samples through the Kubernetes CRI (runtime v1) of a containerd.
Every command takes --socket PATH (or $PODBENCH_SOCKET) and --timeout D.

  version   print the runtime's name, version and CRI API version
  pull      PullImage one image (e.g. the sandbox image); prints one line
  run       one pod sample: RunPodSandbox, PodSandboxStatus, ImageStatus,
            PullImage (if needed), CreateContainer, StartContainer, then a
            readiness probe on http://127.0.0.1:PORT/PATH every 1 ms, each
            attempt (connect + answer) bounded to 20 ms. Prints ONE line of
            key=value pairs (see below)
  rm        stop and remove pods (containers first, then the sandbox)
  rmi       remove images and verify that no content blob of them is left
  inspect   what runs: sandbox, container, user, mounts, timestamps,
            security context, from the CRI and the container's /proc

run options:
  --image REF            image to run (required)
  --port N               port the pod listens on, on the host network
                         (required); passed as ${PORT} to a spec's args, or
                         as env PORT=N in image mode (see --port-env)
  --runtime NAME         CRI runtime handler: runc (default) or crun
  --ready-path PATH      readiness path (default /readyz, or the spec's)
  --spec FILE --service NAME
                         the security context, args, env and volumes of
                         deploy/k8s/NAME.yaml, from benchmarks/cri/pods.json
  --security MODE        without --spec: "image" (default; as the image
                         defines) or "restricted" (uid/gid 65532,
                         runAsNonRoot, read-only root, no privilege
                         escalation, drop ALL, RuntimeDefault seccomp)
  --volume-dir DIR       host directory for a spec's volumes (DIR/NAME,
                         created; with fsGroup, group-owned and setgid as
                         the kubelet does); required when the spec has any
  --arg A                container argument (repeatable; not with --spec)
  --env K=V              extra environment variable (repeatable)
  --port-env NAME        image mode: env name for the port (default PORT;
                         "" for none)
  --mount HOST:CTR[:ro]  bind a host directory (repeatable)
  --pull POLICY          if-not-present (default; the manifests'
                         imagePullPolicy), always, or never
  --name NAME            pod name (default podbench-<pid>-<time>)
  --log-dir DIR          container logs (DIR/<name>/0.log; default none)
  --cgroup-parent P      default /slimline-pods-<12 hex of sha256(socket
                         path)>, as containerd.sh cgroup DIR prints
  --interval D           probe interval (default 1ms)
  --attempt-timeout D    bound of one probe attempt (default 20ms)
  --until STAGE          end the sample after sandbox, pulled, created,
                         started or ready (default); later timers read
                         "-" (e.g. --until pulled for an image without a
                         process, like the empty image); --port is only
                         required for ready
  --rm                   remove the pod after the sample
  --keep                 on failure, keep what was created (for debugging)

run output (one line, space-separated key=value, times in ms from the
RunPodSandbox call, cumulative):
  runtime image pod sandbox_id container_id port security pull
  sandbox_ms pulled_ms created_ms started_ms ready_ms probe_attempts
  t0_ns create_return_ns start_return_ns ready_ns   (client wall clock)
  cri_created_ns cri_started_ns                     (ContainerStatus)
  cri_started_ms   ((cri_started_ns - t0_ns) / 1e6)
  image_id image_bytes                              (ImageStatus; -1 unknown)
  A value that does not apply reads "-" (a stage not run with --until, no
  container yet); cri_*_ns read 0 and cri_started_ms -1 when the runtime
  did not report them. image_bytes is the image's size on the wire
  (manifest, config, layers) as containerd records it: with pull=pulled
  and no other image sharing its layers, the bytes this pull fetched.

rm:      --name NAME | --id SANDBOX_ID | --all   [--grace SECONDS]
rmi:     --image REF (repeatable) | --all (every image but the sandbox
         image, which stays pinned)   [--ctr PATH] [--namespace k8s.io]
         verifies with ctr (content store, snapshots) that nothing is left
inspect: --name NAME | --id SANDBOX_ID   [--json]

exit status: 0 ok, 1 failure (stderr names the failing call), 2 usage
`

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...interface{}) error {
	return usageError{fmt.Sprintf(format, a...)}
}

// callError names the CRI call that failed.
func callError(call string, err error) error {
	return fmt.Errorf("%s: %v", call, err)
}

type strList []string

func (s *strList) String() string     { return strings.Join(*s, ",") }
func (s *strList) Set(v string) error { *s = append(*s, v); return nil }

// common options of every command.
type common struct {
	socket  string
	timeout time.Duration
}

func (c *common) register(fs *flag.FlagSet, defTimeout time.Duration) {
	fs.StringVar(&c.socket, "socket", os.Getenv("PODBENCH_SOCKET"), "CRI socket")
	fs.DurationVar(&c.timeout, "timeout", defTimeout, "overall deadline")
}

func (c *common) check() error {
	if c.socket == "" {
		return usagef("--socket PATH (or PODBENCH_SOCKET) is required")
	}
	if c.timeout <= 0 {
		return usagef("--timeout must be positive")
	}
	return nil
}

// client is a connection to one CRI endpoint.
type client struct {
	conn *grpc.ClientConn
	rt   runtime.RuntimeServiceClient
	img  runtime.ImageServiceClient
	sock string
}

func dial(ctx context.Context, sock string) (*client, error) {
	// "unix://" + a relative path would read its first element as a host.
	if abs, err := filepath.Abs(sock); err == nil {
		sock = abs
	}
	if st, err := os.Stat(sock); err != nil {
		return nil, fmt.Errorf("cannot reach the CRI at %s: %v", sock, err)
	} else if st.Mode()&os.ModeSocket == 0 {
		return nil, fmt.Errorf("cannot reach the CRI at %s: not a socket", sock)
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(dctx, "unix://"+sock, grpc.WithInsecure(), grpc.WithBlock(),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		return nil, fmt.Errorf("cannot connect to the CRI at %s: %v", sock, err)
	}
	return &client{conn: conn, rt: runtime.NewRuntimeServiceClient(conn),
		img: runtime.NewImageServiceClient(conn), sock: sock}, nil
}

func (c *client) close() { c.conn.Close() }

// connect opens the CRI at --socket under the --timeout deadline. The
// caller defers done(), which closes the connection and ends the context.
func (c *common) connect() (ctx context.Context, cl *client, done func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	cl, err = dial(ctx, c.socket)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, cl, func() { cl.close(); cancel() }, nil
}

// signalContext ends ctx on SIGINT/SIGTERM, so `run` can clean up.
func signalContext(parent context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			fmt.Fprintf(os.Stderr, "podbench: %v: stopping\n", s)
			cancel()
		case <-ctx.Done():
		}
		signal.Stop(ch)
	}()
	return ctx, cancel
}

func main() {
	os.Exit(mainArgs(os.Args[1:], os.Stdout, os.Stderr))
}

func mainArgs(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	cmds := map[string]func([]string, io.Writer) error{
		"version": cmdVersion, "pull": cmdPull, "run": cmdRun,
		"rm": cmdRm, "rmi": cmdRmi, "inspect": cmdInspect,
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usageText)
		return exitOK
	}
	fn, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "podbench: unknown command %q\n%s", args[0], usageText)
		return exitUsage
	}
	err := fn(args[1:], stdout)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usageText)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "podbench %s: %s (podbench --help)\n", args[0], ue.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "podbench %s: %v\n", args[0], err)
		return exitFailure
	}
}

// newFlags: a flag set whose parse errors are usage errors.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func cmdVersion(args []string, out io.Writer) error {
	var c common
	fs := newFlags("version")
	c.register(fs, 10*time.Second)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	ctx, cl, done, err := c.connect()
	if err != nil {
		return err
	}
	defer done()
	v, err := cl.rt.Version(ctx, &runtime.VersionRequest{Version: "v1"})
	if err != nil {
		return callError("Version", err)
	}
	fmt.Fprintf(out, "%s %s %s\n", v.RuntimeName, v.RuntimeVersion, v.RuntimeApiVersion)
	return nil
}

func cmdPull(args []string, out io.Writer) error {
	var c common
	var image string
	fs := newFlags("pull")
	c.register(fs, 5*time.Minute)
	fs.StringVar(&image, "image", "", "image reference")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if image == "" {
		return usagef("--image REF is required")
	}
	ctx, cancel := signalContext(context.Background(), c.timeout)
	defer cancel()
	cl, err := dial(ctx, c.socket)
	if err != nil {
		return err
	}
	defer cl.close()
	t0 := time.Now()
	r, err := cl.img.PullImage(ctx, &runtime.PullImageRequest{Image: &runtime.ImageSpec{Image: image}})
	if err != nil {
		return callError("PullImage "+image, err)
	}
	ms := msSince(t0, time.Now())
	bytes := int64(-1)
	if st, err := cl.img.ImageStatus(ctx, &runtime.ImageStatusRequest{Image: &runtime.ImageSpec{Image: image}}); err == nil && st.Image != nil {
		bytes = int64(st.Image.Size_)
	}
	fmt.Fprintf(out, "image=%s image_id=%s pull_ms=%.3f image_bytes=%d\n", image, r.ImageRef, ms, bytes)
	return nil
}

func msSince(a, b time.Time) float64 {
	return float64(b.Sub(a).Nanoseconds()) / 1e6
}
