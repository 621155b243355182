#include "harness/model/matrix.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "harness/model/json_fields.h"
#include "harness/model/sharding.h"
#include "netns/error.h"

namespace viplab {
namespace {

using nlohmann::json;

constexpr const char* kAxisNames[] = {"preemption", "check", "weight", "fault"};

std::string FieldPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

[[noreturn]] void FailAt(const std::string& file, const std::string& path, std::string_view what) {
  throw InputError(fmt::format("{}: {}: {}", file, path, what));
}

// JsonFields cannot mark a list of strings as read, so matrix objects check their keys here
// (with the same message) and use JsonFields for the typed reads.
void RejectUnknown(const json& object, const std::string& file, const std::string& path,
                   std::initializer_list<std::string_view> known) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      FailAt(file, FieldPath(path, item.key()), "unknown field");
    }
  }
}

// An optional list of non-empty strings.
std::vector<std::string> StringList(const json& object, const std::string& file,
                                    const std::string& path, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end()) return out;
  if (!it->is_array()) FailAt(file, FieldPath(path, key), "must be a list of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    if (!item.is_string() || item.get<std::string>().empty()) {
      FailAt(file, fmt::format("{}[{}]", FieldPath(path, key), i), "must be a non-empty string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Globs with a record of whether they ever matched (one that never does is stale).
struct Globs {
  std::string path;  // "exclude" or "axes.fault[3].exclude"
  std::vector<std::string> globs;
  std::vector<bool> used;

  bool Match(const std::string& name) {
    bool any = false;
    for (size_t i = 0; i < globs.size(); ++i) {
      if (MatchesGlob(name, globs[i])) used[i] = any = true;
    }
    return any;
  }
  void CheckUsed(const std::string& file) const {
    for (size_t i = 0; i < globs.size(); ++i) {
      if (!used[i]) {
        FailAt(file, fmt::format("{}[{}]", path, i),
               fmt::format("'{}' matches no scenario left by the skip rules", globs[i]));
      }
    }
  }
};

Globs ReadGlobs(const json& object, const std::string& file, const std::string& path) {
  Globs g;
  g.path = FieldPath(path, "exclude");
  g.globs = StringList(object, file, path, "exclude");
  g.used.assign(g.globs.size(), false);
  return g;
}

// What every axis value has: a name (its part of scenario names), why it is there, excludes.
struct AxisValue {
  std::string label;
  std::string description;
  std::string path;  // "axes.check[1]"
  Globs exclude;
};

AxisValue ReadAxisValue(JsonFields& f, const json& raw, const std::string& path,
                        std::optional<std::string> default_label) {
  AxisValue v;
  v.path = path;
  v.label = default_label ? f.Optional<std::string>("name").value_or(*default_label)
                          : f.Required<std::string>("name");
  static const std::regex kLabel(R"([A-Za-z0-9._+-]+)");
  if (!std::regex_match(v.label, kLabel)) {
    f.Fail("name", fmt::format("'{}' may hold only letters, digits and . _ + -", v.label));
  }
  v.description = f.Optional<std::string>("description").value_or("");
  v.exclude = ReadGlobs(raw, f.file(), path);
  return v;
}

struct Base {
  json fields = json::object();  // scenario fields shared by every combination
  std::vector<std::string> nodes;
  std::vector<json> node_fields;
};

Base ReadBase(JsonFields& root) {
  Base base;
  JsonFields f = root.Object("base");
  for (const char* key : {"vip", "subnet"}) base.fields[key] = f.Required<std::string>(key);
  for (const char* key : {"interface", "startup"}) {
    if (auto v = f.Optional<std::string>(key)) base.fields[key] = *v;
  }
  for (const char* key : {"vrrp_version", "virtual_router_id", "port"}) {
    if (auto v = f.Optional<int>(key)) base.fields[key] = *v;
  }
  if (auto v = f.Optional<double>("advert_int")) base.fields["advert_int"] = *v;
  if (auto v = f.Optional<bool>("unicast")) base.fields["unicast"] = *v;
  std::vector<JsonFields> nodes = f.Array("nodes");
  if (nodes.size() < 2) f.Fail("nodes", "must list at least two nodes (a master and a backup)");
  for (size_t i = 0; i < nodes.size(); ++i) {
    json node = {{"name", nodes[i].Required<std::string>("name")}};
    if (auto v = nodes[i].Optional<double>("advert_int")) node["advert_int"] = *v;
    nodes[i].Done();
    const std::string name = node["name"];
    if (std::find(base.nodes.begin(), base.nodes.end(), name) != base.nodes.end()) {
      nodes[i].Fail("name", fmt::format("'{}' is used twice", name));
    }
    base.nodes.push_back(name);
    base.node_fields.push_back(std::move(node));
  }
  f.Done();
  return base;
}

struct Preemption {
  AxisValue value;
  bool nopreempt = false;
  std::optional<double> preempt_delay;
};

Preemption ReadPreemption(JsonFields& f, const json& raw, const std::string& path) {
  RejectUnknown(raw, f.file(), path,
                {"name", "description", "exclude", "nopreempt", "preempt_delay"});
  Preemption p;
  p.value = ReadAxisValue(f, raw, path, std::nullopt);
  p.nopreempt = f.Optional<bool>("nopreempt").value_or(false);
  p.preempt_delay = f.Optional<double>("preempt_delay");
  if (p.nopreempt && p.preempt_delay) {
    f.Fail("preempt_delay", "has no effect with nopreempt (keepalived never preempts then)");
  }
  return p;
}

struct CheckValue {
  AxisValue value;
  json check;
  std::map<std::string, int> priorities;
  bool weighted = true;
  int gap = 0;  // first node's priority minus the best other node's
};

CheckValue ReadCheck(JsonFields& f, const json& raw, const std::string& path, const Base& base) {
  RejectUnknown(raw, f.file(), path,
                {"name", "description", "exclude", "check", "priorities", "weighted"});
  CheckValue c;
  c.value = ReadAxisValue(f, raw, path, std::nullopt);
  JsonFields check = f.Object("check");
  if (check.Has("weight")) check.Fail("weight", "is set by the weight axis");
  const std::string type = check.Required<std::string>("type");
  c.check = raw.at("check");  // the rest is validated with each generated scenario

  JsonFields prio = f.Object("priorities");
  for (const auto& item : raw.at("priorities").items()) {
    if (std::find(base.nodes.begin(), base.nodes.end(), item.key()) == base.nodes.end()) {
      prio.Fail(item.key(), "is not a node of base.nodes");
    }
  }
  for (const std::string& node : base.nodes) {
    c.priorities[node] = prio.Required<int>(node.c_str());
  }
  const std::string& first = base.nodes.front();
  auto best_other = std::max_element(base.nodes.begin() + 1, base.nodes.end(),
                                     [&](const std::string& a, const std::string& b) {
                                       return c.priorities[a] < c.priorities[b];
                                     });
  c.gap = c.priorities[first] - c.priorities[*best_other];
  if (c.gap < 1) {
    f.Fail("priorities",
           fmt::format("{} ({}) must be above every other node ({} has {}): the first node of "
                       "base.nodes starts first and is the initial master, and weights are "
                       "relative to the gap below it",
                       first, c.priorities[first], *best_other, c.priorities[*best_other]));
  }
  c.weighted = f.Optional<bool>("weighted").value_or(type != "none");
  if (c.weighted && type == "none") f.Fail("weighted", "check type none has no weight");
  return c;
}

struct WeightValue {
  AxisValue value;
  std::string text;  // as written: "4", "gap+2"
  std::optional<int> fixed;
  bool minus_gap = false;  // "-gap..."
  int offset = 0;          // "...+N" / "...-N"

  int Resolve(int gap) const { return fixed ? *fixed : (minus_gap ? -gap : gap) + offset; }
};

WeightValue ReadWeight(JsonFields& f, const json& raw, const std::string& path) {
  RejectUnknown(raw, f.file(), path, {"name", "description", "exclude", "weight"});
  WeightValue w;
  w.value = ReadAxisValue(f, raw, path, std::nullopt);
  auto it = raw.find("weight");
  if (it == raw.end()) f.Fail("weight", "is missing");
  if (it->is_number_integer()) {
    w.fixed = f.Required<int>("weight");
    w.text = std::to_string(*w.fixed);
    return w;
  }
  static const std::regex kFormula(R"((-?)gap(?:([+-])([0-9]{1,3}))?)");
  std::smatch m;
  if (it->is_string()) w.text = f.Required<std::string>("weight");
  if (!it->is_string() || !std::regex_match(w.text, m, kFormula)) {
    f.Fail("weight",
           "must be a whole number or a formula of the priority gap: gap, gap+N, gap-N, -gap, "
           "-gap+N, -gap-N");
  }
  w.minus_gap = m[1].length() > 0;
  if (m[2].matched) w.offset = (m[2] == "-" ? -1 : 1) * std::stoi(m[3].str());
  return w;
}

struct FaultValue {
  AxisValue value;
  json fault;
};

FaultValue ReadFault(JsonFields& f, const json& raw, const std::string& path) {
  RejectUnknown(raw, f.file(), path, {"name", "description", "exclude", "fault"});
  JsonFields fault = f.Object("fault");
  const std::string target = fault.Optional<std::string>("target").value_or("service");
  const std::string action = fault.Required<std::string>("action");
  // The rest of the fault is validated with each generated scenario.
  return {ReadAxisValue(f, raw, path, fmt::format("{}-{}", target, action)), raw.at("fault")};
}

struct Axes {
  std::vector<Preemption> preemption;
  std::vector<CheckValue> check;
  std::vector<WeightValue> weight;
  std::vector<FaultValue> fault;

  std::vector<AxisValue*> Values(std::string_view axis) {
    std::vector<AxisValue*> out;
    auto add = [&](auto& list) {
      for (auto& v : list) out.push_back(&v.value);
    };
    if (axis == "preemption") add(preemption);
    if (axis == "check") add(check);
    if (axis == "weight") add(weight);
    if (axis == "fault") add(fault);
    return out;
  }
};

// Reads axes.<axis> (a non-empty list of objects) with `read` and rejects duplicate names.
template <typename T, typename Read>
std::vector<T> ReadAxis(JsonFields& axes, const json& raw, const char* axis, Read read) {
  std::vector<JsonFields> items = axes.Array(axis);
  if (items.empty()) axes.Fail(axis, "must list at least one value");
  std::vector<T> out;
  std::set<std::string> labels;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = fmt::format("axes.{}[{}]", axis, i);
    out.push_back(read(items[i], raw.at(axis)[i], path));
    if (!labels.insert(out.back().value.label).second) {
      items[i].Fail("name", fmt::format("'{}' is used twice on this axis", out.back().value.label));
    }
  }
  return out;
}

struct SkipRule {
  std::string path;
  std::map<std::string, std::set<std::string>> when;  // axis -> value names
  bool used = false;
};

SkipRule ReadSkipRule(JsonFields& f, const json& raw, const std::string& path, Axes& axes) {
  RejectUnknown(raw, f.file(), path, {"when", "why"});
  SkipRule rule;
  rule.path = path;
  JsonFields when = f.Object("when");
  const json& raw_when = raw.at("when");
  RejectUnknown(raw_when, f.file(), FieldPath(path, "when"),
                {kAxisNames[0], kAxisNames[1], kAxisNames[2], kAxisNames[3]});
  if (raw_when.empty()) f.Fail("when", "must name at least one axis");
  for (const auto& item : raw_when.items()) {
    const std::string& axis = item.key();
    std::vector<std::string> labels;
    if (item.value().is_string()) {
      labels.push_back(item.value().get<std::string>());
    } else {
      labels = StringList(raw_when, f.file(), FieldPath(path, "when"), axis.c_str());
      if (labels.empty()) when.Fail(axis, "must list at least one value");
    }
    std::vector<std::string> known;
    for (const AxisValue* v : axes.Values(axis)) known.push_back(v->label);
    for (const std::string& label : labels) {
      if (std::find(known.begin(), known.end(), label) == known.end()) {
        when.Fail(axis, fmt::format("'{}' is not a value of axis {} ({})", label, axis,
                                    fmt::join(known, ", ")));
      }
      rule.when[axis].insert(label);
    }
  }
  if (f.Required<std::string>("why").empty()) f.Fail("why", "must say why (it is the rule)");
  return rule;
}

// The axis values of one combination; weight is null for an unweighted check.
struct Combination {
  const Preemption* preemption;
  const CheckValue* check;
  const WeightValue* weight;
  const FaultValue* fault;

  std::string Name() const {
    const std::string check_part =
        weight ? fmt::format("{}-{}", check->value.label, weight->value.label) : check->value.label;
    return fmt::format("{}/{}/{}", preemption->value.label, check_part, fault->value.label);
  }
  std::string Label(std::string_view axis) const {
    if (axis == "preemption") return preemption->value.label;
    if (axis == "check") return check->value.label;
    if (axis == "weight") return weight ? weight->value.label : "";
    return fault->value.label;
  }
};

// Priority arithmetic keepalived would hide: weight 0 from a formula (that is FAULT mode), and
// effective priorities outside 1..254 (keepalived clamps them, so the weight would not act).
void CheckWeight(const std::string& file, const WeightValue& w, const CheckValue& c,
                 const Base& base) {
  const int weight = w.Resolve(c.gap);
  const std::string path = FieldPath(w.value.path, "weight");
  const std::string with = fmt::format("with check '{}' (gap {})", c.value.label, c.gap);
  if (!w.fixed && weight == 0) {
    FailAt(file, path,
           fmt::format("'{}' is 0 {}: weight 0 means FAULT, not a weight; widen the check's "
                       "priority gap",
                       w.text, with));
  }
  if (weight < -253 || weight > 253) {
    FailAt(file, path, fmt::format("'{}' = {} {} is outside -253..253", w.text, weight, with));
  }
  for (const std::string& node : base.nodes) {
    const int priority = c.priorities.at(node);
    const int effective = priority + weight;
    if (priority < 255 && (effective < 1 || effective > 254)) {
      FailAt(file, path,
             fmt::format("'{}' = {} {} takes {} from {} to {}, outside the 1..254 keepalived "
                         "clamps to: change that check's priorities",
                         w.text, weight, with, node, priority, effective));
    }
  }
}

std::string Describe(const std::string& file, const Combination& c, const Base& base) {
  auto with = [](const std::string& text) { return text.empty() ? "." : ": " + text + "."; };
  std::vector<std::string> priorities;
  for (const std::string& node : base.nodes) {
    priorities.push_back(fmt::format("{} {}", node, c.check->priorities.at(node)));
  }
  std::string out = fmt::format(
      "Generated from {}. Preemption {}{} Check {} (priorities {}, gap {}){}", file,
      c.preemption->value.label, with(c.preemption->value.description), c.check->value.label,
      fmt::join(priorities, ", "), c.check->gap, with(c.check->value.description));
  if (c.weight) {
    out += fmt::format(" Weight {} = {} = {}{}", c.weight->value.label, c.weight->text,
                       c.weight->Resolve(c.check->gap), with(c.weight->value.description));
  }
  out += fmt::format(" Fault {}{}", c.fault->value.label, with(c.fault->value.description));
  return out;
}

json ScenarioJson(const std::string& file, const Combination& c, const Base& base) {
  json s = base.fields;
  s["name"] = c.Name();
  s["description"] = Describe(file, c, base);
  json nodes = json::array();
  for (size_t i = 0; i < base.nodes.size(); ++i) {
    json node = base.node_fields[i];
    node["priority"] = c.check->priorities.at(base.nodes[i]);
    if (c.preemption->nopreempt) node["nopreempt"] = true;
    if (c.preemption->preempt_delay) node["preempt_delay"] = *c.preemption->preempt_delay;
    nodes.push_back(std::move(node));
  }
  s["nodes"] = std::move(nodes);
  s["check"] = c.check->check;
  if (c.weight) s["check"]["weight"] = c.weight->Resolve(c.check->gap);
  s["fault"] = c.fault->fault;
  return s;
}

}  // namespace

std::vector<Scenario> Matrix::Scenarios() const {
  std::vector<Scenario> out;
  out.reserve(entries.size());
  for (const MatrixEntry& e : entries) out.push_back(e.scenario);
  return out;
}

Matrix ExpandMatrix(const json& root, const std::filesystem::path& file_path) {
  const std::string file = file_path.string();
  JsonFields f(root, file, "");
  RejectUnknown(root, file, "", {"description", "base", "axes", "skip", "exclude"});
  f.Optional<std::string>("description");
  const Base base = ReadBase(f);

  JsonFields axes_fields = f.Object("axes");
  const json& raw_axes = root.at("axes");
  RejectUnknown(raw_axes, file, "axes",
                {kAxisNames[0], kAxisNames[1], kAxisNames[2], kAxisNames[3]});
  Axes axes;
  axes.preemption = ReadAxis<Preemption>(axes_fields, raw_axes, "preemption", ReadPreemption);
  axes.check = ReadAxis<CheckValue>(axes_fields, raw_axes, "check",
                                    [&](JsonFields& v, const json& raw, const std::string& path) {
                                      return ReadCheck(v, raw, path, base);
                                    });
  axes.weight = ReadAxis<WeightValue>(axes_fields, raw_axes, "weight", ReadWeight);
  axes.fault = ReadAxis<FaultValue>(axes_fields, raw_axes, "fault", ReadFault);

  std::vector<SkipRule> rules;
  if (f.Has("skip")) {
    std::vector<JsonFields> items = f.Array("skip");
    for (size_t i = 0; i < items.size(); ++i) {
      rules.push_back(ReadSkipRule(items[i], root.at("skip")[i], fmt::format("skip[{}]", i), axes));
    }
  }
  Globs excludes = ReadGlobs(root, file, "");

  for (const CheckValue& c : axes.check) {
    if (!c.weighted) continue;
    for (const WeightValue& w : axes.weight) CheckWeight(file, w, c, base);
  }

  Matrix matrix;
  matrix.file = file_path;
  std::set<std::string> names;
  for (Preemption& p : axes.preemption) {
    for (CheckValue& c : axes.check) {
      std::vector<WeightValue*> weights;
      if (c.weighted) {
        for (WeightValue& w : axes.weight) weights.push_back(&w);
      } else {
        weights.push_back(nullptr);
      }
      for (WeightValue* w : weights) {
        for (FaultValue& fv : axes.fault) {
          const Combination combo{&p, &c, w, &fv};
          ++matrix.combinations;
          const std::string name = combo.Name();
          if (!names.insert(name).second) {
            throw InputError(
                fmt::format("{}: two combinations are both named '{}' (value names joined by '-' "
                            "collide): rename a value",
                            file, name));
          }
          json scenario_json = ScenarioJson(file, combo, base);
          Scenario scenario = ScenarioFromJson(scenario_json, fmt::format("{}: {}", file, name));

          bool skip = false;
          for (SkipRule& rule : rules) {
            const bool match = std::all_of(rule.when.begin(), rule.when.end(), [&](const auto& kv) {
              return kv.second.count(combo.Label(kv.first)) > 0;
            });
            rule.used = rule.used || match;
            skip = skip || match;
          }
          if (skip) {
            ++matrix.skipped;
            continue;
          }
          // Every glob is tried (not just up to the first match) so none is reported unused.
          bool exclude = excludes.Match(name);
          for (AxisValue* v : {&p.value, &c.value, &fv.value})
            exclude = v->exclude.Match(name) || exclude;
          if (w) exclude = w->value.exclude.Match(name) || exclude;
          if (exclude) {
            ++matrix.excluded;
            continue;
          }
          matrix.entries.push_back({name, std::move(scenario_json), std::move(scenario)});
        }
      }
    }
  }

  for (const SkipRule& rule : rules) {
    if (!rule.used) FailAt(file, rule.path, "matches no combination");
  }
  excludes.CheckUsed(file);
  for (std::string_view axis : kAxisNames) {
    for (const AxisValue* v : axes.Values(axis)) v->exclude.CheckUsed(file);
  }
  if (matrix.entries.empty()) {
    throw InputError(fmt::format("{}: every combination is skipped or excluded", file));
  }
  return matrix;
}

Matrix LoadMatrix(const std::filesystem::path& file) {
  return ExpandMatrix(ReadJsonFile(file), file);
}

}  // namespace viplab
