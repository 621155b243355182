#include "harness/lint/outlook.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "harness/oracle/oracle.h"
#include "harness/result/reason.h"

namespace viplab::lint {
namespace {

// The predicted initial owner of each instance's first VIP ("" when not one node).
std::string InitialMaster(const Scenario& s, const ScenarioPrediction& sp,
                          const InstanceSpec& instance) {
  std::string owner;
  if (s.single_instance()) {
    owner = sp.initial.owner;
  } else {
    for (const ScenarioPrediction::PerVip& v : sp.vips) {
      if (v.instance == instance.name) {
        owner = v.initial.owner;
        break;
      }
    }
  }
  if (owner.empty() || owner == "none" || owner.find('+') != std::string::npos) return "";
  return owner;
}

// The highest-priority node of `instance` other than `master` (the backup that takes over).
std::string BestBackup(const InstanceSpec& instance, const std::string& master) {
  const InstanceNodeSpec* best = nullptr;
  for (const InstanceNodeSpec& n : instance.nodes) {
    if (n.node != master && (best == nullptr || n.priority > best->priority)) best = &n;
  }
  return best == nullptr ? "" : best->node;
}

FaultSpec On(FaultKind kind, const std::string& node) {
  FaultSpec f;
  f.kind = kind;
  f.node = node;
  return f;
}

void AddLinkFaults(const Scenario& s, const InstanceSpec& instance, const std::string& master,
                   std::vector<CatalogFault>& out) {
  std::vector<std::string> names{instance.interface};
  for (const VipSpec& v : instance.vips) {
    if (!v.interface.empty()) names.push_back(v.interface);
  }
  for (const TrackInterfaceSpec& t : instance.track_interfaces) names.push_back(t.interface);
  std::vector<std::string> seen;
  const NodeSpec* node = s.FindNode(master);
  for (const std::string& name : names) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    const bool cabled =
        node != nullptr && std::any_of(node->interfaces.begin(), node->interfaces.end(),
                                       [&](const auto& i) { return i.name == name; });
    if (!cabled) continue;
    FaultSpec f = On(FaultKind::kLinkDown, master);
    f.interface = name;
    out.push_back({.instance = instance.name,
                   .name = "link-down:" + name,
                   .words = fmt::format("{} of {} down", name, master),
                   .fault = f});
  }
}

void AddInstanceFaults(const Scenario& s, const InstanceSpec& instance, const std::string& master,
                       std::vector<CatalogFault>& out) {
  auto add = [&](std::string name, std::string words, std::optional<FaultSpec> fault,
                 bool must_resolve = true) {
    out.push_back({.instance = instance.name,
                   .name = std::move(name),
                   .words = std::move(words),
                   .fault = std::move(fault),
                   .must_resolve = must_resolve});
  };
  const InstanceNodeSpec* m = instance.FindNode(master);
  const bool checked = m != nullptr && m->check.type != CheckType::kNone;
  if (checked) {
    add("check-fails", fmt::format("the service killed on {} (its check fails)", master),
        On(FaultKind::kServiceKill, master));
  }
  add("keepalived-stop", fmt::format("keepalived on {} stopped (SIGTERM)", master),
      On(FaultKind::kKeepalivedStop, master));
  add("keepalived-reload", fmt::format("keepalived on {} reloaded (SIGHUP, same file)", master),
      std::nullopt);
  add("keepalived-crash", fmt::format("keepalived on {} killed (SIGKILL)", master),
      On(FaultKind::kKeepalivedCrash, master), false);
  add("node-power-off", fmt::format("{} powered off", master), On(FaultKind::kNodeCrash, master));
  add("node-freeze", fmt::format("{} paused like a VM", master),
      On(FaultKind::kNodeFreeze, master));
  AddLinkFaults(s, instance, master, out);
  if (checked) {
    add("service-flapping", fmt::format("the service on {} down 3 s, up 3 s, three times", master),
        std::nullopt);
  }
  const std::string backup = BestBackup(instance, master);
  if (!backup.empty()) {
    add("backup-restart", fmt::format("keepalived on the backup {} restarted", backup),
        On(FaultKind::kKeepalivedRestart, backup));
  }
  FaultSpec oneway = On(FaultKind::kPartition, master);
  oneway.partition = "one-way";
  add("one-way-partition", fmt::format("{}'s adverts no longer reach its peers", master), oneway,
      false);
  FaultSpec loss = On(FaultKind::kPacketLoss, master);
  loss.traffic = "vrrp";
  loss.percent = 100;
  add("vrrp-loss", fmt::format("100 % of {}'s VRRP adverts lost on egress", master), loss, false);
}

std::string Window(const std::optional<Bound>& b) {
  if (!b) return "";
  return fmt::format(" in [{:.0f}, {:.0f}] ms", b->min.value_or(0), b->max.value_or(0));
}

// "VIP 10.77.0.200 moves lb1 -> lb2 in [604, 1759] ms; clear: back to lb1 in [...] ms"
std::string Summarize(const std::string& vip, const Prediction& p) {
  std::string what;
  if (p.split_brain) {
    what = fmt::format("is held by {} (split brain)", p.owner_after);
  } else if (p.owner_after == "none") {
    what = fmt::format("has no owner (released by {})", p.owner_before);
  } else if (p.vip_moves) {
    what = fmt::format("moves {} -> {}{}", p.owner_before, p.owner_after, Window(p.failover_ms));
  } else if (p.return_ms) {
    what = fmt::format("returns to {}{}", p.owner_after, Window(p.return_ms));
  } else {
    what = fmt::format("stays on {}", p.owner_after);
  }
  std::string text = fmt::format("VIP {} {}", vip, what);
  if (p.failback) {
    text += p.failback->changes
                ? fmt::format("; clear: {}{}", p.failback->owner, Window(p.failback->window_ms))
                : fmt::format("; clear: stays on {}", p.failback->owner);
  }
  if (p.confidence != Confidence::kHigh) {
    text += fmt::format(" ({} confidence)", ToString(p.confidence));
  }
  return text;
}

void Explain(const Scenario& scenario, Outlook& o) {
  Scenario s = scenario;
  s.fault = *o.fault.fault;
  const ScenarioPrediction sp = PredictScenario(s);
  if (!sp.not_predicted.empty()) {
    o.summary = "not predicted";
    o.lines = ToEnglish(sp.not_predicted);
    return;
  }
  o.predicted = true;
  std::vector<std::string> parts;
  if (s.single_instance()) {
    parts.push_back(Summarize(std::string(s.vip.address().ToString()), sp.faults.front()));
    o.lines = ToEnglish(sp.faults.front().reasons);
  } else {
    for (const ScenarioPrediction::PerVip& v : sp.vips) {
      if (v.instance != o.fault.instance || v.faults.empty()) continue;
      parts.push_back(Summarize(v.vip, v.faults.front()));
      if (o.lines.empty()) o.lines = ToEnglish(v.faults.front().reasons);
    }
  }
  o.summary = fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

std::vector<CatalogFault> CertifyCatalog(const Scenario& scenario) {
  const ScenarioPrediction base = PredictScenario(scenario);
  std::vector<CatalogFault> out;
  for (const InstanceSpec& instance : scenario.instances) {
    const std::string master = InitialMaster(scenario, base, instance);
    if (master.empty()) continue;
    AddInstanceFaults(scenario, instance, master, out);
  }
  return out;
}

std::vector<Outlook> PredictCatalog(const Scenario& scenario,
                                    const std::vector<std::string>& not_predicted) {
  std::vector<Outlook> out;
  for (CatalogFault& f : CertifyCatalog(scenario)) {
    Outlook o;
    o.fault = std::move(f);
    if (!not_predicted.empty()) {
      o.summary = "not predicted";
      o.lines = not_predicted;
    } else if (!o.fault.fault) {
      o.summary = "not predicted (the oracle has no model of this fault; the lab certifies it)";
    } else {
      Explain(scenario, o);
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string DescribeOutlook(const std::vector<Outlook>& outlook, bool verbose) {
  std::string text;
  std::string instance;
  for (const Outlook& o : outlook) {
    if (o.fault.instance != instance) {
      instance = o.fault.instance;
      text += fmt::format("  {}:\n", instance);
    }
    text += fmt::format("    {:<20} {}: {}\n", o.fault.name, o.fault.words, o.summary);
    if (!verbose) continue;
    for (const std::string& line : o.lines) text += fmt::format("        {}\n", line);
  }
  return text;
}

}  // namespace viplab::lint
