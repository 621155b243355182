// Internal to harness/lint: the rule groups Lint() runs and the views of a configuration set they
// share (an instance across the nodes, what an instance tracks, the files of a script).
//
// The codes (stable; never renumber, add at the end):
//   KA001 weight-with-nopreempt   error    a weighted check whose failure would let a backup
//                                          outrank the master, but every such backup has nopreempt
//   KA002 weight-below-gap        error    a weighted check whose failure leaves the master at or
//                                          above the best backup
//   KA003 master-clears-preempt   warning  state MASTER with nopreempt / preempt_delay
//   KA004 detection-above-slo     warning  fall x interval + timeout + takeover > SLO failover
//   KA005 nodes-disagree          error    VRID, advert_int, version, wire auth, VIP set
//   KA006 duplicate-vrid          error    one VRID, interface, family under two instance names
//   KA007 unicast-peers-mismatch  error    peers != the other nodes' unicast_src_ip
//   KA008 equal-priorities        warning  two nodes of an instance with one base priority
//   KA009 bash-in-sh              warning  bash-only syntax where /bin/sh runs the command
//   KA010 notify-stops-service    warning  a notify script stopping the tracked service (#2485)
//   KA011 script-missing          warning  program missing from --files and host, or not +x
//   KA012 unknown-keyword         info     KeepalivedConfig::unknown
//   KA013 not-modelled            info     KeepalivedConfig::unmodelled
//   KA014 not-exercised           info     KeepalivedConfig::not_exercised
//   KA015 auth-pass-truncated     info     auth_pass over 8 characters (when not cut already)
//   KA016 auth-ignored            info     authentication with VRRPv3 or strict mode
//   KA017 unused-script           info     a vrrp_script nothing tracks (its weight, if any)
//   KA018 sync-group-drops-weight warning  an instance's weighted track_script in a sync group
//                                          without sync_group_tracking_weight
//   KA019 track-undefined         warning  a track_* entry naming nothing
//   KA020 keepalived-corrects     info     KeepalivedConfig::warnings (the reader's)
//   KA021 shell-syntax-without-shell warning  |, &&, >, $(...) in a line keepalived execs
//                                          directly (no shell: they are literal arguments)
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/kconf/config_set.h"
#include "harness/lint/lint.h"

namespace viplab::lint::internal {

// One vrrp_instance on one node.
struct Member {
  const kconf::ConfigNode* node = nullptr;
  const kconf::VrrpInstance* instance = nullptr;
};

// An instance across the nodes of the set: the instances of one name, in node order.
struct InstanceGroup {
  std::string name;
  std::vector<Member> members;
};
std::vector<InstanceGroup> GroupInstances(const kconf::ConfigSet& set);

// One object an instance tracks (own or through its sync group), as keepalived 2.2.7 applies it.
struct Tracked {
  enum class Kind { kScript, kProcess, kInterface };
  Kind kind = Kind::kScript;
  std::string name;
  int weight = 0;  // the reference's override, else the object's own; 0 = FAULT on failure
  bool reverse = false;
  bool from_sync_group = false;
  const kconf::VrrpScript* script = nullptr;     // kScript, when defined
  const kconf::TrackProcess* process = nullptr;  // kProcess, when defined
  kconf::SourceLocation where;
};
// What `instance` tracks: its own lists as the reader leaves them (the weighted entries keepalived
// ignores for a sync group member without `sync_group_tracking_weight` or an address owner are
// already gone or zeroed: vrrp.c vrrp_complete_instance), then its sync group's (weight 0 for an
// address owner: vrrp.c sync_group_tracking_init).
std::vector<Tracked> TrackedBy(const kconf::KeepalivedConfig& config,
                               const kconf::VrrpInstance& instance);
// The instance's own weighted track_script entries keepalived drops because of its sync group.
// A config read from a file has them in VrrpInstance::ignored_track_scripts (the reader removed
// them from track_scripts, as keepalived does); a set built in code may still list them.
std::vector<Tracked> DroppedBySyncGroup(const kconf::KeepalivedConfig& config,
                                        const kconf::VrrpInstance& instance);

// keepalived's effective priority with every tracked object healthy: base + positive weights,
// clamped to 1..254; 255 (address owner) never changes (vrrp_track.c vrrp_set_effective_priority).
int HealthyPriority(const std::vector<Tracked>& tracked, int base);
// The same with `failing` failed: its positive weight is not added, a negative one is.
int FailedPriority(const std::vector<Tracked>& tracked, int base, const Tracked& failing);
// nopreempt as keepalived runs it: cleared with priority 255 and with `state MASTER`.
bool EffectiveNopreempt(const kconf::VrrpInstance& instance);
// A command line keepalived runs (a vrrp_script `script` or a notify script) and where it is.
struct Command {
  std::string what;  // "vrrp_script chk_haproxy", "vrrp_instance VI_1 notify_backup"
  std::string line;
  std::string instance;  // the instance it belongs to, when one
  kconf::SourceLocation where;
  bool notify = false;
};
std::vector<Command> CommandsOf(const kconf::KeepalivedConfig& config);
// The command line split into words as keepalived splits it (white space, '…' and "…" quoting).
// Not kconf::SplitQuotedEscaped: that one also decodes backslash escapes and throws on an
// unterminated quote, which would change what the rules report for such lines (and the shebang
// line of a script file, split here too, is the kernel's, not keepalived's).
std::vector<std::string> SplitWords(std::string_view line);
// The body of an absolute `path` laid out under --files DIR, when there; nullopt otherwise.
std::optional<std::string> ReadFromFiles(const LintOptions& options, const std::string& path);

// The finding every rule starts from.
Finding MakeFinding(const char* code, const char* rule, Severity severity);
// The same on `node` at `where`.
Finding NodeFinding(const char* code, const char* rule, Severity severity,
                    const kconf::ConfigNode& node, const kconf::SourceLocation& where);
// The same for a command of `node`: its instance and location.
Finding CommandFinding(const char* code, const char* rule, Severity severity,
                       const kconf::ConfigNode& node, const Command& command);

// The rule groups (rules_*.cc); each appends its findings.
void WeightRules(const kconf::ConfigSet& set, const LintOptions& options,
                 std::vector<Finding>& out);
void ConsistencyRules(const kconf::ConfigSet& set, std::vector<Finding>& out);
void ScriptRules(const kconf::ConfigSet& set, const LintOptions& options,
                 std::vector<Finding>& out);
// KA011 (rules_files.cc), run by ScriptRules per node.
void ScriptPresence(const kconf::ConfigNode& node, const LintOptions& options,
                    std::vector<Finding>& out);
// KA021 (rules_files.cc), run by ScriptRules per node.
void ShellSyntaxWithoutShell(const kconf::ConfigNode& node, std::vector<Finding>& out);
void HygieneRules(const kconf::ConfigSet& set, std::vector<Finding>& out);

}  // namespace viplab::lint::internal
