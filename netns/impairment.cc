// PacketLoss, BlockTraffic and the table helpers of impairment.h (VrrpDelay: vrrp_delay.cc).
#include "netns/impairment.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "netns/netem.h"
#include "netns/network_namespace.h"
#include "netns/nftables.h"

namespace viplab {
namespace {

constexpr std::string_view kTablePrefix = "viplab_";

// Where a direction's rules live in nftables.
struct Hook {
  const char* family;    // table family
  const char* hook;      // netfilter hook
  const char* link_key;  // selector for `interface`
  const char* loopback;  // rule accepting loopback traffic first, or null
};

Hook HookOf(Direction direction) {
  switch (direction) {
    case Direction::kEgress:
      return {"inet", "output", "oifname", "oifname \"lo\" accept"};
    case Direction::kIngress:
      return {"inet", "input", "iifname", "iifname \"lo\" accept"};
    case Direction::kBridged:
      return {"bridge", "forward", "oifname", nullptr};
  }
  throw std::invalid_argument("unknown direction");
}

// Interface names end up inside nft scripts: allow only what Linux link names in the lab use,
// so nothing can be injected.
void ValidateInterface(const std::string& name) {
  bool ok = name.size() <= 15;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      ok = false;
    }
  }
  if (!ok) throw std::invalid_argument(fmt::format("invalid interface name '{}'", name));
}

// `table F N` creates it if missing (no error if present), so "create; delete" removes a table
// that may or may not exist without an error, in one transaction.
std::string DeleteTableScript(std::string_view family, std::string_view table) {
  return fmt::format("table {0} {1}\ndelete table {0} {1}\n", family, table);
}

// An anonymous nft set of addresses, "{ 10.0.0.1, 10.0.0.2 }".
std::string AddressSet(const std::vector<Ipv4Address>& addresses) {
  std::vector<std::string> text;
  for (const Ipv4Address& a : addresses) text.push_back(a.ToString());
  return fmt::format("{{ {} }}", fmt::join(text, ", "));
}

// A base chain named after the direction, with the loopback exemption when the hook has one.
std::string ChainHeader(const Hook& hook, Direction direction) {
  std::string text =
      fmt::format("  chain {} {{\n    type filter hook {} priority 0; policy accept;\n",
                  ToString(direction), hook.hook);
  if (hook.loopback != nullptr) text += fmt::format("    {}\n", hook.loopback);
  return text;
}

// A table replaced atomically: delete whatever was there, create it with `chains`.
std::string ReplaceTableScript(std::string_view family, std::string_view table,
                               std::string_view chains) {
  return DeleteTableScript(family, table) +
         fmt::format("table {} {} {{\n{}}}\n", family, table, chains);
}

// Runs `script` in `ns` with an error message that says what it was for.
void RunIn(const NetworkNamespace& ns, const std::string& script, const std::string& what) {
  Nftables nft = Nftables::OpenIn(ns);
  nft.Run(script, what);
}

std::string Describe(const PacketLoss& loss) {
  return fmt::format("{}% {} loss of {} traffic", loss.percent, ToString(loss.direction),
                     loss.traffic == PacketLoss::Traffic::kVrrp ? "VRRP" : "all");
}

bool NetemEligible(const PacketLoss& loss) {
  return loss.direction == Direction::kEgress && loss.traffic == PacketLoss::Traffic::kAll &&
         !loss.interface.empty();
}

void Validate(const PacketLoss& loss) {
  if (!(loss.percent >= 0 && loss.percent <= 100)) {
    throw std::invalid_argument(
        fmt::format("packet loss must be 0..100 percent, not {}", loss.percent));
  }
  ValidateInterface(loss.interface);
  if (loss.backend == PacketLoss::Backend::kNetem && !NetemEligible(loss)) {
    throw std::invalid_argument(
        "netem packet loss needs direction egress, traffic all and an interface");
  }
}

void Validate(const BlockTraffic& block) {
  bool ok = !block.name.empty() && block.name.size() <= 32;
  for (char c : block.name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) ok = false;
  }
  if (!ok) {
    throw std::invalid_argument(
        fmt::format("invalid traffic block name '{}' (1..32 of a-z, 0-9 and _)", block.name));
  }
  for (const std::string& name : block.interfaces) {
    if (name.empty()) throw std::invalid_argument("empty interface name in a traffic block");
    ValidateInterface(name);
  }
  if (block.arp && block.protocol) {
    throw std::invalid_argument(fmt::format(
        "traffic block '{}': `arp` drops ARP, which has no IP protocol; unset `protocol`",
        block.name));
  }
}

// The match part of a block rule: IPv4 selectors, or ARP sender/target address selectors.
std::string BlockMatch(const BlockTraffic& block, const Hook& hook, bool arp) {
  std::string match;
  if (!block.interfaces.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& name : block.interfaces) quoted.push_back(fmt::format("\"{}\"", name));
    match += fmt::format("{} {{ {} }} ", hook.link_key, fmt::join(quoted, ", "));
  }
  if (block.from) {
    match += fmt::format("{} {} ", arp ? "arp saddr ip" : "ip saddr", AddressSet(*block.from));
  }
  if (block.to) {
    match += fmt::format("{} {} ", arp ? "arp daddr ip" : "ip daddr", AddressSet(*block.to));
  }
  if (!arp && block.protocol) match += fmt::format("meta l4proto {} ", *block.protocol);
  return match;
}

}  // namespace

const char* ToString(Direction direction) {
  switch (direction) {
    case Direction::kEgress:
      return "egress";
    case Direction::kIngress:
      return "ingress";
    case Direction::kBridged:
      return "bridged";
  }
  return "unknown";
}

// ---- PacketLoss ----

std::string PacketLoss::TableName() const {
  return fmt::format("{}loss_{}", kTablePrefix, ToString(direction));
}

std::string PacketLoss::NftScript() const {
  Validate(*this);
  const Hook hook = HookOf(direction);
  std::string chain = ChainHeader(hook, direction);
  const long threshold = std::lround(percent * 100);  // out of 10000
  if (threshold > 0) {
    std::string match;
    if (!interface.empty()) match += fmt::format("{} \"{}\" ", hook.link_key, interface);
    if (traffic == Traffic::kVrrp) match += fmt::format("meta l4proto {} ", kIpProtoVrrp);
    // 100 %: no random number at all, so "all" really is all.
    if (threshold < 10000) match += fmt::format("numgen random mod 10000 < {} ", threshold);
    chain += fmt::format("    {}drop\n", match);
  }
  chain += "  }\n";
  return ReplaceTableScript(hook.family, TableName(), chain);
}

bool PacketLoss::UsesNetem() const {
  switch (backend) {
    case Backend::kNftables:
      return false;
    case Backend::kNetem:
      return true;
    case Backend::kAuto:
      return NetemEligible(*this) && NetemAvailable();
  }
  return false;
}

void PacketLoss::Apply(const NetworkNamespace& ns) const {
  Validate(*this);
  if (UsesNetem()) {
    // Replace an nftables loss of the same direction, so exactly one loss is in force.
    RunIn(ns, DeleteTableScript(HookOf(direction).family, TableName()),
          fmt::format("remove the nftables rules of {}", Describe(*this)));
    NetemSpec spec;
    spec.loss_percent = percent;
    AddNetem(ns, interface, spec);
    return;
  }
  if (direction == Direction::kEgress && !interface.empty()) RemoveNetem(ns, interface);
  RunIn(ns, NftScript(), fmt::format("add nftables rules for {}", Describe(*this)));
}

void PacketLoss::Remove(const NetworkNamespace& ns) const {
  ValidateInterface(interface);
  RunIn(ns, DeleteTableScript(HookOf(direction).family, TableName()),
        fmt::format("remove the nftables rules of {}", Describe(*this)));
  if (direction == Direction::kEgress && !interface.empty()) RemoveNetem(ns, interface);
}

// ---- BlockTraffic ----

std::string BlockTraffic::TableName() const {
  return fmt::format("{}block_{}", kTablePrefix, name);
}

std::string BlockTraffic::NftScript() const {
  Validate(*this);
  const Hook hook = HookOf(direction);
  // A present but empty address list matches nothing: the tables exist (uniform Remove) but hold
  // no drop rule.
  const bool matches_nothing = (from && from->empty()) || (to && to->empty());
  const bool bridged = direction == Direction::kBridged;

  std::string chain = ChainHeader(hook, direction);
  if (!matches_nothing) {
    // The bridge family sees every frame: without an IPv4 selector (which brings nft's implicit
    // "IPv4 only" dependency) say "IP only" explicitly, so ARP is dropped only with `arp`.
    const bool has_ip_selector = from || to || protocol;
    chain +=
        fmt::format("    {}{}drop\n", bridged && !has_ip_selector ? "ether type { ip, ip6 } " : "",
                    BlockMatch(*this, hook, /*arp=*/false));
    if (bridged && arp) {
      chain += fmt::format("    ether type arp {}drop\n", BlockMatch(*this, hook, /*arp=*/true));
    }
  }
  chain += "  }\n";
  std::string script = ReplaceTableScript(hook.family, TableName(), chain);

  if (direction != Direction::kBridged) {
    if (arp) {
      // The arp family has input and output hooks, named like the inet ones.
      std::string arp_chain =
          fmt::format("  chain {} {{\n    type filter hook {} priority 0; policy accept;\n",
                      ToString(direction), hook.hook);
      if (!matches_nothing) {
        arp_chain += fmt::format("    {}drop\n", BlockMatch(*this, hook, /*arp=*/true));
      }
      arp_chain += "  }\n";
      script += ReplaceTableScript("arp", TableName(), arp_chain);
    } else {
      script += DeleteTableScript("arp", TableName());  // a previous version may have had one
    }
  }
  return script;
}

void BlockTraffic::Apply(const NetworkNamespace& ns) const {
  RunIn(ns, NftScript(),
        fmt::format("add nftables rules for traffic block '{}' ({})", name, ToString(direction)));
}

void BlockTraffic::Remove(const NetworkNamespace& ns) const {
  Validate(*this);
  std::string script;
  if (direction == Direction::kBridged) {
    script = DeleteTableScript("bridge", TableName());
  } else {
    script = DeleteTableScript("inet", TableName()) + DeleteTableScript("arp", TableName());
  }
  RunIn(ns, script, fmt::format("remove the nftables rules of traffic block '{}'", name));
}

// ---- LinkSilence ----

std::string LinkSilence::TableName() const {
  std::string name = interface;
  for (char& c : name) c = c == '-' || c == '.' ? '_' : c;
  return fmt::format("{}silence_{}", kTablePrefix, name);
}

std::string LinkSilence::NftScript() const {
  if (interface.empty()) throw std::invalid_argument("a link silence needs an interface");
  ValidateInterface(interface);
  std::string chains;
  for (const char* hook : {"ingress", "egress"}) {
    chains += fmt::format(
        "  chain {0} {{\n    type filter hook {0} device \"{1}\" priority 0; policy drop;\n  }}\n",
        hook, interface);
  }
  return ReplaceTableScript("netdev", TableName(), chains);
}

void LinkSilence::Apply(const NetworkNamespace& ns) const {
  RunIn(ns, NftScript(), fmt::format("drop all traffic of link '{}'", interface));
}

void LinkSilence::Remove(const NetworkNamespace& ns) const {
  ValidateInterface(interface);
  RunIn(ns, DeleteTableScript("netdev", TableName()),
        fmt::format("remove the traffic drop of link '{}'", interface));
}

// ---- all viplab tables ----

std::vector<std::string> ListImpairmentTables(const NetworkNamespace& ns) {
  Nftables nft = Nftables::OpenIn(ns);
  // One line per table: "table <family> <name>".
  std::istringstream lines(nft.Run("list tables\n", "list nftables tables"));
  std::vector<std::string> tables;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string keyword, family, table;
    if (!(words >> keyword >> family >> table) || keyword != "table") continue;
    if (table.rfind(kTablePrefix, 0) == 0) tables.push_back(family + " " + table);
  }
  return tables;
}

int RemoveImpairments(const NetworkNamespace& ns) {
  const std::vector<std::string> tables = ListImpairmentTables(ns);
  if (tables.empty()) return 0;
  std::string script;
  for (const std::string& t : tables) {
    const size_t space = t.find(' ');
    script += DeleteTableScript(t.substr(0, space), t.substr(space + 1));
  }
  RunIn(ns, script, "remove the viplab nftables tables");
  return static_cast<int>(tables.size());
}

}  // namespace viplab
