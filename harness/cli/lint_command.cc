#include "harness/cli/lint_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "harness/kconf/mapping.h"
#include "harness/lab/config_test.h"
#include "harness/lab/environment.h"
#include "harness/lint/lint.h"
#include "harness/lint/lint_json.h"
#include "harness/lint/outlook.h"
#include "netns/error.h"

namespace viplab {
namespace {

void WriteJson(const std::string& out, const nlohmann::json& json) {
  if (out == "-") {
    std::cout << json.dump(2) << "\n";
    return;
  }
  std::ofstream file(out);
  file << json.dump(2) << "\n";
  if (!file.flush()) throw InputError(fmt::format("lint: could not write --json {}", out));
}

std::string NodeList(const kconf::ConfigSet& set) {
  std::string text;
  for (const kconf::ConfigNode& n : set.nodes) {
    text += fmt::format("{}{} ({})", text.empty() ? "" : ", ", n.name, n.original);
  }
  return text;
}

// keepalived's own --config-test of each node's file, in a scratch namespace that has the
// interfaces the mapping gave the node: its complaints are info findings (KA090); a file it
// cannot load at all is bad input.
void AddConfigTestFindings(const kconf::ConfigSet& set, const kconf::Mapping& mapping,
                           std::vector<lint::Finding>& findings) {
  for (const kconf::ConfigNode& node : set.nodes) {
    ConfigTestSpec spec;
    spec.config = node.file;
    spec.config_id = node.config_id;
    for (const kconf::MappedInterface& i : mapping.interfaces) {
      if (i.node == node.name) spec.interfaces.push_back(i.name);
    }
    const ConfigTestResult result = RunConfigTest(spec);
    if (!result.loaded) {
      throw InputError(
          fmt::format("{}: keepalived --config-test cannot load it: {}", node.file.string(),
                      result.complaints.empty() ? "no message" : result.complaints.front()));
    }
    for (const std::string& line : result.complaints) {
      lint::Finding f;
      f.code = "KA090";
      f.rule = "keepalived-config-test";
      f.severity = lint::Severity::kInfo;
      f.node = node.name;
      f.where.file = node.file;
      f.message = fmt::format("keepalived --config-test: {}", line);
      f.basis =
          "keepalived 2.2.7 --config-test (core/main.c), run in a scratch namespace with "
          "the node's interfaces";
      f.fix = "see keepalived's message";
      findings.push_back(std::move(f));
    }
  }
}

}  // namespace

CLI::App* AddLintSubcommand(CLI::App& app, LintCommandOptions& options) {
  CLI::App* lint = app.add_subcommand(
      "lint", "Find the failover traps of real keepalived.conf files, statically (no lab)");
  lint->add_option("configs", options.inputs,
                   "One keepalived.conf per node (the node is named after the file), folders of "
                   "*.conf, or FILE@ID for one file used by several nodes (keepalived -i ID)")
      ->required();
  lint->add_option("--files", options.files_dir,
                   "Folder with the nodes' scripts laid out as on the node "
                   "(DIR/etc/keepalived/check.sh for /etc/keepalived/check.sh)");
  lint->add_option("--slo", options.slo,
                   "Targets: failover=MS,outage=MS,failback=yes|no|any "
                   "(default failover=10000,outage=12000,failback=any)");
  lint->add_option("--json", options.json_out,
                   "Write findings and predictions as JSON ('-': "
                   "stdout)");
  lint->add_flag("-v,--verbose", options.verbose, "Show the oracle's reasoning for each fault");
  lint->add_flag("--no-config-test", options.no_config_test,
                 "Do not run keepalived --config-test on each file (it runs only as root)");
  lint->footer(
      "Example:\n  viplab lint cases/certify/issue-2599/*.conf\n"
      "Exit codes: 0 no warning or error, 1 warnings or errors, 2 bad input (a syntax error, "
      "an include that is missing or loops, a file keepalived cannot load, files that form no "
      "VRRP group).");
  return lint;
}

int LintCommand(const LintCommandOptions& options) {
  const kconf::ConfigSet set = kconf::LoadConfigSet(options.inputs);
  lint::LintOptions lint_options;
  if (!options.files_dir.empty()) lint_options.files_dir = options.files_dir;
  if (!options.slo.empty()) lint_options.slo = lint::ParseSlo(options.slo);
  kconf::MappingOptions mapping_options;
  mapping_options.files_dir = lint_options.files_dir;
  const kconf::Mapping mapping = kconf::MapConfigSet(set, mapping_options);
  std::vector<lint::Finding> findings = lint::Lint(set, lint_options);
  const bool config_test = !options.no_config_test && HasLabCapabilities();
  if (config_test) AddConfigTestFindings(set, mapping, findings);
  const std::vector<lint::Outlook> outlook =
      lint::PredictCatalog(mapping.scenario, mapping.not_predicted);

  if (options.json_out != "-") {
    std::cout << fmt::format("lint: {} node(s): {}\n", set.nodes.size(), NodeList(set));
    if (!config_test) {
      std::cout << "keepalived --config-test: not run ("
                << (options.no_config_test ? "--no-config-test" : "needs root") << ")\n";
    }
    for (const lint::Finding& f : findings) std::cout << lint::DescribeFinding(f);
    std::cout << "predicted by the oracle (keepalived 2.2.7), per instance and fault on its "
                 "master:\n"
              << lint::DescribeOutlook(outlook, options.verbose);
  }
  const nlohmann::json json = lint::LintToJson(set, findings, outlook);
  if (!options.json_out.empty()) WriteJson(options.json_out, json);
  const nlohmann::json& summary = json["summary"];
  if (options.json_out != "-") {
    std::cout << fmt::format("{} error(s), {} warning(s), {} info\n", summary["errors"].get<int>(),
                             summary["warnings"].get<int>(), summary["info"].get<int>());
  }
  return lint::LintExitCode(findings);
}

}  // namespace viplab
