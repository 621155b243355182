// What the oracle predicts for a configuration set, fault by fault: the faults `certify` injects
// on the master of every instance, each with the oracle's outcome in the words of `explain`.
// `lint` prints it; `certify` puts it beside what the lab measured.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/model/scenario.h"

namespace viplab::lint {

// One fault of certify's catalog on one instance. `fault` is what the lab injects (its node is
// a real node name, never "master"); `model` false for faults viplab's model has no kind for
// (reload, flapping): those are certified in the lab but not predicted.
struct CatalogFault {
  std::string instance;
  std::string name;   // "check-fails", "keepalived-stop", "link-down:eth1", "backup-restart", ...
  std::string words;  // "haproxy killed on lb1 (its check fails)"
  std::optional<FaultSpec> fault;  // unset when the model has no kind for it
  bool must_resolve = true;  // false: VRRP cannot resolve it while it lasts (crash, partition,
                             // VRRP loss): split brain expected, healed after the clear
};

// The catalog for `scenario` (a mapped deployment): per instance, on its predicted initial
// master: check failing (when the instance has a check), keepalived graceful stop, reload
// (SIGHUP), crash, node power-off, node freeze, link down on each VRRP and tracked interface,
// service flapping, a restart of the backup, one-way partition, 100 % VRRP loss on the master's
// egress. An instance whose master cannot be predicted gets no entries (`not_predicted` says why).
std::vector<CatalogFault> CertifyCatalog(const Scenario& scenario);

// The oracle's prediction for one catalog fault of one instance, as text lines.
struct Outlook {
  CatalogFault fault;
  bool predicted = false;
  std::string summary;             // "VIP 10.77.0.200 stays on lb1 (never moves)"
  std::vector<std::string> lines;  // the reasoning, explain's sentences
};

// Predicts every catalog fault; `not_predicted` (mapping.h) lists instances the model cannot
// hold: their faults are listed as not predicted with that reason.
std::vector<Outlook> PredictCatalog(const Scenario& scenario,
                                    const std::vector<std::string>& not_predicted);

// The `lint` text: per instance, one line per fault (+ indented reasoning when `verbose`).
std::string DescribeOutlook(const std::vector<Outlook>& outlook, bool verbose);

}  // namespace viplab::lint
