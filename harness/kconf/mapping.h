// A configuration set mapped onto a lab: nodes, interfaces, segments, addresses, services, checks,
// and the viplab model (a deployment-form Scenario) the oracle predicts from.
//
// Mapping rules (issue 10): one node per file; every interface a config names exists in its node
// under that name; the nodes' interfaces of one name form one segment unless their addresses put
// them in different subnets; addresses, VIPs and peers are the config's own, or assigned in the
// segment where the configs name none (a VIP without a length is a /32 to keepalived: its segment
// is the /24 around it unless unicast addresses or --subnet say otherwise). Checks: a script
// supplied in --files runs as written; a simple service check (`pidof`/`killall -0 NAME`,
// `curl http(s)://...:PORT`, `</dev/tcp/.../PORT`) gets a stand-in with that process name and
// port; any other check is driven by the lab (healthy until a fault makes it fail). Every line the
// lab form changes is a Rewrite with file:line, original and lab form.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/config_set.h"
#include "harness/model/scenario.h"
#include "netns/ipv4.h"

namespace viplab::kconf {

// In Mapping::lab_configs: the command a lab-driven check's `script` line runs (arguments: node,
// vrrp_script name; the lab installs it), and the text the lab replaces with the node's own
// directory (notify_fifo paths are moved under it).
inline constexpr char kLabCheckProgram[] = "/usr/lib/viplab/viplab-labcheck";
inline constexpr char kLabDirPlaceholder[] = "@VIPLAB_NODE_DIR@";

// `--service NAME=tcp:PORT[/https]`: a service the checks use that viplab cannot infer.
struct ServiceOption {
  std::string name;
  int port = 0;
  bool https = false;
};
// Parses "haproxy=tcp:8443/https"; InputError naming the bad part.
ServiceOption ParseServiceOption(std::string_view text);

struct MappingOptions {
  std::optional<Ipv4Prefix> subnet;  // --subnet: the segment of addresses the configs leave open
  std::vector<ServiceOption> services;
  std::optional<std::filesystem::path> files_dir;
};

// A service a node runs in the lab (a stand-in named like the real process).
struct MappedService {
  std::string node;
  std::string name;  // process name: what pidof/killall see
  int port = 0;      // 0: no port
  bool https = false;
  std::string because;  // "chk_haproxy: killall -0 haproxy (lb1.conf:12)"
};

// How one vrrp_script runs in the lab.
struct MappedCheck {
  enum class How { kVendorScript, kStandIn, kLabDriven };
  std::string node;
  std::string script;   // vrrp_script name
  std::string command;  // as written
  How how = How::kLabDriven;
  std::string service;  // kStandIn: the MappedService name it watches
  SourceLocation where;
};
const char* ToString(MappedCheck::How how);

// One line of a config the lab runs differently, and why.
struct Rewrite {
  std::string node;
  SourceLocation where;
  std::string original;
  std::string lab_form;
  std::string why;
};

// One interface of one node in the lab.
struct MappedInterface {
  std::string node;
  std::string name;
  std::string segment;
  Ipv4Prefix address;
  bool from_config = false;  // the config's own address (unicast_src_ip) vs assigned
};

struct Mapping {
  // The deployment as viplab models it: segments, nodes with interfaces (and addresses),
  // instances, sync groups; no fault set. The oracle predicts from it.
  Scenario scenario;
  std::vector<MappedInterface> interfaces;
  std::vector<MappedService> services;
  std::vector<MappedCheck> checks;
  std::vector<Rewrite> rewrites;
  std::vector<std::pair<std::string, NotExercised>> not_exercised;  // node, what
  // Why the oracle cannot predict some instance (several weighted checks, track_file, ...);
  // empty when it can predict all.
  std::vector<std::string> not_predicted;
  // node -> the keepalived.conf text the lab runs on it (the original with the rewrites): one
  // self-contained file (includes inlined, `@id` lines resolved for the node's config id, so it
  // runs without -i); kLabCheckProgram and kLabDirPlaceholder are for the lab to provide.
  std::map<std::string, std::string> lab_configs;
};

// Throws InputError for a set that forms no VRRP group (no instance shared by two nodes), an
// interface name over 15 characters, or addresses that cannot be placed.
Mapping MapConfigSet(const ConfigSet& set, const MappingOptions& options);

// The `certify --dry-run` / `lint` mapping listing: nodes (name and original file), interfaces
// and segments, services, checks, rewrites (file:line original -> lab form), not exercised.
std::string DescribeMapping(const Mapping& mapping, const ConfigSet& set);

}  // namespace viplab::kconf
