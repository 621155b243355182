#include <fmt/format.h>

#include <cmath>
#include <set>

#include "harness/model/internal/scenario_parse.h"

namespace viplab::scenario_internal {

void ParseCheck(JsonFields& f, CheckSpec& check) {
  const std::string type = f.Required<std::string>("type");
  if (type == "script") {
    check.type = CheckType::kScript;
  } else if (type == "process") {
    check.type = CheckType::kProcess;
  } else if (type == "none") {
    check.type = CheckType::kNone;
  } else {
    f.Fail("type", fmt::format("'{}' is not one of script, process, none", type));
  }
  if (check.type == CheckType::kScript) {
    check.interval = f.Optional<double>("interval").value_or(1);
    check.fall = f.Optional<int>("fall").value_or(1);
    check.rise = f.Optional<int>("rise").value_or(1);
    if (check.interval <= 0 || check.interval > 3600) f.Fail("interval", "must be in (0, 3600] s");
    // keepalived 2.2.7 reads vrrp_script interval (and timeout) with read_unsigned_strvec
    // (vrrp_parser.c, vrrp_vscript_interval_handler): "0.5" is an invalid number, "1.5" runs as
    // 1 s. Milliseconds came in 2.3.2.
    if (check.interval != std::floor(check.interval)) {
      f.Fail("interval", fmt::format("{} is not a whole number of seconds: keepalived older than "
                                     "2.3.2 (this lab runs 2.2.7) takes whole seconds",
                                     check.interval));
    }
    if (check.fall < 1) f.Fail("fall", "must be at least 1");
    if (check.rise < 1) f.Fail("rise", "must be at least 1");
  }
  if (check.type != CheckType::kNone) {
    check.weight = f.Optional<int>("weight").value_or(0);
    if (check.weight < -253 || check.weight > 253) {
      f.Fail("weight", fmt::format("{} is outside -253..253", check.weight));
    }
  }
  f.Done();
}

void CheckAdvertInt(JsonFields& f, const char* key, double value, int version) {
  if (version == 2) {
    if (value < 1 || value > 255 || value != std::floor(value)) {
      f.Fail(key, fmt::format("{} is not a whole number of seconds in 1..255 (VRRPv2)", value));
    }
  } else {
    const double centis = value * 100;
    if (value < 0.01 || value > 40.95 || std::abs(centis - std::round(centis)) > 1e-6) {
      f.Fail(key, fmt::format("{} is not in 0.01..40.95 s in centiseconds (VRRPv3)", value));
    }
  }
}

// keepalived 2.2.7 vrrp_complete_instance (vrrp.c) clears nopreempt and preempt_delay when the
// initial state is MASTER, and preempt_delay when nopreempt is set, each with a config error
// ("Warning - nopreempt will not work with initial state MASTER - clearing"). keepalived then runs
// with the setting cleared, so these are warnings, not errors: the file stays as written.
void WarnClearedPreemption(const JsonFields& f, const Preemption& node,
                           std::vector<std::string>& warnings) {
  if (node.state == "MASTER" && node.nopreempt) {
    warnings.push_back(f.Describe("nopreempt",
                                  "keepalived 2.2.7 clears nopreempt with state MASTER (vrrp.c, "
                                  "vrrp_complete_instance): this node preempts; use state BACKUP"));
  }
  if (node.state == "MASTER" && node.preempt_delay) {
    warnings.push_back(
        f.Describe("preempt_delay",
                   "keepalived 2.2.7 clears preempt_delay with state MASTER (vrrp.c, "
                   "vrrp_complete_instance): this node preempts without delay; use state "
                   "BACKUP"));
  } else if (node.nopreempt && node.preempt_delay) {
    warnings.push_back(f.Describe("preempt_delay",
                                  "keepalived 2.2.7 clears preempt_delay with nopreempt (vrrp.c, "
                                  "vrrp_complete_instance): it has no effect"));
  }
}

Ipv4Prefix ParsePrefix(JsonFields& f, const char* key) {
  const std::string text = f.Required<std::string>(key);
  try {
    return Ipv4Prefix::Parse(text);
  } catch (const std::exception&) {
    f.Fail(key, fmt::format("'{}' is not an IPv4 prefix like 10.77.0.200/24", text));
  }
}

namespace {

// Ranges whose addresses cannot be a host's on a veth: the kernel treats them as loopback,
// "this network", multicast or the limited broadcast, never as a neighbour answering ARP.
struct ReservedRange {
  Ipv4Prefix prefix;
  const char* what;
};
const ReservedRange kUnusableRanges[] = {
    {Ipv4Prefix(Ipv4Address(0x00000000), 8), "0.0.0.0/8 (\"this network\")"},
    {Ipv4Prefix(Ipv4Address(0x7F000000), 8), "127.0.0.0/8 (loopback)"},
    {Ipv4Prefix(Ipv4Address(0xE0000000), 4), "224.0.0.0/4 (multicast)"},
    {Ipv4Prefix(Ipv4Address(0xFFFFFFFF), 32), "255.255.255.255 (limited broadcast)"},
};

void CheckUnusableRanges(JsonFields& f, const char* key, const Ipv4Prefix& subnet) {
  for (const ReservedRange& r : kUnusableRanges) {
    if (subnet.Contains(r.prefix.Network()) || r.prefix.Contains(subnet.Network())) {
      f.Fail(key, fmt::format("{} overlaps {}: such addresses cannot work on a veth",
                              subnet.ToString(), r.what));
    }
  }
}

// Every host address of the lab (nodes .11 upwards, the client, the VIP) lies in the subnet, so
// a subnet that overlaps no unusable range, with a VIP that is not its broadcast, is enough.
void CheckUsableAddresses(JsonFields& f, const Scenario& s) {
  CheckUnusableRanges(f, "subnet", s.subnet);
  const Ipv4Address vip = s.vip.address();
  if (vip == s.subnet.Broadcast()) {
    f.Fail("vip", fmt::format("{} is the broadcast address of subnet {}", vip.ToString(),
                              s.subnet.ToString()));
  }
  if (s.vip.length() < 31 && vip == s.vip.Broadcast()) {
    f.Fail("vip", fmt::format("{} is the broadcast address of its own prefix /{}", vip.ToString(),
                              s.vip.length()));
  }
}

}  // namespace

void CheckSubnet(JsonFields& f, const char* key, const Ipv4Prefix& subnet) {
  if (subnet.length() > 24) f.Fail(key, "must be /24 or larger to hold the lab's hosts");
  if (subnet.address() != subnet.Network()) {
    f.Fail(key, fmt::format("{} has host bits set (did you mean {}/{}?)", subnet.ToString(),
                            subnet.Network().ToString(), subnet.length()));
  }
  CheckUnusableRanges(f, key, subnet);
}

void ValidateAddresses(JsonFields& f, Scenario& s) {
  if (!s.subnet.Contains(s.vip.address())) {
    f.Fail("vip", fmt::format("{} is not inside subnet {}", s.vip.ToString(), s.subnet.ToString()));
  }
  if (s.subnet.length() > 24) f.Fail("subnet", "must be /24 or larger to hold the lab's hosts");
  if (s.subnet.address() != s.subnet.Network()) {
    f.Fail("subnet", fmt::format("{} has host bits set (did you mean {}/{}?)", s.subnet.ToString(),
                                 s.subnet.Network().ToString(), s.subnet.length()));
  }
  CheckUsableAddresses(f, s);
  std::set<Ipv4Address> used;
  for (size_t i = 0; i < s.nodes.size(); ++i) used.insert(s.NodeAddress(i).address());
  used.insert(s.ClientAddress().address());
  if (used.count(s.vip.address()) > 0) {
    f.Fail("vip", fmt::format("{} collides with a lab host address (nodes use .11 upwards, the "
                              "client the last usable address)",
                              s.vip.address().ToString()));
  }
}

}  // namespace viplab::scenario_internal
