#include "harness/cli/certify_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/kconf/mapping.h"
#include "harness/lint/lint.h"
#include "harness/lint/lint_json.h"
#include "harness/lint/outlook.h"
#include "netns/error.h"

namespace viplab {
namespace {

kconf::MappingOptions MappingOptionsOf(const CertifyCommandOptions& options) {
  kconf::MappingOptions m;
  if (!options.files_dir.empty()) m.files_dir = options.files_dir;
  if (!options.subnet.empty()) {
    try {
      m.subnet = Ipv4Prefix::Parse(options.subnet);
    } catch (const InputError& e) {
      throw InputError(fmt::format("certify: --subnet {}: {}", options.subnet, e.what()));
    }
  }
  for (const std::string& s : options.services) m.services.push_back(kconf::ParseServiceOption(s));
  return m;
}

// The plan: every catalog fault of every instance, K runs each.
std::string DescribePlan(const std::vector<lint::Outlook>& outlook, int runs) {
  std::string text = fmt::format(
      "plan: {} fault(s) x {} run(s) = {} lab run(s), each cleared with fail-back "
      "observed\n",
      outlook.size(), runs, outlook.size() * static_cast<size_t>(runs));
  text += lint::DescribeOutlook(outlook, false);
  return text;
}

}  // namespace

CLI::App* AddCertifySubcommand(CLI::App& app, CertifyCommandOptions& options) {
  CLI::App* c = app.add_subcommand(
      "certify", "Run real keepalived.conf files through the fault catalog in a lab");
  c->add_option("configs", options.inputs,
                "One keepalived.conf per node, folders of *.conf, or FILE@ID");
  c->add_option("--files", options.files_dir,
                "Folder with the nodes' scripts, laid out as on "
                "the node");
  c->add_option("--slo", options.slo, "Targets: failover=MS,outage=MS,failback=yes|no|any");
  c->add_option("--runs", options.runs, "Runs per fault (default 3)")->check(CLI::Range(1, 1000));
  c->add_option("-j,--jobs", options.jobs, "Labs at once (default 1)")->check(CLI::Range(1, 64));
  c->add_option("--service", options.services,
                "A service the checks use: NAME=tcp:PORT[/https] (repeatable)");
  c->add_option("--subnet", options.subnet,
                "Segment for addresses the configs leave open (e.g. 10.77.0.0/24)");
  c->add_flag("--dry-run", options.dry_run,
              "Read, lint and map the set; print the mapping and the plan; build no lab");
  c->add_option("--json", options.json_out, "Write the certificate (JSON) here");
  c->add_option("--html", options.html_out, "Write the certificate as HTML here");
  c->add_option("--junit", options.junit_out, "Write the certificate as JUnit XML here");
  c->add_option("--replay", options.replay, "Rerun the certificate CERT.json and say what changed");
  c->footer(
      "Example:\n  viplab certify cases/certify/issue-2599/*.conf --dry-run\n"
      "Exit codes: 0 CERTIFIED (or a dry run), 1 NOT CERTIFIED, 2 bad input or environment.");
  return c;
}

int CertifyCommand(const CertifyCommandOptions& options) {
  if (options.inputs.empty() && options.replay.empty()) {
    throw InputError("certify: give the configuration files (NODE.conf... or a folder)");
  }
  if (!options.dry_run) {
    throw EnvironmentError(
        "certify: running the fault catalog in a lab is not implemented in this build yet; "
        "--dry-run prints the mapping and the plan");
  }
  const kconf::ConfigSet set = kconf::LoadConfigSet(options.inputs);
  lint::LintOptions lint_options;
  lint_options.files_dir = MappingOptionsOf(options).files_dir;
  if (!options.slo.empty()) lint_options.slo = lint::ParseSlo(options.slo);
  const kconf::Mapping mapping = kconf::MapConfigSet(set, MappingOptionsOf(options));
  const std::vector<lint::Finding> findings = lint::Lint(set, lint_options);
  std::cout << kconf::DescribeMapping(mapping, set);
  int problems = 0;
  for (const lint::Finding& f : findings) {
    if (f.severity != lint::Severity::kInfo) ++problems;
  }
  std::cout << fmt::format(
      "lint: {} finding(s), {} warning(s) or error(s) (viplab lint shows "
      "them)\n",
      findings.size(), problems);
  std::cout << DescribePlan(lint::PredictCatalog(mapping.scenario, mapping.not_predicted),
                            options.runs);
  std::cout << fmt::format("SLO: {}\n", lint::ToString(lint_options.slo));
  return 0;
}

}  // namespace viplab
