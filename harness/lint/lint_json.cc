#include "harness/lint/lint_json.h"

#include <fmt/format.h>

namespace viplab::lint {

nlohmann::json FindingToJson(const Finding& f) {
  return {{"code", f.code},       {"rule", f.rule},         {"severity", ToString(f.severity)},
          {"node", f.node},       {"instance", f.instance}, {"file", f.where.file.string()},
          {"line", f.where.line}, {"message", f.message},   {"basis", f.basis},
          {"fix", f.fix}};
}

nlohmann::json LintToJson(const kconf::ConfigSet& set, const std::vector<Finding>& findings,
                          const std::vector<Outlook>& outlook) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const kconf::ConfigNode& n : set.nodes) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : n.config.tree.files) files.push_back(f.string());
    nodes.push_back(
        {{"name", n.name}, {"original", n.original}, {"config_id", n.config_id}, {"files", files}});
  }
  nlohmann::json list = nlohmann::json::array();
  int counts[3] = {0, 0, 0};
  for (const Finding& f : findings) {
    list.push_back(FindingToJson(f));
    ++counts[static_cast<int>(f.severity)];
  }
  nlohmann::json predictions = nlohmann::json::array();
  for (const Outlook& o : outlook) {
    predictions.push_back({{"instance", o.fault.instance},
                           {"fault", o.fault.name},
                           {"words", o.fault.words},
                           {"must_resolve", o.fault.must_resolve},
                           {"predicted", o.predicted},
                           {"summary", o.summary},
                           {"reasoning", o.lines}});
  }
  return {{"schema", "viplab-lint/1"},
          {"nodes", nodes},
          {"findings", list},
          {"predictions", predictions},
          {"summary",
           {{"errors", counts[2]},
            {"warnings", counts[1]},
            {"info", counts[0]},
            {"exit_code", LintExitCode(findings)}}}};
}

std::string DescribeFinding(const Finding& f) {
  std::string where = f.node;
  if (!f.instance.empty()) where += (where.empty() ? "" : "/") + f.instance;
  std::string text = fmt::format("{:<7} {} {} {}{}\n", ToString(f.severity), f.code, f.rule,
                                 where.empty() ? "" : where + " ",
                                 f.where.line > 0 ? kconf::ToString(f.where) : "");
  text += fmt::format("        {}\n", f.message);
  if (!f.basis.empty()) text += fmt::format("        basis: {}\n", f.basis);
  if (!f.fix.empty()) text += fmt::format("        fix: {}\n", f.fix);
  return text;
}

}  // namespace viplab::lint
