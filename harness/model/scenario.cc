#include "harness/model/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "harness/model/internal/deployment_json.h"
#include "harness/model/json_fields.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;

const std::set<std::string> kReservedNodeNames = {"master", "client", "none", "sw", "br"};

void ParseCheck(JsonFields& f, CheckSpec& check) {
  const std::string type = f.Required<std::string>("type");
  if (type == "script") {
    check.type = CheckType::kScript;
  } else if (type == "process") {
    check.type = CheckType::kProcess;
  } else if (type == "none") {
    check.type = CheckType::kNone;
  } else {
    f.Fail("type", fmt::format("'{}' is not one of script, process, none", type));
  }
  if (check.type == CheckType::kScript) {
    check.interval = f.Optional<double>("interval").value_or(1);
    check.fall = f.Optional<int>("fall").value_or(1);
    check.rise = f.Optional<int>("rise").value_or(1);
    if (check.interval <= 0 || check.interval > 3600) f.Fail("interval", "must be in (0, 3600] s");
    // keepalived 2.2.7 reads vrrp_script interval (and timeout) with read_unsigned_strvec
    // (vrrp_parser.c, vrrp_vscript_interval_handler): "0.5" is an invalid number, "1.5" runs as
    // 1 s. Milliseconds came in 2.3.2.
    if (check.interval != std::floor(check.interval)) {
      f.Fail("interval", fmt::format("{} is not a whole number of seconds: keepalived older than "
                                     "2.3.2 (this lab runs 2.2.7) takes whole seconds",
                                     check.interval));
    }
    if (check.fall < 1) f.Fail("fall", "must be at least 1");
    if (check.rise < 1) f.Fail("rise", "must be at least 1");
  }
  if (check.type != CheckType::kNone) {
    check.weight = f.Optional<int>("weight").value_or(0);
    if (check.weight < -253 || check.weight > 253) {
      f.Fail("weight", fmt::format("{} is outside -253..253", check.weight));
    }
  }
  f.Done();
}

void CheckAdvertInt(JsonFields& f, const char* key, double value, int version) {
  if (version == 2) {
    if (value < 1 || value > 255 || value != std::floor(value)) {
      f.Fail(key, fmt::format("{} is not a whole number of seconds in 1..255 (VRRPv2)", value));
    }
  } else {
    const double centis = value * 100;
    if (value < 0.01 || value > 40.95 || std::abs(centis - std::round(centis)) > 1e-6) {
      f.Fail(key, fmt::format("{} is not in 0.01..40.95 s in centiseconds (VRRPv3)", value));
    }
  }
}

// keepalived 2.2.7 vrrp_complete_instance (vrrp.c) clears nopreempt and preempt_delay when the
// initial state is MASTER, and preempt_delay when nopreempt is set, each with a config error
// ("Warning - nopreempt will not work with initial state MASTER - clearing"). keepalived then runs
// with the setting cleared, so these are warnings, not errors: the file stays as written.
void WarnClearedPreemption(const JsonFields& f, const NodeSpec& node,
                           std::vector<std::string>& warnings) {
  if (node.state == "MASTER" && node.nopreempt) {
    warnings.push_back(f.Describe("nopreempt",
                                  "keepalived 2.2.7 clears nopreempt with state MASTER (vrrp.c, "
                                  "vrrp_complete_instance): this node preempts; use state BACKUP"));
  }
  if (node.state == "MASTER" && node.preempt_delay) {
    warnings.push_back(
        f.Describe("preempt_delay",
                   "keepalived 2.2.7 clears preempt_delay with state MASTER (vrrp.c, "
                   "vrrp_complete_instance): this node preempts without delay; use state "
                   "BACKUP"));
  } else if (node.nopreempt && node.preempt_delay) {
    warnings.push_back(f.Describe("preempt_delay",
                                  "keepalived 2.2.7 clears preempt_delay with nopreempt (vrrp.c, "
                                  "vrrp_complete_instance): it has no effect"));
  }
}

Bound ParseBound(JsonFields& parent, const char* key) {
  JsonFields f = parent.Object(key);
  Bound b;
  b.min = f.Optional<double>("min");
  b.max = f.Optional<double>("max");
  if (b.min && *b.min < 0) f.Fail("min", "must not be negative");
  if (b.max && *b.max < 0) f.Fail("max", "must not be negative");
  if (b.min && b.max && *b.min > *b.max) f.Fail("max", "is smaller than min");
  f.Done();
  return b;
}

Ipv4Prefix ParsePrefix(JsonFields& f, const char* key) {
  const std::string text = f.Required<std::string>(key);
  try {
    return Ipv4Prefix::Parse(text);
  } catch (const std::exception&) {
    f.Fail(key, fmt::format("'{}' is not an IPv4 prefix like 10.77.0.200/24", text));
  }
}

// Ranges whose addresses cannot be a host's on a veth: the kernel treats them as loopback,
// "this network", multicast or the limited broadcast, never as a neighbour answering ARP.
struct ReservedRange {
  Ipv4Prefix prefix;
  const char* what;
};
const ReservedRange kUnusableRanges[] = {
    {Ipv4Prefix(Ipv4Address(0x00000000), 8), "0.0.0.0/8 (\"this network\")"},
    {Ipv4Prefix(Ipv4Address(0x7F000000), 8), "127.0.0.0/8 (loopback)"},
    {Ipv4Prefix(Ipv4Address(0xE0000000), 4), "224.0.0.0/4 (multicast)"},
    {Ipv4Prefix(Ipv4Address(0xFFFFFFFF), 32), "255.255.255.255 (limited broadcast)"},
};

// Every host address of the lab (nodes .11 upwards, the client, the VIP) lies in the subnet, so
// a subnet that overlaps no unusable range, with a VIP that is not its broadcast, is enough.
void CheckUsableAddresses(JsonFields& f, const Scenario& s) {
  for (const ReservedRange& r : kUnusableRanges) {
    if (s.subnet.Contains(r.prefix.Network()) || r.prefix.Contains(s.subnet.Network())) {
      f.Fail("subnet", fmt::format("{} overlaps {}: such addresses cannot work on a veth",
                                   s.subnet.ToString(), r.what));
    }
  }
  const Ipv4Address vip = s.vip.address();
  if (vip == s.subnet.Broadcast()) {
    f.Fail("vip", fmt::format("{} is the broadcast address of subnet {}", vip.ToString(),
                              s.subnet.ToString()));
  }
  if (s.vip.length() < 31 && vip == s.vip.Broadcast()) {
    f.Fail("vip", fmt::format("{} is the broadcast address of its own prefix /{}", vip.ToString(),
                              s.vip.length()));
  }
}

void ValidateAddresses(JsonFields& f, Scenario& s) {
  if (!s.subnet.Contains(s.vip.address())) {
    f.Fail("vip", fmt::format("{} is not inside subnet {}", s.vip.ToString(), s.subnet.ToString()));
  }
  if (s.subnet.length() > 24) f.Fail("subnet", "must be /24 or larger to hold the lab's hosts");
  if (s.subnet.address() != s.subnet.Network()) {
    f.Fail("subnet", fmt::format("{} has host bits set (did you mean {}/{}?)", s.subnet.ToString(),
                                 s.subnet.Network().ToString(), s.subnet.length()));
  }
  CheckUsableAddresses(f, s);
  std::set<Ipv4Address> used;
  for (size_t i = 0; i < s.nodes.size(); ++i) used.insert(s.NodeAddress(i).address());
  used.insert(s.ClientAddress().address());
  if (used.count(s.vip.address()) > 0) {
    f.Fail("vip", fmt::format("{} collides with a lab host address (nodes use .11 upwards, the "
                              "client the last usable address)",
                              s.vip.address().ToString()));
  }
}

struct FaultEntry {
  const char* target;
  const char* action;
  FaultKind kind;
};
constexpr FaultEntry kFaultCatalog[] = {
    {"service", "kill", FaultKind::kServiceKill},
    {"service", "freeze", FaultKind::kServiceFreeze},
    {"service", "degrade", FaultKind::kServiceDegrade},
    {"keepalived", "stop", FaultKind::kKeepalivedStop},
    {"keepalived", "crash", FaultKind::kKeepalivedCrash},
    {"keepalived", "freeze", FaultKind::kKeepalivedFreeze},
    {"keepalived", "restart", FaultKind::kKeepalivedRestart},
    {"node", "freeze", FaultKind::kNodeFreeze},
    {"node", "crash", FaultKind::kNodeCrash},
    {"link", "down", FaultKind::kLinkDown},
    {"network", "loss", FaultKind::kPacketLoss},
    {"network", "partition", FaultKind::kPartition},
    {"network", "delay", FaultKind::kVrrpDelay},
};

std::string OneOf(JsonFields& f, const char* key, const std::string& fallback,
                  std::initializer_list<const char*> allowed) {
  const std::string value = f.Optional<std::string>(key).value_or(fallback);
  for (const char* a : allowed) {
    if (value == a) return value;
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  f.Fail(key, fmt::format("'{}' is not one of {}", value, list));
}

FaultSpec ParseFault(JsonFields& f, const std::set<std::string>& names) {
  FaultSpec fault;
  const std::string target = f.Optional<std::string>("target").value_or("service");
  const std::string action = f.Required<std::string>("action");
  bool known_target = false, found = false;
  for (const FaultEntry& e : kFaultCatalog) {
    if (target != e.target) continue;
    known_target = true;
    if (action == e.action) {
      fault.kind = e.kind;
      found = true;
    }
  }
  if (!known_target) {
    f.Fail("target", fmt::format("unknown target '{}' (known: service, keepalived, node, link, "
                                 "network)",
                                 target));
  }
  if (!found) {
    std::string known;
    for (const FaultEntry& e : kFaultCatalog) {
      if (target == e.target) known += (known.empty() ? "" : ", ") + std::string(e.action);
    }
    f.Fail("action",
           fmt::format("unknown fault '{}' for target {} (known: {})", action, target, known));
  }
  fault.node = f.Optional<std::string>("node").value_or("master");
  if (fault.node != "master" && names.count(fault.node) == 0) {
    f.Fail("node", fmt::format("'{}' is not a node of this scenario", fault.node));
  }
  switch (fault.kind) {
    case FaultKind::kServiceKill:
      fault.signal = OneOf(f, "signal", "KILL", {"KILL", "TERM"});
      break;
    case FaultKind::kServiceDegrade:
      fault.degrade = OneOf(f, "mode", "refuse", {"refuse", "503"});
      break;
    case FaultKind::kLinkDown:
      fault.side = OneOf(f, "side", "node", {"node", "switch"});
      break;
    case FaultKind::kPacketLoss:
      fault.percent = f.Required<double>("percent");
      if (fault.percent < 0 || fault.percent > 100) {
        f.Fail("percent", fmt::format("{} is outside 0..100", fault.percent));
      }
      fault.direction = OneOf(f, "direction", "egress", {"egress", "ingress"});
      fault.traffic = OneOf(f, "traffic", "all", {"all", "vrrp"});
      break;
    case FaultKind::kPartition:
      fault.partition = OneOf(f, "mode", "peers", {"peers", "isolate", "one-way"});
      break;
    case FaultKind::kVrrpDelay:
      fault.delay_ms = f.Required<double>("delay_ms");
      if (fault.delay_ms <= 0 || fault.delay_ms > 60000) {
        f.Fail("delay_ms", fmt::format("{} is outside (0, 60000]", fault.delay_ms));
      }
      break;
    default:
      break;
  }
  f.Done();
  return fault;
}

Expectation ParseExpect(JsonFields& e, const std::set<std::string>& names) {
  Expectation x;
  auto node_or_none = [&](const char* key, bool allow_none) -> std::optional<std::string> {
    auto value = e.Optional<std::string>(key);
    if (value && names.count(*value) == 0 && !(allow_none && *value == "none")) {
      e.Fail(key, fmt::format("'{}' is not a node of this scenario", *value));
    }
    return value;
  };
  x.owner_before = node_or_none("owner_before", false);
  x.owner_after = node_or_none("owner_after", true);
  x.vip_moved = e.Optional<bool>("vip_moved");
  if (e.Has("failover_ms")) x.failover_ms = ParseBound(e, "failover_ms");
  if (e.Has("release_ms")) x.release_ms = ParseBound(e, "release_ms");
  if (e.Has("outage_ms")) x.outage_ms = ParseBound(e, "outage_ms");
  x.split_brain = e.Optional<bool>("split_brain");
  e.Done();
  return x;
}

Step ParseStep(JsonFields& f, const std::set<std::string>& names) {
  Step step;
  int kinds = 0;
  if (f.Has("inject")) {
    ++kinds;
    step.kind = Step::Kind::kInject;
    JsonFields ff = f.Object("inject");
    step.fault = ParseFault(ff, names);
  }
  if (f.Has("clear")) {
    ++kinds;
    step.kind = Step::Kind::kClear;
    if (!f.Required<bool>("clear")) f.Fail("clear", "must be true (clears the active faults)");
  }
  if (f.Has("wait")) {
    ++kinds;
    step.kind = Step::Kind::kWait;
    JsonFields w = f.Object("wait");
    step.wait.owner = w.Optional<std::string>("owner");
    if (step.wait.owner && *step.wait.owner != "none" && names.count(*step.wait.owner) == 0) {
      w.Fail("owner", fmt::format("'{}' is not a node of this scenario", *step.wait.owner));
    }
    if (w.Has("state")) {
      JsonFields st = w.Object("state");
      for (const std::string& node : names) {
        if (!st.Has(node.c_str())) continue;
        const std::string state = OneOf(st, node.c_str(), "", {"MASTER", "BACKUP", "FAULT"});
        step.wait.states.emplace_back(node, state);
      }
      st.Done();  // any other key is not a node
    }
    if (!step.wait.owner && step.wait.states.empty()) {
      w.Fail("owner", "is missing (a wait needs an owner or a state)");
    }
    step.wait.timeout_ms = w.Optional<double>("timeout_ms").value_or(10000);
    if (step.wait.timeout_ms <= 0 || step.wait.timeout_ms > 600000) {
      w.Fail("timeout_ms", "must be in (0, 600000]");
    }
    w.Done();
  }
  if (f.Has("hold_ms")) {
    ++kinds;
    step.kind = Step::Kind::kHold;
    step.hold_ms = f.Required<double>("hold_ms");
    if (step.hold_ms <= 0 || step.hold_ms > 600000) f.Fail("hold_ms", "must be in (0, 600000]");
  }
  if (f.Has("expect")) {
    ++kinds;
    step.kind = Step::Kind::kExpect;
    JsonFields e = f.Object("expect");
    step.expect = ParseExpect(e, names);
  }
  if (kinds != 1) {
    f.Fail("", "must hold exactly one of inject, clear, wait, hold_ms, expect");
  }
  f.Done();
  return step;
}

// The scenario's own fields, name to split_brain_tolerance_ms; returns its advert_int (the
// nodes' default).
double ParseScenarioFields(JsonFields& f, Scenario& s) {
  s.name = f.Required<std::string>("name");
  static const std::regex kName(R"([A-Za-z0-9._/+-]+)");
  if (!std::regex_match(s.name, kName)) {
    f.Fail("name", "may hold only letters, digits and . _ / + -");
  }
  s.description = f.Optional<std::string>("description").value_or("");
  s.vip = ParsePrefix(f, "vip");
  s.subnet = ParsePrefix(f, "subnet");
  s.interface = f.Optional<std::string>("interface").value_or("eth0");
  static const std::regex kIfname(R"([A-Za-z0-9._-]{1,15})");
  if (!std::regex_match(s.interface, kIfname)) f.Fail("interface", "is not a valid interface name");
  s.vrrp_version = f.Optional<int>("vrrp_version").value_or(2);
  if (s.vrrp_version != 2 && s.vrrp_version != 3) f.Fail("vrrp_version", "must be 2 or 3");
  const double advert_int = f.Optional<double>("advert_int").value_or(1);
  CheckAdvertInt(f, "advert_int", advert_int, s.vrrp_version);
  s.virtual_router_id = f.Optional<int>("virtual_router_id").value_or(51);
  if (s.virtual_router_id < 1 || s.virtual_router_id > 255) {
    f.Fail("virtual_router_id", "must be in 1..255");
  }
  s.service_port = f.Optional<int>("port").value_or(80);
  if (s.service_port < 1 || s.service_port > 65535) f.Fail("port", "must be in 1..65535");
  s.unicast = f.Optional<bool>("unicast").value_or(false);
  const std::string startup = f.Optional<std::string>("startup").value_or("staggered");
  if (startup == "staggered") {
    s.startup = Startup::kStaggered;
  } else if (startup == "simultaneous") {
    s.startup = Startup::kSimultaneous;
  } else {
    f.Fail("startup", fmt::format("'{}' is not staggered or simultaneous", startup));
  }
  s.split_brain_tolerance_ms = f.Optional<double>("split_brain_tolerance_ms");
  if (s.split_brain_tolerance_ms &&
      (*s.split_brain_tolerance_ms < 0 || *s.split_brain_tolerance_ms > 60000)) {
    f.Fail("split_brain_tolerance_ms", "must be in 0..60000 ms");
  }
  return advert_int;
}

// One entry of `nodes`; `names` collects the node names (each must be new).
NodeSpec ParseNode(JsonFields& nf, std::set<std::string>& names, double advert_int,
                   const CheckSpec& default_check, Scenario& s) {
  static const std::regex kNodeName(R"([a-z][a-z0-9-]{0,14})");
  NodeSpec node;
  node.name = nf.Required<std::string>("name");
  if (!std::regex_match(node.name, kNodeName)) {
    nf.Fail("name",
            fmt::format("'{}' must be 1-15 of a-z 0-9 - starting with a letter", node.name));
  }
  if (kReservedNodeNames.count(node.name) > 0) {
    nf.Fail("name", fmt::format("'{}' is reserved", node.name));
  }
  if (!names.insert(node.name).second) {
    nf.Fail("name", fmt::format("'{}' is used twice", node.name));
  }
  node.priority = nf.Required<int>("priority");
  if (node.priority < 1 || node.priority > 255) {
    nf.Fail("priority", fmt::format("{} is outside 1..255", node.priority));
  }
  node.state = nf.Optional<std::string>("state").value_or("BACKUP");
  if (node.state != "BACKUP" && node.state != "MASTER") {
    nf.Fail("state", fmt::format("'{}' is not MASTER or BACKUP", node.state));
  }
  node.nopreempt = nf.Optional<bool>("nopreempt").value_or(false);
  node.preempt_delay = nf.Optional<double>("preempt_delay");
  if (node.preempt_delay && (*node.preempt_delay < 0 || *node.preempt_delay > 1000)) {
    nf.Fail("preempt_delay", "must be in 0..1000 s");
  }
  WarnClearedPreemption(nf, node, s.warnings);
  node.advert_int = nf.Optional<double>("advert_int").value_or(advert_int);
  CheckAdvertInt(nf, "advert_int", node.advert_int, s.vrrp_version);
  node.check = default_check;
  if (nf.Has("check")) {
    JsonFields c = nf.Object("check");
    ParseCheck(c, node.check);
  }
  nf.Done();
  return node;
}

// Either `steps` or a `fault` with an optional `expect`.
void ParseFaultOrSteps(JsonFields& f, const std::set<std::string>& names, Scenario& s) {
  const bool has_steps = f.Has("steps");
  if (has_steps && (f.Has("fault") || f.Has("expect"))) {
    f.Fail("steps", "cannot be combined with a top-level fault or expect (put them in steps)");
  }
  if (has_steps) {
    std::vector<JsonFields> step_fields = f.Array("steps");
    if (step_fields.empty()) f.Fail("steps", "must list at least one step");
    bool injected = false;
    for (JsonFields& sf : step_fields) {
      s.steps.push_back(ParseStep(sf, names));
      if (s.steps.back().kind == Step::Kind::kInject) injected = true;
      if (!injected && s.steps.back().kind != Step::Kind::kWait) {
        sf.Fail("", "comes before the first inject (only wait steps may)");
      }
    }
    if (!injected) f.Fail("steps", "must inject at least one fault");
  } else if (f.Has("fault")) {
    JsonFields ff = f.Object("fault");
    s.fault = ParseFault(ff, names);
    if (f.Has("expect")) {
      JsonFields e = f.Object("expect");
      s.expect = ParseExpect(e, names);
    }
  } else {
    f.Fail("fault", "is missing (give a fault, or steps)");
  }
}

Scenario ParseScenario(const std::filesystem::path& file, const json& root) {
  Scenario s;
  s.file = file;
  JsonFields f(root, file.string(), "");
  const double advert_int = ParseScenarioFields(f, s);

  CheckSpec default_check;
  if (f.Has("check")) {
    JsonFields c = f.Object("check");
    ParseCheck(c, default_check);
  }

  std::vector<JsonFields> node_fields = f.Array("nodes");
  if (node_fields.empty() || node_fields.size() > 64) f.Fail("nodes", "must list 1..64 nodes");
  std::set<std::string> names;
  for (JsonFields& nf : node_fields) {
    s.nodes.push_back(ParseNode(nf, names, advert_int, default_check, s));
  }
  ParseFaultOrSteps(f, names, s);
  f.Done();
  ValidateAddresses(f, s);
  DeploymentFromLegacy(s);
  return s;
}

}  // namespace

const NodeSpec* Scenario::FindNode(std::string_view node_name) const {
  for (const NodeSpec& n : nodes) {
    if (n.name == node_name) return &n;
  }
  return nullptr;
}

Ipv4Prefix Scenario::NodeAddress(size_t index) const {
  return Ipv4Prefix(subnet.Host(static_cast<uint32_t>(11 + index)), subnet.length());
}

Ipv4Prefix Scenario::ClientAddress() const {
  return Ipv4Prefix(subnet.Host(subnet.UsableHosts()), subnet.length());
}

Scenario ScenarioFromJson(const nlohmann::json& root, const std::filesystem::path& origin) {
  return ParseScenario(origin, root);
}

std::string FaultName(FaultKind kind) {
  for (const FaultEntry& e : kFaultCatalog) {
    if (e.kind == kind) return fmt::format("{}-{}", e.target, e.action);
  }
  return "?";
}

std::string DescribeFault(const FaultSpec& f) {
  switch (f.kind) {
    case FaultKind::kServiceKill:
      return fmt::format("SIG{} to haproxy", f.signal);
    case FaultKind::kServiceFreeze:
      return "SIGSTOP to haproxy (hung)";
    case FaultKind::kServiceDegrade:
      return f.degrade == "503" ? "haproxy answers 503" : "haproxy refuses connections";
    case FaultKind::kKeepalivedStop:
      return "SIGTERM to keepalived (graceful stop)";
    case FaultKind::kKeepalivedCrash:
      return "SIGKILL to keepalived's VRRP child and parent (crash)";
    case FaultKind::kKeepalivedFreeze:
      return "SIGSTOP to keepalived's VRRP child (hung)";
    case FaultKind::kKeepalivedRestart:
      return "keepalived restart";
    case FaultKind::kNodeFreeze:
      return "node paused like a VM (all its traffic dropped, its processes frozen)";
    case FaultKind::kNodeCrash:
      return "node powered off (its processes killed, its link down)";
    case FaultKind::kLinkDown:
      return f.side == "switch" ? "switch port down (cable pulled)" : "interface down";
    case FaultKind::kPacketLoss:
      return fmt::format("{}% loss of {} {}", f.percent, f.traffic == "vrrp" ? "VRRP" : "all",
                         f.direction);
    case FaultKind::kPartition:
      if (f.partition == "isolate") return "isolated from everyone";
      if (f.partition == "one-way")
        return "one-way partition (hears its peers, they do not hear it)";
      return "partitioned from its peers (client still reaches it)";
    case FaultKind::kVrrpDelay:
      return fmt::format("VRRP adverts delayed {} ms", f.delay_ms);
  }
  return "?";
}

const char* ToString(CheckType type) {
  switch (type) {
    case CheckType::kNone:
      return "none";
    case CheckType::kScript:
      return "script";
    case CheckType::kProcess:
      return "process";
  }
  return "?";
}

const char* ToString(Startup startup) {
  return startup == Startup::kStaggered ? "staggered" : "simultaneous";
}

}  // namespace viplab
