package main

// inspect.go: what ran, for the labs: the CRI's verbose sandbox and
// container status (the OCI runtime spec the runtime was given) next to
// what the kernel says about the container's process (/proc/PID).

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	runtime "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// ociSpec: the parts of the OCI runtime spec that inspect prints.
type ociSpec struct {
	Process *struct {
		Args []string `json:"args"`
		Env  []string `json:"env"`
		User struct {
			UID            uint32   `json:"uid"`
			GID            uint32   `json:"gid"`
			AdditionalGids []uint32 `json:"additionalGids"`
		} `json:"user"`
		Capabilities *struct {
			Effective []string `json:"effective"`
			Bounding  []string `json:"bounding"`
		} `json:"capabilities"`
		NoNewPrivileges bool `json:"noNewPrivileges"`
	} `json:"process"`
	Root *struct {
		Path     string `json:"path"`
		Readonly bool   `json:"readonly"`
	} `json:"root"`
	Mounts []struct {
		Destination string   `json:"destination"`
		Type        string   `json:"type"`
		Source      string   `json:"source"`
		Options     []string `json:"options"`
	} `json:"mounts"`
	Linux *struct {
		CgroupsPath string `json:"cgroupsPath"`
		Seccomp     *struct {
			DefaultAction string            `json:"defaultAction"`
			Syscalls      []json.RawMessage `json:"syscalls"`
		} `json:"seccomp"`
		Namespaces []struct {
			Type string `json:"type"`
			Path string `json:"path"`
		} `json:"namespaces"`
	} `json:"linux"`
}

type verboseInfo struct {
	Pid            uint32          `json:"pid"`
	RuntimeHandler string          `json:"runtimeHandler"`
	RuntimeType    string          `json:"runtimeType"`
	RuntimeOptions json.RawMessage `json:"runtimeOptions"`
	RuntimeSpec    *ociSpec        `json:"runtimeSpec"`
}

func nsTime(ns int64) string {
	if ns <= 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%d)", time.Unix(0, ns).UTC().Format(time.RFC3339Nano), ns)
}

// procFacts reads what the kernel says about PID: ids, no_new_privs,
// seccomp mode, effective capabilities (status) and the options of the
// root mount as the process sees it (mountinfo).
func procFacts(pid uint32) (map[string]string, error) {
	facts := map[string]string{}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	want := map[string]string{"Uid": "uid", "Gid": "gid", "Groups": "groups",
		"NoNewPrivs": "no_new_privs", "Seccomp": "seccomp", "CapEff": "cap_eff"}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if key, w := want[k]; ok && w {
			facts[key] = strings.Join(strings.Fields(v), " ")
		}
	}
	mi, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		return nil, err
	}
	if opts, ok := rootMountOptions(string(mi)); ok {
		facts["root_mount"] = opts
	}
	return facts, nil
}

// rootMountOptions: the per-mount options (field 6) of the mount at "/"
// in a mountinfo text; the last one wins, as the kernel stacks them.
func rootMountOptions(mountinfo string) (string, bool) {
	opts, found := "", false
	for _, l := range strings.Split(mountinfo, "\n") {
		f := strings.Fields(l)
		if len(f) >= 6 && f[4] == "/" {
			opts, found = f[5], true
		}
	}
	return opts, found
}

func cmdInspect(args []string, out io.Writer) error {
	var c common
	var name, id string
	var raw bool
	fs := newFlags("inspect")
	c.register(fs, 30*time.Second)
	fs.StringVar(&name, "name", "", "")
	fs.StringVar(&id, "id", "", "")
	fs.BoolVar(&raw, "json", false, "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if err := selector(name, id, false, false); err != nil {
		return err
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
	if len(sbs) != 1 {
		return fmt.Errorf("%d pod sandboxes match (want 1)", len(sbs))
	}
	ss, err := cl.rt.PodSandboxStatus(ctx, &runtime.PodSandboxStatusRequest{PodSandboxId: sbs[0].Id, Verbose: true})
	if err != nil {
		return callError("PodSandboxStatus", err)
	}
	lc, err := cl.rt.ListContainers(ctx, &runtime.ListContainersRequest{Filter: &runtime.ContainerFilter{PodSandboxId: sbs[0].Id}})
	if err != nil {
		return callError("ListContainers", err)
	}
	var cstats []*runtime.ContainerStatusResponse
	for _, ct := range lc.Containers {
		cs, err := cl.rt.ContainerStatus(ctx, &runtime.ContainerStatusRequest{ContainerId: ct.Id, Verbose: true})
		if err != nil {
			return callError("ContainerStatus", err)
		}
		cstats = append(cstats, cs)
	}
	if raw {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]interface{}{"sandbox": ss, "containers": cstats})
	}
	return printInspect(out, ss, cstats)
}

func printInspect(out io.Writer, ss *runtime.PodSandboxStatusResponse, cstats []*runtime.ContainerStatusResponse) error {
	p := func(k string, v interface{}) { fmt.Fprintf(out, "%s=%v\n", k, v) }
	s := ss.Status
	var si verboseInfo
	_ = json.Unmarshal([]byte(ss.Info["info"]), &si)
	p("sandbox.id", s.Id)
	p("sandbox.name", s.Metadata.Name)
	p("sandbox.state", s.State)
	p("sandbox.runtime_handler", s.RuntimeHandler)
	p("sandbox.created", nsTime(s.CreatedAt))
	if s.Linux != nil && s.Linux.Namespaces != nil && s.Linux.Namespaces.Options != nil {
		p("sandbox.network", s.Linux.Namespaces.Options.Network)
	}
	p("sandbox.pid", si.Pid)
	if si.RuntimeSpec != nil && si.RuntimeSpec.Process != nil {
		u := si.RuntimeSpec.Process.User
		p("sandbox.user", fmt.Sprintf("%d:%d", u.UID, u.GID))
	}
	for i, cs := range cstats {
		pre := "container"
		if len(cstats) > 1 {
			pre = "container" + strconv.Itoa(i)
		}
		st := cs.Status
		var ci verboseInfo
		_ = json.Unmarshal([]byte(cs.Info["info"]), &ci)
		p(pre+".id", st.Id)
		p(pre+".name", st.Metadata.Name)
		p(pre+".image", st.Image.Image)
		p(pre+".image_ref", st.ImageRef)
		p(pre+".state", st.State)
		p(pre+".created", nsTime(st.CreatedAt))
		p(pre+".started", nsTime(st.StartedAt))
		p(pre+".pid", ci.Pid)
		p(pre+".runtime_type", ci.RuntimeType)
		var ro struct {
			BinaryName string `json:"binary_name"`
			Root       string `json:"root"`
		}
		if json.Unmarshal(ci.RuntimeOptions, &ro) == nil && ro.BinaryName != "" {
			p(pre+".runtime_binary", ro.BinaryName)
		}
		if sp := ci.RuntimeSpec; sp != nil {
			if sp.Process != nil {
				u := sp.Process.User
				p(pre+".args", strings.Join(sp.Process.Args, " "))
				env := append([]string(nil), sp.Process.Env...)
				sort.Strings(env)
				p(pre+".env", strings.Join(env, " "))
				p(pre+".user", fmt.Sprintf("%d:%d", u.UID, u.GID))
				p(pre+".additional_gids", fmt.Sprint(u.AdditionalGids))
				p(pre+".no_new_privileges", sp.Process.NoNewPrivileges)
				if sp.Process.Capabilities != nil {
					p(pre+".capabilities_effective", "["+strings.Join(sp.Process.Capabilities.Effective, " ")+"]")
				}
			}
			if sp.Root != nil {
				p(pre+".readonly_root", sp.Root.Readonly)
			}
			if sp.Linux != nil {
				if sp.Linux.Seccomp != nil {
					p(pre+".seccomp", fmt.Sprintf("default %s, %d rules", sp.Linux.Seccomp.DefaultAction, len(sp.Linux.Seccomp.Syscalls)))
				} else {
					p(pre+".seccomp", "unconfined")
				}
				p(pre+".cgroups_path", sp.Linux.CgroupsPath)
			}
			for _, m := range sp.Mounts {
				if m.Type == "bind" || m.Type == "rbind" || strings.HasPrefix(m.Source, "/") {
					p(pre+".mount", fmt.Sprintf("%s <- %s (%s)", m.Destination, m.Source, strings.Join(m.Options, ",")))
				}
			}
		}
		if ci.Pid > 0 && st.State == runtime.ContainerState_CONTAINER_RUNNING {
			facts, err := procFacts(ci.Pid)
			if err != nil {
				p(pre+".proc", "unreadable: "+err.Error())
				continue
			}
			keys := make([]string, 0, len(facts))
			for k := range facts {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p(pre+".proc."+k, facts[k])
			}
		}
	}
	return nil
}
