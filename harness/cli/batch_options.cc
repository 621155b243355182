#include "harness/cli/batch_options.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <map>

namespace viplab {
namespace {

void AddServiceOption(CLI::App& command, ServiceKind& service) {
  command
      .add_option("--service", service,
                  "What each node's keepalived protects: the built-in haproxy stand-in, or "
                  "Debian's real haproxy (master-worker, answering with the node name)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ServiceKind>{{"standin", ServiceKind::kStandin},
                                             {"haproxy", ServiceKind::kHaproxy}},
          CLI::ignore_case))
      ->default_str("standin");
}

void AddPcapOption(CLI::App& command, std::string& pcap_dir) {
  command.add_option("--pcap", pcap_dir,
                     "Keep each scenario's wire capture (the lab switch: VRRP, ARP, client "
                     "TCP) as DIR/<name>.pcap; without it only failed scenarios' captures "
                     "are kept, under --logs");
}

// --strict and --split-brain-tolerance MS.
void AddVerdictOptions(CLI::App& command, BatchOptions& options) {
  command.add_flag("--strict", options.strict,
                   "Fail (exit 1) when a scenario is inconclusive: its checks held but none judged "
                   "what it claims (no checks, or only owner_before)");
  command
      .add_option("--split-brain-tolerance", options.split_brain_tolerance_ms,
                  "Two or more VIP owners for longer than this (ms) is split brain; shorter "
                  "overlaps are handovers. A scenario's split_brain_tolerance_ms takes precedence")
      ->check(CLI::Range(0.0, 60000.0))
      ->default_str(fmt::format("{:g}", kDefaultSplitBrainToleranceMs));
}

}  // namespace

void AddBatchOptions(CLI::App& command, BatchOptions& options) {
  command.add_option("--json", options.json_out, "Write the JSON report here");
  command.add_option("--junit", options.junit_out,
                     "Write JUnit XML here (rendered from the JSON report)");
  command.add_option("--logs", options.logs_dir,
                     "Keep each scenario's keepalived configs and logs here");
  command.add_flag("-v,--verbose", options.verbose, "Print each step of each scenario on stderr");
  command.add_flag("-q,--quiet", options.quiet, "Print only failed scenarios and the totals");
  command.add_option("-j,--jobs", options.jobs, "Scenarios run at once, each in its own lab")
      ->check(CLI::Range(1, 64));
  AddServiceOption(command, options.service);
  AddPcapOption(command, options.pcap_dir);
  AddVerdictOptions(command, options);
}

}  // namespace viplab
