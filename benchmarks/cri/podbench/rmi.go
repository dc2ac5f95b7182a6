package main

// rmi.go: remove images through the CRI (RemoveImage: every reference,
// then containerd's synchronous garbage collection), and prove that cold
// means cold: none of the image's content blobs (manifest, config,
// layers) and no snapshot of its layers is left. The proof reads
// containerd's content store and snapshotter with `ctr`, a second client
// independent of the CRI plugin.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"time"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

type ctrTool struct {
	path, sock, ns string
}

func (t ctrTool) run(ctx context.Context, args ...string) ([]byte, error) {
	full := append([]string{"-a", t.sock, "-n", t.ns}, args...)
	cmd := exec.CommandContext(ctx, t.path, full...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", t.path, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// contentDigests: every blob digest in the namespace's content store.
func (t ctrTool) contentDigests(ctx context.Context) (map[string]bool, error) {
	out, err := t.run(ctx, "content", "ls", "-q")
	if err != nil {
		return nil, err
	}
	return parseDigestList(out), nil
}

func parseDigestList(out []byte) map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "sha256:") {
			m[l] = true
		}
	}
	return m
}

type blob struct {
	Digest string
	Size   int64
	Kind   string // manifest, index, config, layer
}

// descriptor and manifestDoc: the parts of an OCI/Docker manifest or
// index that name blobs.
type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

type manifestDoc struct {
	MediaType string       `json:"mediaType"`
	Config    *descriptor  `json:"config"`
	Layers    []descriptor `json:"layers"`
	Manifests []descriptor `json:"manifests"`
}

// blobsOf parses one manifest or index: the blobs it names directly, and
// the child manifests to follow (an index's).
func blobsOf(doc []byte) (blobs []blob, children []descriptor, err error) {
	var m manifestDoc
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, nil, fmt.Errorf("not a manifest: %v", err)
	}
	if len(m.Manifests) > 0 {
		return nil, m.Manifests, nil
	}
	if m.Config == nil || m.Config.Digest == "" {
		return nil, nil, fmt.Errorf("manifest names no config")
	}
	blobs = append(blobs, blob{m.Config.Digest, m.Config.Size, "config"})
	for _, l := range m.Layers {
		blobs = append(blobs, blob{l.Digest, l.Size, "layer"})
	}
	return blobs, nil, nil
}

// imageBlobs walks an image from its manifest (or index) digest through
// the content store; children not in the store (other platforms of an
// index) are skipped, as they were never pulled.
func imageBlobs(ctx context.Context, t ctrTool, top string, have map[string]bool) ([]blob, error) {
	var out []blob
	var walk func(d string, depth int) error
	walk = func(d string, depth int) error {
		if depth > 3 {
			return fmt.Errorf("manifest nesting too deep at %s", d)
		}
		doc, err := t.run(ctx, "content", "get", d)
		if err != nil {
			return err
		}
		blobs, children, err := blobsOf(doc)
		if err != nil {
			return fmt.Errorf("%s: %v", d, err)
		}
		kind := "manifest"
		if children != nil {
			kind = "index"
		}
		out = append(out, blob{d, int64(len(doc)), kind})
		out = append(out, blobs...)
		for _, c := range children {
			if have[c.Digest] {
				if err := walk(c.Digest, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(top, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// manifestDigest: the digest in "name@sha256:..." of RepoDigests.
func manifestDigest(img *runtime.Image) string {
	for _, r := range img.RepoDigests {
		if i := strings.LastIndex(r, "@"); i >= 0 {
			return r[i+1:]
		}
	}
	return ""
}

// sandboxImage: the sandbox_image of containerd's CRI config (Status,
// verbose); it is kept pinned, as the kubelet keeps it.
func sandboxImage(ctx context.Context, cl *client) (string, error) {
	st, err := cl.rt.Status(ctx, &runtime.StatusRequest{Verbose: true})
	if err != nil {
		return "", callError("Status", err)
	}
	var cfg struct {
		SandboxImage string `json:"sandboxImage"`
	}
	if err := json.Unmarshal([]byte(st.Info["config"]), &cfg); err != nil || cfg.SandboxImage == "" {
		return "", fmt.Errorf("Status: the runtime's config names no sandbox image")
	}
	return cfg.SandboxImage, nil
}

func imageNamed(img *runtime.Image, ref string) bool {
	for _, r := range append(append([]string{img.Id}, img.RepoTags...), img.RepoDigests...) {
		if r == ref {
			return true
		}
	}
	return false
}

// imageFacts is what is known of an image before its removal.
type imageFacts struct {
	ref     string
	img     *runtime.Image
	blobs   []blob
	chainID string
}

func collect(ctx context.Context, cl *client, t ctrTool, img *runtime.Image, ref string, have map[string]bool) (*imageFacts, error) {
	f := &imageFacts{ref: ref, img: img}
	is, err := cl.img.ImageStatus(ctx, &runtime.ImageStatusRequest{Image: &runtime.ImageSpec{Image: img.Id}, Verbose: true})
	if err != nil {
		return nil, callError("ImageStatus "+ref, err)
	}
	var info struct {
		ChainID string `json:"chainID"`
	}
	if err := json.Unmarshal([]byte(is.Info["info"]), &info); err == nil {
		f.chainID = info.ChainID
	}
	md := manifestDigest(img)
	if md == "" {
		// No repo digest (not pulled from a registry): the config blob
		// (the image id) is all that can be named.
		f.blobs = []blob{{img.Id, 0, "config"}}
		return f, nil
	}
	if f.blobs, err = imageBlobs(ctx, t, md, have); err != nil {
		return nil, fmt.Errorf("content of %s: %v", ref, err)
	}
	return f, nil
}

func cmdRmi(args []string, out io.Writer) error {
	var c common
	var images strList
	var all bool
	var ctrPath, ns string
	fs := newFlags("rmi")
	c.register(fs, 2*time.Minute)
	fs.Var(&images, "image", "")
	fs.BoolVar(&all, "all", false, "")
	fs.StringVar(&ctrPath, "ctr", "ctr", "")
	fs.StringVar(&ns, "namespace", "k8s.io", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if (len(images) > 0) == all {
		return usagef("give --image REF (repeatable) or --all")
	}
	if _, err := exec.LookPath(ctrPath); err != nil {
		return fmt.Errorf("cannot find %s (Debian package containerd): it checks the content store", ctrPath)
	}
	ctx, cl, done, err := c.connect()
	if err != nil {
		return err
	}
	defer done()
	t := ctrTool{ctrPath, c.socket, ns}

	sandbox, err := sandboxImage(ctx, cl)
	if err != nil {
		return err
	}
	li, err := cl.img.ListImages(ctx, &runtime.ListImagesRequest{})
	if err != nil {
		return callError("ListImages", err)
	}
	have, err := t.contentDigests(ctx)
	if err != nil {
		return err
	}
	var remove, keep []*imageFacts
	for _, img := range li.Images {
		name := img.Id
		if len(img.RepoTags) > 0 {
			name = img.RepoTags[0]
		} else if len(img.RepoDigests) > 0 {
			name = img.RepoDigests[0]
		}
		want := all
		for _, r := range images {
			if imageNamed(img, r) {
				want, name = true, r
			}
		}
		if imageNamed(img, sandbox) {
			if want && !all {
				return fmt.Errorf("refusing to remove %s: it is the sandbox image, kept pinned as the kubelet keeps it", name)
			}
			want = false
		}
		f, err := collect(ctx, cl, t, img, name, have)
		if err != nil {
			return err
		}
		if want {
			remove = append(remove, f)
		} else {
			keep = append(keep, f)
		}
	}
	// An image named on the command line that is not present is fine
	// (nothing to remove), but say so.
	for _, r := range images {
		found := false
		for _, f := range remove {
			found = found || imageNamed(f.img, r)
		}
		if !found {
			fmt.Fprintf(out, "rmi: %s not present\n", r)
		}
	}

	for _, f := range remove {
		if _, err := cl.img.RemoveImage(ctx, &runtime.RemoveImageRequest{Image: &runtime.ImageSpec{Image: f.img.Id}}); err != nil {
			return callError("RemoveImage "+f.ref, err)
		}
	}

	// The proof: content and snapshots after the synchronous GC.
	after, err := t.contentDigests(ctx)
	if err != nil {
		return err
	}
	snaps, err := t.run(ctx, "snapshots", "ls")
	if err != nil {
		return err
	}
	kept := map[string]bool{}
	keptChains := map[string]bool{}
	for _, f := range keep {
		for _, b := range f.blobs {
			kept[b.Digest] = true
		}
		keptChains[f.chainID] = true
	}
	var left []string
	var nblobs, nbytes int64
	for _, f := range remove {
		for _, b := range f.blobs {
			nblobs++
			nbytes += b.Size
			if after[b.Digest] && !kept[b.Digest] {
				left = append(left, fmt.Sprintf("%s %s of %s", b.Kind, b.Digest, f.ref))
			}
		}
		if f.chainID != "" && !keptChains[f.chainID] && snapshotListed(snaps, f.chainID) {
			left = append(left, fmt.Sprintf("snapshot %s of %s (a container still uses it?)", f.chainID, f.ref))
		}
	}
	if all {
		for d := range after {
			if !kept[d] {
				left = append(left, "blob "+d+" of no kept image")
			}
		}
	}
	sort.Strings(left)
	left = dedupe(left)
	if len(left) > 0 {
		return fmt.Errorf("not cold: %d item(s) left after RemoveImage: %s", len(left), strings.Join(left, "; "))
	}
	fmt.Fprintf(out, "removed images=%d blobs=%d bytes=%d left=0 kept=%d\n", len(remove), nblobs, nbytes, len(keep))
	return nil
}

// snapshotListed: `ctr snapshots ls` prints KEY PARENT KIND; the committed
// snapshot of an image's top layer has its chain ID as KEY.
func snapshotListed(ls []byte, chainID string) bool {
	for _, l := range strings.Split(string(ls), "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == chainID {
			return true
		}
	}
	return false
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
