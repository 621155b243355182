#include "harness/oracle/explain.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <ostream>

#include "harness/model/instance_settings.h"
#include "harness/result/reason.h"

namespace viplab {
namespace {

constexpr const char* kIndent = "             - ";

std::string Num(double v) {
  return std::abs(v - std::round(v)) < 0.05 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

std::string BoundText(const Bound& b) {
  return fmt::format("[{}, {}] ms", b.min ? Num(*b.min) : "-", b.max ? Num(*b.max) : "-");
}

std::string NodeText(const NodeSpec& n) {
  std::string text = fmt::format("{} {} {}", n.name, n.priority, n.state);
  if (n.nopreempt) text += " nopreempt";
  if (n.preempt_delay) text += fmt::format(" preempt_delay {} s", Num(*n.preempt_delay));
  return text;
}

std::string CheckText(const CheckSpec& c) {
  switch (c.type) {
    case CheckType::kScript:
      return fmt::format("track_script every {} s, fall {}, rise {}, weight {}", Num(c.interval),
                         c.fall, c.rise, c.weight);
    case CheckType::kProcess:
      return fmt::format("track_process, weight {}", c.weight);
    case CheckType::kNone:
      break;
  }
  return "no check";
}

bool SameCheck(const CheckSpec& a, const CheckSpec& b) {
  return a.type == b.type && a.interval == b.interval && a.fall == b.fall && a.rise == b.rise &&
         a.weight == b.weight;
}

std::string SetupText(const Scenario& s) {
  std::vector<std::string> nodes;
  bool same_check = true;
  bool same_advert = true;
  for (const NodeSpec& n : s.nodes) {
    same_check = same_check && SameCheck(n.check, s.nodes.front().check);
    same_advert = same_advert && n.advert_int == s.nodes.front().advert_int;
  }
  for (const NodeSpec& n : s.nodes) {
    std::string text = NodeText(n);
    if (!same_check) text += fmt::format(" ({})", CheckText(n.check));
    if (!same_advert) text += fmt::format(" advert {} s", Num(n.advert_int));
    nodes.push_back(text);
  }
  std::string text = fmt::format("{}", fmt::join(nodes, ", "));
  if (same_check) text += "; " + CheckText(s.nodes.front().check);
  text += fmt::format("; VRRPv{}", s.vrrp_version);
  if (same_advert) text += fmt::format(", advert {} s", Num(s.nodes.front().advert_int));
  text += fmt::format(", {} start", ToString(s.startup));
  return text;
}

std::string OutcomeText(const Prediction& p) {
  std::string path = p.owner_before + " → ";
  if (p.return_ms && p.new_owner) path += *p.new_owner + " → ";
  path += p.owner_after;
  std::string what;
  if (p.owners_after.size() > 1) {
    what = "split brain: both own the VIP";
  } else if (p.owners_after.empty()) {
    what = "nobody owns the VIP";
  } else if (p.vip_moves) {
    what = "the VIP moves";
  } else if (p.return_ms) {
    what = "the VIP moves and comes back";
  } else if (p.split_brain) {
    what = "the VIP stays, after a spell of split brain";
  } else {
    what = "the VIP stays";
  }
  return fmt::format("{}: {}  [confidence {}]", path, what, ToString(p.confidence));
}

std::string TimingText(const Prediction& p) {
  std::vector<std::string> parts;
  parts.push_back(p.failover_ms ? fmt::format("failover {}", BoundText(*p.failover_ms))
                                : std::string("failover -"));
  parts.push_back(p.release_ms ? fmt::format("release {}", BoundText(*p.release_ms))
                               : std::string("release -"));
  if (p.return_ms) parts.push_back(fmt::format("back {}", BoundText(*p.return_ms)));
  parts.push_back(fmt::format("split brain {}", p.split_brain ? "yes" : "no"));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// The phase after a clear, as a prediction of its own (times from the clear), so step
// expectations after a clear can be compared like the fault's.
Prediction AfterClear(const Prediction& p) {
  Prediction q;
  const Failback& fb = *p.failback;
  q.owner_before = p.owners_after.size() == 1 ? p.owners_after.front() : p.owner_after;
  q.owner_after = fb.owner;
  q.owners_after.push_back(fb.owner);
  q.vip_moves =
      fb.owner != q.owner_before && fb.owner.find('+') == std::string::npos && fb.owner != "none";
  if (fb.changes && fb.window_ms) {
    q.new_owner = fb.owner;
    q.failover_ms = fb.window_ms;
  }
  q.confidence = fb.confidence;
  return q;
}

void AppendReasons(std::string& out, const std::vector<Reason>& reasons) {
  for (const Reason& r : reasons) out += kIndent + ToEnglish(r) + "\n";
}

void AppendComparison(ExplainResult& r, const Expectation& expect, const Prediction& p) {
  std::string& out = r.text;
  const ExpectComparison c = CompareWithExpect(expect, p);
  ++r.compared;
  r.agrees = r.agrees && c.agrees;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    out += fmt::format("  {:<10} {}\n", i == 0 ? "expect" : "", c.lines[i]);
  }
  out += fmt::format("  {:<10} => the oracle {} the file's expect\n", "",
                     c.agrees ? "agrees with" : "DISAGREES with");
}

std::string ExpectText(const Expectation& x) {
  std::vector<std::string> parts;
  if (x.owner_before) parts.push_back("owner_before " + *x.owner_before);
  if (x.owner_after) parts.push_back("owner_after " + *x.owner_after);
  if (x.vip_moved) parts.push_back(fmt::format("vip_moved {}", *x.vip_moved));
  if (x.failover_ms) parts.push_back("failover_ms " + BoundText(*x.failover_ms));
  if (x.release_ms) parts.push_back("release_ms " + BoundText(*x.release_ms));
  if (x.split_brain) parts.push_back(fmt::format("split_brain {}", *x.split_brain));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Where `predicted` lies relative to the `expected` bound.
enum class Fit { kInside, kOverlaps, kOutside };
Fit FitOf(const Bound& expected, const Bound& predicted) {
  const double lo = expected.min.value_or(-1e18);
  const double hi = expected.max.value_or(1e18);
  if (*predicted.min >= lo && *predicted.max <= hi) return Fit::kInside;
  if (*predicted.max < lo || *predicted.min > hi) return Fit::kOutside;
  return Fit::kOverlaps;
}

std::string InstanceText(const Scenario& s, const InstanceSpec& i) {
  std::vector<std::string> vips;
  for (const VipSpec& v : i.vips) {
    std::string text = v.address.address().ToString();
    if (!v.interface.empty() && v.interface != i.interface) text += " on " + v.interface;
    vips.push_back(text);
  }
  std::vector<std::string> nodes;
  for (const NodeSpec& n : s.nodes) {
    const InstanceNodeSpec* in = i.FindNode(n.name);
    if (in == nullptr) continue;
    const NodeSpec view = WithInstanceSettings(n, *in);
    nodes.push_back(fmt::format("{} ({}, advert {} s)", NodeText(view), CheckText(in->check),
                                Num(in->advert_int)));
  }
  std::string text =
      fmt::format("{} on {}, VRID {}{}, VIPs {}: {}", i.name, i.interface, i.virtual_router_id,
                  i.unicast ? ", unicast" : "", fmt::join(vips, ", "), fmt::join(nodes, ", "));
  for (const TrackInterfaceSpec& t : i.track_interfaces) {
    text += fmt::format("; track_interface {} weight {}", t.interface, t.weight);
  }
  return text;
}

// The VIPs as a group (Measurement's top-level fields): the first VIP's owners, moved when every
// VIP moves, the last VIP's failover and release, split brain when any VIP's.
Prediction GroupPrediction(const ScenarioPrediction& sp) {
  Prediction g = sp.vips.front().faults.front();
  for (const ScenarioPrediction::PerVip& v : sp.vips) {
    const Prediction& p = v.faults.front();
    g.vip_moves = g.vip_moves && p.vip_moves;
    g.split_brain = g.split_brain || p.split_brain;
    g.confidence = std::min(g.confidence, p.confidence);
    for (auto [mine, theirs] :
         {std::pair{&g.failover_ms, &p.failover_ms}, std::pair{&g.release_ms, &p.release_ms}}) {
      if (!*theirs) continue;
      if (!*mine) {
        *mine = *theirs;
        continue;
      }
      (*mine)->min = std::max(*(*mine)->min, *(*theirs)->min);
      (*mine)->max = std::max(*(*mine)->max, *(*theirs)->max);
    }
  }
  return g;
}

Expectation FromVip(const VipExpectation& v) {
  Expectation x;
  x.owner_before = v.owner_before;
  x.owner_after = v.owner_after;
  x.vip_moved = v.vip_moved;
  x.failover_ms = v.failover_ms;
  x.release_ms = v.release_ms;
  x.outage_ms = v.outage_ms;
  return x;
}

// The file's expect (group fields, then each VIP's) against the per-VIP predictions.
void CompareDeployment(ExplainResult& r, const Expectation& expect, const ScenarioPrediction& sp) {
  Expectation group = expect;
  group.vips.clear();
  if (!group.empty()) AppendComparison(r, group, GroupPrediction(sp));
  for (const VipExpectation& v : expect.vips) {
    const auto found =
        std::find_if(sp.vips.begin(), sp.vips.end(),
                     [&](const ScenarioPrediction::PerVip& p) { return p.vip == v.vip; });
    if (found == sp.vips.end()) {
      r.agrees = false;
      ++r.compared;
      r.text +=
          fmt::format("  {:<10} vip {}: DIFFERS (the scenario has no such VIP)\n", "expect", v.vip);
      continue;
    }
    r.text += fmt::format("  {:<10} vip {}:\n", "expect", v.vip);
    AppendComparison(r, FromVip(v), found->faults.front());
  }
}

// A scenario that is not single_instance(): its instances, then per-VIP predictions, or why the
// oracle does not predict it.
ExplainResult ExplainDeployment(const Scenario& s) {
  const ScenarioPrediction sp = PredictScenario(s);
  ExplainResult r;
  std::string& out = r.text;
  out = fmt::format("{}  ({})\n", s.name, s.file.string());
  out += fmt::format("  {:<10} VRRPv{}, {} start\n", "setup", s.vrrp_version, ToString(s.startup));
  for (const InstanceSpec& i : s.instances) {
    out += fmt::format("  {:<10} {}\n", "instance", InstanceText(s, i));
  }
  for (const SyncGroupSpec& g : s.sync_groups) {
    out += fmt::format("  {:<10} {}: {}\n", "sync group", g.name, fmt::join(g.instances, ", "));
  }
  const std::string fault = sp.faults.empty()
                                ? fmt::format("{} on {}", DescribeFault(s.fault), s.fault.node)
                                : sp.faults.front().fault;
  if (!s.is_sequence()) out += fmt::format("  {:<10} {}\n", "fault", fault);
  if (!sp.not_predicted.empty()) {
    out += fmt::format("  {:<10} the oracle does not predict this scenario:\n", "not predicted");
    AppendReasons(out, sp.not_predicted);
    return r;
  }
  std::string instance;
  for (const ScenarioPrediction::PerVip& v : sp.vips) {
    const Prediction& p = v.faults.front();
    const bool first = v.instance != instance;
    instance = v.instance;
    out += fmt::format("  {:<10} {} ({}): {} owns it  [confidence {}]\n", "before", v.vip,
                       v.instance, v.initial.owner, ToString(v.initial.confidence));
    if (first) AppendReasons(out, v.initial.reasons);
    out += fmt::format("  {:<10} {} ({}): {}\n", "after", v.vip, v.instance, OutcomeText(p));
    out += fmt::format("  {:<10} {}\n", "", TimingText(p));
    if (first) AppendReasons(out, p.reasons);
  }
  if (s.expect.empty()) {
    const Expectation x = ScenarioExpectation(sp);
    out += fmt::format("  {:<10} none in the file; from the oracle: {}\n", "expect", ExpectText(x));
    for (const VipExpectation& v : x.vips) {
      out += fmt::format("  {:<10} vip {}: {}\n", "", v.vip, ExpectText(FromVip(v)));
    }
  } else {
    CompareDeployment(r, s.expect, sp);
  }
  return r;
}

}  // namespace

ExpectComparison CompareWithExpect(const Expectation& x, const Prediction& p) {
  ExpectComparison c;
  auto line = [&](bool ok, std::string text) {
    c.agrees = c.agrees && ok;
    c.lines.push_back(std::move(text));
  };
  auto equal = [&](const char* field, const std::string& expected, const std::string& predicted) {
    line(expected == predicted,
         expected == predicted
             ? fmt::format("{} {}: agrees", field, expected)
             : fmt::format("{} {}: DIFFERS (oracle: {})", field, expected, predicted));
  };
  if (x.owner_before) equal("owner_before", *x.owner_before, p.owner_before);
  if (x.owner_after) equal("owner_after", *x.owner_after, p.owner_after);
  if (x.vip_moved)
    equal("vip_moved", fmt::format("{}", *x.vip_moved), fmt::format("{}", p.vip_moves));
  auto bounded = [&](const char* field, const std::optional<Bound>& expected,
                     const std::optional<Bound>& predicted, const char* none) {
    if (!expected) return;
    if (!predicted) {
      line(false, fmt::format("{} {}: DIFFERS (oracle: {})", field, BoundText(*expected), none));
      return;
    }
    switch (FitOf(*expected, *predicted)) {
      case Fit::kInside:
        line(true, fmt::format("{} {}: agrees (predicted {} lies inside)", field,
                               BoundText(*expected), BoundText(*predicted)));
        break;
      case Fit::kOverlaps:
        line(false, fmt::format("{} {}: DIFFERS (predicted {} reaches outside it)", field,
                                BoundText(*expected), BoundText(*predicted)));
        break;
      case Fit::kOutside:
        line(false, fmt::format("{} {}: DIFFERS (predicted {})", field, BoundText(*expected),
                                BoundText(*predicted)));
        break;
    }
  };
  bounded("failover_ms", x.failover_ms, p.failover_ms, "no takeover");
  bounded("release_ms", x.release_ms, p.release_ms, "the VIP is not removed");
  if (x.outage_ms) c.lines.push_back("outage_ms: not predicted by the oracle");
  if (x.split_brain) {
    equal("split_brain", fmt::format("{}", *x.split_brain), fmt::format("{}", p.split_brain));
  }
  if (p.confidence == Confidence::kLow && !c.lines.empty()) {
    c.lines.back() += " (oracle confidence low)";
  }
  return c;
}

std::string ExplainScenario(const Scenario& s) { return ExplainScenarioResult(s).text; }

ExplainResult ExplainScenarioResult(const Scenario& s) {
  if (!s.single_instance()) return ExplainDeployment(s);
  const ScenarioPrediction sp = PredictScenario(s);
  ExplainResult r;
  std::string& out = r.text;
  out = fmt::format("{}  ({})\n", s.name, s.file.string());
  out += fmt::format("  {:<10} {}\n", "setup", SetupText(s));
  out += fmt::format("  {:<10} {} owns the VIP  [confidence {}]\n", "before", sp.initial.owner,
                     ToString(sp.initial.confidence));
  AppendReasons(out, sp.initial.reasons);

  // Step expectations belong to the phase of the last inject or clear before them.
  std::vector<std::vector<Expectation>> fault_expects(sp.faults.size());
  std::vector<std::vector<Expectation>> clear_expects(sp.faults.size());
  int fault = -1;
  bool after_clear = false;
  for (const Step& step : s.steps) {
    if (step.kind == Step::Kind::kInject) {
      ++fault;
      after_clear = false;
    } else if (step.kind == Step::Kind::kClear) {
      after_clear = true;
    } else if (step.kind == Step::Kind::kExpect && fault >= 0 &&
               fault < static_cast<int>(sp.faults.size())) {
      (after_clear ? clear_expects : fault_expects)[fault].push_back(step.expect);
    }
  }

  for (size_t i = 0; i < sp.faults.size(); ++i) {
    const Prediction& p = sp.faults[i];
    const std::string n = sp.faults.size() > 1 ? fmt::format(" {}", i + 1) : "";
    out += fmt::format("  {:<10} {}\n", "fault" + n, p.fault);
    out += fmt::format("  {:<10} {}\n", "after", OutcomeText(p));
    out += fmt::format("  {:<10} {}\n", "", TimingText(p));
    AppendReasons(out, p.reasons);
    if (!s.is_sequence()) {
      if (s.expect.empty()) {
        out += fmt::format("  {:<10} none in the file; from the oracle: {}\n", "expect",
                           ExpectText(ExpectationFromPrediction(p)));
      } else {
        AppendComparison(r, s.expect, p);
      }
    }
    for (const Expectation& x : fault_expects[i]) AppendComparison(r, x, p);
    if (p.failback) {
      const Failback& fb = *p.failback;
      std::string head = p.cleared ? "after the clear: " : "if cleared (this scenario does not): ";
      head += fb.changes ? fmt::format("{} → {}", p.owner_after, fb.owner)
                         : fmt::format("{} keeps the VIP", fb.owner);
      if (fb.returns) head += fmt::format(" (back on {})", p.owner_before);
      if (fb.window_ms) head += fmt::format(", within {} of the clear", BoundText(*fb.window_ms));
      head += fmt::format("  [confidence {}]", ToString(fb.confidence));
      out += fmt::format("  {:<10} {}\n", "clear", head);
      AppendReasons(out, fb.reasons);
      if (p.cleared) {
        for (const Expectation& x : clear_expects[i]) AppendComparison(r, x, AfterClear(p));
      }
    }
  }
  return r;
}

int ExplainCommand(const std::vector<std::string>& inputs, std::ostream& out) {
  const std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const std::vector<Scenario> scenarios = LoadScenarios(paths);
  PrintWarnings(scenarios, std::cerr);
  std::string text;
  int disagree = 0;
  for (const Scenario& s : scenarios) {
    if (!text.empty()) text += "\n";
    const ExplainResult r = ExplainScenarioResult(s);
    text += r.text;
    if (!r.agrees) ++disagree;
  }
  if (disagree > 0) {
    text += fmt::format("\n{} of {} scenario{} DISAGREE with the oracle\n", disagree,
                        scenarios.size(), scenarios.size() == 1 ? "" : "s");
  }
  out << text << std::flush;
  return disagree > 0 ? 1 : 0;
}

}  // namespace viplab
