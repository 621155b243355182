// Hygiene: keywords keepalived does not know, what viplab does not model or exercise, passwords
// keepalived truncates or ignores, scripts nobody tracks (info); tracking keepalived drops
// (warning).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "harness/lint/internal/rules.h"

namespace viplab::lint::internal {
namespace {

using kconf::KeepalivedConfig;
using kconf::VrrpInstance;

std::string Line(const kconf::LineRef& ref) {
  return ref.args.empty() ? ref.keyword
                          : fmt::format("{} {}", ref.keyword, fmt::join(ref.args, " "));
}

void Listed(const kconf::ConfigNode& node, std::vector<Finding>& out) {
  for (const kconf::LineRef& ref : node.config.unknown) {
    Finding finding = NodeFinding("KA012", "unknown-keyword", Severity::kInfo, node, ref.where);
    finding.message = fmt::format("'{}': keepalived 2.2.7 does not know '{}' and ignores the line",
                                  Line(ref), ref.keyword);
    finding.basis = "lib/parser.c (\"Unknown keyword '%s'\")";
    finding.fix = fmt::format("remove '{}' or correct its spelling", ref.keyword);
    out.push_back(std::move(finding));
  }
  for (const kconf::LineRef& ref : node.config.unmodelled) {
    Finding finding = NodeFinding("KA013", "not-modelled", Severity::kInfo, node, ref.where);
    finding.message = fmt::format(
        "'{}': accepted by keepalived, not modelled by viplab (its "
        "effect is not predicted or checked)",
        Line(ref));
    finding.basis = "doc/man/man5/keepalived.conf.5";
    finding.fix = "none needed; certify runs it as written";
    out.push_back(std::move(finding));
  }
  for (const kconf::NotExercised& part : node.config.not_exercised) {
    Finding finding = NodeFinding("KA014", "not-exercised", Severity::kInfo, node, part.where);
    finding.message = fmt::format("{}: not exercised by viplab ({})", part.what, part.why);
    finding.basis = "doc/man/man5/keepalived.conf.5";
    finding.fix = "none needed; test this part by other means";
    out.push_back(std::move(finding));
  }
}

// What keepalived logs and corrects while loading (the reader's warnings): info, except a
// track_* entry naming nothing, which leaves the instance unchecked (warning, KA019).
void Corrections(const kconf::ConfigNode& node, std::vector<Finding>& out) {
  for (const kconf::ConfigWarning& warning : node.config.warnings) {
    const bool untracked = warning.keyword.starts_with("track_") &&
                           warning.what.find("not found") != std::string::npos;
    Finding finding =
        untracked
            ? NodeFinding("KA019", "track-undefined", Severity::kWarning, node, warning.where)
            : NodeFinding("KA020", "keepalived-corrects", Severity::kInfo, node, warning.where);
    finding.message = fmt::format("{}: {}", warning.keyword, warning.what);
    finding.basis = untracked ? "vrrp_track.c alloc_track_script (\"track script %s not found, "
                                "ignoring...\")"
                              : "report_config_error (logged while loading)";
    finding.fix = untracked ? "define the tracked object above the instance, or correct the name"
                            : "write the value keepalived uses, so the file says what runs";
    out.push_back(std::move(finding));
  }
}

void Authentication(const kconf::ConfigNode& node, const VrrpInstance& instance,
                    std::vector<Finding>& out) {
  if (!instance.auth_type) return;
  const int version = node.config.VersionOf(instance);
  if (version == 3 || instance.strict) {
    Finding finding = NodeFinding("KA016", "auth-ignored", Severity::kInfo, node, instance.where);
    finding.instance = instance.name;
    finding.message =
        fmt::format("{}: authentication {} is ignored ({})", instance.name, *instance.auth_type,
                    version == 3 ? "\"VRRP version 3 does not support authentication. Ignoring.\""
                                 : "\"Strict mode does not support authentication. Ignoring.\"");
    finding.basis = "vrrp.c vrrp_complete_instance";
    finding.fix = "remove the authentication block";
    out.push_back(std::move(finding));
    return;
  }
  if (instance.auth_pass && instance.auth_pass->size() > 8) {
    Finding finding =
        NodeFinding("KA015", "auth-pass-truncated", Severity::kInfo, node, instance.where);
    finding.instance = instance.name;
    finding.message =
        fmt::format("{}: auth_pass \"{}\" has {} characters; keepalived uses the first 8 (\"{}\")",
                    instance.name, *instance.auth_pass, instance.auth_pass->size(),
                    instance.auth_pass->substr(0, 8));
    finding.basis =
        "vrrp_parser.c vrrp_auth_pass_handler (\"Truncating auth_pass to %zu "
        "characters\")";
    finding.fix = fmt::format("auth_pass {}", instance.auth_pass->substr(0, 8));
    out.push_back(std::move(finding));
  }
}

bool Tracks(const std::vector<kconf::TrackRef>& refs, const std::string& name) {
  return std::any_of(refs.begin(), refs.end(),
                     [&](const kconf::TrackRef& ref) { return ref.name == name; });
}

void UnusedScripts(const kconf::ConfigNode& node, std::vector<Finding>& out) {
  const KeepalivedConfig& config = node.config;
  for (const kconf::VrrpScript& script : config.scripts) {
    const bool used =
        std::any_of(config.instances.begin(), config.instances.end(),
                    [&](const VrrpInstance& i) { return Tracks(i.track_scripts, script.name); }) ||
        std::any_of(
            config.sync_groups.begin(), config.sync_groups.end(),
            [&](const kconf::SyncGroup& g) { return Tracks(g.track_scripts, script.name); });
    if (used) continue;
    Finding finding = NodeFinding("KA017", "unused-script", Severity::kInfo, node, script.where);
    finding.message =
        script.weight != 0
            ? fmt::format(
                  "vrrp_script {} has weight {} but no instance or sync group tracks it: "
                  "it never runs",
                  script.name, script.weight)
            : fmt::format("vrrp_script {} is never tracked: it never runs", script.name);
    finding.basis = "vrrp_track.c (only tracked scripts are scheduled)";
    finding.fix =
        fmt::format("track_script {{ {} }} in the instance it guards, or remove it", script.name);
    out.push_back(std::move(finding));
  }
}

void TrackingProblems(const kconf::ConfigNode& node, const VrrpInstance& instance,
                      std::vector<Finding>& out) {
  const kconf::SyncGroup* group = node.config.GroupOf(instance.name);
  for (const Tracked& item : DroppedBySyncGroup(node.config, instance)) {
    Finding finding =
        NodeFinding("KA018", "sync-group-drops-weight", Severity::kWarning, node, item.where);
    finding.instance = instance.name;
    finding.message = fmt::format(
        "{}: track_script {} (weight {}) is dropped because {} is in vrrp_sync_group {} without "
        "sync_group_tracking_weight: the check has no effect",
        instance.name, item.name, item.weight, instance.name, group ? group->name : "?");
    finding.basis =
        "vrrp.c vrrp_complete_instance (\"ignoring tracked script %s with weights "
        "due to SYNC group\")";
    finding.fix = fmt::format(
        "track {} in the sync group, use weight 0, or add "
        "sync_group_tracking_weight to the group",
        item.name);
    out.push_back(std::move(finding));
  }
  for (const kconf::TrackRef& ref : instance.track_scripts) {
    if (node.config.FindScript(ref.name) != nullptr) continue;
    Finding finding = NodeFinding("KA019", "track-undefined", Severity::kWarning, node, ref.where);
    finding.instance = instance.name;
    finding.message = fmt::format(
        "{}: track_script {} names no vrrp_script: keepalived ignores "
        "it and nothing is checked",
        instance.name, ref.name);
    finding.basis = "vrrp_track.c alloc_track_script (\"track script %s not found, ignoring...\")";
    finding.fix = fmt::format("define vrrp_script {} or correct the name", ref.name);
    out.push_back(std::move(finding));
  }
}

}  // namespace

void HygieneRules(const kconf::ConfigSet& set, std::vector<Finding>& out) {
  for (const kconf::ConfigNode& node : set.nodes) {
    Listed(node, out);
    Corrections(node, out);
    for (const VrrpInstance& instance : node.config.instances) {
      Authentication(node, instance, out);
      TrackingProblems(node, instance, out);
    }
    UnusedScripts(node, out);
  }
}

}  // namespace viplab::lint::internal
