// `viplab certify NODE.conf... [--files DIR] [--slo ...] [--runs K] [--jobs N]
// [--service NAME=tcp:PORT[/https]]... [--subnet CIDR] [--dry-run] [--json OUT] [--html OUT]
// [--junit OUT]`: a keepalived configuration set through the fault catalog in a lab.
// `--dry-run` reads, lints and maps the set and prints the mapping and the plan (no root, no lab).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace viplab {

// What `viplab certify` was asked to do.
struct CertifyCommandOptions {
  std::vector<std::string> inputs;    // NODE.conf, folders, FILE@ID
  std::string files_dir;              // --files
  std::string slo;                    // --slo
  int runs = 3;                       // --runs K
  int jobs = 1;                       // --jobs N
  std::vector<std::string> services;  // --service NAME=tcp:PORT[/https]
  std::string subnet;                 // --subnet CIDR
  bool dry_run = false;               // --dry-run
  std::string json_out, html_out, junit_out;
  std::string replay;  // --replay CERT.json
};

// Registers `certify` and its arguments on `app`, parsing into `options`.
CLI::App* AddCertifySubcommand(CLI::App& app, CertifyCommandOptions& options);

// --dry-run: prints the mapping, lint's findings and the plan; returns 0 (bad input throws
// InputError). Without --dry-run the lab certification runs.
int CertifyCommand(const CertifyCommandOptions& options);

}  // namespace viplab
