// The views of a configuration set the lint rules share.
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/lint/internal/rules.h"

namespace viplab::lint::internal {
namespace {

using kconf::KeepalivedConfig;
using kconf::TrackRef;
using kconf::VrrpInstance;

// The scripts (kScript) or processes (kProcess) `refs` track: the reference's weight and reverse,
// else the object's own; one that is not defined is ignored (vrrp_track.c alloc_track_script,
// alloc_track_process).
void AddObjects(const KeepalivedConfig& config, const std::vector<TrackRef>& refs,
                Tracked::Kind kind, bool sync, std::vector<Tracked>& out) {
  for (const TrackRef& ref : refs) {
    Tracked tracked{.kind = kind, .name = ref.name, .from_sync_group = sync, .where = ref.where};
    int own_weight = 0;
    bool own_reverse = false;
    if (kind == Tracked::Kind::kScript) {
      tracked.script = config.FindScript(ref.name);
      if (tracked.script == nullptr) continue;
      own_weight = tracked.script->weight;
      own_reverse = tracked.script->weight_reverse;
    } else {
      tracked.process = config.FindTrackProcess(ref.name);
      if (tracked.process == nullptr) continue;
      own_weight = tracked.process->weight;
      own_reverse = tracked.process->weight_reverse;
    }
    tracked.weight = ref.weight.value_or(own_weight);
    tracked.reverse = ref.weight ? ref.reverse : own_reverse;
    out.push_back(tracked);
  }
}

void AddInterfaces(const std::vector<TrackRef>& refs, bool sync, std::vector<Tracked>& out) {
  for (const TrackRef& ref : refs) {
    out.push_back(Tracked{.kind = Tracked::Kind::kInterface,
                          .name = ref.name,
                          .weight = ref.weight.value_or(0),
                          .reverse = ref.reverse,
                          .from_sync_group = sync,
                          .where = ref.where});
  }
}

std::vector<Tracked> OwnTracked(const KeepalivedConfig& config, const VrrpInstance& instance) {
  std::vector<Tracked> own;
  AddObjects(config, instance.track_scripts, Tracked::Kind::kScript, false, own);
  AddObjects(config, instance.track_processes, Tracked::Kind::kProcess, false, own);
  AddInterfaces(instance.track_interfaces, false, own);
  return own;
}

}  // namespace

std::vector<InstanceGroup> GroupInstances(const kconf::ConfigSet& set) {
  std::vector<InstanceGroup> groups;
  std::map<std::string, size_t> index;
  for (const kconf::ConfigNode& node : set.nodes) {
    for (const VrrpInstance& instance : node.config.instances) {
      auto [it, added] = index.emplace(instance.name, groups.size());
      if (added) groups.push_back(InstanceGroup{.name = instance.name, .members = {}});
      groups[it->second].members.push_back(Member{.node = &node, .instance = &instance});
    }
  }
  return groups;
}

std::vector<Tracked> TrackedBy(const KeepalivedConfig& config, const VrrpInstance& instance) {
  const kconf::SyncGroup* group = config.GroupOf(instance.name);
  const bool owner = instance.priority == 255;
  // The instance's own lists come as keepalived keeps them: the reader has already removed the
  // weighted scripts of a sync group member (without sync_group_tracking_weight) and of an
  // address owner, and zeroed or removed their weighted interfaces (instance_checks.cc
  // DropIgnoredWeights, vrrp.c vrrp_complete_instance).
  std::vector<Tracked> tracked = OwnTracked(config, instance);
  if (group != nullptr) {
    std::vector<Tracked> shared;
    AddObjects(config, group->track_scripts, Tracked::Kind::kScript, true, shared);
    AddObjects(config, group->track_processes, Tracked::Kind::kProcess, true, shared);
    AddInterfaces(group->track_interfaces, true, shared);
    for (Tracked& item : shared) {
      // vrrp.c sync_group_tracking_init: no weights when a member is the address owner.
      if (owner) item.weight = 0;
      tracked.push_back(item);
    }
  }
  return tracked;
}

std::vector<Tracked> DroppedBySyncGroup(const KeepalivedConfig& config,
                                        const VrrpInstance& instance) {
  const kconf::SyncGroup* group = config.GroupOf(instance.name);
  std::vector<Tracked> dropped;
  if (group == nullptr || group->tracking_weight || instance.priority == 255) {
    return dropped;
  }
  for (const Tracked& own : OwnTracked(config, instance)) {
    if (own.kind == Tracked::Kind::kScript && own.weight != 0) dropped.push_back(own);
  }
  // What the reader already removed (a config read from a file): keepalived's own view.
  for (const kconf::TrackRef& ref : instance.ignored_track_scripts) {
    Tracked item;
    item.name = ref.name;
    item.weight = ref.weight.value_or(0);
    item.reverse = ref.reverse;
    item.script = config.FindScript(ref.name);
    item.where = ref.where;
    dropped.push_back(std::move(item));
  }
  return dropped;
}

int HealthyPriority(const std::vector<Tracked>& tracked, int base) {
  if (base == 255) return 255;
  int total = base;
  for (const Tracked& item : tracked) {
    if (!item.reverse && item.weight > 0) total += item.weight;
  }
  return std::clamp(total, 1, 254);
}

int FailedPriority(const std::vector<Tracked>& tracked, int base, const Tracked& failing) {
  if (base == 255) return 255;
  int total = base;
  for (const Tracked& item : tracked) {
    if (item.reverse) continue;
    const bool failed = &item == &failing;
    if (!failed && item.weight > 0) total += item.weight;
    if (failed && item.weight < 0) total += item.weight;
  }
  return std::clamp(total, 1, 254);
}

bool EffectiveNopreempt(const VrrpInstance& instance) {
  return instance.nopreempt && instance.priority != 255 && instance.state != "MASTER";
}

namespace {

void AddNotifies(const kconf::NotifyScripts& notify, const std::string& owner,
                 const std::string& instance, std::vector<Command>& out) {
  const std::pair<const char*, const std::optional<kconf::LineRef>*> slots[] = {
      {"notify_master", &notify.master},   {"notify_backup", &notify.backup},
      {"notify_fault", &notify.fault},     {"notify_stop", &notify.stop},
      {"notify_deleted", &notify.deleted}, {"notify", &notify.notify}};
  for (const auto& [keyword, slot] : slots) {
    if (!slot->has_value() || (*slot)->args.empty()) continue;
    out.push_back(Command{.what = owner + " " + keyword,
                          .line = (*slot)->args[0],
                          .instance = instance,
                          .where = (*slot)->where,
                          .notify = true});
  }
}

}  // namespace

std::vector<Command> CommandsOf(const KeepalivedConfig& config) {
  std::vector<Command> commands;
  for (const kconf::VrrpScript& script : config.scripts) {
    if (script.script.empty()) continue;
    commands.push_back(
        Command{.what = "vrrp_script " + script.name,
                .line = script.script,
                .instance = "",
                .where = script.script_where.line ? script.script_where : script.where,
                .notify = false});
  }
  for (const VrrpInstance& instance : config.instances) {
    AddNotifies(instance.notify, "vrrp_instance " + instance.name, instance.name, commands);
  }
  for (const kconf::SyncGroup& group : config.sync_groups) {
    AddNotifies(group.notify, "vrrp_sync_group " + group.name, "", commands);
  }
  return commands;
}

std::vector<std::string> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : line) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::optional<std::string> ReadFromFiles(const LintOptions& options, const std::string& path) {
  if (!options.files_dir || path.empty() || path[0] != '/') return std::nullopt;
  const std::filesystem::path file = *options.files_dir / path.substr(1);
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  return body.str();
}

Finding MakeFinding(const char* code, const char* rule, Severity severity) {
  Finding finding;
  finding.code = code;
  finding.rule = rule;
  finding.severity = severity;
  return finding;
}

Finding NodeFinding(const char* code, const char* rule, Severity severity,
                    const kconf::ConfigNode& node, const kconf::SourceLocation& where) {
  Finding finding = MakeFinding(code, rule, severity);
  finding.node = node.name;
  finding.where = where;
  return finding;
}

Finding CommandFinding(const char* code, const char* rule, Severity severity,
                       const kconf::ConfigNode& node, const Command& command) {
  Finding finding = NodeFinding(code, rule, severity, node, command.where);
  finding.instance = command.instance;
  return finding;
}

}  // namespace viplab::lint::internal
