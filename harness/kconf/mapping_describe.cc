// DescribeMapping: the `certify --dry-run` / `lint` listing of a mapping, deterministic text.
#include <fmt/format.h>

#include <sstream>

#include "harness/kconf/internal/mapping_parts.h"

namespace viplab::kconf {
namespace {

void Nodes(std::ostringstream& out, const Mapping& m, const ConfigSet& set) {
  out << "nodes:\n";
  for (const ConfigNode& node : set.nodes) {
    out << fmt::format("  {:<15} {}", node.name, node.original);
    if (node.original != node.file.string()) out << fmt::format(" ({})", node.file.string());
    out << '\n';
  }
  out << "interfaces:\n";
  for (const MappedInterface& i : m.interfaces) {
    out << fmt::format("  {} {} -> segment {}, {} ({})\n", i.node, i.name, i.segment,
                       i.address.ToString(), i.from_config ? "from config" : "assigned");
  }
  out << "segments:\n";
  for (const SegmentSpec& s : m.scenario.segments) {
    out << fmt::format("  {} {}, client {}\n", s.name, s.subnet.ToString(),
                       m.scenario.ClientAddress(s.name).ToString());
  }
}

std::string CheckWords(const CheckSpec& c) {
  switch (c.type) {
    case CheckType::kNone:
      return "no check";
    case CheckType::kScript:
      return fmt::format("script every {}s fall {} rise {} weight {}", c.interval, c.fall, c.rise,
                         c.weight);
    case CheckType::kProcess:
      return fmt::format("process weight {}", c.weight);
  }
  return "?";
}

void Instances(std::ostringstream& out, const Mapping& m) {
  out << "instances:\n";
  for (const InstanceSpec& in : m.scenario.instances) {
    std::vector<std::string> vips;
    for (const VipSpec& v : in.vips) {
      vips.push_back(v.interface.empty()
                         ? v.address.ToString()
                         : fmt::format("{} dev {}", v.address.ToString(), v.interface));
    }
    out << fmt::format("  {} on {} vrid {}{}: {}\n", in.name, in.interface, in.virtual_router_id,
                       in.unicast ? " unicast" : "", fmt::join(vips, ", "));
    for (const TrackInterfaceSpec& t : in.track_interfaces) {
      out << fmt::format("    track_interface {} weight {}\n", t.interface, t.weight);
    }
    for (const InstanceNodeSpec& n : in.nodes) {
      out << fmt::format("    {} {} priority {}{}{} advert {}s, {}\n", n.node, n.state, n.priority,
                         n.nopreempt ? " nopreempt" : "",
                         n.preempt_delay ? fmt::format(" preempt_delay {}s", *n.preempt_delay) : "",
                         n.advert_int, CheckWords(n.check));
    }
  }
  for (const SyncGroupSpec& g : m.scenario.sync_groups) {
    out << fmt::format("  sync group {}: {}\n", g.name, fmt::join(g.instances, ", "));
  }
}

void Checks(std::ostringstream& out, const Mapping& m) {
  out << "services:\n";
  for (const MappedService& s : m.services) {
    out << fmt::format(
        "  {} {}{} ({})\n", s.node, s.name,
        s.port == 0 ? std::string() : fmt::format(" port {}{}", s.port, s.https ? " https" : ""),
        s.because);
  }
  out << "checks:\n";
  for (const MappedCheck& c : m.checks) {
    out << fmt::format("  {} {}: {}{} \"{}\" ({})\n", c.node, c.script, ToString(c.how),
                       c.service.empty() ? "" : fmt::format(" of {}", c.service), c.command,
                       ToString(c.where));
  }
  out << "rewrites:\n";
  for (const Rewrite& r : m.rewrites) {
    out << fmt::format("  {} {}: {} -> {} ({})\n", r.node, ToString(r.where), r.original,
                       r.lab_form, r.why);
  }
}

}  // namespace

std::string DescribeMapping(const Mapping& mapping, const ConfigSet& set) {
  std::ostringstream out;
  out << fmt::format("mapping {}: {} nodes, {} segments, {} instances\n", mapping.scenario.name,
                     set.nodes.size(), mapping.scenario.segments.size(),
                     mapping.scenario.instances.size());
  Nodes(out, mapping, set);
  Instances(out, mapping);
  Checks(out, mapping);
  out << "not exercised:\n";
  for (const auto& [node, n] : mapping.not_exercised) {
    out << fmt::format("  {} {}: {} ({})\n", node, n.what, n.why, ToString(n.where));
  }
  out << "not predicted:\n";
  for (const std::string& line : mapping.not_predicted) out << "  " << line << '\n';
  for (const std::string& line : mapping.scenario.warnings) out << "warning: " << line << '\n';
  return out.str();
}

}  // namespace viplab::kconf
