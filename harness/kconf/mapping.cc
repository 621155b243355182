#include "harness/kconf/mapping.h"

#include <fmt/format.h>

#include <charconv>
#include <regex>

#include "harness/kconf/internal/mapping_parts.h"
#include "netns/error.h"

namespace viplab::kconf {

ServiceOption ParseServiceOption(std::string_view text) {
  static const std::regex kForm(R"(([A-Za-z0-9._-]{1,15})=tcp:([0-9]{1,5})(/https)?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, kForm)) {
    throw InputError(fmt::format(
        "--service '{}': expected NAME=tcp:PORT[/https] (NAME: 1-15 of letters, digits, . _ -)",
        text));
  }
  ServiceOption option;
  option.name = m[1].str();
  const std::string port = m[2].str();
  std::from_chars(port.data(), port.data() + port.size(), option.port);
  if (option.port < 1 || option.port > 65535) {
    throw InputError(fmt::format("--service '{}': port {} is outside 1..65535", text, port));
  }
  option.https = m[3].matched;
  return option;
}

const char* ToString(MappedCheck::How how) {
  switch (how) {
    case MappedCheck::How::kVendorScript:
      return "vendor script";
    case MappedCheck::How::kStandIn:
      return "stand-in";
    case MappedCheck::How::kLabDriven:
      return "lab-driven";
  }
  return "?";
}

Mapping MapConfigSet(const ConfigSet& set, const MappingOptions& options) {
  if (set.nodes.empty()) throw InputError("no configuration to map");
  if (options.subnet && options.subnet->length() > 24) {
    throw InputError(
        fmt::format("--subnet {}: the lab needs a /24 or larger", options.subnet->ToString()));
  }
  Mapping mapping;
  Scenario& s = mapping.scenario;
  std::vector<std::string> names;
  for (const ConfigNode& node : set.nodes) names.push_back(node.name);
  s.name = fmt::format("certify/{}", fmt::join(names, "-"));
  s.file = set.nodes.front().file;
  s.description = "keepalived configurations mapped by viplab certify";
  mapping_internal::MapNetwork(set, options, mapping);
  mapping_internal::MapChecks(set, options, mapping);
  mapping_internal::MapInstances(set, mapping);
  mapping_internal::MapRewrites(set, options, mapping);
  for (const ConfigNode& node : set.nodes) {
    for (const NotExercised& n : node.config.not_exercised) {
      mapping.not_exercised.emplace_back(node.name, n);
    }
  }
  for (NodeSpec& node : s.nodes) node.keepalived_conf = mapping.lab_configs[node.name];
  const KeepalivedConfig& first = set.nodes.front().config;
  for (const VrrpInstance& in : first.instances) {
    if (in.ipv6) continue;
    s.vrrp_version = in.version.value_or(first.global.vrrp_version.value_or(2));
    break;
  }
  for (const MappedService& service : mapping.services) {
    if (service.port == 0) continue;
    s.service_port = service.port;
    break;
  }
  if (!s.instances.front().vips.empty()) FillSingleInstanceView(s);
  return mapping;
}

}  // namespace viplab::kconf
