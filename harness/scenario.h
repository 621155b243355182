// Scenario: one lab run described by a JSON file in cases/ — the topology, each node's keepalived
// setup, the fault to inject and what is expected. LoadScenario validates everything a run needs
// before any lab is built; every problem is an InputError naming the file and the field.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "netns/ipv4.h"

namespace viplab {

enum class CheckType { kNone, kScript, kProcess };

// How a node's keepalived watches its service (track_script or track_process).
struct CheckSpec {
  CheckType type = CheckType::kNone;
  double interval = 1;  // script only, seconds
  int fall = 1;         // script only
  int rise = 1;         // script only
  int weight = 0;       // 0: the instance goes FAULT when the check fails
};

struct NodeSpec {
  std::string name;
  int priority = 100;
  std::string state = "BACKUP";
  bool nopreempt = false;
  std::optional<double> preempt_delay;  // seconds
  double advert_int = 1;                // seconds (the scenario's unless overridden)
  CheckSpec check;                      // the scenario's unless overridden
};

// The fault injected at t = 0. `node` is a node name or "master" (the VIP owner at t = 0).
struct FaultSpec {
  std::string action = "kill";
  std::string target = "service";
  std::string node = "master";
  std::string signal = "KILL";  // TERM or KILL
};

struct Bound {
  std::optional<double> min;
  std::optional<double> max;
};

struct Expectation {
  std::optional<std::string> owner_before;
  std::optional<std::string> owner_after;  // "none" means no node owns the VIP
  std::optional<bool> vip_moved;
  std::optional<Bound> failover_ms;
  std::optional<Bound> release_ms;
  std::optional<Bound> outage_ms;
};

// How keepalived is started on the nodes. kStaggered: the first node listed starts alone and the
// others start once it is MASTER, so the initial owner is deterministic (as in production, where
// one node has been up longer). kSimultaneous: all at once; with nopreempt the first election is
// then a race decided by a few milliseconds of start-up order.
enum class Startup { kStaggered, kSimultaneous };

struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string description;
  Ipv4Prefix vip;
  Ipv4Prefix subnet;
  std::string interface = "eth0";
  int vrrp_version = 2;
  int virtual_router_id = 51;
  int service_port = 80;
  bool unicast = false;
  Startup startup = Startup::kStaggered;
  std::vector<NodeSpec> nodes;
  FaultSpec fault;
  Expectation expect;

  const NodeSpec* FindNode(std::string_view node_name) const;
  // Address of node i (0-based) and of the client: hosts 11, 12, ... and the last usable host.
  Ipv4Prefix NodeAddress(size_t index) const;
  Ipv4Prefix ClientAddress() const;
};

// Parses and validates one scenario file. Throws InputError ("cases/x.json:3:14: ..." for JSON
// syntax, "cases/x.json: nodes[1].priority: 300 is outside 1..255" for content).
Scenario LoadScenario(const std::filesystem::path& file);
// Expands files and directories (recursively, *.json, sorted) into scenarios; throws InputError.
std::vector<Scenario> LoadScenarios(const std::vector<std::filesystem::path>& paths);

const char* ToString(CheckType type);
const char* ToString(Startup startup);

}  // namespace viplab
