package main

import (
	"reflect"
	"strings"
	"testing"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func TestBlobsOfManifest(t *testing.T) {
	doc := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
	  "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":3124,"digest":"sha256:c"},
	  "layers":[{"size":72423,"digest":"sha256:l1"},{"size":5,"digest":"sha256:l2"}]}`
	blobs, children, err := blobsOf([]byte(doc))
	if err != nil || children != nil {
		t.Fatal(err, children)
	}
	want := []blob{{"sha256:c", 3124, "config"}, {"sha256:l1", 72423, "layer"}, {"sha256:l2", 5, "layer"}}
	if !reflect.DeepEqual(blobs, want) {
		t.Errorf("%+v", blobs)
	}
}

func TestBlobsOfIndex(t *testing.T) {
	doc := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
	  "manifests":[{"digest":"sha256:amd64","size":400},{"digest":"sha256:arm64","size":401}]}`
	blobs, children, err := blobsOf([]byte(doc))
	if err != nil || blobs != nil || len(children) != 2 || children[1].Digest != "sha256:arm64" {
		t.Errorf("%v %v %v", blobs, children, err)
	}
	for _, bad := range []string{`[]`, `{"layers":[]}`, `nope`} {
		if _, _, err := blobsOf([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestManifestDigestAndNames(t *testing.T) {
	img := &runtime.Image{Id: "sha256:cfg", RepoTags: []string{"127.0.0.1:5/x:t"},
		RepoDigests: []string{"127.0.0.1:5/x@sha256:man"}}
	if d := manifestDigest(img); d != "sha256:man" {
		t.Errorf("%q", d)
	}
	if manifestDigest(&runtime.Image{}) != "" {
		t.Error("no repo digest: empty")
	}
	for _, n := range []string{"sha256:cfg", "127.0.0.1:5/x:t", "127.0.0.1:5/x@sha256:man"} {
		if !imageNamed(img, n) {
			t.Errorf("%q not matched", n)
		}
	}
	if imageNamed(img, "127.0.0.1:5/x") {
		t.Error("a name without tag or digest must not match")
	}
}

func TestContentAndSnapshotListings(t *testing.T) {
	ls := "sha256:aa\nsha256:bb\n\n  sha256:cc  \nDIGEST\n"
	if got := parseDigestList([]byte(ls)); !reflect.DeepEqual(got, map[string]bool{"sha256:aa": true, "sha256:bb": true, "sha256:cc": true}) {
		t.Errorf("%v", got)
	}
	snaps := "KEY                 PARENT KIND\nsha256:8811 \t Committed\nk8s.io/3/abc sha256:8811 Active\n"
	if !snapshotListed([]byte(snaps), "sha256:8811") || snapshotListed([]byte(snaps), "sha256:88") {
		t.Error("snapshot keys must match whole")
	}
}

func TestRootMountOptions(t *testing.T) {
	mi := strings.Join([]string{
		"1200 1100 0:50 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/a",
		"1201 1200 0:51 / /proc rw,nosuid - proc proc rw",
		"1300 1200 0:50 / / ro,relatime - overlay overlay rw,lowerdir=/a",
	}, "\n")
	if o, ok := rootMountOptions(mi); !ok || o != "ro,relatime" {
		t.Errorf("%q %v: the last mount at / wins", o, ok)
	}
	if _, ok := rootMountOptions("1 2 3 / /proc rw - proc proc rw"); ok {
		t.Error("no mount at /")
	}
}

func TestDedupe(t *testing.T) {
	if got := dedupe([]string{"a", "a", "b", "c", "c"}); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("%v", got)
	}
}
