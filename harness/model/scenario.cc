#include "harness/model/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "harness/model/internal/scenario_parse.h"
#include "harness/model/json_fields.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;
using namespace scenario_internal;  // NOLINT: the loader's own internals

bool IsNode(const Scenario& s, const std::string& name) { return s.FindNode(name) != nullptr; }

// "10.77.0.200" names a VIP of the scenario.
bool IsVip(const Scenario& s, const std::string& vip) {
  for (const VipRef& v : AllVips(s)) {
    if (v.vip->address.address().ToString() == vip) return true;
  }
  return false;
}

const std::set<std::string> kReservedNodeNames = {"master", "client", "none", "sw", "br"};

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

// `interface` of a link or network fault: an interface of the node (of every node for "master").
void ParseFaultInterface(JsonFields& f, const Scenario& s, FaultSpec& fault) {
  auto ifname = f.Optional<std::string>("interface");
  if (!ifname) return;
  const bool on_link = fault.kind == FaultKind::kLinkDown || fault.kind == FaultKind::kPacketLoss ||
                       fault.kind == FaultKind::kPartition || fault.kind == FaultKind::kVrrpDelay;
  if (!on_link) f.Fail("interface", "applies to link and network faults only");
  for (const NodeSpec& n : s.nodes) {
    if (fault.node != "master" && n.name != fault.node) continue;
    if (s.SegmentOf(n.name, *ifname) == nullptr) {
      f.Fail("interface", fmt::format("node {} has no interface '{}'", n.name, *ifname));
    }
  }
  fault.interface = *ifname;
}

FaultSpec ParseFault(JsonFields& f, const Scenario& s) {
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
  if (fault.node != "master" && !IsNode(s, fault.node)) {
    f.Fail("node", fmt::format("'{}' is not a node of this scenario", fault.node));
  }
  ParseFaultInterface(f, s, fault);
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

VipExpectation ParseVipExpect(JsonFields& e, const Scenario& s) {
  VipExpectation x;
  x.vip = e.Required<std::string>("vip");
  if (!IsVip(s, x.vip)) {
    e.Fail("vip", fmt::format("'{}' is not a VIP of this scenario (give the address without its "
                              "length)",
                              x.vip));
  }
  for (auto [key, field, allow_none] : {std::tuple{"owner_before", &x.owner_before, false},
                                        {"owner_after", &x.owner_after, true}}) {
    *field = e.Optional<std::string>(key);
    if (*field && !IsNode(s, **field) && !(allow_none && **field == "none")) {
      e.Fail(key, fmt::format("'{}' is not a node of this scenario", **field));
    }
  }
  x.vip_moved = e.Optional<bool>("vip_moved");
  if (e.Has("failover_ms")) x.failover_ms = ParseBound(e, "failover_ms");
  if (e.Has("release_ms")) x.release_ms = ParseBound(e, "release_ms");
  if (e.Has("outage_ms")) x.outage_ms = ParseBound(e, "outage_ms");
  e.Done();
  return x;
}

Expectation ParseExpect(JsonFields& e, const Scenario& s) {
  Expectation x;
  auto node_or_none = [&](const char* key, bool allow_none) -> std::optional<std::string> {
    auto value = e.Optional<std::string>(key);
    if (value && !IsNode(s, *value) && !(allow_none && *value == "none")) {
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
  if (e.Has("vips")) {
    for (JsonFields& vf : e.Array("vips")) x.vips.push_back(ParseVipExpect(vf, s));
  }
  e.Done();
  return x;
}

Step ParseStep(JsonFields& f, const Scenario& s) {
  Step step;
  int kinds = 0;
  if (f.Has("inject")) {
    ++kinds;
    step.kind = Step::Kind::kInject;
    JsonFields ff = f.Object("inject");
    step.fault = ParseFault(ff, s);
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
    if (step.wait.owner && *step.wait.owner != "none" && !IsNode(s, *step.wait.owner)) {
      w.Fail("owner", fmt::format("'{}' is not a node of this scenario", *step.wait.owner));
    }
    if (w.Has("state")) {
      JsonFields st = w.Object("state");
      for (const NodeSpec& n : s.nodes) {
        const std::string& node = n.name;
        if (!st.Has(node.c_str())) continue;
        const std::string state = OneOf(st, node.c_str(), "", {"MASTER", "BACKUP", "FAULT"});
        step.wait.states.emplace_back(node, state);
      }
      st.Done();  // any other key is not a node
    }
    if (w.Has("vip_owners")) {
      JsonFields vo = w.Object("vip_owners");
      for (const VipRef& v : AllVips(s)) {
        const std::string vip = v.vip->address.address().ToString();
        auto owner = vo.Optional<std::string>(vip.c_str());
        if (!owner) continue;
        if (*owner != "none" && !IsNode(s, *owner)) {
          vo.Fail(vip, fmt::format("'{}' is not a node of this scenario", *owner));
        }
        step.wait.vip_owners.emplace_back(vip, *owner);
      }
      vo.Done();  // any other key is not a VIP
    }
    if (!step.wait.owner && step.wait.states.empty() && step.wait.vip_owners.empty()) {
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
    step.expect = ParseExpect(e, s);
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
  const bool instances_form = f.Has("instances");
  if (instances_form) {
    for (const char* key : {"vip", "virtual_router_id", "unicast"}) {
      if (f.Has(key)) f.Fail(key, "is set per instance in the instances form (instances[])");
    }
  } else {
    s.vip = ParsePrefix(f, "vip");
    s.subnet = ParsePrefix(f, "subnet");
  }
  s.interface = f.Optional<std::string>("interface").value_or("eth0");
  static const std::regex kIfname(R"([A-Za-z0-9._-]{1,15})");
  if (!std::regex_match(s.interface, kIfname)) f.Fail("interface", "is not a valid interface name");
  s.vrrp_version = f.Optional<int>("vrrp_version").value_or(2);
  if (s.vrrp_version != 2 && s.vrrp_version != 3) f.Fail("vrrp_version", "must be 2 or 3");
  const double advert_int = f.Optional<double>("advert_int").value_or(1);
  CheckAdvertInt(f, "advert_int", advert_int, s.vrrp_version);
  if (!instances_form) {
    s.virtual_router_id = f.Optional<int>("virtual_router_id").value_or(51);
    if (s.virtual_router_id < 1 || s.virtual_router_id > 255) {
      f.Fail("virtual_router_id", "must be in 1..255");
    }
    s.unicast = f.Optional<bool>("unicast").value_or(false);
  }
  s.service_port = f.Optional<int>("port").value_or(80);
  if (s.service_port < 1 || s.service_port > 65535) f.Fail("port", "must be in 1..65535");
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
// In the instances form a node has a name and interfaces only; its VRRP settings are per
// instance (instances[].nodes).
NodeSpec ParseNode(JsonFields& nf, std::set<std::string>& names, double advert_int,
                   const CheckSpec& default_check, Scenario& s, bool instances_form) {
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
  if (instances_form) {
    for (const char* key :
         {"priority", "state", "nopreempt", "preempt_delay", "advert_int", "check"}) {
      if (nf.Has(key)) {
        nf.Fail(key, fmt::format("is set per instance in the instances form: "
                                 "instances[].nodes.{}.{}",
                                 node.name, key));
      }
    }
    ParseInterfaces(nf, node, s, s.interface);
    nf.Done();
    return node;
  }
  if (nf.Has("interfaces")) nf.Fail("interfaces", "needs the instances form (instances[])");
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
  WarnClearedPreemption(nf, {node.state, node.nopreempt, node.preempt_delay}, s.warnings);
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
void ParseFaultOrSteps(JsonFields& f, Scenario& s) {
  const bool has_steps = f.Has("steps");
  if (has_steps && (f.Has("fault") || f.Has("expect"))) {
    f.Fail("steps", "cannot be combined with a top-level fault or expect (put them in steps)");
  }
  if (has_steps) {
    std::vector<JsonFields> step_fields = f.Array("steps");
    if (step_fields.empty()) f.Fail("steps", "must list at least one step");
    bool injected = false;
    for (JsonFields& sf : step_fields) {
      s.steps.push_back(ParseStep(sf, s));
      if (s.steps.back().kind == Step::Kind::kInject) injected = true;
      if (!injected && s.steps.back().kind != Step::Kind::kWait) {
        sf.Fail("", "comes before the first inject (only wait steps may)");
      }
    }
    if (!injected) f.Fail("steps", "must inject at least one fault");
  } else if (f.Has("fault")) {
    JsonFields ff = f.Object("fault");
    s.fault = ParseFault(ff, s);
    if (f.Has("expect")) {
      JsonFields e = f.Object("expect");
      s.expect = ParseExpect(e, s);
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

  const bool instances_form = f.Has("instances");
  if (instances_form) {
    ParseSegments(f, s);
  } else if (f.Has("segments")) {
    f.Fail("segments", "needs the instances form (instances[])");
  }
  std::vector<JsonFields> node_fields = f.Array("nodes");
  if (node_fields.empty() || node_fields.size() > 64) f.Fail("nodes", "must list 1..64 nodes");
  std::set<std::string> names;
  for (JsonFields& nf : node_fields) {
    s.nodes.push_back(ParseNode(nf, names, advert_int, default_check, s, instances_form));
  }
  if (instances_form) {
    ParseInstances(f, s, advert_int, default_check);
  } else {
    DeploymentFromLegacy(s);
  }
  ParseFaultOrSteps(f, s);
  f.Done();
  if (!instances_form) ValidateAddresses(f, s);
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
