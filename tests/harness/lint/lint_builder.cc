#include "tests/harness/lint/lint_builder.h"

#include <fmt/format.h>

#include "harness/kconf/conf_tree.h"

namespace viplab::lint::testing {
namespace {

kconf::SourceLocation At(int line) { return kconf::SourceLocation{.file = "", .line = line}; }

void Relocate(kconf::SourceLocation& where, const std::filesystem::path& file) {
  where.file = file;
}

void RelocateNotify(kconf::NotifyScripts& notify, const std::filesystem::path& file) {
  for (std::optional<kconf::LineRef>* slot : {&notify.master, &notify.backup, &notify.fault,
                                              &notify.stop, &notify.deleted, &notify.notify}) {
    if (slot->has_value()) Relocate((*slot)->where, file);
  }
}

void RelocateRefs(std::vector<kconf::TrackRef>& refs, const std::filesystem::path& file) {
  for (kconf::TrackRef& ref : refs) Relocate(ref.where, file);
}

}  // namespace

kconf::VrrpInstance Instance(const std::string& name, int vrid, int priority,
                             const std::string& interface) {
  kconf::VrrpInstance instance;
  instance.name = name;
  instance.where = At(10);
  instance.state = "BACKUP";
  instance.state_where = At(11);
  instance.interface = interface;
  instance.virtual_router_id = vrid;
  instance.priority = priority;
  instance.priority_where = At(12);
  instance.nopreempt_where = At(13);
  instance.preempt_delay_where = At(14);
  instance.unicast_where = At(15);
  kconf::VirtualAddress vip;
  vip.address = "10.0.0.100";
  vip.prefix_len = 24;
  vip.where = At(16);
  instance.vips.push_back(vip);
  return instance;
}

kconf::VrrpScript Script(const std::string& name, const std::string& command, int weight) {
  kconf::VrrpScript script;
  script.name = name;
  script.script = command;
  script.script_where = At(3);
  script.weight = weight;
  script.where = At(2);
  return script;
}

kconf::TrackRef Ref(const std::string& name, std::optional<int> weight) {
  return kconf::TrackRef{.name = name, .weight = weight, .reverse = false, .where = At(20)};
}

kconf::LineRef Notify(const std::string& keyword, const std::string& command) {
  return kconf::LineRef{.keyword = keyword, .args = {command}, .where = At(30)};
}

kconf::ConfigNode Node(const std::string& name, std::vector<kconf::VrrpInstance> instances,
                       std::vector<kconf::VrrpScript> scripts) {
  kconf::ConfigNode node;
  node.name = name;
  node.original = name + ".conf";
  node.file = name + ".conf";
  node.config.instances = std::move(instances);
  node.config.scripts = std::move(scripts);
  for (kconf::VrrpInstance& instance : node.config.instances) {
    for (kconf::SourceLocation* where :
         {&instance.where, &instance.state_where, &instance.priority_where,
          &instance.nopreempt_where, &instance.preempt_delay_where, &instance.unicast_where}) {
      Relocate(*where, node.file);
    }
    for (kconf::VirtualAddress& vip : instance.vips) Relocate(vip.where, node.file);
    RelocateRefs(instance.track_scripts, node.file);
    RelocateRefs(instance.track_processes, node.file);
    RelocateNotify(instance.notify, node.file);
  }
  for (kconf::VrrpScript& script : node.config.scripts) {
    Relocate(script.where, node.file);
    Relocate(script.script_where, node.file);
  }
  for (kconf::SyncGroup& group : node.config.sync_groups) {
    RelocateRefs(group.track_scripts, node.file);
    RelocateNotify(group.notify, node.file);
  }
  return node;
}

kconf::ConfigSet Set(std::vector<kconf::ConfigNode> nodes) {
  kconf::ConfigSet set;
  set.nodes = std::move(nodes);
  return set;
}

kconf::ConfigSet Pair(int priority1, int priority2, int weight, bool nopreempt) {
  auto make = [&](const std::string& name, int priority) {
    kconf::VrrpInstance instance = Instance("VI_1", 51, priority);
    instance.nopreempt = nopreempt;
    instance.track_scripts.push_back(Ref("chk_haproxy"));
    return Node(name, {instance}, {Script("chk_haproxy", "killall -0 haproxy", weight)});
  };
  return Set({make("lb1", priority1), make("lb2", priority2)});
}

LintOptions Options() {
  LintOptions options;
  options.look_on_host = false;
  return options;
}

std::vector<Finding> Only(const std::vector<Finding>& findings, const std::string& code) {
  std::vector<Finding> only;
  for (const Finding& finding : findings) {
    if (finding.code == code) only.push_back(finding);
  }
  return only;
}

std::string Dump(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& finding : findings) {
    text += fmt::format("{} {} {} {}: {}\n", finding.code, ToString(finding.severity), finding.node,
                        kconf::ToString(finding.where), finding.message);
  }
  return text;
}

}  // namespace viplab::lint::testing
