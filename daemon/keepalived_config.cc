#include "daemon/keepalived_config.h"

#include <fmt/format.h>

#include <map>
#include <stdexcept>
#include <string_view>

namespace viplab {

namespace {

constexpr std::string_view kIndent = "    ";

// keepalived's timers take decimal seconds: 1 not 1.0, 0.5 as 0.5 (fmt prints the shortest
// round-trip form).
std::string Number(double value) { return fmt::format("{}", value); }

// keepalived splits on blanks and treats '#' and '!' as comment starts; quote such words.
std::string Word(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t#!\"{}") == std::string::npos) return word;
  return fmt::format("\"{}\"", word);
}

std::string RenderScript(const VrrpScriptConfig& script) {
  std::string out = fmt::format("vrrp_script {} {{\n", script.name);
  out += fmt::format("{}script \"{}\"\n", kIndent, script.command);
  out += fmt::format("{}interval {}\n", kIndent, Number(script.interval));
  if (script.timeout) out += fmt::format("{}timeout {}\n", kIndent, Number(*script.timeout));
  out += fmt::format("{}fall {}\n", kIndent, script.fall);
  out += fmt::format("{}rise {}\n", kIndent, script.rise);
  out += "}\n";
  return out;
}

std::string RenderTrackProcess(const TrackProcessConfig& track) {
  std::string out = fmt::format("vrrp_track_process {} {{\n", track.name);
  out += fmt::format("{}process {}", kIndent, Word(track.process_name));
  for (const auto& arg : track.param_args) out += " " + Word(arg);
  out += "\n";
  if (!track.param_args.empty()) {
    // With parameters keepalived 2.2.7 compares argv[0] and the parameters from
    // /proc/PID/cmdline. "partial" requires the configured parameters to equal the first ones
    // exactly; "initial" would also let "--node lb1" match "--node lb10".
    out += fmt::format("{}param_match partial\n", kIndent);
  }
  out += fmt::format("{}quorum {}\n", kIndent, track.quorum);
  if (track.delay) out += fmt::format("{}delay {}\n", kIndent, Number(*track.delay));
  out += "}\n";
  return out;
}

std::string RenderInstance(const VrrpInstanceConfig& vrrp) {
  std::string out = fmt::format("vrrp_instance {} {{\n", vrrp.name);
  auto line = [&out](std::string_view text) { out += fmt::format("{}{}\n", kIndent, text); };
  line(fmt::format("state {}", vrrp.state));
  line(fmt::format("interface {}", vrrp.interface));
  line(fmt::format("virtual_router_id {}", vrrp.virtual_router_id));
  line(fmt::format("priority {}", vrrp.priority));
  line(fmt::format("advert_int {}", Number(vrrp.advert_int)));
  line(fmt::format("version {}", vrrp.version));
  if (vrrp.nopreempt) line("nopreempt");
  if (vrrp.preempt_delay) line(fmt::format("preempt_delay {}", Number(*vrrp.preempt_delay)));
  if (vrrp.unicast_src_ip) line(fmt::format("unicast_src_ip {}", *vrrp.unicast_src_ip));
  if (!vrrp.unicast_peers.empty()) {
    line("unicast_peer {");
    for (const auto& peer : vrrp.unicast_peers) line(fmt::format("{}{}", kIndent, peer));
    line("}");
  }
  line("virtual_ipaddress {");
  for (const auto& vip : vrrp.virtual_ipaddresses) {
    line(fmt::format("{}{} dev {}", kIndent, vip.address,
                     vip.dev.empty() ? vrrp.interface : vip.dev));
  }
  line("}");
  if (!vrrp.track_interfaces.empty()) {
    line("track_interface {");
    for (const auto& track : vrrp.track_interfaces) {
      line(track.weight != 0 ? fmt::format("{}{} weight {}", kIndent, track.interface, track.weight)
                             : fmt::format("{}{}", kIndent, track.interface));
    }
    line("}");
  }
  // The weight goes on the reference, and only when set: without one the instance goes FAULT.
  if (vrrp.script) {
    line("track_script {");
    line(vrrp.script->weight != 0
             ? fmt::format("{}{} weight {}", kIndent, vrrp.script->name, vrrp.script->weight)
             : fmt::format("{}{}", kIndent, vrrp.script->name));
    line("}");
  }
  if (vrrp.track_process) {
    const auto& track = *vrrp.track_process;
    line("track_process {");
    line(track.weight != 0 ? fmt::format("{}{} weight {}", kIndent, track.name, track.weight)
                           : fmt::format("{}{}", kIndent, track.name));
    line("}");
  }
  out += "}\n";
  return out;
}

std::string RenderSyncGroup(const SyncGroupConfig& group) {
  std::string out = fmt::format("vrrp_sync_group {} {{\n", group.name);
  out += fmt::format("{}group {{\n", kIndent);
  for (const auto& instance : group.instances) {
    out += fmt::format("{}{}{}\n", kIndent, kIndent, instance);
  }
  out += fmt::format("{}}}\n", kIndent);
  out += "}\n";
  return out;
}

// Instances may share a check; each named block is written once. Two different definitions
// under one name are a caller bug.
void AddBlock(std::map<std::string, std::string>& blocks, std::vector<std::string>& order,
              const std::string& kind, const std::string& name, std::string text) {
  auto [it, inserted] = blocks.emplace(name, text);
  if (inserted) {
    order.push_back(std::move(text));
  } else if (it->second != text) {
    throw std::invalid_argument(fmt::format("two different {} blocks named '{}'", kind, name));
  }
}

}  // namespace

std::string RenderKeepalivedConfig(const KeepalivedConfig& config) {
  std::string out =
      fmt::format("# keepalived.conf of node {}, generated by viplab\n\n", config.router_id);
  out += "global_defs {\n";
  out += fmt::format("{}router_id {}\n", kIndent, config.router_id);
  if (!config.notify_fifo.empty())
    out += fmt::format("{}notify_fifo {}\n", kIndent, config.notify_fifo);
  // Checks run as root (what keepalived falls back to anyway: there is no 'keepalived_script'
  // user) from root-owned paths. Without enable_script_security keepalived logs a SECURITY
  // VIOLATION and --config-test fails; with it, scripts in user-writable places are refused.
  out += fmt::format("{}script_user root\n", kIndent);
  out += fmt::format("{}enable_script_security\n", kIndent);
  // Same scheduling as the default (no realtime boost), without the startup NOTICE about it.
  out += fmt::format("{}max_auto_priority -1\n", kIndent);
  out += "}\n";

  std::map<std::string, std::string> scripts;
  std::vector<std::string> script_order;
  std::map<std::string, std::string> tracks;
  std::vector<std::string> track_order;
  for (const auto& vrrp : config.instances) {
    if (vrrp.script) {
      AddBlock(scripts, script_order, "vrrp_script", vrrp.script->name, RenderScript(*vrrp.script));
    }
    if (vrrp.track_process) {
      AddBlock(tracks, track_order, "vrrp_track_process", vrrp.track_process->name,
               RenderTrackProcess(*vrrp.track_process));
    }
  }
  for (const auto& block : script_order) out += "\n" + block;
  for (const auto& block : track_order) out += "\n" + block;
  for (const auto& group : config.sync_groups) out += "\n" + RenderSyncGroup(group);
  for (const auto& vrrp : config.instances) out += "\n" + RenderInstance(vrrp);
  return out;
}

}  // namespace viplab
