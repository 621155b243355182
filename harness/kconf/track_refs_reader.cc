// The track_* blocks and notify lines of instances and sync groups, and vrrp_sync_group, as
// keepalived 2.2.7 reads them (vrrp_track.c, track_file.c, vrrp_parser.c, vrrp_sync.c).
#include <fmt/format.h>

#include <algorithm>

#include "harness/kconf/reader_internal.h"

namespace viplab::kconf::internal {
namespace {

// The tracked object's own weight and reverse, or nullopt when keepalived does not know it at
// this point of the file (vrrp_track.c alloc_track_script looks scripts up while parsing: a
// vrrp_script defined after the instance is "not found, ignoring").
struct Tracked {
  int weight = 0;
  bool reverse = false;
};
std::optional<Tracked> FindTracked(const KeepalivedConfig& config, const std::string& kind,
                                   const std::string& name) {
  if (kind == "track_interface") return Tracked{};
  if (kind == "track_script") {
    if (const VrrpScript* s = config.FindScript(name)) return Tracked{s->weight, s->weight_reverse};
  } else if (kind == "track_process") {
    if (const TrackProcess* p = config.FindTrackProcess(name)) {
      return Tracked{p->weight, p->weight_reverse};
    }
  } else if (const TrackFile* f = config.FindTrackFile(name)) {
    return Tracked{f->weight, f->weight_reverse};
  }
  return std::nullopt;
}

// One entry "NAME [weight W [reverse|noreverse]]"; false when keepalived ignores the entry.
bool ReadTrackWeight(Reader& reader, const std::string& kind, const ConfNode& entry,
                     const Tracked& tracked, TrackRef& ref) {
  const std::vector<std::string>& args = entry.args;
  ref.reverse = tracked.reverse;
  if (args.empty()) return true;
  if (args[0] != "weight") {
    reader.Warn(entry, fmt::format("unknown {} option '{}': entry ignored", kind, args[0]));
    return false;
  }
  if (args.size() == 1) {
    reader.Warn(entry, fmt::format("weight without a value for {}: entry ignored", kind));
    return false;
  }
  NumberRead read = ReadInt(args[1], -254, 254, true);
  if (!read.accepted) {
    // Interfaces fall back to 0, the others to the object's own weight.
    reader.Warn(entry, fmt::format("weight '{}' must be in [-253, 253]: ignored", args[1]));
    if (kind == "track_interface") ref.weight = 0;
  } else if ((read.value == 254 || read.value == -254) &&
             (kind == "track_interface" || kind == "track_script")) {
    reader.Warn(entry, "weight cannot be +/-254: set to +/-253");
    ref.weight = read.value > 0 ? 253 : -253;
  } else {
    if (!read.clean) reader.Warn(entry, fmt::format("'{}' is read as {}", args[1], read.value));
    ref.weight = static_cast<int>(read.value);
  }
  if (args.size() >= 3) {
    if (args[2] == "reverse") {
      ref.reverse = true;
    } else if (args[2] == "noreverse" && kind != "track_interface") {
      ref.reverse = false;
    } else {
      reader.Warn(entry, fmt::format("unknown weight option '{}': ignored", args[2]));
      if (kind == "track_file") return false;  // track_file.c: the entry is dropped
    }
  }
  return true;
}

void ReadGroupMembers(Reader& reader, const ConfNode& line, SyncGroup& group, bool& seen) {
  // vrrp_parser.c vrrp_group_handler: read once; every word of the block is an instance name.
  if (seen) return reader.Warn(line, "group list already given: ignored");
  seen = true;
  for (const ConfNode& entry : line.children) {
    group.members.push_back(entry.keyword);
    group.members.insert(group.members.end(), entry.args.begin(), entry.args.end());
  }
  if (group.members.empty()) reader.Warn(line, "empty group block");
}

void ReadGroupLine(Reader& reader, const ConfNode& line, SyncGroup& group, bool& seen_group) {
  const std::string& k = line.keyword;
  if (k == "group") {
    ReadGroupMembers(reader, line, group, seen_group);
  } else if (k == "track_script") {
    ReadTrackBlock(reader, line, group.track_scripts);
  } else if (k == "track_process") {
    ReadTrackBlock(reader, line, group.track_processes);
  } else if (k == "track_file") {
    ReadTrackBlock(reader, line, group.track_files);
  } else if (k == "track_interface") {
    ReadTrackBlock(reader, line, group.track_interfaces);
  } else if (k == "track_bfd") {
    reader.NotExercised(line, fmt::format("track_bfd of vrrp_sync_group {}", group.name),
                        "BFD sessions are not exercised");
  } else if (k == "sync_group_tracking_weight" || k == "global_tracking") {
    // vrrp_sg_tracking_weight_handler; global_tracking is its deprecated form.
    group.tracking_weight = true;
  } else if (k == "notify_deleted" || !ReadNotify(reader, line, group.notify)) {
    if (k == "smtp_alert" || k == "notify_priority_changes") {
      reader.Unmodelled(line);
    } else {
      reader.Unknown(line);
    }
  }
}

}  // namespace

void ReadTrackBlock(Reader& reader, const ConfNode& node, std::vector<TrackRef>& out) {
  const std::string& kind = node.keyword;
  for (const ConfNode& entry : node.children) {
    std::optional<Tracked> tracked = FindTracked(reader.config(), kind, entry.keyword);
    if (!tracked) {
      reader.Warn(entry, fmt::format("{} {} not found (keepalived looks it up where this line is: "
                                     "it must be defined above): ignored",
                                     kind, entry.keyword));
      continue;
    }
    if (std::any_of(out.begin(), out.end(),
                    [&](const TrackRef& r) { return r.name == entry.keyword; })) {
      reader.Warn(entry, fmt::format("duplicate {} {}: ignored", kind, entry.keyword));
      continue;
    }
    TrackRef ref;
    ref.name = entry.keyword;
    ref.where = entry.where;
    if (ReadTrackWeight(reader, kind, entry, *tracked, ref)) out.push_back(std::move(ref));
  }
}

bool ReadNotify(Reader& reader, const ConfNode& node, NotifyScripts& notify) {
  std::optional<LineRef>* slot = nullptr;
  const std::string& k = node.keyword;
  if (k == "notify") slot = &notify.notify;
  if (k == "notify_master") slot = &notify.master;
  if (k == "notify_backup") slot = &notify.backup;
  if (k == "notify_fault") slot = &notify.fault;
  if (k == "notify_stop") slot = &notify.stop;
  if (k == "notify_deleted") slot = &notify.deleted;
  if (!slot) return false;
  // vrrp_parser.c vrrp_notify_*_handler: the first one counts.
  if (*slot) {
    reader.Warn(node, "already specified: ignored");
    return true;
  }
  if (node.args.empty() && k != "notify_deleted") {
    reader.Warn(node, "no script given: ignored");
    return true;
  }
  if (node.args.size() > 1) {
    // lib/notify.c notify_script_init: the words after the command are USER [GROUP].
    reader.Warn(node, fmt::format("'{}' is the user [group] to run '{}' as, not its arguments "
                                  "(quote the whole command)",
                                  Join(node.args, 1), node.args[0]));
  }
  *slot = RefOf(node);
  return true;
}

void ReadSyncGroup(Reader& reader, const ConfNode& node) {
  // vrrp_parser.c vrrp_sync_group_handler: exactly one name, not seen before; else skipped.
  if (node.args.size() != 1) return reader.Warn(node, "must have one name: skipped");
  for (const SyncGroup& other : reader.config().sync_groups) {
    if (other.name == node.args[0]) return reader.Warn(node, "already defined: skipped");
  }
  SyncGroup group;
  group.name = node.args[0];
  group.where = node.where;
  bool seen_group = false;
  for (const ConfNode& line : node.children) ReadGroupLine(reader, line, group, seen_group);
  reader.config().sync_groups.push_back(std::move(group));
}

void CompleteSyncGroups(Reader& reader) {
  // vrrp_sync.c vrrp_sync_set_group (after every line): unknown members and instances already in
  // a group are ignored; a group left empty is removed.
  KeepalivedConfig& config = reader.config();
  std::vector<std::string> taken;
  std::vector<SyncGroup> kept;
  for (SyncGroup& group : config.sync_groups) {
    std::vector<std::string> members;
    for (const std::string& name : group.members) {
      auto warn = [&](std::string what) {
        config.warnings.push_back(
            ConfigWarning{.keyword = "vrrp_sync_group", .what = what, .where = group.where});
      };
      if (!config.FindInstance(name)) {
        warn(fmt::format("{}: member {} does not exist: ignored", group.name, name));
      } else if (std::find(taken.begin(), taken.end(), name) != taken.end()) {
        warn(fmt::format("{}: {} is already in another sync group: ignored", group.name, name));
      } else {
        members.push_back(name);
        taken.push_back(name);
      }
    }
    group.members = std::move(members);
    if (group.members.empty()) {
      config.warnings.push_back(
          ConfigWarning{.keyword = "vrrp_sync_group",
                        .what = fmt::format("{} has no existing member: removed", group.name),
                        .where = group.where});
      continue;
    }
    if (group.members.size() == 1) {
      config.warnings.push_back(
          ConfigWarning{.keyword = "vrrp_sync_group",
                        .what = fmt::format("{} has only one member", group.name),
                        .where = group.where});
    }
    kept.push_back(std::move(group));
  }
  config.sync_groups = std::move(kept);
}

}  // namespace viplab::kconf::internal
