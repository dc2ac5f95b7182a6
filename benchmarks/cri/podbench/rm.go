package main

// rm.go: stop and remove pods as the kubelet does: each container is
// stopped (SIGTERM, then SIGKILL after the grace), removed, then the
// sandbox is stopped and removed.

import (
	"context"
	"fmt"
	"io"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func notFound(err error) bool { return status.Code(err) == codes.NotFound }

// removePod removes one sandbox and its containers; returns how many
// containers it removed.
func removePod(ctx context.Context, cl *client, id string, grace int64) (int, error) {
	lc, err := cl.rt.ListContainers(ctx, &runtime.ListContainersRequest{
		Filter: &runtime.ContainerFilter{PodSandboxId: id}})
	if err != nil {
		return 0, callError("ListContainers", err)
	}
	n := 0
	for _, c := range lc.Containers {
		if _, err := cl.rt.StopContainer(ctx, &runtime.StopContainerRequest{ContainerId: c.Id, Timeout: grace}); err != nil && !notFound(err) {
			return n, callError("StopContainer "+c.Id, err)
		}
		if _, err := cl.rt.RemoveContainer(ctx, &runtime.RemoveContainerRequest{ContainerId: c.Id}); err != nil && !notFound(err) {
			return n, callError("RemoveContainer "+c.Id, err)
		}
		n++
	}
	if _, err := cl.rt.StopPodSandbox(ctx, &runtime.StopPodSandboxRequest{PodSandboxId: id}); err != nil && !notFound(err) {
		return n, callError("StopPodSandbox "+id, err)
	}
	if _, err := cl.rt.RemovePodSandbox(ctx, &runtime.RemovePodSandboxRequest{PodSandboxId: id}); err != nil && !notFound(err) {
		return n, callError("RemovePodSandbox "+id, err)
	}
	return n, nil
}

// findSandboxes: by id, by podbench's pod-name label, or every sandbox.
func findSandboxes(ctx context.Context, cl *client, id, name string) ([]*runtime.PodSandbox, error) {
	f := &runtime.PodSandboxFilter{Id: id}
	if name != "" {
		f.LabelSelector = map[string]string{labelPod: name}
	}
	r, err := cl.rt.ListPodSandbox(ctx, &runtime.ListPodSandboxRequest{Filter: f})
	if err != nil {
		return nil, callError("ListPodSandbox", err)
	}
	return r.Items, nil
}

// selector: exactly one of --name, --id, --all (when allowed).
func selector(name, id string, all, allowAll bool) error {
	n := 0
	for _, set := range []bool{name != "", id != "", all} {
		if set {
			n++
		}
	}
	if n == 1 {
		return nil
	}
	if allowAll {
		return usagef("give one of --name NAME, --id SANDBOX_ID, --all")
	}
	return usagef("give one of --name NAME, --id SANDBOX_ID")
}

func cmdRm(args []string, out io.Writer) error {
	var c common
	var name, id string
	var all bool
	var grace int64
	fs := newFlags("rm")
	c.register(fs, 2*time.Minute)
	fs.StringVar(&name, "name", "", "")
	fs.StringVar(&id, "id", "", "")
	fs.BoolVar(&all, "all", false, "")
	fs.Int64Var(&grace, "grace", 2, "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if err := selector(name, id, all, true); err != nil {
		return err
	}
	if grace < 0 {
		return usagef("--grace must be 0 or more seconds")
	}
	ctx, cl, done, err := c.connect()
	if err != nil {
		return err
	}
	defer done()
	sbs, err := findSandboxes(ctx, cl, id, name)
	if err != nil {
		return err
	}
	if len(sbs) == 0 && !all {
		return fmt.Errorf("no pod sandbox %s", map[bool]string{true: "named " + name, false: "with id " + id}[name != ""])
	}
	nc := 0
	for _, sb := range sbs {
		k, err := removePod(ctx, cl, sb.Id, grace)
		nc += k
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "removed sandboxes=%d containers=%d\n", len(sbs), nc)
	return nil
}
