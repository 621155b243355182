// The rules about priorities and weights (does the VIP move when a check fails?), state MASTER
// clearing nopreempt / preempt_delay, and detection time against the SLO.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "harness/lint/internal/rules.h"
#include "harness/model/vrrp_timing.h"

namespace viplab::lint::internal {
namespace {

using kconf::VrrpInstance;

// One member with what it tracks and its priority while everything is healthy.
struct Node {
  const Member* member = nullptr;
  std::vector<Tracked> tracked;
  int healthy = 0;
};

std::vector<Node> NodesOf(const InstanceGroup& group) {
  std::vector<Node> nodes;
  for (const Member& member : group.members) {
    Node node{.member = &member,
              .tracked = TrackedBy(member.node->config, *member.instance),
              .healthy = 0};
    node.healthy = HealthyPriority(node.tracked, member.instance->priority);
    nodes.push_back(std::move(node));
  }
  return nodes;
}

// "lb1 priority 101 + chk_haproxy 2 = 103"
std::string Sum(const Node& node) {
  std::string text =
      fmt::format("{} priority {}", node.member->node->name, node.member->instance->priority);
  if (node.member->instance->priority == 255) return text + " (address owner, weights ignored)";
  bool added = false;
  for (const Tracked& item : node.tracked) {
    if (item.reverse || item.weight <= 0) continue;
    text += fmt::format(" + {} {}", item.name, item.weight);
    added = true;
  }
  return added ? fmt::format("{} = {}", text, node.healthy) : text;
}

// Could `x` be MASTER while every other node is healthy? It has the highest priority, or every
// node above it has nopreempt (vrrp.c vrrp_state_backup: a nopreempt backup never preempts).
bool CanBeMaster(const std::vector<Node>& nodes, const Node& x) {
  return std::all_of(nodes.begin(), nodes.end(), [&](const Node& y) {
    return &y == &x || y.healthy <= x.healthy || EffectiveNopreempt(*y.member->instance);
  });
}

// The weight of `name` on every node replaced by `weight`: the least negative weight that moves
// the VIP off `x` (to a preempting backup), if any.
std::optional<int> WeightThatMoves(const std::vector<Node>& nodes, const Node& x,
                                   const std::string& name) {
  for (int weight = -1; weight >= -253; --weight) {
    auto with = [&](const Node& node) {
      std::vector<Tracked> tracked = node.tracked;
      for (Tracked& item : tracked) {
        if (item.name == name && item.weight != 0) item.weight = weight;
      }
      return tracked;
    };
    const std::vector<Tracked> x_tracked = with(x);
    auto failing = std::find_if(x_tracked.begin(), x_tracked.end(),
                                [&](const Tracked& item) { return item.name == name; });
    const int failed = FailedPriority(x_tracked, x.member->instance->priority, *failing);
    for (const Node& y : nodes) {
      if (&y == &x || EffectiveNopreempt(*y.member->instance)) continue;
      if (HealthyPriority(with(y), y.member->instance->priority) > failed) return weight;
    }
  }
  return std::nullopt;
}

Finding WeightFinding(const char* code, const char* rule, const Node& x, const Tracked& item) {
  Finding finding = MakeFinding(code, rule, Severity::kError);
  finding.node = x.member->node->name;
  finding.instance = x.member->instance->name;
  finding.where = item.where.line ? item.where : x.member->instance->priority_where;
  return finding;
}

void CheckFailure(const std::vector<Node>& nodes, const Node& x, const Tracked& item,
                  std::vector<Finding>& out) {
  const int failed = FailedPriority(x.tracked, x.member->instance->priority, item);
  const std::string head =
      fmt::format("{}; {} (weight {}) failing: {}", Sum(x), item.name, item.weight, failed);
  std::vector<const Node*> above;
  const Node* best = nullptr;
  for (const Node& y : nodes) {
    if (&y == &x) continue;
    if (best == nullptr || y.healthy > best->healthy) best = &y;
    if (y.healthy > failed) above.push_back(&y);
  }
  if (best == nullptr) return;
  if (above.empty()) {
    Finding finding = WeightFinding("KA002", "weight-below-gap", x, item);
    finding.message = fmt::format(
        "{}; best backup {}: {} does not exceed {}, so {} stays MASTER with {} failing and the "
        "VIP never moves",
        head, Sum(*best), best->healthy, failed, x.member->node->name, item.name);
    finding.basis =
        "vrrp.c vrrp_state_backup (a backup accepts an advert of priority >= its own and stays "
        "BACKUP); vrrp_track.c vrrp_set_effective_priority";
    const std::optional<int> weight = WeightThatMoves(nodes, x, item.name);
    finding.fix =
        fmt::format("weight 0 on {} (the master goes FAULT when it fails){}", item.name,
                    weight ? fmt::format(", or weight {} or lower (beyond the gap)", *weight) : "");
    out.push_back(std::move(finding));
    return;
  }
  const bool all_nopreempt = std::all_of(above.begin(), above.end(), [](const Node* y) {
    return EffectiveNopreempt(*y->member->instance);
  });
  if (!all_nopreempt) return;
  std::string backups;
  for (const Node* y : above) {
    backups +=
        fmt::format("{}{} ({} > {}, nopreempt at {})", backups.empty() ? "" : ", ", Sum(*y),
                    y->healthy, failed, kconf::ToString(y->member->instance->nopreempt_where));
  }
  Finding finding = WeightFinding("KA001", "weight-with-nopreempt", x, item);
  finding.message = fmt::format(
      "{}; the backups that outrank it have nopreempt: {}; a nopreempt backup never preempts a "
      "running master, so {} keeps the VIP with {} failing",
      head, backups, x.member->node->name, item.name);
  finding.basis =
      "vrrp.c vrrp_state_backup (with nopreempt every advert from the master is accepted, "
      "whatever its priority); keepalived #2599";
  finding.fix = fmt::format(
      "weight 0 on {} (the master goes FAULT and stops advertising, the backup takes over), or "
      "remove nopreempt from the backups so the higher priority preempts",
      item.name);
  out.push_back(std::move(finding));
}

void PriorityRules(const InstanceGroup& group, std::vector<Finding>& out) {
  if (group.members.size() < 2) return;
  const std::vector<Node> nodes = NodesOf(group);
  for (const Node& x : nodes) {
    if (!CanBeMaster(nodes, x)) continue;
    for (const Tracked& item : x.tracked) {
      if (item.kind == Tracked::Kind::kInterface || item.weight == 0 || item.reverse) continue;
      CheckFailure(nodes, x, item, out);
    }
  }
}

// vrrp.c vrrp_complete_instance: nopreempt and preempt_delay are cleared with state MASTER.
void MasterClears(const Member& member, std::vector<Finding>& out) {
  const VrrpInstance& instance = *member.instance;
  if (instance.state != "MASTER") return;
  auto add = [&](const char* what, const kconf::SourceLocation& where, const char* log) {
    Finding finding = MakeFinding("KA003", "master-clears-preempt", Severity::kWarning);
    finding.node = member.node->name;
    finding.instance = instance.name;
    finding.where = where;
    finding.message =
        fmt::format("{} {}: state MASTER ({}) with {} ({}): keepalived clears it (\"({}) {}\")",
                    member.node->name, instance.name, kconf::ToString(instance.state_where), what,
                    kconf::ToString(where), instance.name, log);
    finding.basis = "vrrp.c vrrp_complete_instance";
    finding.fix = fmt::format("state BACKUP on {} (as on the other nodes), or drop {}",
                              member.node->name, what);
    out.push_back(std::move(finding));
  };
  if (instance.nopreempt && instance.priority != 255) {
    add("nopreempt", instance.nopreempt_where,
        "Warning - nopreempt will not work with initial state MASTER - clearing");
  }
  if (instance.preempt_delay_s && *instance.preempt_delay_s > 0) {
    add(fmt::format("preempt_delay {:g}", *instance.preempt_delay_s).c_str(),
        instance.preempt_delay_where,
        "Warning - preempt delay will not work with initial state MASTER - clearing");
  }
}

// Detection (fall x interval + timeout; vrrp_scheduler.c vrrp_script_thread: the timeout is the
// interval when unset) + takeover (Master_Down_Interval) against the SLO's failover target.
// `done`: the scripts already reported (a sync group's script is tracked by every member).
void DetectionRule(const InstanceGroup& group, const LintOptions& options,
                   std::vector<std::string>& done, std::vector<Finding>& out) {
  double takeover_ms = 0;
  for (const Member& member : group.members) {
    const VrrpInstance& instance = *member.instance;
    takeover_ms = std::max(takeover_ms, MasterDownMs(instance.priority, instance.advert_int_s,
                                                     member.node->config.VersionOf(instance)));
  }
  for (const Member& member : group.members) {
    for (const Tracked& item : TrackedBy(member.node->config, *member.instance)) {
      if (item.kind != Tracked::Kind::kScript || item.script == nullptr) continue;
      if (std::find(done.begin(), done.end(), item.name) != done.end()) continue;
      const kconf::VrrpScript& script = *item.script;
      const double timeout_s = script.timeout_s.value_or(script.interval_s);
      const double detect_ms = (script.fall * script.interval_s + timeout_s) * 1000.0;
      if (detect_ms + takeover_ms <= options.slo.failover_ms) continue;
      done.push_back(item.name);
      Finding finding = MakeFinding("KA004", "detection-above-slo", Severity::kWarning);
      finding.node = member.node->name;
      finding.instance = group.name;
      finding.where = script.where;
      finding.message = fmt::format(
          "{}: fall {} x interval {:g} s + timeout {:g} s = {:.0f} ms detection, + takeover up "
          "to {:.0f} ms (3 x advert + skew) = {:.0f} ms > SLO failover {:.0f} ms",
          script.name, script.fall, script.interval_s, timeout_s, detect_ms, takeover_ms,
          detect_ms + takeover_ms, options.slo.failover_ms);
      finding.basis =
          "vrrp_scheduler.c vrrp_script_thread (runs every interval, timeout defaults to the "
          "interval); vrrp_track.c (fall failures in a row); vrrp.h VRRP_MS_DOWN_TIMER";
      finding.fix = fmt::format(
          "keep fall x interval + timeout under {:.0f} ms (lower fall, interval or timeout), or "
          "relax --slo failover",
          options.slo.failover_ms - takeover_ms);
      out.push_back(std::move(finding));
    }
  }
}

}  // namespace

void WeightRules(const kconf::ConfigSet& set, const LintOptions& options,
                 std::vector<Finding>& out) {
  std::vector<std::string> detection_done;
  for (const InstanceGroup& group : GroupInstances(set)) {
    PriorityRules(group, out);
    for (const Member& member : group.members) MasterClears(member, out);
    DetectionRule(group, options, detection_done, out);
  }
}

}  // namespace viplab::lint::internal
